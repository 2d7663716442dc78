//! IAM roles and instance profiles.

use super::*;
use eksform::aws::iam::Iam;

/// This cluster's role and profile, another cluster's role and an untagged role under this
/// cluster's path.
async fn setup(conf: &aws_config::SdkConfig) -> (Iam, ResolvedResource, ResolvedResource) {
    let iam = Iam::new(conf);
    let policies = ["AmazonEKS_CNI_Policy", "AmazonEKSWorkerNodePolicy"];
    let role = role_props(CLUSTER, "demo-nodes", &policies);
    let created = iam.create(CLUSTER, &role).await.unwrap();
    assert_eq!(created.props, role.props);
    assert_eq!(created.id, "demo-nodes");
    let profile = profile_props(CLUSTER, "demo-nodes");
    assert_eq!(
        iam.create(CLUSTER, &profile).await.unwrap().props,
        profile.props
    );
    let other = role_props("other", "other-nodes", &["AmazonEKS_CNI_Policy"]);
    iam.create("other", &other).await.unwrap();
    let stray = aws_sdk_iam::Client::new(conf)
        .create_role()
        .path("/eksform/demo/")
        .role_name("stray")
        .assume_role_policy_document(trust("ec2.amazonaws.com").to_string());
    stray.send().await.unwrap();
    (iam, role, profile)
}

#[tokio::test]
async fn roles_and_profiles_read_back_as_created_and_foreign_ones_are_not_read() {
    let moto = common::Moto::start();
    let (iam, role, profile) = setup(&moto.sdk_config("us-east-1").await).await;
    let live = iam.read(CLUSTER).await.unwrap();
    assert_eq!(
        addresses(&live),
        ["iam_role.nodes", "instance_profile.nodes"]
    );
    assert_eq!(find(&live, "iam_role.nodes").props, role.props);
    assert_eq!(find(&live, "instance_profile.nodes").props, profile.props);
    let arn = &find(&live, "iam_role.nodes").attrs["arn"];
    assert!(arn.starts_with("arn:aws:iam::"), "{arn}");
    assert!(arn.ends_with(":role/eksform/demo/demo-nodes"), "{arn}");
    let arn = &find(&live, "instance_profile.nodes").attrs["arn"];
    assert!(
        arn.ends_with(":instance-profile/eksform/demo/demo-nodes"),
        "{arn}"
    );
}

#[tokio::test]
async fn role_policies_trust_and_tags_change_in_place() {
    let moto = common::Moto::start();
    let (iam, role, _) = setup(&moto.sdk_config("us-east-1").await).await;
    let live = iam.read(CLUSTER).await.unwrap();
    let policies = [
        format!("{POLICY}AmazonEC2ContainerRegistryReadOnly"),
        format!("{POLICY}AmazonEKS_CNI_Policy"),
    ];
    let want = with(
        &role,
        json!({
            "managed_policy_arns": policies,
            "assume_role_policy": trust("eks.amazonaws.com"),
            "tags": tags(CLUSTER, "iam_role.nodes", json!({"env": "dev"})),
        }),
    );
    let changed = fields(&["managed_policy_arns", "assume_role_policy", "tags"]);
    let updated = iam
        .update(&want, find(&live, "iam_role.nodes"), &changed)
        .await
        .unwrap();
    assert_eq!(updated.props, want.props);
    let live = iam.read(CLUSTER).await.unwrap();
    assert_eq!(find(&live, "iam_role.nodes").props, want.props);
}

#[tokio::test]
async fn deletes_release_what_holds_the_role_and_leave_foreign_roles() {
    let moto = common::Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    let (iam, _, _) = setup(&conf).await;
    let live = iam.read(CLUSTER).await.unwrap();
    // The role goes first while still in its profile and with policies attached.
    iam.delete(find(&live, "iam_role.nodes")).await.unwrap();
    iam.delete(find(&live, "instance_profile.nodes"))
        .await
        .unwrap();
    assert!(iam.read(CLUSTER).await.unwrap().is_empty());
    iam.delete(find(&live, "iam_role.nodes"))
        .await
        .expect("deleting twice is fine");
    iam.delete(find(&live, "instance_profile.nodes"))
        .await
        .expect("deleting twice is fine");
    assert_eq!(
        addresses(&iam.read("other").await.unwrap()),
        ["iam_role.nodes"]
    );
    let sdk = aws_sdk_iam::Client::new(&conf);
    sdk.get_role()
        .role_name("stray")
        .send()
        .await
        .expect("the untagged role is untouched");
}

#[tokio::test]
async fn a_path_that_would_never_be_read_back_is_refused() {
    let moto = common::Moto::start();
    let iam = Iam::new(&moto.sdk_config("us-east-1").await);
    let role = with(
        &role_props(CLUSTER, "demo-nodes", &[]),
        json!({"path": "/elsewhere/"}),
    );
    let err = iam.create(CLUSTER, &role).await.unwrap_err();
    assert_eq!(err.code, "InvalidProperty");
    assert!(iam.read(CLUSTER).await.unwrap().is_empty());
}

/// A profile is part of the role it holds: under this cluster's path, one holding the untagged
/// role or none at all is not read; a create meeting an empty one (an interrupted create) takes
/// it over, and one meeting a profile holding another role fails.
#[tokio::test]
async fn profiles_are_owned_through_their_role() {
    let moto = common::Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    let (iam, _, profile) = setup(&conf).await;
    let sdk = aws_sdk_iam::Client::new(&conf);
    for name in ["stray-profile", "empty-profile"] {
        let made = sdk.create_instance_profile().path("/eksform/demo/");
        made.instance_profile_name(name).send().await.unwrap();
    }
    let held = sdk.add_role_to_instance_profile().role_name("stray");
    held.instance_profile_name("stray-profile")
        .send()
        .await
        .unwrap();
    let live = iam.read(CLUSTER).await.unwrap();
    assert_eq!(
        addresses(&live),
        ["iam_role.nodes", "instance_profile.nodes"]
    );
    assert_eq!(find(&live, "instance_profile.nodes").id, "demo-nodes");

    iam.delete(find(&live, "instance_profile.nodes"))
        .await
        .unwrap();
    let leftover = sdk.create_instance_profile().path("/eksform/demo/");
    leftover
        .instance_profile_name("demo-nodes")
        .send()
        .await
        .unwrap();
    let taken = iam.create(CLUSTER, &profile).await.expect("taken over");
    assert_eq!(taken.props, profile.props);
    let live = iam.read(CLUSTER).await.unwrap();
    assert_eq!(find(&live, "instance_profile.nodes").props, profile.props);

    let clash = with(&profile, json!({"name": "stray-profile"}));
    let err = iam.create(CLUSTER, &clash).await.unwrap_err();
    assert_eq!(err.code, "EntityAlreadyExists");
}
