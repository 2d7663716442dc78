//! The CloudFormation engine's SDK side against the local endpoint's CloudFormation: change sets
//! for a new and an existing stack, an empty change set, and streamed events; and a failed run.
//!
//! moto cannot fail a run as AWS does: it executes a change set synchronously inside
//! ExecuteChangeSet and, when a resource's create raises (a subnet in a VPC that does not exist),
//! fails that call with the resource's error code, leaving the stack REVIEW_IN_PROGRESS with no
//! resource events and no rollback. So the failed run is faked at the SDK boundary: an
//! interceptor in the CloudFormation client lets moto prepare the change set, answers
//! ExecuteChangeSet itself, and from then on answers DescribeStackEvents and DescribeStacks from
//! a script of AWS's rollback (a resource fails, the others are cancelled, ROLLBACK_COMPLETE).

mod common;

use aws_sdk_cloudformation::config::interceptors::{
    BeforeTransmitInterceptorContextMut, FinalizerInterceptorContextMut,
};
use aws_sdk_cloudformation::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_cloudformation::operation::describe_stack_events::DescribeStackEventsOutput;
use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksOutput;
use aws_sdk_cloudformation::operation::execute_change_set::ExecuteChangeSetOutput;
use aws_sdk_cloudformation::types::{ResourceStatus, Stack, StackEvent, StackStatus};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::Output;
use aws_smithy_types::body::SdkBody;
use common::Moto;
use eksform::aws::stack::{StackEventLine, Stacks};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

const REGION: &str = "us-east-1";

fn template(subnet_cidr: &str) -> String {
    format!(
        r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      Tags: [{{Key: eksform.io/id, Value: vpc.main}}]
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: {subnet_cidr}
      AvailabilityZone: us-east-1a
Outputs:
  VpcId:
    Value: !Ref Vpc
"#
    )
}

fn no_params() -> BTreeMap<String, String> {
    BTreeMap::new()
}

#[tokio::test]
async fn change_sets_create_then_update_the_stack_and_stream_its_events() {
    let moto = Moto::start();
    let conf = moto.sdk_config(REGION).await;
    let stacks = Stacks::new(&conf);
    let tags = BTreeMap::from([("eksform.io/cluster".to_string(), "demo".to_string())]);

    let plan = stacks
        .prepare(
            "eksform-demo",
            &template("10.0.1.0/24"),
            &no_params(),
            &tags,
        )
        .await
        .unwrap();
    assert_eq!(plan.kind, "CREATE");
    let mut added: Vec<(&str, &str)> = plan
        .changes
        .iter()
        .map(|c| (c.action.as_str(), c.logical_id.as_str()))
        .collect();
    added.sort();
    assert_eq!(added, [("Add", "SubnetA"), ("Add", "Vpc")]);

    let seen = Mutex::new(Vec::<StackEventLine>::new());
    stacks
        .execute(&plan, &|e| seen.lock().unwrap().push(e.clone()))
        .await
        .unwrap();
    assert_eq!(
        stacks.status("eksform-demo").await.unwrap().as_deref(),
        Some("CREATE_COMPLETE")
    );
    let seen = seen.into_inner().unwrap();
    // moto runs a change set at once and reports only the stack's own events; AWS adds one per
    // resource. Either way they arrive oldest first and end with the stack settled.
    let stack_events: Vec<&str> = seen
        .iter()
        .filter(|e| e.logical_id == "eksform-demo")
        .map(|e| e.status.as_str())
        .collect();
    assert_eq!(
        stack_events.first(),
        Some(&"CREATE_IN_PROGRESS"),
        "{seen:#?}"
    );
    assert_eq!(stack_events.last(), Some(&"CREATE_COMPLETE"), "{seen:#?}");

    let again = stacks
        .prepare(
            "eksform-demo",
            &template("10.0.1.0/24"),
            &no_params(),
            &tags,
        )
        .await
        .unwrap();
    assert_eq!(again.kind, "UPDATE");
    assert!(!again.has_changes(), "{again:#?}");
    assert_eq!(again.change_set_id, None, "an empty change set is not kept");

    let changed = stacks
        .prepare(
            "eksform-demo",
            &template("10.0.2.0/24"),
            &no_params(),
            &tags,
        )
        .await
        .unwrap();
    let modified: Vec<&str> = changed
        .changes
        .iter()
        .filter(|c| c.action == "Modify")
        .map(|c| c.logical_id.as_str())
        .collect();
    assert_eq!(modified, ["SubnetA"], "{changed:#?}");
    stacks.execute(&changed, &|_| {}).await.unwrap();
    assert_eq!(
        stacks.status("eksform-demo").await.unwrap().as_deref(),
        Some("UPDATE_COMPLETE")
    );
}

