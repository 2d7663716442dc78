//! A refusal: why `plan` or `apply` will not go ahead with a plan, as a typed value with its
//! reason and what it is about (the addresses, or a change set's logical ids, and the config
//! field that decides), rendered by the CLI through its message. Pure: no I/O.

/// Why a plan is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalReason {
    /// `metadata.deletionProtection` forbids replacing or deleting the cluster or its VPC.
    DeletionProtection,
    /// A change AWS cannot make in place and the plan cannot make otherwise.
    OneWay,
    /// Changes one apply cannot order (a create needing what a delete still holds).
    Conflict,
    /// Changes that take the cluster down, not consented to with `--allow-replace`.
    NoConsent,
}

/// Why a plan is refused, what it is about, and the message a user reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Refusal {
    pub reason: RefusalReason,
    /// The addresses (or a change set's logical ids) the refusal names.
    pub at: Vec<String>,
    /// The config field that decides, when one does (`metadata.deletionProtection`).
    pub field: Option<&'static str>,
    message: String,
}

impl Refusal {
    pub fn new(reason: RefusalReason, at: Vec<String>, message: String) -> Refusal {
        Refusal {
            reason,
            at,
            field: None,
            message,
        }
    }

    /// The same, naming the config field that decides.
    pub fn in_field(mut self, field: &'static str) -> Refusal {
        self.field = Some(field);
        self
    }

    /// The message, as printed after `error: `.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// A refusal reads as its message, so that it can be searched like one.
impl std::ops::Deref for Refusal {
    type Target = str;

    fn deref(&self) -> &str {
        &self.message
    }
}
