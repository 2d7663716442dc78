//! The `eksform` binary: parses arguments, runs the command, maps the result to an exit code.

use clap::Parser;

#[tokio::main]
async fn main() {
    let cli = match eksform::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => std::process::exit(eksform::cli::usage_error(&e)),
    };
    let code = eksform::cli::run(cli).await;
    std::process::exit(code);
}