const FAILING: &str = "eksform-failing";
const STACK_TYPE: &str = "AWS::CloudFormation::Stack";
const SUBNET_TYPE: &str = "AWS::EC2::Subnet";
const BAD_AZ: &str = "Value (us-east-1z) for parameter availabilityZone is invalid.";

/// AWS's events for a creation that fails and rolls back, oldest first:
/// (logical id, type, status, reason).
const ROLLBACK: &[(&str, &str, &str, Option<&str>)] = &[
    (
        FAILING,
        STACK_TYPE,
        "CREATE_IN_PROGRESS",
        Some("User Initiated"),
    ),
    ("Vpc", "AWS::EC2::VPC", "CREATE_IN_PROGRESS", None),
    ("Vpc", "AWS::EC2::VPC", "CREATE_COMPLETE", None),
    ("SubnetA", SUBNET_TYPE, "CREATE_IN_PROGRESS", None),
    ("SubnetB", SUBNET_TYPE, "CREATE_IN_PROGRESS", None),
    ("SubnetA", SUBNET_TYPE, "CREATE_FAILED", Some(BAD_AZ)),
    (
        "SubnetB",
        SUBNET_TYPE,
        "CREATE_FAILED",
        Some("Resource creation cancelled"),
    ),
    (
        FAILING,
        STACK_TYPE,
        "ROLLBACK_IN_PROGRESS",
        Some(
            "The following resource(s) failed to create: [SubnetA, SubnetB]. Rollback requested by user.",
        ),
    ),
    ("SubnetB", SUBNET_TYPE, "DELETE_COMPLETE", None),
    ("SubnetA", SUBNET_TYPE, "DELETE_COMPLETE", None),
    ("Vpc", "AWS::EC2::VPC", "DELETE_COMPLETE", None),
    (FAILING, STACK_TYPE, "ROLLBACK_COMPLETE", None),
];
/// How many more events of the script each DescribeStackEvents reveals, so the run is followed
/// over several polls.
const EVENTS_PER_POLL: usize = 4;

#[derive(Debug, Clone, Copy)]
enum Call {
    Execute,
    Events,
    Stacks,
}

#[derive(Debug, Default)]
struct Rollback {
    executed: Mutex<bool>,
    /// How many events of the script CloudFormation has reported so far.
    revealed: Mutex<usize>,
    in_flight: Mutex<Option<Call>>,
}

/// Answers ExecuteChangeSet, then the stack's events and status, from `ROLLBACK`.
#[derive(Debug, Clone, Default)]
struct FakeRollback(Arc<Rollback>);

impl Intercept for FakeRollback {
    fn name(&self) -> &'static str {
        "FakeRollback"
    }

    fn modify_before_transmit(
        &self,
        ctx: &mut BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let req = ctx.request_mut();
        let body = String::from_utf8_lossy(req.body().bytes().unwrap_or_default()).to_string();
        let executed = *self.0.executed.lock().unwrap();
        let call = if body.contains("Action=ExecuteChangeSet") {
            *self.0.executed.lock().unwrap() = true;
            Call::Execute
        } else if executed && body.contains("Action=DescribeStackEvents") {
            Call::Events
        } else if executed && body.contains("Action=DescribeStacks") {
            Call::Stacks
        } else {
            return Ok(());
        };
        // moto must not run the change set: ask it something harmless instead, and put the
        // fake's answer in place of the reply.
        let harmless = format!("Action=DescribeStacks&Version=2010-05-15&StackName={FAILING}");
        req.headers_mut()
            .insert("content-length", harmless.len().to_string());
        *req.body_mut() = SdkBody::from(harmless);
        *self.0.in_flight.lock().unwrap() = Some(call);
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
            Some(Call::Execute) => Output::erase(ExecuteChangeSetOutput::builder().build()),
            Some(Call::Events) => Output::erase(self.events()),
            Some(Call::Stacks) => Output::erase(self.stacks()),
        };
        if let Some(slot) = ctx.output_or_error_mut() {
            *slot = Ok(out);
        }
        Ok(())
    }
}

