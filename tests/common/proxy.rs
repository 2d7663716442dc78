//! Test support: a fault-injecting HTTP/1.1 proxy between eksform and a moto server. It owns
//! fault decisions (seeded, so a failing run can be replayed), error bodies shaped the way each
//! AWS protocol shapes them (so the SDK's own retry classifies them), the "kill after N calls"
//! trip wire and the call counters. It must not interpret AWS semantics beyond naming the
//! protocol and operation of a request: moto stays the only source of truth.
//!
//! It can also record answers and replay them (`Tape`): a replayed request is answered from
//! the recording after the injected latency without reaching moto, so a benchmark measures
//! eksform and the latency, not moto's own processing. Recording is off unless asked for.
//!
//! Plain threads, not tokio: tests call it from sync and async code alike, and a blocking
//! thread per connection is ample for one eksform process.

mod aws;
mod tape;
mod wire;

use super::Moto;
pub use aws::is_create;
use aws::{error_body, fault_response, identify};
use std::collections::BTreeMap;
use std::io::{BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
pub use tape::Tape;
use tape::{TapeMode, tape_key};
use wire::{Request, header, hop_header, read_body, read_head, read_request, write_response};

/// What to inject. Percentages are of all requests and are rolled in this order.
#[derive(Debug, Clone, Copy, Default)]
pub struct Faults {
    pub latency_ms: u64,
    pub throttle_pct: u64,
    pub error_pct: u64,
    pub drop_pct: u64,
    pub seed: u64,
    /// Operations (`ec2:CreateVpc`) whose first call reaches moto but whose answer is lost:
    /// the connection closes as if the network failed after AWS acted.
    pub lose_first: &'static [&'static str],
    /// Percent of creates (see `is_create`) that reach moto and whose answer is then lost,
    /// rolled after the faults above for the calls that went through.
    pub lose_pct: u64,
    /// The first answer of every create operation is lost (as `lose_first` naming them all).
    pub lose_each_create_once: bool,
    /// Answers one operation with one AWS error instead of forwarding it, for its first
    /// `times` calls: what AWS answers while it has not caught up (IAM eventual consistency).
    pub refuse: Option<Refusal>,
}

/// `Faults::refuse`: `operation` (`eks:POST /clusters`, `autoscaling:CreateAutoScalingGroup`)
/// is answered with HTTP 400, `code` and `message`, in the operation's protocol.
#[derive(Debug, Clone, Copy)]
pub struct Refusal {
    pub operation: &'static str,
    pub code: &'static str,
    pub message: &'static str,
    pub times: usize,
}

/// Counters read after (or during) a run.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    /// Requests received, faulted or not.
    pub calls: usize,
    /// Requests moto saw.
    pub forwarded: usize,
    pub throttled: usize,
    pub errors: usize,
    pub dropped: usize,
    /// Requests moto answered whose answer was lost (`Faults::lose_first`, `lose_pct`).
    pub lost: usize,
    /// Lost answers by operation.
    pub lost_per_op: BTreeMap<String, usize>,
    /// Requests answered with `Faults::refuse`'s error.
    pub refused: usize,
    /// Requests received per `service:operation`.
    pub per_op: BTreeMap<String, usize>,
    /// The most requests in flight at once.
    pub max_concurrency: usize,
    /// Requests answered from the tape (replay), never seen by moto.
    pub replayed: usize,
    /// Requests the tape had no answer for (replay): forwarded to moto instead, by operation.
    pub misses: BTreeMap<String, usize>,
    /// With `Proxy::in_waves`: the operations of each wave, in order (see there).
    pub waves: Vec<Vec<String>>,
}

impl Counts {
    /// Replay misses over all operations.
    pub fn missed(&self) -> usize {
        self.misses.values().sum()
    }
}

pub struct Proxy {
    pub port: u16,
    state: Arc<State>,
}

