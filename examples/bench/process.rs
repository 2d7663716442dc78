//! Running the real `eksform` binary for the benchmark: each process's stdout lines stamped as
//! they arrive, its wall time, and the kernel's own account of it (peak RSS, user+sys CPU) taken
//! with `wait4` on that one pid, so moto and other children never mix in. It panics, showing
//! the output, when eksform fails; what the numbers mean is for the callers.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// One line of eksform's stdout, stamped with its arrival since the process started.
pub struct Line {
    pub at: Duration,
    pub event: Value,
}

/// What the kernel counted for one process.
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    pub max_rss_kb: u64,
    pub cpu: Duration,
}

impl Usage {
    /// Several processes seen as one fleet run: the largest peak, the summed CPU.
    pub fn combine(all: impl IntoIterator<Item = Usage>) -> Usage {
        all.into_iter().fold(Usage::default(), |a, u| Usage {
            max_rss_kb: a.max_rss_kb.max(u.max_rss_kb),
            cpu: a.cpu + u.cpu,
        })
    }
}

/// What one eksform process did, seen from outside.
pub struct Ran {
    pub wall: Duration,
    pub lines: Vec<Line>,
    pub usage: Usage,
}

pub fn kind(e: &Value) -> &str {
    e["event"].as_str().unwrap_or("")
}

/// Runs `cmd`, calling `on_line` with each stdout line as it arrives; panics with the output
/// unless it exits 0.
// Clippy cannot see that `wait_usage` reaps the child with wait4.
#[allow(clippy::zombie_processes)]
pub fn run(mut cmd: Command, mut on_line: impl FnMut(&Value)) -> Ran {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let shown = format!("{cmd:?}");
    let start = Instant::now();
    let mut child = cmd.spawn().expect("start eksform");
    let mut stderr = child.stderr.take().expect("piped stderr");
    // Drained on its own thread so a chatty stderr cannot stall the process mid-run.
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut lines = Vec::new();
    for line in stdout.lines() {
        let Ok(line) = line else { break };
        let at = start.elapsed();
        let event = serde_json::from_str(&line).unwrap_or(Value::String(line));
        on_line(&event);
        lines.push(Line { at, event });
    }
    let (status, usage) = wait_usage(&child);
    let wall = start.elapsed();
    let errors = errors.join().unwrap_or_default();
    if !status.success() {
        let out: Vec<String> = lines.iter().map(|l| l.event.to_string()).collect();
        panic!(
            "{shown} exited with {status}:\n{}\n{errors}",
            out.join("\n")
        );
    }
    Ran { wall, lines, usage }
}

/// Runs every command at once, each on its own thread; returns the wall time from the first
/// start to the last exit, and each run in order.
pub fn run_all(cmds: Vec<Command>) -> (Duration, Vec<Ran>) {
    let start = Instant::now();
    let runs = std::thread::scope(|s| {
        let handles: Vec<_> = cmds
            .into_iter()
            .map(|c| s.spawn(move || run(c, |_| {})))
            .collect();
        let joined = handles.into_iter().map(|h| h.join());
        joined
            .map(|r| r.unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect::<Vec<Ran>>()
    });
    (start.elapsed(), runs)
}

/// Reaps `child` with `wait4`, which returns that one process's resource usage (std's `wait`
/// does not). `child` must not be waited for again afterwards.
fn wait_usage(child: &Child) -> (ExitStatus, Usage) {
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data, so all-zero is a valid value for wait4 to overwrite.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: both pointers are to live locals; pid is our own unreaped child.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
        if r == pid {
            break;
        }
        let err = std::io::Error::last_os_error();
        assert_eq!(err.kind(), std::io::ErrorKind::Interrupted, "wait4: {err}");
    }
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    let usage = Usage {
        // Linux reports ru_maxrss in kilobytes.
        max_rss_kb: ru.ru_maxrss as u64,
        cpu: tv(ru.ru_utime) + tv(ru.ru_stime),
    };
    (ExitStatus::from_raw(status), usage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_of_a_process_is_its_own() {
        // A shell that burns some CPU in a loop: its CPU time must be counted, not zero.
        let mut cmd = Command::new("sh");
        cmd.args([
            "-c",
            "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; echo done",
        ]);
        let ran = run(cmd, |_| {});
        assert_eq!(ran.lines.len(), 1);
        assert!(ran.usage.cpu > Duration::from_millis(5), "{:?}", ran.usage);
        assert!(ran.usage.max_rss_kb > 100, "{:?}", ran.usage);
    }

    #[test]
    fn a_failing_process_panics_with_its_output() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo oops >&2; exit 3"]);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(cmd, |_| {})));
        let msg = r.err().and_then(|e| e.downcast::<String>().ok()).unwrap();
        assert!(msg.contains("oops") && msg.contains('3'), "{msg}");
    }

    #[test]
    fn combined_usage_keeps_the_largest_peak_and_sums_cpu() {
        let u = |kb, ms| Usage {
            max_rss_kb: kb,
            cpu: Duration::from_millis(ms),
        };
        let c = Usage::combine([u(10, 5), u(30, 7), u(20, 1)]);
        assert_eq!((c.max_rss_kb, c.cpu), (30, Duration::from_millis(13)));
    }
}
