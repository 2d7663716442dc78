//! A CloudFormation change set as read from the account (`--engine cloudformation`): the data
//! `aws::stack` fills. What it means for the cluster (consent) and its views are
//! `plan::stack`'s. Pure data: no AWS SDK types.

use serde::Serialize;

/// What CloudFormation will do to one resource of the stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StackChange {
    /// `Add`, `Modify`, `Remove`, `Import` or `Dynamic`, as CloudFormation says.
    pub action: String,
    pub logical_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub physical_id: Option<String>,
    pub resource_type: String,
    /// For `Modify`: `True`, `False` or `Conditional`; `None` when AWS gave no answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    /// What part of the resource changes (`Properties`, `Tags`, ...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scope: Vec<String>,
}

/// A change set waiting for approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StackPlan {
    pub stack: String,
    /// `CREATE` for a new stack, `UPDATE` for an existing one.
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_set_id: Option<String>,
    pub changes: Vec<StackChange>,
}