impl FakeRollback {
    /// The events revealed so far plus the next few, newest first as CloudFormation lists them.
    fn events(&self) -> DescribeStackEventsOutput {
        let mut n = self.0.revealed.lock().unwrap();
        *n = (*n + EVENTS_PER_POLL).min(ROLLBACK.len());
        let events = ROLLBACK[..*n].iter().enumerate().rev().map(|(i, e)| {
            StackEvent::builder()
                .event_id(format!("fake-{i}"))
                .stack_name(FAILING)
                .logical_resource_id(e.0)
                .resource_type(e.1)
                .resource_status(ResourceStatus::from(e.2))
                .set_resource_status_reason(e.3.map(str::to_string))
                .build()
        });
        DescribeStackEventsOutput::builder()
            .set_stack_events(Some(events.collect()))
            .build()
    }

    /// The stack's status: the latest of its own events revealed so far.
    fn stacks(&self) -> DescribeStacksOutput {
        let n = *self.0.revealed.lock().unwrap();
        let status = ROLLBACK[..n]
            .iter()
            .rev()
            .find(|e| e.0 == FAILING)
            .map_or("CREATE_IN_PROGRESS", |e| e.2);
        let stack = Stack::builder()
            .stack_name(FAILING)
            .stack_status(StackStatus::from(status))
            .build();
        DescribeStacksOutput::builder().stacks(stack).build()
    }
}

#[tokio::test]
async fn a_rolled_back_run_names_the_failing_resource_and_the_next_apply_is_refused() {
    let moto = Moto::start();
    let conf = moto.sdk_config(REGION).await;
    let fake = FakeRollback::default();
    let cfn_conf = aws_sdk_cloudformation::config::Builder::from(&conf)
        .interceptor(fake.clone())
        .build();
    let stacks = Stacks::from_client(aws_sdk_cloudformation::Client::from_conf(cfn_conf));
    let tags = BTreeMap::new();
    let plan = stacks
        .prepare(FAILING, &template("10.0.1.0/24"), &no_params(), &tags)
        .await
        .unwrap();
    assert_eq!(plan.kind, "CREATE");

    let seen = Mutex::new(Vec::<StackEventLine>::new());
    let e = stacks
        .execute(&plan, &|e| seen.lock().unwrap().push(e.clone()))
        .await
        .expect_err("a rolled back run is an error");
    assert_eq!(e.code, "StackFailed");
    assert_eq!(
        e.message,
        format!(
            "stack \"{FAILING}\" ended ROLLBACK_COMPLETE: SubnetA ({SUBNET_TYPE}) failed: {BAD_AZ}"
        )
    );
    assert!(e.hint.unwrap().contains("rolled the stack back"));
    // Every event was streamed once, oldest first, across several polls.
    let seen: Vec<String> = seen
        .into_inner()
        .unwrap()
        .iter()
        .map(|e| format!("{} {}", e.logical_id, e.status))
        .collect();
    let all: Vec<String> = ROLLBACK
        .iter()
        .map(|e| format!("{} {}", e.0, e.2))
        .collect();
    assert_eq!(seen, all);

    // A stack whose creation rolled back takes no change set: it must be deleted first.
    let again = stacks
        .prepare(FAILING, &template("10.0.1.0/24"), &no_params(), &tags)
        .await
        .expect_err("a ROLLBACK_COMPLETE stack is refused");
    assert_eq!(again.code, "StackBusy");
    assert_eq!(
        again.message,
        format!("stack \"{FAILING}\" is ROLLBACK_COMPLETE")
    );
    let hint = again.hint.as_deref().unwrap_or_default();
    assert!(hint.contains("must be deleted"), "{again:?}");
}
