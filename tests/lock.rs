//! The cluster lock against moto's DynamoDB: the AWS calls (`aws::lock`), the policy around
//! them (`apply::lock`: waiting, renewal, takeover of an expired lease or of a dead run on this
//! host) and the CLI wiring (apply/destroy refuse or wait while another run holds the lock,
//! take over a killed run's; `force-unlock`).

mod common;

use common::Moto;
use common::run::{expect_exit, output_text, path_str};
use eksform::apply::lock::{self, LockError, Policy, Warn};
use eksform::aws::lock::{Acquire, Holder, LockStore, TABLE};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KEY: &str = "us-east-1/review-apps";

async fn store(moto: &Moto) -> Arc<LockStore> {
    Arc::new(LockStore::new(&moto.sdk_config("us-east-1").await))
}

fn holder(who: &str, since: u64, lease: u64) -> Holder {
    Holder {
        who: who.to_string(),
        pid: 4242,
        since,
        lease_until: since + lease,
        token: format!("{who}-token"),
        machine: String::new(),
    }
}

fn quiet() -> Warn {
    Arc::new(|_| {})
}

fn spec() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/specs/review-apps.yaml").to_string()
}

#[tokio::test]
async fn the_table_is_created_on_first_use_and_reused() {
    let moto = Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    let ddb = aws_sdk_dynamodb::Client::new(&conf);
    let before = ddb.list_tables().send().await.unwrap();
    assert!(before.table_names().is_empty());
    let store = store(&moto).await;
    store.ensure_table().await.unwrap();
    store.ensure_table().await.unwrap();
    let after = ddb.list_tables().send().await.unwrap();
    assert_eq!(after.table_names(), [TABLE.to_string()]);
}

#[tokio::test]
async fn a_held_lock_names_its_holder_and_an_expired_one_is_taken_over() {
    let moto = Moto::start();
    let store = store(&moto).await;
    store.ensure_table().await.unwrap();
    let now = lock::now_secs();
    let alice = holder("alice@laptop", now, 60);
    assert_eq!(
        store.acquire(KEY, &alice, now).await.unwrap(),
        Acquire::Taken
    );
    let bob = holder("bob@ci", now, 60);
    assert_eq!(
        store.acquire(KEY, &bob, now).await.unwrap(),
        Acquire::HeldBy(alice.clone())
    );
    // Once alice's lease has run out (her run died), bob takes the lock over.
    let later = now + 61;
    assert_eq!(
        store.acquire(KEY, &bob, later).await.unwrap(),
        Acquire::Taken
    );
    assert_eq!(store.read(KEY).await.unwrap(), Some(bob));
}

#[tokio::test]
async fn renew_and_release_only_work_for_the_holder() {
    let moto = Moto::start();
    let store = store(&moto).await;
    store.ensure_table().await.unwrap();
    let now = lock::now_secs();
    let alice = holder("alice@laptop", now, 60);
    store.acquire(KEY, &alice, now).await.unwrap();

    assert!(!store.renew(KEY, "not-alice", now + 999).await.unwrap());
    assert!(store.renew(KEY, &alice.token, now + 120).await.unwrap());
    assert_eq!(
        store.read(KEY).await.unwrap().unwrap().lease_until,
        now + 120
    );

    assert!(!store.release(KEY, "not-alice").await.unwrap());
    assert!(store.read(KEY).await.unwrap().is_some());
    assert!(store.release(KEY, &alice.token).await.unwrap());
    assert_eq!(store.read(KEY).await.unwrap(), None);
    // Released: anyone may take it now.
    let bob = holder("bob@ci", now, 60);
    assert_eq!(store.acquire(KEY, &bob, now).await.unwrap(), Acquire::Taken);
    store.force(KEY).await.unwrap();
    assert_eq!(store.read(KEY).await.unwrap(), None);
}

fn short(wait: Duration) -> Policy {
    Policy {
        lease: Duration::from_secs(2),
        renew_every: Duration::from_millis(300),
        wait,
        poll: Duration::from_millis(200),
    }
}

async fn take(store: &Arc<LockStore>, policy: &Policy) -> Result<lock::Lock, LockError> {
    lock::acquire(
        store.clone(),
        "us-east-1",
        "review-apps",
        "cluster.yaml",
        policy,
        |_| {},
        quiet(),
    )
    .await
}

