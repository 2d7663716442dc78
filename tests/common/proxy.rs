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

mod tape;

use super::Moto;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
pub use tape::Tape;
use tape::{TapeMode, tape_key};

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
    /// Requests moto answered whose answer was lost (`Faults::lose_first`).
    pub lost: usize,
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

#[derive(Debug, Clone, Copy, PartialEq)]
enum Protocol {
    Ec2Query,
    AwsQuery,
    AwsJson,
    RestJson,
}

struct Request {
    head: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Status ("200 OK"), headers and body of an answer from moto.
type Reply = (String, Vec<(String, String)>, Vec<u8>);

enum Fate {
    Forward,
    Throttle,
    Error,
    Drop,
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
        let fate = if roll < faults.throttle_pct {
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
        let lose = self.faults.lock().unwrap().lose_first.contains(&op)
            && self.lost.lock().unwrap().insert(op.to_string());
        if lose {
            self.counts.lock().unwrap().lost += 1;
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

/// Headers that describe one connection or one framing, rewritten on each side.
fn hop_header(name: &str) -> bool {
    [
        "connection",
        "keep-alive",
        "transfer-encoding",
        "content-length",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn read_head(r: &mut impl BufRead) -> Option<(String, Vec<(String, String)>)> {
    let mut first = String::new();
    if r.read_line(&mut first).ok()? == 0 {
        return None;
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        r.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (k, v) = line.split_once(':')?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    Some((first.trim_end().to_string(), headers))
}

/// A body framed by Content-Length or chunks; a response without either runs to EOF.
fn read_body(r: &mut impl BufRead, headers: &[(String, String)], to_eof: bool) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    if header(headers, "transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size = String::new();
            r.read_line(&mut size).ok()?;
            let size = usize::from_str_radix(size.trim().split(';').next()?, 16).ok()?;
            let mut chunk = vec![0; size + 2];
            r.read_exact(&mut chunk).ok()?;
            if size == 0 {
                return Some(body);
            }
            body.extend_from_slice(&chunk[..size]);
        }
    }
    match header(headers, "content-length") {
        Some(n) => {
            body.resize(n.parse().ok()?, 0);
            r.read_exact(&mut body).ok()?;
        }
        None if to_eof => {
            r.read_to_end(&mut body).ok()?;
        }
        None => {}
    }
    Some(body)
}

fn read_request(r: &mut impl BufRead) -> Option<Request> {
    let (head, headers) = read_head(r)?;
    let body = read_body(r, &headers, false)?;
    Some(Request {
        head,
        headers,
        body,
    })
}

fn write_response(
    out: &mut TcpStream,
    status: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> bool {
    let mut msg = format!("HTTP/1.1 {status}\r\n");
    for (k, v) in headers.iter().filter(|(k, _)| !hop_header(k)) {
        msg.push_str(&format!("{k}: {v}\r\n"));
    }
    msg.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    out.write_all(msg.as_bytes()).is_ok() && out.write_all(body).is_ok()
}

/// The protocol and `service:operation` of a request. The service is the one the request was
/// signed for (SigV4 credential scope), as every service shares the one endpoint here.
fn identify(req: &Request) -> (Protocol, String) {
    let service = header(&req.headers, "authorization")
        .and_then(|a| a.split("Credential=").nth(1))
        .and_then(|c| c.split('/').nth(3))
        .unwrap_or("unknown")
        .to_string();
    if let Some(target) = header(&req.headers, "x-amz-target") {
        let op = target.rsplit('.').next().unwrap_or(target);
        return (Protocol::AwsJson, format!("{service}:{op}"));
    }
    let form = String::from_utf8_lossy(&req.body);
    let action = form
        .split('&')
        .find_map(|kv| kv.strip_prefix("Action="))
        .map(str::to_string);
    if let Some(action) = action {
        let protocol = if service == "ec2" {
            Protocol::Ec2Query
        } else {
            Protocol::AwsQuery
        };
        return (protocol, format!("{service}:{action}"));
    }
    (
        Protocol::RestJson,
        format!("{service}:{}", rest_operation(&req.head)),
    )
}

/// `POST /clusters/x/node-groups` becomes `POST /clusters/*/node-groups`: names vary per test,
/// operations do not.
fn rest_operation(head: &str) -> String {
    let mut parts = head.split(' ');
    let method = parts.next().unwrap_or("");
    let path = parts.next().unwrap_or("").split('?').next().unwrap_or("");
    let shape: Vec<&str> = path
        .split('/')
        .enumerate()
        .map(|(i, seg)| if i % 2 == 0 && i > 0 { "*" } else { seg })
        .collect();
    format!("{method} {}", shape.join("/"))
}

/// A throttling or server error as the service itself would send it, so the SDK's standard
/// retry classifies it by code or status, as it would against AWS.
fn fault_response(p: Protocol, throttle: bool) -> (&'static str, Vec<(String, String)>, String) {
    let xml = vec![("Content-Type".to_string(), "text/xml".to_string())];
    let json = |kind: &str| {
        vec![
            ("Content-Type".to_string(), "application/json".to_string()),
            ("x-amzn-ErrorType".to_string(), kind.to_string()),
        ]
    };
    let ec2 = |code: &str| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{code}</Code>\
             <Message>injected by the test proxy</Message></Error></Errors>\
             <RequestID>fault</RequestID></Response>"
        )
    };
    let query = |kind: &str, code: &str| {
        format!(
            "<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code>\
             <Message>injected by the test proxy</Message></Error>\
             <RequestId>fault</RequestId></ErrorResponse>"
        )
    };
    let body = |kind: &str| {
        format!("{{\"__type\":\"{kind}\",\"message\":\"injected by the test proxy\"}}")
    };
    match (p, throttle) {
        (Protocol::Ec2Query, true) => ("503 Service Unavailable", xml, ec2("RequestLimitExceeded")),
        (Protocol::Ec2Query, false) => ("500 Internal Server Error", xml, ec2("InternalError")),
        (Protocol::AwsQuery, true) => ("400 Bad Request", xml, query("Sender", "Throttling")),
        (Protocol::AwsQuery, false) => (
            "500 Internal Server Error",
            xml,
            query("Receiver", "InternalFailure"),
        ),
        (Protocol::AwsJson, true) => (
            "400 Bad Request",
            json("ThrottlingException"),
            body("ThrottlingException"),
        ),
        (Protocol::RestJson, true) => (
            "429 Too Many Requests",
            json("TooManyRequestsException"),
            body("TooManyRequestsException"),
        ),
        (Protocol::AwsJson | Protocol::RestJson, false) => (
            "500 Internal Server Error",
            json("ServerException"),
            body("ServerException"),
        ),
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
