//! The rolling update of a managed nodegroup onto a new launch template version against the
//! local AWS endpoint. moto answers UpdateNodegroupVersion and DescribeUpdate with 404, so those
//! two are faked at the SDK boundary: an interceptor in the EKS client records the version asked
//! for and answers the describes from a script, while moto answers everything else (the
//! cluster, the nodegroup, its ACTIVE wait).

mod common;

use common::eks_demo::{cluster, owned, resource};

use aws_sdk_eks::config::interceptors::{
    BeforeTransmitInterceptorContextMut, FinalizerInterceptorContextMut,
};
use aws_sdk_eks::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_eks::operation::describe_update::DescribeUpdateOutput;
use aws_sdk_eks::operation::update_nodegroup_version::UpdateNodegroupVersionOutput;
use aws_sdk_eks::types::{ErrorCode, ErrorDetail, Update, UpdateStatus};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::Output;
use common::Moto;
use eksform::aws::ResolvedResource;
use eksform::aws::eks_nodegroup::Nodegroups;
use eksform::model::Kind;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Copy)]
enum Call {
    UpdateVersion,
    DescribeUpdate,
}

#[derive(Debug, Default)]
struct Updates {
    /// Bodies of the UpdateNodegroupVersion requests.
    asked: Mutex<Vec<Value>>,
    /// Statuses DescribeUpdate reports, in order; the last one repeats.
    script: Vec<UpdateStatus>,
    described: Mutex<usize>,
    in_flight: Mutex<Option<Call>>,
}

#[derive(Debug, Clone)]
struct FakeUpdates(Arc<Updates>);

impl Intercept for FakeUpdates {
    fn name(&self) -> &'static str {
        "FakeUpdates"
    }

    fn modify_before_transmit(
        &self,
        ctx: &mut BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let req = ctx.request();
        let call = if req.uri().ends_with("/update-version") {
            let body = serde_json::from_slice(req.body().bytes().unwrap_or_default())?;
            self.0.asked.lock().unwrap().push(body);
            Some(Call::UpdateVersion)
        } else if req.uri().contains("/updates/u-1") {
            Some(Call::DescribeUpdate)
        } else {
            None
        };
        *self.0.in_flight.lock().unwrap() = call;
        Ok(())
    }

    fn modify_before_attempt_completion(
        &self,
        ctx: &mut FinalizerInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let out = match self.0.in_flight.lock().unwrap().take() {
            None => return Ok(()),
            Some(Call::UpdateVersion) => Output::erase(
                UpdateNodegroupVersionOutput::builder()
                    .update(update(UpdateStatus::InProgress))
                    .build(),
            ),
            Some(Call::DescribeUpdate) => {
                let mut n = self.0.described.lock().unwrap();
                let status = self.0.script[(*n).min(self.0.script.len() - 1)].clone();
                *n += 1;
                Output::erase(
                    DescribeUpdateOutput::builder()
                        .update(update(status))
                        .build(),
                )
            }
        };
        if let Some(slot) = ctx.output_or_error_mut() {
            *slot = Ok(out);
        }
        Ok(())
    }
}

fn update(status: UpdateStatus) -> Update {
    let failed = status == UpdateStatus::Failed;
    let mut u = Update::builder().id("u-1").status(status);
    if failed {
        u = u.errors(
            ErrorDetail::builder()
                .error_code(ErrorCode::NodeCreationFailure)
                .error_message("instances failed to join")
                .build(),
        );
    }
    u.build()
}

fn nodegroup(version: &str) -> ResolvedResource {
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
            "launch_template_id": "lt-0123", "launch_template_version": version,
            "update_config": {"max_unavailable": 1},
            "tags": owned("nodegroup.batch"),
        }),
    )
}

/// Creates the nodegroup at version 1, then moves it to version 2 through a faked client.
async fn roll(script: Vec<UpdateStatus>) -> (FakeUpdates, Result<(), eksform::aws::AwsError>) {
    let moto = Moto::start();
    let conf = moto.sdk_config("us-east-1").await;
    cluster(&conf).await;
    let live = Nodegroups::new(&conf)
        .create("demo", &nodegroup("1"))
        .await
        .unwrap();
    let fake = FakeUpdates(Arc::new(Updates {
        script,
        ..Updates::default()
    }));
    let eks_conf = aws_sdk_eks::config::Builder::from(&conf)
        .interceptor(fake.clone())
        .build();
    let faked = Nodegroups::from_client(aws_sdk_eks::Client::from_conf(eks_conf));
    let fields = ["launch_template_version".to_string()];
    let result = faked.update(&nodegroup("2"), &live, &fields).await;
    (fake, result.map(|_| ()))
}

#[tokio::test]
async fn a_new_version_calls_update_nodegroup_version_and_waits_for_the_update() {
    let (fake, result) = roll(vec![
        UpdateStatus::InProgress,
        UpdateStatus::InProgress,
        UpdateStatus::Successful,
    ])
    .await;
    result.unwrap();
    let asked = fake.0.asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0]["launchTemplate"]["version"], "2", "{asked:?}");
    assert_eq!(asked[0]["launchTemplate"]["id"], "lt-0123", "{asked:?}");
    assert_eq!(*fake.0.described.lock().unwrap(), 3);
}

#[tokio::test]
async fn a_failed_update_reports_its_errors() {
    let (_, result) = roll(vec![UpdateStatus::InProgress, UpdateStatus::Failed]).await;
    let e = result.unwrap_err();
    assert_eq!(e.code, "NodegroupUpdateFailed");
    assert!(
        e.message
            .contains("ended Failed: NodeCreationFailure: instances failed to join"),
        "{}",
        e.message
    );
}
