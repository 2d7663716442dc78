//! `eksform maxpods INSTANCE_TYPE…`: the pods the VPC CNI gives each instance type, from the
//! embedded ENI table, with the computation spelled out. The numbers come from `capacity`; this
//! handler only looks the types up and prints.

use eksform_core::capacity::{self, CniMode, EniLimits, MaxPods};
use serde_json::json;

pub struct Flags {
    pub prefix_delegation: bool,
    pub custom_networking: bool,
    pub json: bool,
}

pub fn run(types: &[String], flags: &Flags) -> anyhow::Result<i32> {
    let found = lookup(types)?;
    if flags.json {
        let rows: Vec<_> = found.iter().map(|(t, l)| json_row(t, *l, flags)).collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(0);
    }
    for (t, l) in &found {
        let standard = capacity::standard(*l, flags.custom_networking);
        let prefix = capacity::prefix_delegation(*l, flags.custom_networking, None);
        if flags.prefix_delegation {
            println!("{t}: {}", line(&prefix));
            println!("  without prefix delegation: {}", line(&standard));
        } else {
            println!("{t}: {}", line(&standard));
            println!("  with prefix delegation: {}", line(&prefix));
        }
    }
    Ok(0)
}

/// Every type's numbers, or one error naming every unknown type.
fn lookup(types: &[String]) -> anyhow::Result<Vec<(String, EniLimits)>> {
    let mut found = Vec::new();
    let mut unknown = Vec::new();
    for t in types {
        match capacity::limits(t) {
            Some(l) => found.push((t.clone(), l)),
            None => unknown.push(match capacity::closest(t) {
                Some(c) => format!("unknown instance type \"{t}\"; did you mean \"{c}\"?"),
                None => format!("unknown instance type \"{t}\""),
            }),
        }
    }
    if !unknown.is_empty() {
        anyhow::bail!(
            "{} (eksform's table has {} instance types, e.g. t3.medium)",
            unknown.join("; "),
            capacity::instance_types().count()
        );
    }
    Ok(found)
}

fn line(m: &MaxPods) -> String {
    match &m.note {
        Some(note) => format!("{} pods = {} ({note})", m.pods, m.formula),
        None => format!("{} pods = {}", m.pods, m.formula),
    }
}

fn json_row(t: &str, l: EniLimits, flags: &Flags) -> serde_json::Value {
    let mode = CniMode {
        prefix_delegation: flags.prefix_delegation,
        custom_networking: flags.custom_networking,
        vcpus: None,
    };
    let effective = capacity::max_pods(l, mode);
    let standard = capacity::standard(l, flags.custom_networking);
    let prefix = capacity::prefix_delegation(l, flags.custom_networking, None);
    let part = |m: &MaxPods| json!({"maxPods": m.pods, "formula": m.formula, "note": m.note});
    json!({
        "instanceType": t,
        "enis": l.enis,
        "ipv4PerEni": l.ipv4_per_eni,
        "maxPods": effective.pods,
        "standard": part(&standard),
        "prefixDelegation": part(&prefix),
    })
}
