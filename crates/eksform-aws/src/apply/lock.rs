//! The cluster lock's policy: who the holder is, how long a lease lasts, renewing it in the
//! background while apply or destroy runs, taking over the lock of a run that died on this
//! host, and waiting up to `--lock-timeout` for another run to finish. It makes no AWS call of its own (those are `aws::lock`) and prints nothing: it
//! reports through the callbacks and errors it returns.

use crate::aws::AwsError;
use crate::aws::lock::{Acquire, Holder, LockStore};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Lease and renewal timings, and how long to wait for a lock held by another run.
#[derive(Debug, Clone)]
pub struct Policy {
    /// How long a lock lives unless renewed: a killed run blocks others at most this long.
    pub lease: Duration,
    /// A third of the lease, so that two renewals may fail (throttling, a blip) before it lapses.
    pub renew_every: Duration,
    /// `--lock-timeout`: zero fails at once when the lock is held.
    pub wait: Duration,
    /// How often to try again while waiting.
    pub poll: Duration,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            lease: Duration::from_secs(60),
            renew_every: Duration::from_secs(20),
            wait: Duration::ZERO,
            poll: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "cluster \"{cluster}\" is locked by {} (pid {}) since {}, lease until {}{}; wait with --lock-timeout 5m or, if that run is dead, run eksform force-unlock -f {file}",
        holder.who, holder.pid, timestamp(holder.since), timestamp(holder.lease_until),
        waited.map(|w| format!(" (waited {}s)", w.as_secs())).unwrap_or_default()
    )]
    Held {
        cluster: String,
        holder: Holder,
        /// The config file, for the force-unlock hint.
        file: String,
        waited: Option<Duration>,
    },
    #[error("cluster \"{cluster}\": cannot take the lock: {error}")]
    Aws { cluster: String, error: AwsError },
}

/// The item key of a cluster's lock: clusters are unique per account and region.
pub fn key(region: &str, cluster: &str) -> String {
    format!("{region}/{cluster}")
}

/// A held lock, renewed in the background until released or dropped.
pub struct Lock {
    store: Arc<LockStore>,
    key: String,
    holder: Holder,
    lost: Arc<AtomicBool>,
    renewal: tokio::task::JoinHandle<()>,
}

/// Called with a message when renewal fails or the lock was taken away from this run.
pub type Warn = Arc<dyn Fn(String) + Send + Sync>;

/// Takes the lock of `cluster`, creating the table on first use, waiting up to `policy.wait`
/// while another run holds it. `on_wait` is called once, with the holder, when it has to wait;
/// a holder that died on this host is taken over at once, told through `warn`.
pub async fn acquire(
    store: Arc<LockStore>,
    region: &str,
    cluster: &str,
    file: &str,
    policy: &Policy,
    on_wait: impl Fn(&Holder),
    warn: Warn,
) -> Result<Lock, LockError> {
    let aws = |error| LockError::Aws {
        cluster: cluster.to_string(),
        error,
    };
    store.ensure_table().await.map_err(aws)?;
    let key = key(region, cluster);
    let started = Instant::now();
    let mut told = false;
    loop {
        let holder = new_holder(policy.lease);
        let now = holder.since;
        let current = match store.acquire(&key, &holder, now).await.map_err(aws)? {
            Acquire::Taken => return Ok(Lock::start(store, key, holder, policy, warn)),
            Acquire::HeldBy(current) => current,
        };
        // Conditional on the dead run's token: of two runs racing for its lock one wins, and
        // the other's next round finds the winner alive.
        if died_here(&current) {
            if store
                .take_over(&key, &holder, &current.token)
                .await
                .map_err(aws)?
            {
                warn(format!(
                    "cluster \"{cluster}\": took over the lock held by {} (pid {}) since {}: that process no longer runs on this host",
                    current.who,
                    current.pid,
                    timestamp(current.since)
                ));
                return Ok(Lock::start(store, key, holder, policy, warn));
            }
            continue;
        }
        let left = policy.wait.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Err(LockError::Held {
                cluster: cluster.to_string(),
                holder: current,
                file: file.to_string(),
                waited: (!policy.wait.is_zero()).then(|| started.elapsed()),
            });
        }
        if !told {
            on_wait(&current);
            told = true;
        }
        tokio::time::sleep(left.min(policy.poll)).await;
    }
}

/// True when the holder ran as this user on this machine, in this process namespace, and its
/// process is gone: a run killed before it could release. Anything less certain (another
/// host or user, a platform without /proc, a record without `machine`) keeps its lease, since
/// taking a live run's lock would let two runs change the cluster at once.
fn died_here(h: &Holder) -> bool {
    let here = machine();
    !here.is_empty() && h.machine == here && h.who == who() && !process_runs(h.pid)
}

/// This boot of this machine and this process namespace (`<boot id>/<pid namespace>`): a pid
/// names the same process only within both. Empty where /proc does not say.
pub fn machine() -> String {
    let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id");
    let pid_ns = std::fs::read_link("/proc/self/ns/pid");
    match (boot, pid_ns) {
        (Ok(boot), Ok(ns)) => format!("{}/{}", boot.trim(), ns.display()),
        _ => String::new(),
    }
}

