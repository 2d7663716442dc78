//! The plan's notes: what a reviewer must read beyond the field diffs. The config's warnings
//! become notes as they are; rolling replacements get one naming what makes the new launch
//! template version (an edit of the template, or a dependency the template follows); size
//! changes that move a group's desired size say so, since desired sizes are never diffed.
//! Pure: reads the changes and the live state.

use super::resolve::KNOWN_AFTER_APPLY;
use super::types::{Action, Change, Note, NoteKind};
use crate::config::Diagnostic;
use crate::live::LiveState;
use crate::model::{as_reference, dependencies};
use serde_json::Value;

impl Note {
    /// A config warning, located as `validate` prints it.
    pub fn warning(d: &Diagnostic) -> Note {
        Note {
            kind: NoteKind::Warning,
            address: None,
            at: Some(format!("{}:{}:{}", d.file, d.line, d.col)),
            message: d.message.clone(),
            hint: d.hint.clone(),
        }
    }

    fn about(kind: NoteKind, address: &str, message: String) -> Note {
        Note {
            kind,
            address: Some(address.to_string()),
            at: None,
            message,
            hint: None,
        }
    }
}

/// The notes of the changes, in the changes' order.
pub fn notes(changes: &[Change], live: &LiveState) -> Vec<Note> {
    let mut out = Vec::new();
    for c in changes.iter().filter(|c| c.action == Action::Update) {
        out.extend(rolling_note(c, changes));
        out.extend(size_note(c, live));
    }
    out
}

fn rolling_note(c: &Change, changes: &[Change]) -> Option<Note> {
    let r = c.rolling.as_ref()?;
    let mut message = format!("{}: {}", c.address, r.describe());
    let template = c
        .desired
        .get("launch_template_version")
        .and_then(as_reference)
        .map(|(a, _)| a);
    if let Some(t) = template.and_then(|t| changes.iter().find(|x| x.address == t)) {
        message.push_str(&format!(", onto the new version of {}", t.address));
        if let Some(cause) = template_cause(t, changes) {
            message.push_str(&format!(" ({cause})"));
        }
    }
    Some(Note::about(NoteKind::Rolling, &c.address, message))
}

/// Why a launch template gets a new version: the fields it changes, and for those waiting on
/// another resource, which one is created or replaced.
fn template_cause(t: &Change, changes: &[Change]) -> Option<String> {
    let mut fields: Vec<&str> = Vec::new();
    let mut follows: Vec<String> = Vec::new();
    for f in t.fields.iter().filter(|f| !f.path.starts_with("tags")) {
        let top = f.path.split('.').next().unwrap_or(&f.path);
        if !fields.contains(&top) {
            fields.push(top);
        }
        if f.after != Value::String(KNOWN_AFTER_APPLY.into()) {
            continue;
        }
        let mut deps = Vec::new();
        if let Some(v) = t.desired.get(top) {
            dependencies(v, &mut deps);
        }
        let moving = deps.into_iter().filter(|d| {
            changes
                .iter()
                .any(|x| &x.address == d && matches!(x.action, Action::Create | Action::Replace))
        });
        for d in moving {
            if !follows.contains(&d) {
                follows.push(d);
            }
        }
    }
    if fields.is_empty() {
        return None;
    }
    let mut cause = format!("it changes {}", fields.join(", "));
    if !follows.is_empty() {
        cause.push_str(&format!(
            " to follow {}, created or replaced by this plan",
            follows.join(", ")
        ));
    }
    Some(cause)
}

/// A side effect the kind declares (a size change that moves the desired size, which the plan
/// never diffs: autoscalers own it).
fn size_note(c: &Change, live: &LiveState) -> Option<Note> {
    let note = c.kind.schema().side_effect?;
    let current = live.resources.get(&c.address)?;
    let message = format!("{}: {}", c.address, note(c, current)?);
    Some(Note::about(NoteKind::SideEffect, &c.address, message))
}

#[cfg(test)]
#[path = "notes_tests.rs"]
mod tests;
