//! Rolling replacement of a self-managed node group against the local AWS endpoint. moto has no
//! instance refreshes (StartInstanceRefresh and DescribeInstanceRefreshes answer HTTP 500), so
//! those two are faked at the SDK boundary: an interceptor in the Auto Scaling client records
//! the StartInstanceRefresh request and answers the describes from a script (InProgress, then
//! an end state), while moto answers every other call.

mod common;

use aws_sdk_autoscaling::config::interceptors::{
    BeforeTransmitInterceptorContextMut, FinalizerInterceptorContextMut,
};
use aws_sdk_autoscaling::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_autoscaling::operation::describe_instance_refreshes::DescribeInstanceRefreshesOutput;
use aws_sdk_autoscaling::operation::start_instance_refresh::StartInstanceRefreshOutput;
use aws_sdk_autoscaling::types::{InstanceRefresh, InstanceRefreshStatus};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::Output;
use aws_smithy_types::body::SdkBody;
use common::Moto;
use common::run::{apply, edit, output_text, path_str, pending, plan_json, review_apps_in};
use eksform::apply::{Event, Options, execute};
use eksform::aws::{Cloud, Provider};
use eksform::model::ModelInputs;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const REGION: &str = "us-east-1";
/// A request moto answers with 200, sent in place of the faked ones.
const HARMLESS: &str =
    "Action=DescribeAutoScalingGroups&Version=2011-01-01&AutoScalingGroupNames.member.1=none";

#[derive(Debug, Clone, Copy)]
enum Call {
    Start,
    Describe,
}

#[derive(Debug, Default)]
struct Refreshes {
    /// Bodies of the StartInstanceRefresh requests, as sent.
    started: Mutex<Vec<String>>,
    /// Statuses the describes report, in order; the last one repeats.
    script: Vec<(InstanceRefreshStatus, Option<&'static str>)>,
    described: Mutex<usize>,
    in_flight: Mutex<Option<Call>>,
}

#[derive(Debug, Clone)]
struct FakeRefreshes(Arc<Refreshes>);

impl Intercept for FakeRefreshes {
    fn name(&self) -> &'static str {
        "FakeRefreshes"
    }

    fn modify_before_transmit(
        &self,
        ctx: &mut BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let req = ctx.request_mut();
        let body = String::from_utf8_lossy(req.body().bytes().unwrap_or_default()).to_string();
        let call = if body.contains("Action=StartInstanceRefresh") {
            self.0.started.lock().unwrap().push(body);
            Call::Start
        } else if body.contains("Action=DescribeInstanceRefreshes") {
            Call::Describe
        } else {
            return Ok(());
        };
        // moto answers these with HTTP 500, which the SDK would retry: ask it something it
        // answers instead, and put the fake's answer in place of the reply.
        *req.body_mut() = SdkBody::from(HARMLESS);
        req.headers_mut()
            .insert("content-length", HARMLESS.len().to_string());
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
            Some(Call::Start) => Output::erase(
                StartInstanceRefreshOutput::builder()
                    .instance_refresh_id("refresh-1")
                    .build(),
            ),
            Some(Call::Describe) => Output::erase(self.describe()),
        };
        if let Some(slot) = ctx.output_or_error_mut() {
            *slot = Ok(out);
        }
        Ok(())
    }
}

