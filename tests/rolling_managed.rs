//! The rolling update of a managed nodegroup onto a new launch template version against the
//! local AWS endpoint, whose launcher models nodegroup updates (scripts/moto_ext/eks.py):
//! UpdateNodegroupVersion puts the nodegroup in UPDATING with an update InProgress, which ends
//! Successful (the nodegroup on the new version) or Failed (its image does not exist). moto's
//! managed nodegroups have no instances, so what rolls is the nodegroup's record.

mod common;

use aws_sdk_eks::types::{UpdateStatus, UpdateType};
use common::Moto;
use common::eks_demo::{cluster, owned, resource};
use eksform::aws::ResolvedResource;
use eksform::aws::eks_nodegroup::Nodegroups;
use eksform::live::LiveResource;
use eksform::model::Kind;
use serde_json::json;

const MISSING_IMAGE: &str = "ami-0123456789abcdef0";

fn nodegroup(template: &str, version: &str) -> ResolvedResource {
    resource(
        "nodegroup.batch",
        Kind::Nodegroup,
        json!({
            "name": "batch", "cluster_name": "demo",
            "node_role_arn": "arn:aws:iam::123456789012:role/demo-nodes",
            "subnet_ids": ["subnet-1", "subnet-2"],
            "instance_types": ["m5.large"], "capacity_type": "ON_DEMAND",
            "min_size": 1, "max_size": 4, "desired_size": 2,
            "labels": {}, "taints": [],
            "launch_template_id": template, "launch_template_version": version,
            "update_config": {"max_unavailable": 1},
            "tags": owned("nodegroup.batch"),
        }),
    )
}

struct Setup {
    _moto: Moto,
    eks: aws_sdk_eks::Client,
    nodegroups: Nodegroups,
    template: String,
    live: LiveResource,
}

/// Cluster "demo" with nodegroup "batch" on version 1 of a launch template whose version 2
/// names `image`.
async fn setup(image: &str) -> Setup {
    let moto = Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    cluster(&conf).await;
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let data = |image: &str| {
        aws_sdk_ec2::types::RequestLaunchTemplateData::builder()
            .image_id(image)
            .build()
    };
    let template = ec2
        .create_launch_template()
        .launch_template_name("batch")
        .launch_template_data(data("ami-ekslinux"))
        .send()
        .await
        .unwrap()
        .launch_template
        .and_then(|t| t.launch_template_id)
        .unwrap();
    ec2.create_launch_template_version()
        .launch_template_id(&template)
        .launch_template_data(data(image))
        .send()
        .await
        .unwrap();
    let nodegroups = Nodegroups::new(&conf);
    let live = nodegroups
        .create("demo", &nodegroup(&template, "1"))
        .await
        .unwrap();
    Setup {
        eks: aws_sdk_eks::Client::new(&conf),
        nodegroups,
        template,
        live,
        _moto: moto,
    }
}

impl Setup {
    async fn update_to_2(&self) -> Result<LiveResource, eksform::aws::AwsError> {
        let fields = ["launch_template_version".to_string()];
        self.nodegroups
            .update(&nodegroup(&self.template, "2"), &self.live, &fields)
            .await
    }

    async fn updates(&self) -> Vec<aws_sdk_eks::types::Update> {
        let ids = self
            .eks
            .list_updates()
            .name("demo")
            .nodegroup_name("batch")
            .send()
            .await
            .unwrap()
            .update_ids
            .unwrap_or_default();
        let mut out = Vec::new();
        for id in ids {
            let u = self
                .eks
                .describe_update()
                .name("demo")
                .nodegroup_name("batch")
                .update_id(id)
                .send()
                .await
                .unwrap();
            out.extend(u.update);
        }
        out
    }

    async fn version(&self) -> Option<String> {
        let ng = self
            .eks
            .describe_nodegroup()
            .cluster_name("demo")
            .nodegroup_name("batch")
            .send()
            .await
            .unwrap()
            .nodegroup
            .unwrap();
        ng.launch_template.and_then(|t| t.version)
    }
}

