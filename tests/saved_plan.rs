//! Saved plans against the local AWS endpoint, through the real binary: `plan --out FILE` then
//! `apply FILE` applies exactly that plan, and refuses (exit 1, naming what moved, changing
//! nothing) when the config file or a resource the plan read changed since the plan was made.

mod common;

use common::Moto;
use common::run::{
    apply, assert_no_changes, edit, expect_exit, output_text, path_str, pending, plan_json,
    review_apps_in,
};
use common::sdk::{Clients, id_tag};
use std::path::Path;

/// `plan -f FILE --out PLANFILE`, which must succeed.
fn save_plan(moto: &Moto, file: &Path, plan_file: &Path) {
    let out = expect_exit(
        moto,
        &["plan", "-f", path_str(file), "--out", path_str(plan_file)],
        0,
    );
    assert!(
        plan_file.is_file(),
        "plan --out wrote no file:\n{}",
        output_text(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_plan_is_applied_exactly_and_only_once() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    let plan_file = dir.path().join("plan.bin");
    let add = plan_json(&moto, &file)["summary"]["add"].as_u64().unwrap();
    assert!(add > 30, "a plan from empty creates the whole cluster");
    save_plan(&moto, &file, &plan_file);

    let out = expect_exit(&moto, &["apply", path_str(&plan_file)], 0);
    let text = output_text(&out);
    assert!(text.contains(&format!("{add} change(s) done")), "{text}");
    assert_no_changes(&moto, &file);

    // Everything the plan read as absent now exists: applying it again would duplicate it.
    let again = expect_exit(&moto, &["apply", path_str(&plan_file)], 1);
    let aws = Clients::new(&moto).await;
    let vpcs = aws
        .ec2
        .describe_vpcs()
        .filters(id_tag("vpc.main"))
        .send()
        .await
        .unwrap();
    assert_eq!(vpcs.vpcs().len(), 1, "{}", output_text(&again));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_plan_is_refused_when_the_config_file_changed() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    let plan_file = dir.path().join("plan.bin");
    save_plan(&moto, &file, &plan_file);
    edit(&file, "team: platform", "team: payments");

    let out = expect_exit(&moto, &["apply", path_str(&plan_file)], 1);
    let text = output_text(&out);
    assert!(
        text.contains("review-apps.yaml"),
        "the refusal must name the config file:\n{text}"
    );
    check_nothing_created(&Clients::new(&moto).await, &text).await;
}

/// Not one resource of the cluster exists.
async fn check_nothing_created(aws: &Clients, output: &str) {
    let tagged = aws_sdk_ec2::types::Filter::builder()
        .name("tag:eksform.io/cluster")
        .values("review-apps")
        .build();
    let vpcs = aws
        .ec2
        .describe_vpcs()
        .filters(tagged.clone())
        .send()
        .await
        .unwrap();
    assert!(
        vpcs.vpcs().is_empty(),
        "a refused apply created a VPC:\n{output}"
    );
    let sgs = aws
        .ec2
        .describe_security_groups()
        .filters(tagged)
        .send()
        .await
        .unwrap();
    assert!(sgs.security_groups().is_empty(), "{output}");
    assert!(aws.target_groups().await.is_empty(), "{output}");
    assert!(aws.autoscaling_groups().await.is_empty(), "{output}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_plan_is_refused_when_a_resource_it_read_changed() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    let plan_file = dir.path().join("plan.bin");
    apply(&moto, &file);

    edit(&file, "path: /healthz", "path: /ready");
    let plan = plan_json(&moto, &file);
    let changes = pending(&plan);
    assert_eq!(
        changes.keys().collect::<Vec<_>>(),
        ["target_group.ingress"],
        "{plan:#}"
    );
    save_plan(&moto, &file, &plan_file);

    // Not a resource the plan changes, but one it read: the plan no longer describes the account.
    let aws = Clients::new(&moto).await;
    let asg_name = aws
        .autoscaling_group()
        .await
        .auto_scaling_group_name()
        .unwrap()
        .to_string();
    aws.set_max_size(&asg_name, 5).await;

    let out = expect_exit(&moto, &["apply", path_str(&plan_file)], 1);
    let text = output_text(&out);
    assert!(
        text.contains("autoscaling_group.web"),
        "the refusal must name the resource that moved:\n{text}"
    );
    assert!(
        !text.contains("vpc.main"),
        "the refusal must name only what moved:\n{text}"
    );
    assert_eq!(
        aws.target_group().await.health_check_path(),
        Some("/healthz"),
        "a refused apply changed the target group:\n{text}"
    );
    assert_eq!(
        aws.autoscaling_group().await.max_size(),
        Some(5),
        "a refused apply reverted the Auto Scaling group:\n{text}"
    );
}
