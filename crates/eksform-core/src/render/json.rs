//! The plan as JSON: the versioned contract documented in docs/plan.md (`format_version`).

use crate::plan::Plan;

pub fn json(plan: &Plan) -> String {
    serde_json::to_string_pretty(plan).expect("a plan always serializes")
}
