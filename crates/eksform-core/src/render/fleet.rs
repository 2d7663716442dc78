//! Views of a fleet's plans: one section per cluster (its own single-cluster view, headed by its
//! name and file, or the error that stopped its plan) and one combined summary, as text,
//! markdown (one collapsible section per cluster, under GitHub's comment limit) and JSON.
//! Pure, as the rest of `render`: it neither plans nor prints.

use super::markdown::{LIMIT, markdown_within};
use super::{Style, json as plan_json, text as plan_text};
use crate::plan::{FORMAT_VERSION, Plan, Summary};
use serde::Serialize;
use serde_json::{Value, json};

/// One cluster of the fleet as shown: its plan, or the error that stopped it.
pub struct Entry<'a> {
    pub file: &'a str,
    pub cluster: &'a str,
    pub region: &'a str,
    pub plan: Result<&'a Plan, String>,
}

/// The fleet's totals: the sum of the planned clusters' summaries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FleetSummary {
    pub clusters: usize,
    pub add: usize,
    pub change: usize,
    pub replace: usize,
    pub destroy: usize,
    /// Clusters with at least one change.
    pub with_changes: usize,
    /// Clusters whose plan failed.
    pub failed: usize,
}

impl FleetSummary {
    pub fn has_changes(&self) -> bool {
        self.with_changes > 0
    }
}

pub fn summary(entries: &[Entry]) -> FleetSummary {
    let mut s = FleetSummary {
        clusters: entries.len(),
        ..FleetSummary::default()
    };
    for e in entries {
        match &e.plan {
            Ok(p) => {
                let Summary {
                    add,
                    change,
                    replace,
                    destroy,
                } = p.summary;
                s.add += add;
                s.change += change;
                s.replace += replace;
                s.destroy += destroy;
                // The plan's own counts, so that the line and `with_changes` always agree.
                s.with_changes += usize::from(add + change + replace + destroy > 0);
            }
            Err(_) => s.failed += 1,
        }
    }
    s
}

/// `Fleet: N clusters, X to add, Y to change, Z to replace, W to destroy.`, and the clusters
/// that could not be planned, when any.
pub fn summary_line(s: &FleetSummary) -> String {
    let mut out = format!(
        "Fleet: {} clusters, {} to add, {} to change, {} to replace, {} to destroy.",
        s.clusters, s.add, s.change, s.replace, s.destroy
    );
    if s.failed > 0 {
        out.push_str(&format!(" {} cluster(s) could not be planned.", s.failed));
    }
    out
}

fn heading(e: &Entry) -> String {
    format!("cluster \"{}\" ({}, {})", e.cluster, e.region, e.file)
}

pub fn text(entries: &[Entry], style: Style) -> String {
    let mut out = String::new();
    for e in entries {
        let head = heading(e);
        out.push_str(&format!("=== {head} ===\n\n"));
        match &e.plan {
            Ok(p) => out.push_str(&plan_text(p, style)),
            Err(err) => out.push_str(&format!("error: {err}\n")),
        }
        out.push('\n');
    }
    out.push_str(&summary_line(&summary(entries)));
    out.push('\n');
    out
}

/// One summary line for the fleet, then one collapsible section per cluster holding its own
/// comment; each cluster gets an equal share of the limit and is cut as a single plan is.
pub fn markdown(entries: &[Entry]) -> String {
    markdown_within_limit(entries, LIMIT)
}

fn markdown_within_limit(entries: &[Entry], limit: usize) -> String {
    let head = format!(
        "### eksform plan: fleet of {} clusters\n\n**{}**\n\n",
        entries.len(),
        summary_line(&summary(entries))
    );
    let share = limit.saturating_sub(head.len()) / entries.len().max(1);
    let mut out = head;
    for e in entries {
        out.push_str(&section(e, share));
    }
    out
}

fn section(e: &Entry, share: usize) -> String {
    let (line, body) = match &e.plan {
        Ok(p) => (super::summary_line(&p.summary), Ok(*p)),
        Err(err) => ("plan failed".to_string(), Err(err)),
    };
    let open = format!(
        "<details><summary><code>{}</code> ({}, <code>{}</code>): {line}</summary>\n\n",
        e.cluster, e.region, e.file
    );
    let close = "</details>\n\n";
    let room = share.saturating_sub(open.len() + close.len());
    let inner = match body {
        Ok(p) => {
            let md = markdown_within(p, room);
            if md.len() <= room {
                md
            } else {
                "Too large to show within this comment: run <code>eksform plan</code> on this cluster's file to see it.\n\n".to_string()
            }
        }
        Err(err) => format!("```\n{}\n```\n\n", err.replace("```", "` ` `")),
    };
    format!("{open}{inner}{close}")
}

