//! The `eksform` binary: parses arguments, runs the command, maps the result to an exit code.

use clap::Parser;

#[tokio::main]
async fn main() {
    let cli = eksform::cli::Cli::parse();
    let code = eksform::cli::run(cli).await;
    std::process::exit(code);
}
