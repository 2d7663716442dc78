//! The CloudFormation engine's SDK side against the local endpoint's CloudFormation: change sets
//! for a new and an existing stack, an empty change set, and streamed events. (moto runs a change
//! set synchronously and fails ExecuteChangeSet itself instead of rolling back, so how a rolled
//! back stack is reported is unit-tested in `aws::stack`.)

mod common;

use common::Moto;
use eksform::aws::stack::{StackEventLine, Stacks};
use std::collections::BTreeMap;
use std::sync::Mutex;

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