impl FakeRefreshes {
    fn new(script: Vec<(InstanceRefreshStatus, Option<&'static str>)>) -> FakeRefreshes {
        FakeRefreshes(Arc::new(Refreshes {
            script,
            ..Refreshes::default()
        }))
    }

    fn describe(&self) -> DescribeInstanceRefreshesOutput {
        let mut n = self.0.described.lock().unwrap();
        let (status, reason) = self.0.script[(*n).min(self.0.script.len() - 1)].clone();
        *n += 1;
        let refresh = InstanceRefresh::builder()
            .instance_refresh_id("refresh-1")
            .status(status)
            .set_status_reason(reason.map(str::to_string))
            .percentage_complete(40)
            .instances_to_update(2)
            .build();
        DescribeInstanceRefreshesOutput::builder()
            .instance_refreshes(refresh)
            .build()
    }

    fn started(&self) -> Vec<String> {
        self.0.started.lock().unwrap().clone()
    }
}

/// Plans `file` and applies the plan through a `Cloud` whose Auto Scaling client has `fake`.
async fn apply_with(
    moto: &Moto,
    file: &Path,
    fake: &FakeRefreshes,
) -> (eksform::plan::Plan, eksform::apply::Report, Vec<Event>) {
    let conf = moto.sdk_config(REGION).await;
    let asg_conf = aws_sdk_autoscaling::config::Builder::from(&conf)
        .interceptor(fake.clone())
        .build();
    let cloud =
        Cloud::from_conf(&conf).with_autoscaling(aws_sdk_autoscaling::Client::from_conf(asg_conf));
    let spec = eksform::config::load(file).unwrap().spec;
    let desired = eksform::model::desired(&spec, &ModelInputs::default());
    let live = cloud
        .read(&desired.cluster, &desired.external)
        .await
        .unwrap();
    let plan = eksform::plan::plan(&desired, &live);
    let events = Mutex::new(Vec::new());
    let opts = Options {
        progress_every: Duration::from_millis(200),
        ..Options::default()
    };
    let report = execute(&cloud, &plan, live, &opts, &|e| {
        events.lock().unwrap().push(e.clone())
    })
    .await;
    (plan, report, events.into_inner().unwrap())
}

/// The review-apps spec with `instanceRefresh` set, applied.
fn applied_review_apps(moto: &Moto, dir: &Path) -> std::path::PathBuf {
    let file = review_apps_in(dir);
    edit(
        &file,
        "    maxPodsPerNode: 110\n",
        "    maxPodsPerNode: 110\n    instanceRefresh: {minHealthyPercentage: 75, checkpointPercentages: [50, 100]}\n",
    );
    apply(moto, &file);
    file
}

async fn group(moto: &Moto) -> aws_sdk_autoscaling::types::AutoScalingGroup {
    common::sdk::Clients::new(moto)
        .await
        .autoscaling_group()
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn new_user_data_rolls_the_group_onto_the_new_launch_template_version() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = applied_review_apps(&moto, dir.path());
    let before = group(&moto).await;
    assert_eq!(before.launch_template().unwrap().version(), Some("1"));
    let count = before.instances().len() as u64;
    assert!(count > 0, "{before:?}");

    edit(&file, "maxPodsPerNode: 110", "maxPodsPerNode: 100");
    let plan = plan_json(&moto, &file);
    let changes = pending(&plan);
    let asg = &changes["autoscaling_group.web"];
    assert_eq!(asg["action"], "update", "{asg:#}");
    assert_eq!(
        asg["rolling"],
        serde_json::json!({"instances": count, "via": "instance_refresh",
                           "min_healthy_percentage": 75}),
        "{asg:#}"
    );
    let text = common::run::eksform(&moto, &["plan", "-f", path_str(&file)]);
    assert!(
        output_text(&text).contains(&format!(
            "rolling replacement of {count} instances (instance refresh, min healthy 75%)"
        )),
        "{}",
        output_text(&text)
    );

    let fake = FakeRefreshes::new(vec![
        (InstanceRefreshStatus::InProgress, None),
        (InstanceRefreshStatus::InProgress, None),
        (InstanceRefreshStatus::Successful, None),
    ]);
    let (_, report, events) = apply_with(&moto, &file, &fake).await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let after = group(&moto).await;
    assert_eq!(after.launch_template().unwrap().version(), Some("2"));
    let started = fake.started();
    assert_eq!(started.len(), 1, "{started:?}");
    for part in [
        "Strategy=Rolling",
        "Preferences.MinHealthyPercentage=75",
        "Preferences.CheckpointPercentages.member.1=50",
        "Preferences.SkipMatching=true",
    ] {
        assert!(started[0].contains(part), "{part} not in {}", started[0]);
    }
    let detail = events.iter().find_map(|e| match e {
        Event::Progress { detail, .. } => detail.clone(),
        _ => None,
    });
    assert_eq!(
        detail.as_deref(),
        Some("instance refresh 40%, 2 instances to update")
    );
    common::run::assert_no_changes(&moto, &file);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_refresh_reports_the_group_and_the_reason() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = applied_review_apps(&moto, dir.path());
    edit(&file, "maxPodsPerNode: 110", "maxPodsPerNode: 100");
    let fake = FakeRefreshes::new(vec![(
        InstanceRefreshStatus::Failed,
        Some("instances failed health checks"),
    )]);
    let (_, report, _) = apply_with(&moto, &file, &fake).await;
    let (address, e) = &report.failed[0];
    assert_eq!(address, "autoscaling_group.web");
    assert_eq!(e.code, "InstanceRefreshFailed");
    assert!(
        e.message
            .contains("ended Failed: instances failed health checks"),
        "{}",
        e.message
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scaling_change_updates_in_place_without_a_refresh() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = applied_review_apps(&moto, dir.path());
    edit(
        &file,
        "desiredCapacity: 3 ",
        "desiredCapacity: 3\n    maxSize: 5 ",
    );
    let fake = FakeRefreshes::new(vec![(InstanceRefreshStatus::Successful, None)]);
    let (plan, report, _) = apply_with(&moto, &file, &fake).await;
    let asg = plan
        .changes
        .iter()
        .find(|c| c.address == "autoscaling_group.web")
        .unwrap();
    assert_eq!(asg.rolling, None);
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert!(fake.started().is_empty());
    assert_eq!(group(&moto).await.max_size(), Some(5));
    assert_eq!(
        group(&moto).await.launch_template().unwrap().version(),
        Some("1")
    );
}
