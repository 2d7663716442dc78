//! The proxy's recorded answers: what a tape holds and how a request is keyed on it. It must
//! not decide when to record or replay (the proxy does) nor look inside an answer.

use super::{Reply, Request, header};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Answers recorded by request (service, method, path, query, target and body; never the
/// signature or date headers, which change on every call). Cloning shares it, so a run recorded
/// through one proxy can be replayed through fresh ones.
#[derive(Clone, Default)]
pub struct Tape(pub(super) Arc<Mutex<HashMap<String, Reply>>>);

impl Tape {
    pub fn new() -> Tape {
        Tape::default()
    }

    /// Distinct requests recorded.
    pub fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What the proxy does with a tape.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum TapeMode {
    /// Forward every request and keep each answer moto gives.
    Record,
    /// Answer from the tape; a request it lacks is forwarded and counted as a miss.
    Replay,
}

/// The tape's key: everything that says what a request asks (its operation, which for the JSON
/// protocols is only in `X-Amz-Target`, its method, path and query, and its body), nothing of
/// how it was sent (signature, date, invocation id, retry attempt).
pub(super) fn tape_key(req: &Request, op: &str) -> String {
    let target = header(&req.headers, "x-amz-target").unwrap_or("");
    let line = req
        .head
        .rsplit_once(' ')
        .map_or(req.head.as_str(), |(l, _)| l);
    format!(
        "{op}\n{line}\n{target}\n{}",
        String::from_utf8_lossy(&req.body)
    )
}