#[tokio::test]
async fn a_new_version_calls_update_nodegroup_version_and_waits_for_the_update() {
    let s = setup("ami-ekslinux").await;
    let live = s.update_to_2().await.unwrap();
    assert_eq!(live.props["launch_template_version"], "2", "{live:?}");
    assert_eq!(s.version().await.as_deref(), Some("2"));
    let updates = s.updates().await;
    assert_eq!(updates.len(), 1, "{updates:?}");
    assert_eq!(updates[0].r#type(), Some(&UpdateType::VersionUpdate));
    assert_eq!(updates[0].status(), Some(&UpdateStatus::Successful));
}

#[tokio::test]
async fn a_failed_update_reports_its_errors() {
    let s = setup(MISSING_IMAGE).await;
    let e = s.update_to_2().await.unwrap_err();
    assert_eq!(e.code, "NodegroupUpdateFailed");
    assert!(
        e.message.contains("ended Failed: NodeCreationFailure: ")
            && e.message.contains(MISSING_IMAGE),
        "{}",
        e.message
    );
    assert_eq!(s.version().await.as_deref(), Some("1"));
}

#[tokio::test]
async fn an_update_left_running_by_an_interrupted_apply_is_waited_for_not_refused() {
    let s = setup("ami-ekslinux").await;
    // What an apply killed after UpdateNodegroupVersion leaves: an update in progress.
    let spec = aws_sdk_eks::types::LaunchTemplateSpecification::builder()
        .id(&s.template)
        .version("2")
        .build();
    s.eks
        .update_nodegroup_version()
        .cluster_name("demo")
        .nodegroup_name("batch")
        .launch_template(spec)
        .send()
        .await
        .unwrap();
    let live = s.update_to_2().await.unwrap();
    assert_eq!(live.props["launch_template_version"], "2", "{live:?}");
    let updates = s.updates().await;
    assert_eq!(updates.len(), 1, "one update, not a second: {updates:?}");
    assert_eq!(updates[0].status(), Some(&UpdateStatus::Successful));
}

/// Through the binary: an image edit whose update fails leaves a plan that says the roll is
/// pending and why the last one stopped; a working image then converges.
#[tokio::test(flavor = "multi_thread")]
async fn after_a_failed_update_the_plan_shows_the_pending_roll_and_why() {
    use common::run::{apply, assert_no_changes, edit, eksform, output_text, path_str, pending};
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("managed.yaml");
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/managed.yaml");
    std::fs::copy(spec, &file).unwrap();
    apply(&moto, &file);
    edit(&file, "ami: ami-ekslinux", &format!("ami: {MISSING_IMAGE}"));
    let failed = eksform(&moto, &["apply", "-f", path_str(&file), "--auto-approve"]);
    assert_eq!(failed.status.code(), Some(1), "{}", output_text(&failed));

    let plan = common::run::plan_json(&moto, &file);
    let ng = &pending(&plan)["nodegroup.batch"];
    assert_eq!(ng["action"], "update", "{plan:#}");
    assert_eq!(ng["reason"], "roll_pending", "{ng:#}");
    let unfinished = &ng["rolling"]["unfinished"];
    assert_eq!(unfinished["last_status"], "Failed", "{ng:#}");
    let reason = unfinished["last_reason"].as_str().unwrap_or_default();
    assert!(reason.contains(MISSING_IMAGE), "{ng:#}");
    let text = output_text(&eksform(&moto, &["plan", "-f", path_str(&file)]));
    assert!(
        text.contains("latest nodegroup update Failed: NodeCreationFailure"),
        "{text}"
    );

    edit(&file, &format!("ami: {MISSING_IMAGE}"), "ami: ami-ekslinux");
    apply(&moto, &file);
    assert_no_changes(&moto, &file);
}