#[tokio::test]
async fn a_second_run_fails_naming_the_holder_until_the_first_releases() {
    let moto = Moto::start();
    let store = store(&moto).await;
    let first = take(&store, &short(Duration::ZERO)).await.unwrap();
    let err = take(&store, &short(Duration::ZERO)).await.err().unwrap();
    let text = err.to_string();
    assert!(matches!(&err, LockError::Held { holder, .. } if holder == first.holder()));
    assert!(
        text.contains(&format!(
            "cluster \"review-apps\" is locked by {}",
            first.holder().who
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("(pid {})", std::process::id())),
        "{text}"
    );
    assert!(
        text.contains("eksform force-unlock -f cluster.yaml"),
        "{text}"
    );
    assert!(first.release().await.unwrap());
    let second = take(&store, &short(Duration::ZERO)).await.unwrap();
    assert!(second.release().await.unwrap());
}

#[tokio::test]
async fn renewal_keeps_the_lease_past_its_length_and_a_dropped_lock_lapses() {
    let moto = Moto::start();
    let store = store(&moto).await;
    let first = take(&store, &short(Duration::ZERO)).await.unwrap();
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert!(take(&store, &short(Duration::ZERO)).await.is_err());
    assert!(!first.lost());
    // A run that dies stops renewing: its lease lapses and the next run takes over.
    drop(first);
    let second = take(&store, &short(Duration::from_secs(10))).await.unwrap();
    assert!(second.release().await.unwrap());
}

#[tokio::test]
async fn waiting_with_a_timeout_gets_the_lock_once_it_is_released() {
    let moto = Moto::start();
    let store = store(&moto).await;
    let first = take(&store, &short(Duration::ZERO)).await.unwrap();
    let releaser = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(800)).await;
        first.release().await.unwrap()
    });
    let started = Instant::now();
    let waited = Arc::new(Mutex::new(Vec::new()));
    let seen = waited.clone();
    let second = lock::acquire(
        store.clone(),
        "us-east-1",
        "review-apps",
        "cluster.yaml",
        &short(Duration::from_secs(30)),
        move |h| seen.lock().unwrap().push(h.who.clone()),
        quiet(),
    )
    .await
    .unwrap();
    assert!(releaser.await.unwrap());
    assert!(started.elapsed() >= Duration::from_millis(700));
    assert_eq!(waited.lock().unwrap().len(), 1, "told once that it waits");
    second.release().await.unwrap();
}

#[tokio::test]
async fn a_run_whose_lock_was_forced_away_notices_it() {
    let moto = Moto::start();
    let store = store(&moto).await;
    let warnings = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = warnings.clone();
    let warn: Warn = Arc::new(move |m| sink.lock().unwrap().push(m));
    let held = lock::acquire(
        store.clone(),
        "us-east-1",
        "review-apps",
        "cluster.yaml",
        &short(Duration::ZERO),
        |_| {},
        warn,
    )
    .await
    .unwrap();
    store.force(KEY).await.unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(held.lost());
    assert!(warnings.lock().unwrap()[0].contains("no longer held"));
    assert!(!held.release().await.unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_that_cannot_renew_before_its_lease_ends_counts_the_lock_as_lost() {
    let moto = Moto::start();
    let store = store(&moto).await;
    let warnings = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = warnings.clone();
    let warn: Warn = Arc::new(move |m| sink.lock().unwrap().push(m));
    let held = lock::acquire(
        store,
        "us-east-1",
        "review-apps",
        "cluster.yaml",
        &short(Duration::ZERO),
        |_| {},
        warn,
    )
    .await
    .unwrap();
    // The endpoint goes away: renewals fail, and after the 2 s lease another run could take it.
    drop(moto);
    let start = Instant::now();
    while !held.lost() && start.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(held.lost(), "still held after {:?}", start.elapsed());
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "not before the lease ran out"
    );
    let warnings = warnings.lock().unwrap();
    assert!(
        warnings.iter().any(|w| w.contains("lease ran out")),
        "{warnings:#?}"
    );
}

#[tokio::test]
async fn apply_and_destroy_refuse_a_locked_cluster_and_force_unlock_frees_it() {
    let moto = Moto::start();
    let store = store(&moto).await;
    store.ensure_table().await.unwrap();
    let now = lock::now_secs();
    let alice = holder("alice@laptop", now, 600);
    store.acquire(KEY, &alice, now).await.unwrap();
    let spec = spec();
    for args in [
        vec!["apply", "-f", &spec, "--auto-approve"],
        vec!["destroy", "-f", &spec, "--auto-approve"],
    ] {
        let out = expect_exit(&moto, &args, 1);
        let text = output_text(&out);
        assert!(
            text.contains("cluster \"review-apps\" is locked by alice@laptop (pid 4242) since"),
            "{text}"
        );
        assert!(text.contains("force-unlock -f"), "{text}");
    }
    // Planning reads only: it does not lock, so it works while another run applies.
    expect_exit(&moto, &["plan", "-f", &spec], 0);
    let out = expect_exit(&moto, &["force-unlock", "-f", &spec], 0);
    let text = output_text(&out);
    assert!(text.contains("held by alice@laptop (pid 4242)"), "{text}");
    assert_eq!(store.read(KEY).await.unwrap(), None);
    let out = expect_exit(&moto, &["force-unlock", "-f", &spec], 0);
    assert!(output_text(&out).contains("is not locked"));
}

#[tokio::test]
async fn a_waiting_run_proceeds_when_the_holder_finishes() {
    let moto = Moto::start();
    let store = store(&moto).await;
    let first = take(&store, &short(Duration::ZERO)).await.unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_eksform"));
    let spec = spec();
    cmd.args(["destroy", "-f", path_str(spec.as_ref()), "--auto-approve"])
        .args(["--lock-timeout", "60s"])
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in moto.env() {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "destroy waits for the lock"
    );
    assert!(first.release().await.unwrap());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("waiting up to 60s"), "{text}");
    assert_eq!(store.read(KEY).await.unwrap(), None, "released at the end");
}