/// Whether `pid` is a live process here; a zombie (killed, not yet reaped) is not. Only a
/// process that is certainly gone counts as gone: an unreadable entry counts as running.
fn process_runs(pid: u32) -> bool {
    let stat = match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat,
        Err(e) => return e.kind() != std::io::ErrorKind::NotFound,
    };
    // `pid (comm) state …`: comm may hold spaces and parentheses, the state follows the last ')'.
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next());
    state != Some("Z")
}

impl Lock {
    fn start(
        store: Arc<LockStore>,
        key: String,
        holder: Holder,
        policy: &Policy,
        warn: Warn,
    ) -> Lock {
        let lost = Arc::new(AtomicBool::new(false));
        let renewal = tokio::spawn(renew_loop(
            store.clone(),
            key.clone(),
            holder.token.clone(),
            policy.clone(),
            lost.clone(),
            warn,
        ));
        Lock {
            store,
            key,
            holder,
            lost,
            renewal,
        }
    }

    pub fn holder(&self) -> &Holder {
        &self.holder
    }

    /// True once a renewal found the lock taken over or force-unlocked, or could not renew it
    /// before its lease ran out.
    pub fn lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }

    /// The flag behind `lost`, for a caller that must stop its work when the lock goes.
    pub fn lost_flag(&self) -> Arc<AtomicBool> {
        self.lost.clone()
    }

    /// Stops renewing and deletes the lock if it is still ours; false when it no longer was.
    pub async fn release(self) -> Result<bool, AwsError> {
        self.renewal.abort();
        self.store.release(&self.key, &self.holder.token).await
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // A lock dropped without release (an early error) stops renewing and lapses with its lease.
        self.renewal.abort();
    }
}

async fn renew_loop(
    store: Arc<LockStore>,
    key: String,
    token: String,
    policy: Policy,
    lost: Arc<AtomicBool>,
    warn: Warn,
) {
    let mut valid_until = now_secs() + policy.lease.as_secs();
    loop {
        tokio::time::sleep(policy.renew_every).await;
        let until = now_secs() + policy.lease.as_secs();
        match store.renew(&key, &token, until).await {
            Ok(true) => valid_until = until,
            Ok(false) => {
                lost.store(true, Ordering::SeqCst);
                warn(format!(
                    "lock \"{key}\" is no longer held by this run (force-unlocked or its lease lapsed and another run took it)"
                ));
                return;
            }
            // Past the lease another run may have taken the lock: this one must stop.
            Err(e) if now_secs() >= valid_until => {
                lost.store(true, Ordering::SeqCst);
                warn(format!(
                    "lock \"{key}\": the lease ran out while renewal kept failing: {e}"
                ));
                return;
            }
            Err(e) => warn(format!(
                "lock \"{key}\": cannot renew the lease, will retry: {e}"
            )),
        }
    }
}

/// This process as a lock holder, its lease starting now.
pub fn new_holder(lease: Duration) -> Holder {
    let since = now_secs();
    let who = who();
    let pid = std::process::id();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    Holder {
        token: format!("{who}/{pid}/{nanos}"),
        who,
        pid,
        since,
        lease_until: since + lease.as_secs(),
        machine: machine(),
    }
}

/// `user@host`, as holders name themselves.
fn who() -> String {
    format!("{}@{}", user(), host())
}

pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".to_string())
}

/// Seconds since the epoch as `2026-01-02T03:04:05Z` (UTC, so every reader sees the same text).
pub fn timestamp(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's civil algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(timestamp(1_798_761_599), "2026-12-31T23:59:59Z");
    }

    #[test]
    fn only_a_gone_process_of_this_user_and_machine_counts_as_dead() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let gone = child.id();
        child.wait().unwrap();
        let dead = Holder {
            pid: gone,
            ..new_holder(Duration::from_secs(60))
        };
        assert!(!machine().is_empty(), "this test needs Linux's /proc");
        assert!(died_here(&dead));
        assert!(
            !died_here(&new_holder(Duration::from_secs(60))),
            "this process runs"
        );
        let elsewhere = Holder {
            who: "someone@another-host".into(),
            ..dead.clone()
        };
        assert!(!died_here(&elsewhere));
        let other_boot = Holder {
            machine: "another-boot/pid:[1]".into(),
            ..dead.clone()
        };
        assert!(!died_here(&other_boot));
        let unknown = Holder {
            machine: String::new(),
            ..dead
        };
        assert!(!died_here(&unknown), "an old record keeps its lease");
    }

    #[test]
    fn a_zombie_is_not_running() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        // Not reaped yet: the kernel keeps a zombie entry until wait().
        let deadline = Instant::now() + Duration::from_secs(5);
        while process_runs(pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!process_runs(pid), "a zombie counts as gone");
        assert!(std::path::Path::new(&format!("/proc/{pid}")).exists());
        child.wait().unwrap();
        assert!(process_runs(std::process::id()));
    }

    #[test]
    fn a_new_holder_names_this_process_and_a_unique_token() {
        let a = new_holder(Duration::from_secs(60));
        let b = new_holder(Duration::from_secs(60));
        assert_eq!(a.pid, std::process::id());
        assert!(a.who.contains('@'));
        assert_eq!(a.lease_until, a.since + 60);
        assert_ne!(a.token, b.token);
    }
}
