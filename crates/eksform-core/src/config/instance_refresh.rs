//! `nodeGroups[].instanceRefresh` (eksform extension): the preferences of the Auto Scaling
//! instance refresh that rolls a self-managed group onto a new launch template version. Ranges
//! come from the field table; this module adds the rule the table cannot say (checkpoints
//! strictly ascending). It must not decide when a refresh runs; plan and apply do.

use super::read::{Ctx, item, list};
use super::schema::{Fields, sub_fields};
use super::spec::InstanceRefresh;
use super::table::INSTANCE_REFRESH;

pub fn read_instance_refresh(cx: &mut Ctx, f: &Fields) -> InstanceRefresh {
    let rf = sub_fields(cx, f, "instanceRefresh", &INSTANCE_REFRESH);
    let defaults = InstanceRefresh::default();
    let seconds = |cx: &mut Ctx, key: &str| rf.int(cx, key).map(|v| v.value as u32);
    InstanceRefresh {
        min_healthy_percentage: rf
            .int(cx, "minHealthyPercentage")
            .map_or(defaults.min_healthy_percentage, |v| v.value as u32),
        checkpoint_percentages: checkpoints(cx, &rf),
        checkpoint_delay: seconds(cx, "checkpointDelay"),
        instance_warmup: seconds(cx, "instanceWarmup"),
    }
}

/// Each checkpoint 1-100 and above the one before (Auto Scaling refuses anything else).
fn checkpoints(cx: &mut Ctx, rf: &Fields) -> Vec<u32> {
    let Some(node) = rf.get("checkpointPercentages") else {
        return Vec::new();
    };
    let path = rf.path_of("checkpointPercentages");
    let mut out: Vec<u32> = Vec::new();
    for (i, n) in list(cx, node, &path).iter().enumerate() {
        let at = item(&path, i);
        let Some(v) = super::read::int_in(cx, n, &at, 1, 100) else {
            continue;
        };
        let value = v.value as u32;
        if let Some(&before) = out.last().filter(|b| **b >= value) {
            let msg = format!("{at}: {value} does not come after {before}");
            let hint = "list the checkpoints in ascending order, e.g. [20, 50, 100]";
            cx.error(n.pos, &at, msg, Some(hint.into()));
            continue;
        }
        out.push(value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::{fails_with, ok, with};

    fn refresh(extra: &str) -> super::InstanceRefresh {
        let text = with(&format!("nodeGroups:\n  - name: ng\n{extra}"));
        ok(&text).spec.node_groups.remove(0).instance_refresh
    }

    #[test]
    fn defaults_and_values_are_read() {
        assert_eq!(refresh(""), super::InstanceRefresh::default());
        assert_eq!(refresh("").min_healthy_percentage, 90);
        let r = refresh(
            "    instanceRefresh:\n      minHealthyPercentage: 50\n      checkpointPercentages: [20, 100]\n      checkpointDelay: 600\n      instanceWarmup: 120\n",
        );
        assert_eq!(r.min_healthy_percentage, 50);
        assert_eq!(r.checkpoint_percentages, vec![20, 100]);
        assert_eq!(
            (r.checkpoint_delay, r.instance_warmup),
            (Some(600), Some(120))
        );
    }

    #[test]
    fn bad_values_name_their_place() {
        let text = with(
            "nodeGroups:\n  - name: ng\n    instanceRefresh:\n      checkpointPercentages: [50, 20]\n",
        );
        fails_with(
            &text,
            9,
            35,
            "nodeGroups[0].instanceRefresh.checkpointPercentages[1]: 20 does not come after 50",
        );
        let text =
            with("nodeGroups:\n  - name: ng\n    instanceRefresh: {minHealthyPercentage: 101}\n");
        fails_with(
            &text,
            8,
            45,
            "nodeGroups[0].instanceRefresh.minHealthyPercentage: 101 is outside 0-100",
        );
    }
}
