//! Destroy's draining against moto: a subnet or security group refused because network
//! interfaces use it is retried while this cluster's detached VPC CNI leftovers are deleted, and
//! interfaces that are not ours are never touched but named when the deadline passes; and an
//! Auto Scaling group is created with its minimum of instances InService.
//!
//! moto deletes a subnet or security group even while interfaces use it, where AWS refuses with
//! DependencyViolation. That one check is faked at the SDK boundary: an interceptor asks moto
//! for the interfaces first, the way AWS decides, and turns the call into AWS's refusal.

mod common;

use aws_sdk_ec2::config::interceptors::{
    BeforeTransmitInterceptorContextMut, FinalizerInterceptorContextMut,
};
use aws_sdk_ec2::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_ec2::error::ErrorMetadata;
use aws_sdk_ec2::operation::delete_security_group::DeleteSecurityGroupError;
use aws_sdk_ec2::operation::delete_subnet::DeleteSubnetError;
use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::Error;
use aws_smithy_runtime_api::client::orchestrator::OrchestratorError;
use aws_smithy_types::body::SdkBody;
use eksform::aws::ec2::{CNI_CLUSTER_TAG, Ec2};
use eksform::aws::{ErrorKind, with_deadline};
use eksform::live::LiveResource;
use eksform::model::Kind;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::Mutex;
use std::time::Duration;

const CLUSTER: &str = "demo";
const REGION: &str = "us-east-1";

/// Refuses DeleteSubnet and DeleteSecurityGroup while moto lists interfaces using them.
#[derive(Debug, Default)]
struct RefuseWhileUsed {
    refused: Mutex<Option<&'static str>>,
}

/// The fields of a form-encoded EC2 query body (ids and actions need no decoding).
fn form(body: &str) -> BTreeMap<String, String> {
    body.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Asks moto, with the request's own signature headers (moto routes by them), whether any
/// interface matches `filter` = `id`.
fn used(req: &aws_smithy_runtime_api::http::Request, filter: &str, id: &str) -> bool {
    let host = req
        .uri()
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let body = format!(
        "Action=DescribeNetworkInterfaces&Version=2016-11-15&Filter.1.Name={filter}&Filter.1.Value.1={id}"
    );
    let header = |k: &str| req.headers().get(k).unwrap_or_default().to_string();
    let mut conn = std::net::TcpStream::connect(host).expect("reach moto");
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {host}\r\nAuthorization: {}\r\nX-Amz-Date: {}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        header("authorization"),
        header("x-amz-date"),
        body.len()
    );
    conn.write_all(format!("{head}{body}").as_bytes()).unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    answer.contains("<networkInterfaceId>")
}

impl Intercept for RefuseWhileUsed {
    fn name(&self) -> &'static str {
        "RefuseWhileUsed"
    }

    fn modify_before_transmit(
        &self,
        ctx: &mut BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let req = ctx.request_mut();
        let body = String::from_utf8_lossy(req.body().bytes().unwrap_or_default()).to_string();
        let fields = form(&body);
        let (op, key, filter, bogus) = match fields.get("Action").map(String::as_str) {
            Some("DeleteSubnet") => ("subnet", "SubnetId", "subnet-id", "subnet-00000000"),
            Some("DeleteSecurityGroup") => ("group", "GroupId", "group-id", "sg-00000000"),
            _ => return Ok(()),
        };
        let id = fields[key].clone();
        if !used(req, filter, &id) {
            return Ok(());
        }
        // moto is sent a delete of nothing, so the resource stays; its answer becomes AWS's.
        let body = body.replace(&format!("{key}={id}"), &format!("{key}={bogus}"));
        req.headers_mut()
            .insert("content-length", body.len().to_string());
        *req.body_mut() = SdkBody::from(body);
        *self.refused.lock().unwrap() = Some(op);
        Ok(())
    }

    fn modify_before_attempt_completion(
        &self,
        ctx: &mut FinalizerInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(op) = self.refused.lock().unwrap().take() else {
            return Ok(());
        };
        let meta = ErrorMetadata::builder()
            .code("DependencyViolation")
            .message("resource has a dependent object")
            .build();
        let err = match op {
            "subnet" => Error::erase(DeleteSubnetError::generic(meta)),
            _ => Error::erase(DeleteSecurityGroupError::generic(meta)),
        };
        if let Some(slot) = ctx.output_or_error_mut() {
            *slot = Err(OrchestratorError::operation(err));
        }
        Ok(())
    }
}

struct Fixture {
    _moto: common::Moto,
    sdk: aws_sdk_ec2::Client,
    ec2: Ec2,
    vpc: String,
    subnet: String,
}

