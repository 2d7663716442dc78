//! A CloudFormation change set as eksform shows it: the plan of `--engine cloudformation`,
//! where AWS, not eksform, decides what changes. Pure data and its text/markdown/JSON views; the
//! SDK calls that fill it live in `aws::stack`; the data shapes they fill are `live::stack`'s.

use std::fmt::Write as _;

use super::refusal::{Refusal, RefusalReason};
pub use crate::live::stack::{StackChange, StackPlan};

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

/// Resource types whose replacement or removal takes the cluster down.
const CONSENT_TYPES: [&str; 2] = ["AWS::EKS::Cluster", "AWS::EC2::VPC"];

impl StackPlan {
    /// The changes that take the cluster down: the cluster or the VPC removed, or replaced
    /// (`True`, or `Conditional`: CloudFormation may replace it).
    pub fn destructive(&self) -> Vec<&StackChange> {
        self.changes
            .iter()
            .filter(|c| CONSENT_TYPES.contains(&c.resource_type.as_str()))
            .filter(|c| {
                c.action == "Remove"
                    || matches!(c.replacement.as_deref(), Some("True" | "Conditional"))
            })
            .collect()
    }
}

/// The refusal for a change set that takes the cluster down without the run's consent
/// (`--allow-replace LOGICAL_ID` for each such resource); `None` when it may run.
pub fn check_stack_consent(p: &StackPlan, allowed: &[String]) -> Option<Refusal> {
    let missing: Vec<&StackChange> = p
        .destructive()
        .into_iter()
        .filter(|c| !allowed.contains(&c.logical_id))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let flags: Vec<String> = missing
        .iter()
        .map(|c| format!("{} {}", crate::plan::consent::FLAG, c.logical_id))
        .collect();
    let message = format!(
        "stack \"{}\": the change set takes the cluster down ({}) and needs consent; nothing was changed\n  hint: review the change set; to go ahead, run again with {}",
        p.stack,
        missing
            .iter()
            .map(|c| danger_what(c))
            .collect::<Vec<_>>()
            .join(", "),
        flags.join(" ")
    );
    let at = missing.iter().map(|c| c.logical_id.clone()).collect();
    Some(Refusal::new(RefusalReason::NoConsent, at, message))
}

fn danger_what(c: &StackChange) -> String {
    let verb = if c.action == "Remove" {
        "removes".to_string()
    } else {
        format!(
            "replaces (replacement: {})",
            c.replacement.as_deref().unwrap_or("")
        )
    };
    format!("{verb} {} {}", c.resource_type, c.logical_id)
}

/// The DANGER lines of a change set that takes the cluster down; empty otherwise.
fn danger(p: &StackPlan) -> Vec<String> {
    let d = p.destructive();
    if d.is_empty() {
        return Vec::new();
    }
    let mut out = vec![format!(
        "DANGER: this change set takes the cluster of stack {} down:",
        p.stack
    )];
    out.extend(d.iter().map(|c| format!("  {}", danger_what(c))));
    let flags: Vec<String> = d
        .iter()
        .map(|c| format!("{} {}", crate::plan::consent::FLAG, c.logical_id))
        .collect();
    out.push(format!(
        "  apply refuses it unless run with {}",
        flags.join(" ")
    ));
    out
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
    for l in danger(p) {
        let _ = writeln!(out, "{l}");
    }
    if !p.destructive().is_empty() {
        out.push('\n');
    }
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
    let danger = danger(p);
    if let Some((head, rest)) = danger.split_first() {
        let _ = writeln!(out, "> [!CAUTION]\n> **{head}**\n>");
        for l in rest {
            let _ = writeln!(out, "> - {}", l.trim());
        }
        out.push('\n');
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
    fn replacing_the_cluster_or_removing_the_vpc_needs_consent() {
        let mut p = plan();
        assert!(p.destructive().is_empty());
        assert_eq!(check_stack_consent(&p, &[]), None);
        let mut cluster = change("Modify", "ClusterMain", Some("Conditional"));
        cluster.resource_type = "AWS::EKS::Cluster".into();
        let mut vpc = change("Remove", "VpcMain", None);
        vpc.resource_type = "AWS::EC2::VPC".into();
        let mut kept = change("Modify", "VpcOther", Some("False"));
        kept.resource_type = "AWS::EC2::VPC".into();
        p.changes.extend([cluster, vpc, kept]);
        let ids: Vec<&str> = p
            .destructive()
            .iter()
            .map(|c| c.logical_id.as_str())
            .collect();
        assert_eq!(ids, ["ClusterMain", "VpcMain"]);
        let refusal = check_stack_consent(&p, &["VpcMain".into()]).expect("refused");
        assert!(
            refusal.contains("replaces (replacement: Conditional) AWS::EKS::Cluster ClusterMain"),
            "{refusal}"
        );
        assert!(
            refusal.ends_with("run again with --allow-replace ClusterMain"),
            "{refusal}"
        );
        assert_eq!(
            check_stack_consent(&p, &["VpcMain".into(), "ClusterMain".into()]),
            None
        );
        let text = stack_text(&p);
        assert!(
            text.contains("DANGER: this change set takes the cluster of stack eksform-demo down:"),
            "{text}"
        );
        assert!(text.contains("apply refuses it unless run with --allow-replace ClusterMain --allow-replace VpcMain"), "{text}");
        assert!(stack_markdown(&p).contains("> [!CAUTION]"));
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