/// `{"format_version": 1, "clusters": [{"file", "cluster", "region", "plan"}], "summary"}`;
/// a cluster whose plan failed has `"plan": null` and `"error"`.
pub fn json(entries: &[Entry]) -> String {
    let clusters: Vec<Value> = entries
        .iter()
        .map(|e| {
            let mut v = json!({"file": e.file, "cluster": e.cluster, "region": e.region});
            match &e.plan {
                Ok(p) => {
                    v["plan"] = serde_json::from_str(&plan_json(p)).expect("a plan is JSON");
                }
                Err(err) => {
                    v["plan"] = Value::Null;
                    v["error"] = json!(err);
                }
            }
            v
        })
        .collect();
    let out = json!({
        "format_version": FORMAT_VERSION,
        "clusters": clusters,
        "summary": summary(entries),
    });
    serde_json::to_string_pretty(&out).expect("a fleet plan always serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(cluster: &str, add: usize, destroy: usize) -> Plan {
        Plan {
            format_version: FORMAT_VERSION,
            cluster: cluster.into(),
            region: "us-east-1".into(),
            summary: Summary {
                add,
                destroy,
                ..Summary::default()
            },
            changes: vec![],
            used_as_is: vec![],
            node_groups: vec![],
            notes: vec![],
            destructive: vec![],
            conflicts: vec![],
        }
    }

    fn entries<'a>(a: &'a Plan, b: &'a Plan) -> Vec<Entry<'a>> {
        vec![
            Entry {
                file: "fleet/a.yaml",
                cluster: "a",
                region: "us-east-1",
                plan: Ok(a),
            },
            Entry {
                file: "fleet/b.yaml",
                cluster: "b",
                region: "us-east-1",
                plan: Ok(b),
            },
            Entry {
                file: "fleet/c.yaml",
                cluster: "c",
                region: "eu-west-1",
                plan: Err("ec2 DescribeVpcs: UnauthorizedOperation".into()),
            },
        ]
    }

    #[test]
    fn the_summary_adds_the_clusters_and_counts_failures() {
        let (a, b) = (plan("a", 3, 1), plan("b", 2, 0));
        let s = summary(&entries(&a, &b));
        assert_eq!((s.clusters, s.add, s.destroy, s.failed), (3, 5, 1, 1));
        assert_eq!(
            summary_line(&s),
            "Fleet: 3 clusters, 5 to add, 0 to change, 0 to replace, 1 to destroy. 1 cluster(s) could not be planned."
        );
        let (quiet_a, quiet_b) = (plan("a", 0, 0), plan("b", 0, 0));
        let quiet = summary(&entries(&quiet_a, &quiet_b)[..2]);
        assert!(!quiet.has_changes());
        assert_eq!(
            summary_line(&quiet),
            "Fleet: 2 clusters, 0 to add, 0 to change, 0 to replace, 0 to destroy."
        );
    }

    #[test]
    fn text_has_one_section_per_cluster_then_the_fleet_line() {
        let (a, b) = (plan("a", 3, 1), plan("b", 0, 0));
        let out = text(&entries(&a, &b), Style::Plain);
        let pos = |s: &str| {
            out.find(s)
                .unwrap_or_else(|| panic!("{s:?} missing:\n{out}"))
        };
        assert!(pos("=== cluster \"a\" (us-east-1, fleet/a.yaml)") < pos("=== cluster \"b\""));
        assert!(
            pos("Plan: 3 to add, 0 to change, 0 to replace, 1 to destroy.") < pos("cluster \"b\"")
        );
        assert!(pos("error: ec2 DescribeVpcs: UnauthorizedOperation") > pos("cluster \"c\""));
        assert!(
            out.trim_end()
                .ends_with("1 cluster(s) could not be planned.")
        );
    }

    #[test]
    fn json_wraps_each_clusters_plan() {
        let (a, b) = (plan("a", 3, 1), plan("b", 0, 0));
        let v: Value = serde_json::from_str(&json(&entries(&a, &b))).unwrap();
        assert_eq!(v["format_version"], 1);
        assert_eq!(v["clusters"][0]["file"], "fleet/a.yaml");
        assert_eq!(v["clusters"][0]["plan"]["summary"]["add"], 3);
        assert_eq!(v["clusters"][1]["plan"]["cluster"], "b");
        assert_eq!(v["clusters"][2]["plan"], Value::Null);
        assert_eq!(v["clusters"][2]["region"], "eu-west-1");
        assert!(
            v["clusters"][2]["error"]
                .as_str()
                .unwrap()
                .contains("Unauthorized")
        );
        assert_eq!(v["summary"]["add"], 3);
        assert_eq!(v["summary"]["failed"], 1);
        assert_eq!(v["summary"]["with_changes"], 1);
    }

    #[test]
    fn markdown_has_a_fleet_line_and_a_section_per_cluster_within_the_limit() {
        let (a, b) = (plan("a", 3, 1), plan("b", 0, 0));
        let out = markdown(&entries(&a, &b));
        assert!(out.contains("**Fleet: 3 clusters, 3 to add"), "{out}");
        assert_eq!(out.matches("<details><summary><code>").count(), 3, "{out}");
        assert!(out.contains("<code>b</code> (us-east-1, <code>fleet/b.yaml</code>): No changes."));
        assert!(out.contains("<code>c</code> (eu-west-1, <code>fleet/c.yaml</code>): plan failed"));
        // Too little room for either plan's header: each is replaced by a pointer to the CLI.
        let tight = markdown_within_limit(&entries(&a, &b), 400);
        assert!(out.contains("### eksform plan: `a`"), "{out}");
        assert!(!tight.contains("### eksform plan: `a`"), "{tight}");
        assert_eq!(tight.matches("Too large to show").count(), 2, "{tight}");
    }
}
