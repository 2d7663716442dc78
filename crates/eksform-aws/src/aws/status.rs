//! What a long-running change is doing right now ("instance refresh 40%, 3 instances to update"):
//! a task-local slot the executor opens around each change and reads when it reports progress,
//! and that waiters fill in. Holds text only; it must not call AWS nor decide anything.

use std::future::Future;
use std::sync::{Arc, Mutex};

/// The slot of one change, shared by the waiter setting it and the executor reading it.
pub type StatusSlot = Arc<Mutex<Option<String>>>;

tokio::task_local! {
    static STATUS: StatusSlot;
}

/// Runs `f` with `slot` as the place its waiters report to.
pub async fn with_status<F: Future>(slot: StatusSlot, f: F) -> F::Output {
    STATUS.scope(slot, f).await
}

/// Says what the running change is doing; nothing when no one listens (a module used alone).
pub fn set_status(text: impl Into<String>) {
    let text = text.into();
    let _ = STATUS.try_with(|slot| {
        if let Ok(mut s) = slot.lock() {
            *s = Some(text);
        }
    });
}

/// The status the running change last reported, if any: what a waiter that gives up saw last.
pub fn current() -> Option<String> {
    STATUS.try_with(read_status).ok().flatten()
}

/// `"; last seen: STATUS"` for a waiter's timeout message, empty when nothing was reported.
pub fn last_seen() -> String {
    current()
        .map(|s| format!("; last seen: {s}"))
        .unwrap_or_default()
}

/// The latest status of the slot, if a waiter set one.
pub fn read_status(slot: &StatusSlot) -> Option<String> {
    slot.lock().ok().and_then(|s| s.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_waiter_reports_into_the_slot_of_its_change_only() {
        let slot = StatusSlot::default();
        set_status("outside any change");
        with_status(slot.clone(), async { set_status("instance refresh 40%") }).await;
        assert_eq!(read_status(&slot).as_deref(), Some("instance refresh 40%"));
    }

    #[tokio::test]
    async fn a_waiter_giving_up_reads_what_it_reported_last() {
        assert_eq!(last_seen(), "");
        let seen = with_status(StatusSlot::default(), async {
            set_status("nat-1 is pending");
            last_seen()
        })
        .await;
        assert_eq!(seen, "; last seen: nat-1 is pending");
    }
}
