//! Launch templates and Auto Scaling groups of self-managed node groups.

use super::elb::target_group_props;
use super::*;
use eksform::aws::asg::Asg;
use eksform::aws::elb::Elb;
use eksform::aws::iam::Iam;
use eksform::aws::launch_template::LaunchTemplates;

fn launch_template_props(net: &Net, cluster: &str, profile_arn: &str) -> ResolvedResource {
    resource(
        "launch_template.web",
        Kind::LaunchTemplate,
        json!({
            "name": format!("{cluster}-web"),
            "image_id": "ami-ekslinux",
            "instance_type": "t3.medium",
            "user_data": "#!/bin/bash\n/etc/eks/bootstrap.sh demo --kubelet-extra-args '--max-pods=110'\n",
            "volume_size": 80,
            "volume_type": "gp3",
            "security_group_ids": [net.groups[1]],
            "instance_profile_arn": profile_arn,
            "metadata_http_tokens": "required",
            "tags": tags(cluster, "launch_template.web", json!({"team": "web"})),
        }),
    )
}

fn asg_props(net: &Net, cluster: &str, template: &str, target_groups: Value) -> ResolvedResource {
    resource(
        "autoscaling_group.web",
        Kind::AutoscalingGroup,
        json!({
            "name": format!("{cluster}-web"),
            "launch_template_id": template,
            "launch_template_version": "1",
            "min_size": 1,
            "max_size": 3,
            "desired_capacity": 2,
            "subnet_ids": net.subnets,
            "target_group_arns": target_groups,
            "tags": tags(cluster, "autoscaling_group.web", json!({
                "Name": format!("{cluster}-web-Node"),
                format!("kubernetes.io/cluster/{cluster}"): "owned",
            })),
        }),
    )
}

/// The network and the instance profile a launch template names.
async fn base(conf: &aws_config::SdkConfig) -> (Net, String) {
    let iam = Iam::new(conf);
    iam.create(CLUSTER, &role_props(CLUSTER, "demo-nodes", &[]))
        .await
        .unwrap();
    let profile = iam
        .create(CLUSTER, &profile_props(CLUSTER, "demo-nodes"))
        .await
        .unwrap();
    (network(conf).await, profile.attrs["arn"].clone())
}

#[tokio::test]
async fn launch_template_round_trips_and_foreign_ones_are_not_read() {
    let moto = common::Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    let (net, profile) = base(&conf).await;
    let lts = LaunchTemplates::new(&conf);
    let lt = launch_template_props(&net, CLUSTER, &profile);
    let created = lts.create(CLUSTER, &lt).await.unwrap();
    assert_eq!(created.props, lt.props);
    assert!(created.id.starts_with("lt-"), "{}", created.id);
    assert_eq!(created.attrs["latest_version"], "1");
    lts.create("other", &launch_template_props(&net, "other", &profile))
        .await
        .unwrap();
    let data = aws_sdk_ec2::types::RequestLaunchTemplateData::builder()
        .image_id("ami-ekslinux")
        .build();
    let sdk = aws_sdk_ec2::Client::new(&conf);
    sdk.create_launch_template()
        .launch_template_name("stray")
        .launch_template_data(data)
        .send()
        .await
        .unwrap();

    let live = lts.read(CLUSTER).await.unwrap();
    assert_eq!(addresses(&live), ["launch_template.web"]);
    assert_eq!(live[0].props, lt.props);
    assert_eq!(live[0].id, created.id);
    // A second create with the same name (a retry after a crash) finds the template it made.
    assert_eq!(lts.create(CLUSTER, &lt).await.unwrap().id, created.id);
}

#[tokio::test]
async fn launch_template_changes_become_a_new_default_version_then_delete() {
    let moto = common::Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    let (net, profile) = base(&conf).await;
    let lts = LaunchTemplates::new(&conf);
    let lt = launch_template_props(&net, CLUSTER, &profile);
    let created = lts.create(CLUSTER, &lt).await.unwrap();
    lts.create("other", &launch_template_props(&net, "other", &profile))
        .await
        .unwrap();
    let want = with(
        &lt,
        json!({
            "instance_type": "t3.large",
            "user_data": "#!/bin/bash\necho changed\n",
            "tags": tags(CLUSTER, "launch_template.web", json!({"env": "dev"})),
        }),
    );
    let changed = fields(&["instance_type", "user_data", "tags"]);
    let updated = lts.update(&want, &created, &changed).await.unwrap();
    assert_eq!(updated.props, want.props);
    assert_eq!(updated.attrs["latest_version"], "2");
    let live = lts.read(CLUSTER).await.unwrap();
    assert_eq!(
        live[0].props, want.props,
        "the new version is the default one read"
    );
    assert_eq!(live[0].attrs["latest_version"], "2");

    lts.delete(&live[0]).await.unwrap();
    lts.delete(&live[0]).await.expect("deleting twice is fine");
    assert!(lts.read(CLUSTER).await.unwrap().is_empty());
    assert_eq!(
        addresses(&lts.read("other").await.unwrap()),
        ["launch_template.web"]
    );
}

