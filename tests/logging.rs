//! Control-plane logging against the local AWS endpoint (moto's CloudWatch Logs, and the EKS
//! logging model of `scripts/moto_ext/eks.py`): `cloudWatch.clusterLogging` makes the cluster's
//! log group first (owned, with its retention), turns the types on, changes both in place,
//! turns logging off and deletes the group when the section goes, with an empty plan after each
//! apply; a group EKS made untagged for the cluster is taken over, not duplicated.

mod common;

use common::Moto;
use common::census;
use common::run::{
    apply, assert_action, assert_no_changes, edit, field, field_paths, pending, plan_json,
};
use std::path::{Path, PathBuf};

const GROUP: &str = "/aws/eks/access/cluster";
const LOGGING: &str =
    "\ncloudWatch:\n  clusterLogging:\n    enableTypes: [audit, api]\n    logRetentionInDays: 30\n";

fn spec_in(dir: &Path, extra: &str) -> PathBuf {
    let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("specs/access.yaml");
    let text = std::fs::read_to_string(spec).expect("read specs/access.yaml");
    let copy = dir.join("access.yaml");
    std::fs::write(&copy, format!("{text}{extra}")).expect("write the config");
    copy
}

struct Clients {
    eks: aws_sdk_eks::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
}

async fn clients(moto: &Moto) -> Clients {
    let conf = moto.sdk_config("us-east-1").await;
    Clients {
        eks: aws_sdk_eks::Client::new(&conf),
        logs: aws_sdk_cloudwatchlogs::Client::new(&conf),
    }
}

/// The cluster's enabled log types, sorted.
async fn enabled(c: &Clients) -> Vec<String> {
    let out = c
        .eks
        .describe_cluster()
        .name("access")
        .send()
        .await
        .unwrap();
    let logging = out.cluster().unwrap().logging().unwrap();
    let mut on: Vec<String> = logging
        .cluster_logging()
        .iter()
        .filter(|s| s.enabled() == Some(true))
        .flat_map(|s| s.types().iter().map(|t| t.as_str().to_string()))
        .collect();
    on.sort();
    on
}

/// The cluster's log group: its retention and tags, when it exists.
async fn group(c: &Clients) -> Option<(Option<i32>, Vec<(String, String)>)> {
    let out = c
        .logs
        .describe_log_groups()
        .log_group_name_prefix(GROUP)
        .send()
        .await
        .unwrap();
    let g = out
        .log_groups()
        .iter()
        .find(|g| g.log_group_name() == Some(GROUP))?;
    let tags = c
        .logs
        .list_tags_for_resource()
        .resource_arn(g.log_group_arn().unwrap())
        .send()
        .await
        .unwrap();
    let mut tags: Vec<(String, String)> = tags
        .tags()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    tags.sort();
    Some((g.retention_in_days(), tags))
}

fn has_tag(tags: &[(String, String)], key: &str, value: &str) -> bool {
    tags.iter().any(|(k, v)| k == key && v == value)
}

