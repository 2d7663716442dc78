//! A CloudFormation change set as eksform shows it: the plan of `--engine cloudformation`,
//! where AWS, not eksform, decides what changes. Pure data and its text/markdown/JSON views; the
//! SDK calls that fill it live in `aws::stack`.

use serde::Serialize;
use std::fmt::Write as _;

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

impl StackPlan {
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }

    fn count(&self, action: &str) -> usize {
        self.changes.iter().filter(|c| c.action == action).count()
    }

    /// `Plan: 3 to add, 1 to modify (1 replaced), 0 to remove.`
    fn summary(&self) -> String {
        let replaced = self
            .changes
            .iter()
            .filter(|c| c.replacement.as_deref() == Some("True"))
            .count();
        format!(
            "Plan: {} to add, {} to modify ({replaced} replaced), {} to remove.",
            self.count("Add"),
            self.count("Modify"),
            self.count("Remove")
        )
    }
}

fn symbol(action: &str) -> &'static str {
    match action {
        "Add" => "+",
        "Remove" => "-",
        "Modify" => "~",
        _ => "?",
    }
}

fn detail(c: &StackChange) -> String {
    let mut out = String::new();
    if let Some(id) = &c.physical_id {
        let _ = write!(out, " ({id})");
    }
    if let Some(r) = &c.replacement {
        let _ = write!(out, ", replacement: {r}");
    }
    if !c.scope.is_empty() {
        let _ = write!(out, ", changes {}", c.scope.join(", "));
    }
    out
}

/// The change set as plain text.
pub fn stack_text(p: &StackPlan) -> String {
    if !p.has_changes() {
        return format!("No changes. Stack \"{}\" matches the template.\n", p.stack);
    }
    let verb = if p.kind == "CREATE" {
        "create"
    } else {
        "update"
    };
    let mut out = format!(
        "CloudFormation will {verb} stack \"{}\" with this change set:\n\n",
        p.stack
    );
    for c in &p.changes {
        let _ = writeln!(
            out,
            "  {} {} {}{}",
            symbol(&c.action),
            c.logical_id,
            c.resource_type,
            detail(c)
        );
    }
    let _ = writeln!(out, "\n{}", p.summary());
    out
}

/// The change set as a markdown table, for pull-request comments.
pub fn stack_markdown(p: &StackPlan) -> String {
    let mut out = format!("### CloudFormation change set for stack `{}`\n\n", p.stack);
    if !p.has_changes() {
        out.push_str("No changes.\n");
        return out;
    }
    out.push_str("| | resource | type | replacement |\n|---|---|---|---|\n");
    for c in &p.changes {
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} |",
            c.action,
            c.logical_id,
            c.resource_type,
            c.replacement.as_deref().unwrap_or("")
        );
    }
    let _ = writeln!(out, "\n{}", p.summary());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(action: &str, id: &str, replacement: Option<&str>) -> StackChange {
        StackChange {
            action: action.into(),
            logical_id: id.into(),
            physical_id: (action != "Add").then(|| format!("{id}-phys")),
            resource_type: "AWS::EC2::Subnet".into(),
            replacement: replacement.map(str::to_string),
            scope: if action == "Modify" {
                vec!["Properties".into()]
            } else {
                vec![]
            },
        }
    }

    fn plan() -> StackPlan {
        StackPlan {
            stack: "eksform-demo".into(),
            kind: "UPDATE".into(),
            change_set_id: Some("cs-1".into()),
            changes: vec![
                change("Add", "SubnetPublicA", None),
                change("Modify", "SubnetPrivateA", Some("True")),
                change("Remove", "Old", None),
            ],
        }
    }

    #[test]
    fn text_names_each_resource_its_action_and_replacement() {
        let text = stack_text(&plan());
        assert!(
            text.starts_with("CloudFormation will update stack \"eksform-demo\""),
            "{text}"
        );
        assert!(
            text.contains("  + SubnetPublicA AWS::EC2::Subnet\n"),
            "{text}"
        );
        assert!(
            text.contains("  ~ SubnetPrivateA AWS::EC2::Subnet (SubnetPrivateA-phys), replacement: True, changes Properties\n"),
            "{text}"
        );
        assert!(
            text.contains("  - Old AWS::EC2::Subnet (Old-phys)\n"),
            "{text}"
        );
        assert!(
            text.ends_with("Plan: 1 to add, 1 to modify (1 replaced), 1 to remove.\n"),
            "{text}"
        );
    }

    #[test]
    fn markdown_is_a_table_and_an_empty_change_set_says_so() {
        let md = stack_markdown(&plan());
        assert!(
            md.contains("| Modify | `SubnetPrivateA` | AWS::EC2::Subnet | True |"),
            "{md}"
        );
        let empty = StackPlan {
            changes: vec![],
            ..plan()
        };
        assert!(stack_text(&empty).starts_with("No changes."));
        assert!(stack_markdown(&empty).contains("No changes."));
        let json = serde_json::to_value(plan()).unwrap();
        assert_eq!(json["changes"][1]["replacement"], "True");
        assert!(json["changes"][0].get("physical_id").is_none());
    }
}