/// The pid of a process that has just exited (and was reaped).
fn gone_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

/// A record as a run of this user on this machine writes it, for a process that is gone.
fn dead_holder_here(lease: u64) -> Holder {
    let mut h = lock::new_holder(Duration::from_secs(lease));
    h.pid = gone_pid();
    h.token = format!("{}-dead", h.token);
    h
}

fn recording() -> (Warn, Arc<Mutex<Vec<String>>>) {
    let warnings = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = warnings.clone();
    (Arc::new(move |m| sink.lock().unwrap().push(m)), warnings)
}

#[tokio::test]
async fn the_lock_of_a_dead_run_on_this_host_is_taken_over_at_once_saying_so() {
    let moto = Moto::start();
    let store = store(&moto).await;
    store.ensure_table().await.unwrap();
    let dead = dead_holder_here(600);
    store.acquire(KEY, &dead, dead.since).await.unwrap();
    let (warn, warnings) = recording();
    let policy = short(Duration::ZERO);
    let held = lock::acquire(
        store.clone(),
        "us-east-1",
        "review-apps",
        "c.yaml",
        &policy,
        |_| {},
        warn,
    )
    .await
    .expect("a dead run's lease does not block this host");
    assert_eq!(store.read(KEY).await.unwrap().as_ref(), Some(held.holder()));
    let warnings = warnings.lock().unwrap().clone();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains(&format!(
            "took over the lock held by {} (pid {})",
            dead.who, dead.pid
        )),
        "{warnings:?}"
    );
    assert!(held.release().await.unwrap());
}

#[tokio::test]
async fn a_dead_looking_holder_on_another_host_keeps_its_lease() {
    let moto = Moto::start();
    let store = store(&moto).await;
    store.ensure_table().await.unwrap();
    let mut other = dead_holder_here(600);
    other.who = "ci@another-runner".to_string();
    store.acquire(KEY, &other, other.since).await.unwrap();
    let err = take(&store, &short(Duration::ZERO)).await.err().unwrap();
    assert!(
        matches!(&err, LockError::Held { holder, .. } if *holder == other),
        "{err}"
    );
    assert!(err.to_string().contains("force-unlock"), "{err}");
    assert_eq!(store.read(KEY).await.unwrap(), Some(other));
}

#[tokio::test(flavor = "multi_thread")]
async fn of_two_runs_racing_for_a_dead_lock_exactly_one_takes_it() {
    let moto = Moto::start();
    let store = store(&moto).await;
    store.ensure_table().await.unwrap();
    for _ in 0..5 {
        let dead = dead_holder_here(600);
        store.force(KEY).await.unwrap();
        store.acquire(KEY, &dead, dead.since).await.unwrap();
        let policy = short(Duration::ZERO);
        let (a, b) = tokio::join!(take(&store, &policy), take(&store, &policy));
        let (winner, loser) = match (a, b) {
            (Ok(w), Err(l)) | (Err(l), Ok(w)) => (w, l),
            (Ok(_), Ok(_)) => panic!("both runs took the lock"),
            (Err(a), Err(b)) => panic!("neither took it: {a} / {b}"),
        };
        // The loser found the winner, a live process (this one), holding it.
        assert!(
            matches!(&loser, LockError::Held { holder, .. } if holder == winner.holder()),
            "{loser}"
        );
        assert_eq!(
            store.read(KEY).await.unwrap().as_ref(),
            Some(winner.holder())
        );
        assert!(winner.release().await.unwrap());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_apply_right_after_one_was_killed_takes_its_lock_over() {
    let moto = Moto::start();
    let store = store(&moto).await;
    let spec = spec();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_eksform"));
    cmd.args(["apply", "-f", &spec, "--auto-approve"])
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in moto.env() {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let killed = child.id();
    // Kill it (SIGKILL: no chance to release) once it holds the lock.
    let start = Instant::now();
    loop {
        let held = store.read(KEY).await.ok().flatten();
        if held.as_ref().is_some_and(|h| h.pid == killed) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the apply never took the lock"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let before = store
        .read(KEY)
        .await
        .unwrap()
        .expect("the killed run's lock is left");
    assert!(
        before.lease_until > lock::now_secs(),
        "its lease still runs"
    );

    let out = expect_exit(&moto, &["apply", "-f", &spec, "--auto-approve"], 0);
    let text = output_text(&out);
    assert!(
        text.contains(&format!(
            "warning: cluster \"review-apps\": took over the lock held by {} (pid {killed})",
            before.who
        )),
        "{text}"
    );
    assert_eq!(store.read(KEY).await.unwrap(), None, "released at the end");
}