/// Instance ids registered in a target group, sorted.
async fn registered(conf: &aws_config::SdkConfig, tg: &str) -> Vec<String> {
    let sdk = aws_sdk_elasticloadbalancingv2::Client::new(conf);
    let health = sdk
        .describe_target_health()
        .target_group_arn(tg)
        .send()
        .await
        .unwrap();
    let descriptions = health.target_health_descriptions();
    let mut ids: Vec<String> = descriptions
        .iter()
        .filter_map(|d| d.target()?.id().map(str::to_string))
        .collect();
    ids.sort();
    ids
}

/// The instances of a group, sorted.
async fn instances(conf: &aws_config::SdkConfig, name: &str) -> Vec<String> {
    let sdk = aws_sdk_autoscaling::Client::new(conf);
    let out = sdk
        .describe_auto_scaling_groups()
        .auto_scaling_group_names(name)
        .send()
        .await
        .unwrap();
    let group = &out.auto_scaling_groups()[0];
    let mut ids: Vec<String> = group
        .instances()
        .iter()
        .filter_map(|i| i.instance_id().map(str::to_string))
        .collect();
    ids.sort();
    ids
}

/// A group in a target group, with another cluster's group beside it.
async fn group(conf: &aws_config::SdkConfig) -> (Asg, ResolvedResource, Net, String) {
    let (net, profile) = base(conf).await;
    let lt = launch_template_props(&net, CLUSTER, &profile);
    let lt = LaunchTemplates::new(conf)
        .create(CLUSTER, &lt)
        .await
        .unwrap();
    let tg = Elb::new(conf)
        .create(
            CLUSTER,
            &target_group_props(&net, CLUSTER, "HTTP", json!("/")),
        )
        .await
        .unwrap();
    let asg = Asg::new(conf);
    let want = asg_props(&net, CLUSTER, &lt.id, json!([tg.id]));
    assert_eq!(asg.create(CLUSTER, &want).await.unwrap().props, want.props);
    let other = with(
        &asg_props(&net, "other", &lt.id, json!([])),
        json!({"min_size": 0, "desired_capacity": 0}),
    );
    asg.create("other", &other).await.unwrap();
    (asg, want, net, tg.id)
}

#[tokio::test]
async fn group_reads_back_and_registers_tagged_instances_in_its_target_group() {
    let moto = common::Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    let (asg, want, _, tg) = group(&conf).await;
    let live = asg.read(CLUSTER).await.unwrap();
    assert_eq!(addresses(&live), ["autoscaling_group.web"]);
    assert_eq!(live[0].props, want.props);
    let ids = instances(&conf, "demo-web").await;
    assert_eq!(ids.len(), 2);
    assert_eq!(registered(&conf, &tg).await, ids);
    let filter = aws_sdk_ec2::types::Filter::builder()
        .name("tag:eksform.io/id")
        .values("autoscaling_group.web");
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let tagged = ec2
        .describe_instances()
        .filters(filter.build())
        .send()
        .await
        .unwrap();
    let tagged: usize = tagged
        .reservations()
        .iter()
        .map(|r| r.instances().len())
        .sum();
    assert_eq!(tagged, 2, "tags propagate to the instances");
}

#[tokio::test]
async fn group_sizes_target_groups_and_tags_change_in_place_then_delete() {
    let moto = common::Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    let (asg, want, net, _) = group(&conf).await;
    let admin = target_group_props(&net, CLUSTER, "HTTP", json!("/"));
    let admin = with(
        &admin,
        json!({"name": "demo-admin", "tags": tags(CLUSTER, "target_group.admin", json!({}))}),
    );
    let admin = ResolvedResource {
        address: "target_group.admin".into(),
        ..admin
    };
    let admin = Elb::new(&conf).create(CLUSTER, &admin).await.unwrap();
    let changed = with(
        &want,
        json!({
            "min_size": 2,
            "max_size": 4,
            "target_group_arns": [admin.id],
            "tags": tags(CLUSTER, "autoscaling_group.web", json!({"Name": "demo-web-Node", "env": "dev"})),
        }),
    );
    let live = asg.read(CLUSTER).await.unwrap();
    let keys = fields(&["min_size", "max_size", "target_group_arns", "tags"]);
    let updated = asg.update(&changed, &live[0], &keys).await.unwrap();
    assert_eq!(
        updated.props, changed.props,
        "desired capacity is left as it was"
    );
    assert_eq!(asg.read(CLUSTER).await.unwrap()[0].props, changed.props);
    assert_eq!(
        registered(&conf, &admin.id).await,
        instances(&conf, "demo-web").await
    );

    asg.delete(&live[0]).await.unwrap();
    asg.delete(&live[0])
        .await
        .expect("deleting a group that is gone is fine");
    assert!(asg.read(CLUSTER).await.unwrap().is_empty());
    assert_eq!(
        addresses(&asg.read("other").await.unwrap()),
        ["autoscaling_group.web"]
    );
}