struct State {
    upstream: u16,
    faults: Mutex<Faults>,
    rng: Mutex<u64>,
    counts: Mutex<Counts>,
    in_flight: AtomicUsize,
    /// Calls past this many are forwarded but never answered: the client dies not knowing.
    hold_after: Mutex<Option<usize>>,
    tripped: AtomicBool,
    /// The operations whose one lost answer has been spent.
    lost: Mutex<std::collections::BTreeSet<String>>,
    tape: Mutex<Option<(TapeMode, Tape)>>,
    waves: Mutex<Option<Waves>>,
    wave_released: Condvar,
    stop: AtomicBool,
    wake: Condvar,
    wake_lock: Mutex<()>,
}

/// Status ("200 OK"), headers and body of an answer from moto.
type Reply = (String, Vec<(String, String)>, Vec<u8>);

enum Fate {
    Forward,
    Throttle,
    Error,
    Drop,
    Refuse(Refusal),
}

impl Proxy {
    /// Starts a proxy in front of `moto` with `faults`.
    pub fn start(moto: &Moto, faults: Faults) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let state = Arc::new(State {
            upstream: moto.port,
            faults: Mutex::new(faults),
            rng: Mutex::new(faults.seed),
            counts: Mutex::new(Counts::default()),
            in_flight: AtomicUsize::new(0),
            hold_after: Mutex::new(None),
            tripped: AtomicBool::new(false),
            lost: Mutex::new(std::collections::BTreeSet::new()),
            tape: Mutex::new(None),
            waves: Mutex::new(None),
            wave_released: Condvar::new(),
            stop: AtomicBool::new(false),
            wake: Condvar::new(),
            wake_lock: Mutex::new(()),
        });
        let st = state.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if st.stop.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let st = st.clone();
                std::thread::spawn(move || serve(&st, conn));
            }
        });
        Proxy { port, state }
    }

    pub fn set_faults(&self, faults: Faults) {
        *self.state.faults.lock().unwrap() = faults;
    }

    /// After `n` calls have been forwarded, later calls still reach moto but get no answer,
    /// and `tripped()` turns true: the moment for a test to kill the client.
    pub fn kill_after(&self, n: usize) {
        *self.state.hold_after.lock().unwrap() = Some(n);
    }

    /// From now on every forwarded answer is also kept on `tape` (a later identical request
    /// overwrites it: reads are idempotent).
    pub fn record(&self, tape: &Tape) {
        *self.state.tape.lock().unwrap() = Some((TapeMode::Record, tape.clone()));
    }

    /// From now on requests are answered from `tape` after the injected latency; one it lacks
    /// is forwarded to moto and counted in `Counts::misses`. Faults still apply first.
    pub fn replay(&self, tape: &Tape) {
        *self.state.tape.lock().unwrap() = Some((TapeMode::Replay, tape.clone()));
    }

    /// From now on requests are held back and let through in waves: a wave gathers every
    /// request that arrives until none has arrived for `quiet`, then all of them go on at once.
    /// A client that sends everything it can at once has as many waves as calls it had to make
    /// one after another (its round-trip depth), whatever the latency and however long each
    /// answer takes; `Counts::waves` lists them. `quiet` only has to exceed the client's own
    /// time between two calls it sends together.
    pub fn in_waves(&self, quiet: Duration) {
        *self.state.waves.lock().unwrap() = Some(Waves {
            quiet,
            released: 0,
            last_arrival: Instant::now(),
            ops: Vec::new(),
        });
    }

    pub fn tripped(&self) -> bool {
        self.state.tripped.load(Ordering::SeqCst)
    }

    pub fn counts(&self) -> Counts {
        let mut counts = self.state.counts.lock().unwrap().clone();
        if let Some(w) = self.state.waves.lock().unwrap().as_ref() {
            counts.waves = w.ops.clone();
        }
        counts
    }

    /// The environment for running eksform through this proxy.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "AWS_ENDPOINT_URL",
                format!("http://127.0.0.1:{}", self.port),
            ),
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
            ("NO_COLOR", "1".into()),
        ]
    }

    /// An `eksform ARGS` command through this proxy, with no terminal on stdin.
    pub fn eksform(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(super::eksform_bin());
        cmd.args(args)
            .env_remove("AWS_PROFILE")
            .stdin(std::process::Stdio::null());
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
        cmd
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        self.state.wake.notify_all();
        // Wakes the accept loop so it sees `stop` and ends.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// One client connection: requests in a keep-alive loop until the client closes it.
fn serve(st: &State, conn: TcpStream) {
    let Ok(mut out) = conn.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(conn);
    while let Some(req) = read_request(&mut reader) {
        let (protocol, op) = identify(&req);
        st.join_wave(&op);
        let now = st.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        let (fate, latency) = st.decide(&op, now);
        std::thread::sleep(Duration::from_millis(latency));
        let keep = match fate {
            Fate::Drop => false,
            Fate::Throttle | Fate::Error => {
                let (status, headers, body) =
                    fault_response(protocol, matches!(fate, Fate::Throttle));
                write_response(&mut out, status, &headers, body.as_bytes())
            }
            Fate::Refuse(r) => {
                let (headers, body) = error_body(protocol, "Sender", r.code, r.message);
                write_response(&mut out, "400 Bad Request", &headers, body.as_bytes())
            }
            Fate::Forward => st.answer(&req, &op, &mut out),
        };
        st.in_flight.fetch_sub(1, Ordering::SeqCst);
        if !keep {
            let _ = out.shutdown(Shutdown::Both);
            return;
        }
    }
}

/// `Proxy::in_waves`: the wave being gathered is number `released`.
struct Waves {
    quiet: Duration,
    released: usize,
    last_arrival: Instant,
    ops: Vec<Vec<String>>,
}

impl State {
    /// Holds a request until its wave goes (no-op unless `Proxy::in_waves`). The first held
    /// request to see the wave quiet for long enough lets the whole wave go.
    fn join_wave(&self, op: &str) {
        let mut guard = self.waves.lock().unwrap();
        let Some(w) = guard.as_mut() else { return };
        let mine = w.released;
        w.last_arrival = Instant::now();
        if w.ops.len() <= mine {
            w.ops.push(Vec::new());
        }
        w.ops[mine].push(op.to_string());
        loop {
            let w = guard.as_mut().expect("waves stay on once set");
            if w.released > mine {
                return;
            }
            let waited = w.last_arrival.elapsed();
            if waited >= w.quiet {
                w.released += 1;
                self.wave_released.notify_all();
                return;
            }
            let left = w.quiet - waited;
            guard = self.wave_released.wait_timeout(guard, left).unwrap().0;
        }
    }

    /// Counts the call and rolls its fate.
    fn decide(&self, op: &str, in_flight: usize) -> (Fate, u64) {
        let faults = *self.faults.lock().unwrap();
        let roll = self.next_random() % 100;
        let refused = self.counts.lock().unwrap().refused;
        let fate = if let Some(r) = faults
            .refuse
            .filter(|r| r.operation == op && refused < r.times)
        {
            Fate::Refuse(r)
        } else if roll < faults.throttle_pct {
            Fate::Throttle
        } else if roll < faults.throttle_pct + faults.error_pct {
            Fate::Error
        } else if roll < faults.throttle_pct + faults.error_pct + faults.drop_pct {
            Fate::Drop
        } else {
            Fate::Forward
        };
        let mut c = self.counts.lock().unwrap();
        c.calls += 1;
        *c.per_op.entry(op.to_string()).or_default() += 1;
        c.max_concurrency = c.max_concurrency.max(in_flight);
        match fate {
            Fate::Throttle => c.throttled += 1,
            Fate::Error => c.errors += 1,
            Fate::Drop => c.dropped += 1,
            Fate::Refuse(_) => c.refused += 1,
            Fate::Forward => {}
        }
        (fate, faults.latency_ms)
    }

    /// splitmix64: small, seeded, good enough to spread faults.
    fn next_random(&self) -> u64 {
        let mut s = self.rng.lock().unwrap();
        *s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Answers from the tape when replaying and it has the request, else forwards.
    fn answer(&self, req: &Request, op: &str, out: &mut TcpStream) -> bool {
        let tape = self.tape.lock().unwrap().clone();
        let Some((mode, tape)) = tape else {
            return self.forward(req, op, out, None);
        };
        let key = tape_key(req, op);
        if mode == TapeMode::Record {
            return self.forward(req, op, out, Some((&tape, key)));
        }
        let recorded = tape.0.lock().unwrap().get(&key).cloned();
        let mut c = self.counts.lock().unwrap();
        let Some((status, headers, body)) = recorded else {
            *c.misses.entry(op.to_string()).or_default() += 1;
            drop(c);
            return self.forward(req, op, out, None);
        };
        c.replayed += 1;
        drop(c);
        write_response(out, &status, &headers, &body)
    }

    /// Sends the request to moto and its answer back (keeping it on `keep`'s tape under its
    /// key); false when the connection must end.
    fn forward(
        &self,
        req: &Request,
        op: &str,
        out: &mut TcpStream,
        keep: Option<(&Tape, String)>,
    ) -> bool {
        let number = {
            let mut c = self.counts.lock().unwrap();
            c.forwarded += 1;
            c.forwarded
        };
        let Some((status, headers, body)) = self.upstream_call(req) else {
            return false;
        };
        if let Some((tape, key)) = keep {
            let reply = (status.clone(), headers.clone(), body.clone());
            tape.0.lock().unwrap().insert(key, reply);
        }
        if self.loses_answer(op) {
            let mut c = self.counts.lock().unwrap();
            c.lost += 1;
            *c.lost_per_op.entry(op.to_string()).or_default() += 1;
            return false;
        }
        let hold = self.hold_after.lock().unwrap().is_some_and(|n| number > n);
        if hold {
            self.tripped.store(true, Ordering::SeqCst);
            self.wait_for_stop();
            return false;
        }
        write_response(out, &status, &headers, &body)
    }

    /// Whether the answer to `op`, which moto has just acted on, is to be lost.
    fn loses_answer(&self, op: &str) -> bool {
        let faults = *self.faults.lock().unwrap();
        let first_lost =
            faults.lose_first.contains(&op) || (faults.lose_each_create_once && is_create(op));
        if first_lost && self.lost.lock().unwrap().insert(op.to_string()) {
            return true;
        }
        faults.lose_pct > 0 && is_create(op) && self.next_random() % 100 < faults.lose_pct
    }

    fn wait_for_stop(&self) {
        let mut guard = self.wake_lock.lock().unwrap();
        while !self.stop.load(Ordering::SeqCst) {
            guard = self
                .wake
                .wait_timeout(guard, Duration::from_millis(200))
                .unwrap()
                .0;
        }
    }

    /// One request to moto on a fresh connection, read to its end.
    fn upstream_call(&self, req: &Request) -> Option<Reply> {
        let mut up = TcpStream::connect(("127.0.0.1", self.upstream)).ok()?;
        let mut msg = format!("{}\r\n", req.head);
        for (k, v) in req.headers.iter().filter(|(k, _)| !hop_header(k)) {
            msg.push_str(&format!("{k}: {v}\r\n"));
        }
        msg.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            req.body.len()
        ));
        up.write_all(msg.as_bytes()).ok()?;
        up.write_all(&req.body).ok()?;
        let mut reader = BufReader::new(up);
        let (status, headers) = read_head(&mut reader)?;
        let body = read_body(&mut reader, &headers, true)?;
        let status = status.split_once(' ').map(|(_, s)| s.to_string())?;
        Some((status, headers, body))
    }
}

/// Waits until `done()` or `timeout`; true when `done()`.
pub fn wait_until(timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    done()
}
