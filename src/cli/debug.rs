//! `--debug` and `EKSFORM_DEBUG=1`: installs a `tracing` subscriber that prints eksform's own
//! DEBUG events to stderr, one line each: every AWS call (`aws::debug`) and each executor step
//! (`apply::executor`). Events of other crates (the AWS SDK's, hyper's) are left out. Without
//! it no subscriber is installed, so nothing is printed and every output stays as it was.

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The environment variable that turns debug output on like `--debug`.
pub const ENV: &str = "EKSFORM_DEBUG";

/// Whether debug output is on: the flag, or `EKSFORM_DEBUG` set to `1` or `true`.
pub fn wanted(flag: bool, env: Option<&str>) -> bool {
    flag || env.is_some_and(|v| matches!(v.trim(), "1" | "true"))
}

/// Installs the stderr subscriber when `on`; does nothing otherwise (or when one is already
/// installed, as in tests running several commands in one process).
pub fn init(on: bool) {
    if !on {
        return;
    }
    let only_ours = Targets::new().with_target("eksform", LevelFilter::DEBUG);
    let lines = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false);
    let _ = tracing_subscriber::registry()
        .with(lines)
        .with(only_ours)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_or_the_variable_turns_it_on() {
        assert!(wanted(true, None));
        assert!(wanted(false, Some("1")));
        assert!(wanted(false, Some("true")));
        assert!(!wanted(false, Some("0")));
        assert!(!wanted(false, Some("")));
        assert!(!wanted(false, None));
    }
}