async fn fixture() -> Fixture {
    let moto = common::Moto::start();
    let conf = moto.sdk_config(REGION).await;
    let sdk = aws_sdk_ec2::Client::new(&conf);
    let faked = aws_sdk_ec2::config::Builder::from(&conf)
        .interceptor(RefuseWhileUsed::default())
        .build();
    let ec2 = Ec2::from_client(aws_sdk_ec2::Client::from_conf(faked));
    let vpc = sdk.create_vpc().cidr_block("10.0.0.0/16").send().await;
    let vpc = vpc.unwrap().vpc.unwrap().vpc_id.unwrap();
    let subnet = sdk
        .create_subnet()
        .vpc_id(&vpc)
        .cidr_block("10.0.1.0/24")
        .availability_zone("us-east-1a")
        .send()
        .await;
    let subnet = subnet.unwrap().subnet.unwrap().subnet_id.unwrap();
    Fixture {
        _moto: moto,
        sdk,
        ec2,
        vpc,
        subnet,
    }
}

fn live(kind: Kind, address: &str, id: &str) -> LiveResource {
    let props = json!({"tags": {"eksform.io/cluster": CLUSTER, "eksform.io/id": address}});
    LiveResource {
        address: address.into(),
        kind,
        id: id.into(),
        props: serde_json::from_value(props).unwrap(),
        attrs: BTreeMap::new(),
    }
}

impl Fixture {
    /// A detached interface in the subnet, with `groups` and `tags`.
    async fn interface(&self, groups: &[&str], tags: &[(&str, &str)]) -> String {
        let mut spec = TagSpecification::builder().resource_type(ResourceType::NetworkInterface);
        for (k, v) in tags {
            spec = spec.tags(Tag::builder().key(*k).value(*v).build());
        }
        let mut call = self
            .sdk
            .create_network_interface()
            .subnet_id(&self.subnet)
            .description("aws-K8S-i-0123");
        if !tags.is_empty() {
            call = call.tag_specifications(spec.build());
        }
        for g in groups {
            call = call.groups(*g);
        }
        let out = call.send().await.unwrap();
        out.network_interface.unwrap().network_interface_id.unwrap()
    }

    async fn interface_exists(&self, id: &str) -> bool {
        let f = aws_sdk_ec2::types::Filter::builder()
            .name("network-interface-id")
            .values(id)
            .build();
        let out = self.sdk.describe_network_interfaces().filters(f).send();
        !out.await.unwrap().network_interfaces().is_empty()
    }

    async fn subnet_exists(&self) -> bool {
        let f = aws_sdk_ec2::types::Filter::builder()
            .name("subnet-id")
            .values(&self.subnet)
            .build();
        let out = self.sdk.describe_subnets().filters(f).send();
        !out.await.unwrap().subnets().is_empty()
    }

    /// Deletes the subnet with a deadline two seconds away.
    async fn delete_subnet_soon(&self) -> Result<(), eksform::aws::AwsError> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
        let subnet = live(Kind::Subnet, "subnet.private-us-east-1a", &self.subnet);
        with_deadline(Some(deadline), self.ec2.delete(&subnet)).await
    }
}

#[tokio::test]
async fn a_cni_leftover_of_this_cluster_is_deleted_with_its_subnet() {
    let fx = fixture().await;
    let eni = fx.interface(&[], &[(CNI_CLUSTER_TAG, CLUSTER)]).await;
    fx.delete_subnet_soon().await.unwrap();
    assert!(!fx.interface_exists(&eni).await, "{eni} should be deleted");
    assert!(!fx.subnet_exists().await);
}

#[tokio::test]
async fn an_untagged_interface_is_never_touched_and_named_at_the_deadline() {
    let fx = fixture().await;
    let eni = fx.interface(&[], &[]).await;
    let started = std::time::Instant::now();
    let e = fx.delete_subnet_soon().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(e.kind, ErrorKind::InUse);
    assert_eq!(e.code, "DependencyViolation");
    assert!(e.message.contains(&eni), "{}", e.message);
    assert!(e.message.contains("available"), "{}", e.message);
    let hint = e.hint.unwrap_or_default();
    assert!(hint.contains("created outside eksform"), "{hint}");
    assert!(fx.interface_exists(&eni).await);
    assert!(fx.subnet_exists().await);
}

#[tokio::test]
async fn a_cni_interface_of_another_cluster_is_not_touched() {
    let fx = fixture().await;
    let eni = fx.interface(&[], &[(CNI_CLUSTER_TAG, "other")]).await;
    let e = fx.delete_subnet_soon().await.unwrap_err();
    assert!(e.message.contains(&eni), "{}", e.message);
    assert!(fx.interface_exists(&eni).await);
    assert!(fx.subnet_exists().await);
}

