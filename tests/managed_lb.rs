//! A managed node group behind a load balancer, against the local AWS endpoint. moto's EKS
//! nodegroups name an Auto Scaling group that does not exist, so the test makes one directly in moto (untagged, as
//! EKS's are to eksform) and an interceptor in the EKS client reports it in every
//! DescribeNodegroup answer, the way EKS does; moto answers everything else. Another target
//! group, attached to the same Auto Scaling group by someone else, must stay attached and
//! unseen throughout.

mod common;

use aws_sdk_eks::config::interceptors::FinalizerInterceptorContextMut;
use aws_sdk_eks::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_eks::operation::describe_nodegroup::DescribeNodegroupOutput;
use aws_sdk_eks::types::{AutoScalingGroup, NodegroupResources};
use aws_smithy_runtime_api::box_error::BoxError;
use common::Moto;
use common::sdk::Clients;
use eksform::apply::{Options, execute};
use eksform::aws::{Cloud, Provider};
use eksform::model::{Kind, ModelInputs};
use eksform::plan::{Action, Plan};
use std::path::Path;

const REGION: &str = "us-east-1";
const GROUP: &str = "eks-batch-0123";

/// Makes every DescribeNodegroup answer name GROUP as the nodegroup's Auto Scaling group
/// (moto names one that does not exist).
#[derive(Debug)]
struct EksMadeGroup;

impl Intercept for EksMadeGroup {
    fn name(&self) -> &'static str {
        "EksMadeGroup"
    }

    fn modify_before_attempt_completion(
        &self,
        ctx: &mut FinalizerInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(Ok(out)) = ctx.output_or_error_mut() else {
            return Ok(());
        };
        let Some(ng) = out
            .downcast_mut::<DescribeNodegroupOutput>()
            .and_then(|o| o.nodegroup.as_mut())
        else {
            return Ok(());
        };
        let group = AutoScalingGroup::builder().name(GROUP).build();
        ng.resources = Some(
            NodegroupResources::builder()
                .auto_scaling_groups(group)
                .build(),
        );
        Ok(())
    }
}

const CONFIG: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: mlb, region: us-east-1, version: \"1.34\"}
availabilityZones: [us-east-1a, us-east-1b]
loadBalancers:
  - name: ingress
    type: application
    listeners: [{port: 80, protocol: HTTP}]
    targetGroup: {port: 30080, protocol: HTTP}
managedNodeGroups:
  - name: batch
    minSize: 0
    desiredCapacity: 1
    maxSize: 2
    amiFamily: AmazonLinux2023
    ami: ami-ekslinux
    loadBalancers: [ingress]
    targetGroupARNs: [NAMED]
";

fn cloud(conf: &aws_config::SdkConfig) -> Cloud {
    let eks = aws_sdk_eks::config::Builder::from(conf)
        .interceptor(EksMadeGroup)
        .build();
    Cloud::from_conf(conf).with_nodegroups(aws_sdk_eks::Client::from_conf(eks))
}

/// Plans `file` (or its destruction) and applies the plan; every change must succeed.
async fn run(moto: &Moto, file: &Path, destroy: bool) -> Plan {
    let conf = moto.sdk_config(REGION).await;
    let cloud = cloud(&conf);
    let spec = eksform::config::load(file).unwrap().spec;
    let desired = eksform::model::desired(&spec, &ModelInputs::default());
    let external = if destroy {
        vec![]
    } else {
        desired.external.clone()
    };
    let live = Box::pin(cloud.read(&desired.cluster, &external))
        .await
        .unwrap();
    let plan = if destroy {
        eksform::plan::plan_destroy(&desired.cluster, REGION, &live)
    } else {
        eksform::plan::plan(&desired, &live)
    };
    let report = Box::pin(execute(&cloud, &plan, live, &Options::default(), &|_| {})).await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert!(report.not_started.is_empty(), "{:?}", report.not_started);
    plan
}

fn pending(plan: &Plan) -> Vec<(String, Action)> {
    plan.changes
        .iter()
        .filter(|c| c.action != Action::NoOp)
        .map(|c| (c.address.clone(), c.action))
        .collect()
}

/// A target group made outside eksform, in the default VPC.
async fn outside_target_group(c: &Clients, name: &str) -> String {
    let vpc = c.ec2.describe_vpcs().send().await.unwrap().vpcs()[0]
        .vpc_id()
        .unwrap()
        .to_string();
    let out = c
        .elb
        .create_target_group()
        .name(name)
        .protocol("HTTP".into())
        .port(8080)
        .vpc_id(vpc)
        .send()
        .await
        .unwrap();
    out.target_groups()[0]
        .target_group_arn()
        .unwrap()
        .to_string()
}