#[tokio::test]
async fn logging_is_made_changed_in_place_and_removed_with_an_empty_plan_after_each_apply() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = spec_in(dir.path(), LOGGING);
    let created = pending(&plan_json(&moto, &file));
    assert_action(&created["log_group.cluster"], "create", "missing");
    apply(&moto, &file);
    let c = clients(&moto).await;
    assert_eq!(enabled(&c).await, ["api", "audit"]);
    let (retention, tags) = group(&c).await.expect("the log group");
    assert_eq!(retention, Some(30));
    assert!(has_tag(&tags, "eksform.io/cluster", "access"), "{tags:?}");
    assert!(
        has_tag(&tags, "eksform.io/id", "log_group.cluster"),
        "{tags:?}"
    );
    assert_no_changes(&moto, &file);

    // Another type and another retention: both in place.
    edit(
        &file,
        "enableTypes: [audit, api]",
        "enableTypes: [audit, api, scheduler]",
    );
    edit(&file, "logRetentionInDays: 30", "logRetentionInDays: 90");
    let plan = pending(&plan_json(&moto, &file));
    assert_action(&plan["cluster.main"], "update", "config_changed");
    assert_eq!(
        field(&plan["cluster.main"], "logging_types")["after"],
        serde_json::json!(["api", "audit", "scheduler"])
    );
    assert_action(&plan["log_group.cluster"], "update", "config_changed");
    apply(&moto, &file);
    assert_eq!(enabled(&c).await, ["api", "audit", "scheduler"]);
    assert_eq!(group(&c).await.unwrap().0, Some(90));
    assert_no_changes(&moto, &file);

    // No retention: events are kept forever again.
    edit(&file, "    logRetentionInDays: 90\n", "");
    apply(&moto, &file);
    assert_eq!(group(&c).await.unwrap().0, None);
    assert_no_changes(&moto, &file);

    // No cloudWatch section: logging off, the group deleted, nothing else touched.
    edit(
        &file,
        "\ncloudWatch:\n  clusterLogging:\n    enableTypes: [audit, api, scheduler]\n",
        "",
    );
    let plan = pending(&plan_json(&moto, &file));
    assert_eq!(
        plan.keys().collect::<Vec<_>>(),
        ["cluster.main", "log_group.cluster"],
        "{plan:#?}"
    );
    assert_action(&plan["log_group.cluster"], "delete", "not_in_config");
    assert_eq!(
        field(&plan["cluster.main"], "logging_types")["after"],
        serde_json::json!([])
    );
    apply(&moto, &file);
    assert_eq!(enabled(&c).await, Vec::<String>::new());
    assert!(group(&c).await.is_none());
    assert_no_changes(&moto, &file);
    assert!(census::duplicates(&census::tagged(&moto, "access").await).is_empty());
}

#[tokio::test]
async fn the_group_eks_made_for_the_cluster_is_taken_over() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = spec_in(dir.path(), "");
    apply(&moto, &file);
    let c = clients(&moto).await;
    // Logging turned on outside eksform: EKS makes the group itself, untagged.
    let types = [
        aws_sdk_eks::types::LogType::Audit,
        aws_sdk_eks::types::LogType::Api,
    ];
    let setup = aws_sdk_eks::types::LogSetup::builder()
        .set_types(Some(types.to_vec()))
        .enabled(true)
        .build();
    let logging = aws_sdk_eks::types::Logging::builder()
        .cluster_logging(setup)
        .build();
    let update = c
        .eks
        .update_cluster_config()
        .name("access")
        .logging(logging)
        .send()
        .await
        .unwrap();
    let id = update.update().unwrap().id().unwrap().to_string();
    for _ in 0..100 {
        let u = c
            .eks
            .describe_update()
            .name("access")
            .update_id(&id)
            .send()
            .await
            .unwrap();
        if u.update().unwrap().status().map(|s| s.as_str()) == Some("Successful") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (retention, tags) = group(&c).await.expect("EKS made the group");
    assert_eq!((retention, tags.len()), (None, 0));

    // The config now asks for the same logging: the group is tagged and kept, not made again.
    edit(
        &file,
        "nodeGroups:",
        &format!("{}\nnodeGroups:", LOGGING.trim_start()),
    );
    let plan = pending(&plan_json(&moto, &file));
    assert_action(&plan["log_group.cluster"], "create", "missing");
    // The cluster already logs those types: at most its applied record follows the config.
    if let Some(cluster) = plan.get("cluster.main") {
        assert_eq!(
            field_paths(cluster),
            ["tags.eksform.io/applied"],
            "{cluster:#?}"
        );
    }
    apply(&moto, &file);
    let (retention, tags) = group(&c).await.unwrap();
    assert_eq!(retention, Some(30));
    assert!(
        has_tag(&tags, "eksform.io/id", "log_group.cluster"),
        "{tags:?}"
    );
    assert_no_changes(&moto, &file);
}