#[tokio::test]
async fn a_security_group_is_freed_of_this_clusters_leftovers() {
    let fx = fixture().await;
    let out = fx
        .sdk
        .create_security_group()
        .group_name("demo-nodes")
        .description("nodes")
        .vpc_id(&fx.vpc)
        .send()
        .await;
    let sg = out.unwrap().group_id.unwrap();
    let ours = fx.interface(&[&sg], &[(CNI_CLUSTER_TAG, CLUSTER)]).await;
    let group = live(Kind::SecurityGroup, "security_group.nodes", &sg);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    with_deadline(Some(deadline), fx.ec2.delete(&group))
        .await
        .unwrap();
    assert!(!fx.interface_exists(&ours).await);
    let left = fx
        .sdk
        .describe_security_groups()
        .group_ids(&sg)
        .send()
        .await;
    assert!(left.is_err() || left.unwrap().security_groups().is_empty());
}

/// A launch template and an eksform group of `min` = desired instances from it.
async fn group_of(fx: &Fixture, min: i64) -> eksform::aws::ResolvedResource {
    let data = aws_sdk_ec2::types::RequestLaunchTemplateData::builder()
        .image_id("ami-ekslinux")
        .instance_type(aws_sdk_ec2::types::InstanceType::T3Medium)
        .build();
    let lt = fx
        .sdk
        .create_launch_template()
        .launch_template_name("demo-web")
        .launch_template_data(data)
        .send()
        .await;
    let lt = lt.unwrap().launch_template.unwrap().launch_template_id;
    let props = json!({
        "name": "demo-web",
        "launch_template_id": lt.unwrap(),
        "min_size": min,
        "max_size": 3,
        "desired_capacity": min,
        "subnet_ids": [fx.subnet],
        "target_group_arns": [],
        "tags": {"eksform.io/cluster": CLUSTER, "eksform.io/id": "autoscaling_group.web"},
    });
    eksform::aws::ResolvedResource {
        address: "autoscaling_group.web".into(),
        kind: Kind::AutoscalingGroup,
        props: serde_json::from_value(props).unwrap(),
    }
}

/// The ids of the group's instances that are InService.
async fn in_service(conf: &aws_config::SdkConfig) -> Vec<String> {
    let out = aws_sdk_autoscaling::Client::new(conf)
        .describe_auto_scaling_groups()
        .auto_scaling_group_names("demo-web")
        .send()
        .await
        .unwrap();
    let up = Some(&aws_sdk_autoscaling::types::LifecycleState::InService);
    out.auto_scaling_groups()[0]
        .instances()
        .iter()
        .filter(|i| i.lifecycle_state() == up)
        .filter_map(|i| i.instance_id().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn a_group_is_created_with_its_minimum_in_service() {
    let fx = fixture().await;
    let conf = fx._moto.sdk_config(REGION).await;
    let want = group_of(&fx, 2).await;
    let asg = eksform::aws::asg::Asg::new(&conf);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let created = with_deadline(Some(deadline), asg.create(CLUSTER, &want)).await;
    assert_eq!(created.unwrap().id, "demo-web");
    // moto's instances are InService as soon as they launch, so the wait ends at its first
    // poll; what create promises is that they are there when it returns.
    assert_eq!(in_service(&conf).await.len(), 2);
}

#[tokio::test]
async fn an_update_waits_for_in_service_instances_and_says_how_many_at_the_deadline() {
    let fx = fixture().await;
    let conf = fx._moto.sdk_config(REGION).await;
    let want = group_of(&fx, 1).await;
    let asg = eksform::aws::asg::Asg::new(&conf);
    let live = asg.create(CLUSTER, &want).await.unwrap();
    // An instance in Standby is the group's but not InService; with the desired capacity
    // lowered, moto launches no replacement, and an update leaving it alone launches none.
    let ids = in_service(&conf).await;
    aws_sdk_autoscaling::Client::new(&conf)
        .enter_standby()
        .auto_scaling_group_name("demo-web")
        .set_instance_ids(Some(ids))
        .should_decrement_desired_capacity(true)
        .send()
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    let fields = ["min_size".to_string()];
    let started = std::time::Instant::now();
    let e = with_deadline(Some(deadline), asg.update(&want, &live, &fields))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(e.code, "WaiterTimeout");
    assert!(
        e.message.starts_with(
            "autoscaling_group.web: auto scaling group \"demo-web\" has 0 of 1 instances InService"
        ),
        "{}",
        e.message
    );
}