/// The Auto Scaling group EKS would have made: untagged, empty.
async fn eks_made_group(c: &Clients) {
    let lt = c
        .ec2
        .create_launch_template()
        .launch_template_name("eks-batch")
        .launch_template_data(
            aws_sdk_ec2::types::RequestLaunchTemplateData::builder()
                .image_id("ami-ekslinux")
                .instance_type("t3.medium".into())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let lt_id = lt.launch_template().unwrap().launch_template_id().unwrap();
    c.asg
        .create_auto_scaling_group()
        .auto_scaling_group_name(GROUP)
        .launch_template(
            aws_sdk_autoscaling::types::LaunchTemplateSpecification::builder()
                .launch_template_id(lt_id)
                .build(),
        )
        .availability_zones("us-east-1a")
        .min_size(0)
        .max_size(0)
        .send()
        .await
        .unwrap();
}

async fn attached(c: &Clients) -> Vec<String> {
    let out = c
        .asg
        .describe_auto_scaling_groups()
        .auto_scaling_group_names(GROUP)
        .send()
        .await
        .unwrap();
    let mut arns = out.auto_scaling_groups()[0].target_group_arns().to_vec();
    arns.sort();
    arns
}

async fn eksform_target_group(c: &Clients) -> String {
    let all = c.elb.describe_target_groups().send().await.unwrap();
    let ours: Vec<String> = all
        .target_groups()
        .iter()
        .filter(|t| {
            t.target_group_name()
                .is_some_and(|n| n.starts_with("mlb-ingress"))
        })
        .filter_map(|t| t.target_group_arn().map(str::to_string))
        .collect();
    assert_eq!(ours.len(), 1, "{all:?}");
    ours[0].clone()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// The plan-and-apply futures of a whole cluster outgrow a test thread's default stack in
/// debug builds; the scenario runs on a thread with room.
#[test]
fn a_managed_groups_auto_scaling_group_joins_only_its_target_groups() {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(|| {
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(scenario())
        })
        .unwrap()
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e));
}

async fn scenario() {
    let moto = Moto::start();
    let c = Clients::new(&moto).await;
    eks_made_group(&c).await;
    let theirs = outside_target_group(&c, "theirs").await;
    let named = outside_target_group(&c, "named").await;
    c.asg
        .attach_load_balancer_target_groups()
        .auto_scaling_group_name(GROUP)
        .target_group_arns(&theirs)
        .send()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mlb.yaml");
    std::fs::write(&file, CONFIG.replace("NAMED", &named)).unwrap();

    let first = run(&moto, &file, false).await;
    let creates = pending(&first);
    assert!(creates.contains(&("target_group_attachment.batch".into(), Action::Create)));
    let ours = eksform_target_group(&c).await;
    assert_eq!(
        attached(&c).await,
        sorted(vec![ours.clone(), theirs.clone(), named.clone()])
    );
    // Read back: ours and the named one, never theirs; nothing left to do.
    let again = run(&moto, &file, false).await;
    assert_eq!(pending(&again), vec![]);
    let at = again
        .changes
        .iter()
        .find(|c| c.kind == Kind::TargetGroupAttachment)
        .expect("the attachment is read back");
    assert_eq!(at.id.as_deref(), Some(GROUP));
    assert!(!format!("{at:?}").contains(&theirs), "{at:?}");

    // Without the load balancer only ours is detached.
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("    loadBalancers: [ingress]\n", "")).unwrap();
    let removed = run(&moto, &file, false).await;
    // The load balancer's way to the nodes closes with it.
    let rule = "security_group_rule.nodes/ingress/tcp/30080-30080/sg:lb-ingress";
    assert_eq!(
        pending(&removed),
        vec![
            ("target_group_attachment.batch".to_string(), Action::Update),
            (rule.to_string(), Action::Delete)
        ]
    );
    assert_eq!(
        attached(&c).await,
        sorted(vec![theirs.clone(), named.clone()])
    );

    // Destroy detaches eksform's target groups; theirs stays.
    std::fs::write(&file, CONFIG.replace("NAMED", &named)).unwrap();
    run(&moto, &file, false).await;
    let destroyed = run(&moto, &file, true).await;
    assert!(
        pending(&destroyed).contains(&("target_group_attachment.batch".into(), Action::Delete))
    );
    assert!(attached(&c).await.contains(&theirs));
    assert!(!attached(&c).await.contains(&ours));
}
