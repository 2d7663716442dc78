//! The executor against a fake provider: order, concurrency, failure handling, state.

use super::executor::{Event, Options, execute};
use crate::aws::timeouts::Timeouts;
use crate::aws::{AwsError, Provider, ResolvedResource};
use eksform_core::live::{LiveResource, LiveState};
use eksform_core::model::{Desired, External, Kind, Resource, ref_id};
use eksform_core::plan::{plan, plan_destroy};
use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::Duration;

#[derive(Default)]
struct Fake {
    log: Mutex<Vec<String>>,
    fail: BTreeSet<String>,
    /// Addresses whose delete is answered NotFound (their parent took them along).
    gone: BTreeSet<String>,
    running: Mutex<usize>,
    max_running: Mutex<usize>,
    /// What each create saw as the time its waiters may still take.
    budgets: Mutex<Vec<(String, Duration)>>,
}

impl Fake {
    async fn step(&self, what: String, address: &str) -> Result<(), AwsError> {
        {
            let mut r = self.running.lock().unwrap();
            *r += 1;
            let mut m = self.max_running.lock().unwrap();
            *m = (*m).max(*r);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        *self.running.lock().unwrap() -= 1;
        self.log.lock().unwrap().push(what);
        if self.fail.contains(address) {
            return Err(AwsError::local(
                "EC2",
                "Create",
                "InvalidParameterValue",
                "boom",
            ));
        }
        Ok(())
    }
}

impl Provider for Fake {
    async fn read(&self, _: &str, _: &[External]) -> Result<LiveState, AwsError> {
        Ok(LiveState::default())
    }
    async fn create(&self, _: &str, r: &ResolvedResource) -> Result<LiveResource, AwsError> {
        let budget = crate::aws::budget(Duration::from_secs(1_000_000));
        self.budgets
            .lock()
            .unwrap()
            .push((r.address.clone(), budget));
        crate::aws::status::set_status(format!("{} is pending", r.address));
        self.step(format!("create {}", r.address), &r.address)
            .await?;
        Ok(LiveResource {
            address: r.address.clone(),
            kind: r.kind,
            id: format!("id-{}", r.address),
            props: r.props.clone(),
            attrs: Default::default(),
        })
    }
    async fn update(
        &self,
        r: &ResolvedResource,
        live: &LiveResource,
        _: &[String],
    ) -> Result<LiveResource, AwsError> {
        self.step(format!("update {}", r.address), &r.address)
            .await?;
        Ok(LiveResource {
            props: r.props.clone(),
            ..live.clone()
        })
    }
    async fn delete(&self, live: &LiveResource) -> Result<(), AwsError> {
        self.step(format!("delete {}", live.address), &live.address)
            .await?;
        if self.gone.contains(&live.address) {
            let msg = format!("No node group found for name: {}.", live.id);
            return Err(AwsError::local(
                "EKS",
                "DeleteNodegroup",
                "ResourceNotFoundException",
                msg,
            ));
        }
        Ok(())
    }
}

fn network() -> Desired {
    let mut resources = vec![Resource::new("vpc.main", Kind::Vpc).with("cidr", "10.0.0.0/16")];
    for az in ["a", "b", "c"] {
        resources.push(
            Resource::new(format!("subnet.public-{az}"), Kind::Subnet)
                .with("vpc_id", ref_id("vpc.main"))
                .with("cidr", format!("10.0.{}.0/24", az.as_bytes()[0])),
        );
    }
    resources.push(Resource::new("route_table.public", Kind::RouteTable).with(
        "subnet_ids",
        serde_json::json!([
            ref_id("subnet.public-a"),
            ref_id("subnet.public-b"),
            ref_id("subnet.public-c")
        ]),
    ));
    Desired {
        cluster: "c".into(),
        region: "us-east-1".into(),
        resources,
        external: vec![],
    }
}

fn position(log: &[String], entry: &str) -> usize {
    log.iter()
        .position(|l| l == entry)
        .unwrap_or_else(|| panic!("{entry} not in {log:?}"))
}

#[tokio::test]
async fn creates_run_after_their_dependencies_and_independent_ones_together() {
    let fake = Fake::default();
    let p = plan(&network(), &LiveState::default());
    let report = execute(
        &fake,
        &p,
        LiveState::default(),
        &Options {
            parallelism: 10,
            ..Options::default()
        },
        &|_: &Event| {},
    )
    .await;
    assert!(report.failed.is_empty() && report.not_started.is_empty());
    let log = fake.log.lock().unwrap().clone();
    assert_eq!(position(&log, "create vpc.main"), 0);
    assert_eq!(position(&log, "create route_table.public"), 4);
    assert_eq!(
        *fake.max_running.lock().unwrap(),
        3,
        "the three subnets run at once"
    );
    let rt = &report.state.resources["route_table.public"];
    assert_eq!(
        rt.props["subnet_ids"][0], "id-subnet.public-a",
        "references resolved to created ids"
    );
}

#[tokio::test]
async fn parallelism_bounds_concurrency() {
    let fake = Fake::default();
    let p = plan(&network(), &LiveState::default());
    execute(
        &fake,
        &p,
        LiveState::default(),
        &Options {
            parallelism: 1,
            ..Options::default()
        },
        &|_: &Event| {},
    )
    .await;
    assert_eq!(*fake.max_running.lock().unwrap(), 1);
}

#[tokio::test]
async fn a_failure_stops_dependents_and_lets_independent_work_finish() {
    let fake = Fake {
        fail: ["subnet.public-b".to_string()].into(),
        ..Fake::default()
    };
    let p = plan(&network(), &LiveState::default());
    let events = Mutex::new(Vec::new());
    let report = execute(
        &fake,
        &p,
        LiveState::default(),
        &Options::default(),
        &|e: &Event| {
            if let Event::Failed { address, .. } = e {
                events.lock().unwrap().push(address.clone());
            }
        },
    )
    .await;
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].1.code, "InvalidParameterValue");
    assert_eq!(report.not_started, vec!["route_table.public".to_string()]);
    assert_eq!(
        report.done.len(),
        3,
        "vpc and the two other subnets: {:?}",
        report.done
    );
    assert_eq!(*events.lock().unwrap(), vec!["subnet.public-b".to_string()]);
}

#[tokio::test]
async fn destroy_runs_dependents_first() {
    let fake = Fake::default();
    let created = execute(
        &fake,
        &plan(&network(), &LiveState::default()),
        LiveState::default(),
        &Options::default(),
        &|_: &Event| {},
    )
    .await;
    fake.log.lock().unwrap().clear();
    let p = plan_destroy("c", "us-east-1", &created.state);
    let report = execute(
        &fake,
        &p,
        created.state.clone(),
        &Options::default(),
        &|_: &Event| {},
    )
    .await;
    assert!(report.failed.is_empty());
    assert!(report.state.resources.is_empty());
    let log = fake.log.lock().unwrap().clone();
    assert_eq!(position(&log, "delete route_table.public"), 0);
    assert_eq!(position(&log, "delete vpc.main"), 4);
}

#[tokio::test]
async fn a_delete_reports_the_id_it_deleted() {
    let fake = Fake::default();
    let created = execute(
        &fake,
        &plan(&network(), &LiveState::default()),
        LiveState::default(),
        &Options::default(),
        &|_: &Event| {},
    )
    .await;
    let done = std::sync::Mutex::new(Vec::new());
    let p = plan_destroy("c", "us-east-1", &created.state);
    execute(
        &fake,
        &p,
        created.state.clone(),
        &Options::default(),
        &|e: &Event| {
            if let Event::Done { address, id, .. } = e {
                done.lock().unwrap().push((address.clone(), id.clone()));
            }
        },
    )
    .await;
    let done = done.into_inner().unwrap();
    assert_eq!(done.len(), created.state.resources.len());
    for (address, id) in done {
        assert_eq!(
            id.as_ref(),
            Some(&created.state.resources[&address].id),
            "{address}"
        );
    }
}

#[tokio::test]
async fn cancelling_starts_nothing_new_and_reports_the_rest_as_not_started() {
    let fake = Fake::default();
    let p = plan(&network(), &LiveState::default());
    let opts = Options::default();
    let cancel = opts.cancel.clone();
    let report = execute(&fake, &p, LiveState::default(), &opts, &|e: &Event| {
        if matches!(e, Event::Done { address, .. } if address == "vpc.main") {
            cancel.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    })
    .await;
    assert_eq!(report.done, vec!["vpc.main".to_string()]);
    assert!(report.failed.is_empty());
    assert_eq!(report.not_started.len(), 4, "{:?}", report.not_started);
    assert_eq!(
        *fake.log.lock().unwrap(),
        vec!["create vpc.main".to_string()]
    );
}

#[tokio::test]
async fn cancelling_lets_running_changes_finish() {
    let fake = Fake::default();
    let p = plan(&network(), &LiveState::default());
    let opts = Options::default();
    let cancel = opts.cancel.clone();
    // Cancelled as the first subnet starts: the three subnets are already in flight.
    let report = execute(&fake, &p, LiveState::default(), &opts, &|e: &Event| {
        if matches!(e, Event::Started { address, .. } if address.starts_with("subnet.")) {
            cancel.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    })
    .await;
    assert_eq!(
        report.done.len(),
        4,
        "vpc and the three subnets: {:?}",
        report.done
    );
    assert_eq!(
        report.not_started.last().map(String::as_str),
        Some("route_table.public")
    );
    assert_eq!(report.done.len() + report.not_started.len(), 5);
}

#[tokio::test]
async fn a_change_past_the_timeout_fails_with_timeout_naming_the_resource() {
    let fake = Fake::default();
    let p = plan(&network(), &LiveState::default());
    let opts = Options {
        timeouts: Timeouts {
            all: Some(Duration::from_millis(5)),
            ..Timeouts::default()
        },
        ..Options::default()
    };
    let report = execute(&fake, &p, LiveState::default(), &opts, &|_: &Event| {}).await;
    assert_eq!(report.failed.len(), 1);
    let (address, error) = &report.failed[0];
    assert_eq!(address, "vpc.main");
    assert_eq!(error.code, "Timeout");
    assert!(error.message.contains("vpc.main"));
    assert!(
        error.message.ends_with("; last seen: vpc.main is pending"),
        "the waiter's last observation: {}",
        error.message
    );
    assert!(error.hint.is_some());
    assert_eq!(report.not_started.len(), 4);
}

#[tokio::test]
async fn each_change_gets_its_types_limit_and_its_waiters_see_it() {
    let fake = Fake::default();
    let p = plan(&network(), &LiveState::default());
    let mut timeouts = Timeouts::default();
    timeouts
        .per_kind
        .insert(Kind::Subnet, Duration::from_millis(10));
    timeouts
        .per_kind
        .insert(Kind::Vpc, Duration::from_secs(7200));
    let opts = Options {
        timeouts,
        ..Options::default()
    };
    let report = execute(&fake, &p, LiveState::default(), &opts, &|_: &Event| {}).await;
    assert_eq!(report.done, ["vpc.main"]);
    let failed: Vec<&str> = report.failed.iter().map(|(a, _)| a.as_str()).collect();
    assert!(
        failed.iter().all(|a| a.starts_with("subnet.")),
        "{failed:?}"
    );
    assert!(report.failed.iter().all(|(_, e)| e.code == "Timeout"));
    let budgets = fake.budgets.lock().unwrap();
    let of = |a: &str| budgets.iter().find(|(x, _)| x == a).map(|(_, d)| *d);
    let vpc = of("vpc.main").unwrap();
    assert!(
        vpc > Duration::from_secs(7000) && vpc <= Duration::from_secs(7200),
        "{vpc:?}"
    );
    // Under the one-second floor the waiters keep, whatever is left of 10 ms.
    let subnet = budgets
        .iter()
        .find(|(a, _)| a.starts_with("subnet."))
        .unwrap()
        .1;
    assert_eq!(subnet, Duration::from_secs(1));
}

#[tokio::test]
async fn long_changes_report_progress() {
    let fake = Fake::default();
    let p = plan(&network(), &LiveState::default());
    let opts = Options {
        progress_every: Duration::from_millis(5),
        ..Options::default()
    };
    let progress = Mutex::new(BTreeSet::new());
    execute(&fake, &p, LiveState::default(), &opts, &|e: &Event| {
        if let Event::Progress { address, .. } = e {
            progress.lock().unwrap().insert(address.clone());
        }
    })
    .await;
    assert_eq!(
        progress.lock().unwrap().len(),
        5,
        "every 20 ms change ticks"
    );
}

/// An account holding a target group named `c-web` in vpc-1 and a listener forwarding to it.
fn listener_and_group() -> (LiveState, Desired) {
    let live_tg = LiveResource {
        address: "target_group.web".into(),
        kind: Kind::TargetGroup,
        id: "arn:tg-old".into(),
        props: [
            ("name".to_string(), serde_json::json!("c-web")),
            ("port".to_string(), serde_json::json!(80)),
        ]
        .into_iter()
        .collect(),
        attrs: Default::default(),
    };
    let live_listener = LiveResource {
        address: "listener.web-80".into(),
        kind: Kind::Listener,
        id: "arn:listener".into(),
        props: [(
            "target_group_arn".to_string(),
            serde_json::json!("arn:tg-old"),
        )]
        .into_iter()
        .collect(),
        attrs: Default::default(),
    };
    let mut live = LiveState::default();
    live.insert(live_tg);
    live.insert(live_listener);
    let desired = Desired {
        cluster: "c".into(),
        region: "us-east-1".into(),
        resources: vec![
            Resource::new("target_group.web", Kind::TargetGroup)
                .with("name", "c-web")
                .with("port", 81),
            Resource::new("listener.web-80", Kind::Listener)
                .with("target_group_arn", ref_id("target_group.web")),
        ],
        external: vec![],
    };
    (live, desired)
}

#[tokio::test]
async fn a_replacement_beside_its_old_self_gets_a_suffix_and_users_move_before_the_old_goes() {
    let (live, desired) = listener_and_group();
    let p = plan(&desired, &live);
    let fake = Fake::default();
    let report = execute(&fake, &p, live, &Options::default(), &|_: &Event| {}).await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let log = fake.log.lock().unwrap().clone();
    let created = position(&log, "create target_group.web");
    let moved = position(&log, "update listener.web-80");
    let deleted = position(&log, "delete target_group.web");
    assert!(created < moved && moved < deleted, "{log:?}");
    let tg = &report.state.resources["target_group.web"];
    let name = tg.props["name"].as_str().unwrap();
    assert!(
        name.starts_with("c-web-") && name.len() == "c-web".len() + 7,
        "{name}"
    );
    let listener = &report.state.resources["listener.web-80"];
    assert_eq!(listener.props["target_group_arn"], tg.id.as_str());
    // The suffixed name is the config's: planned again, nothing changes.
    let again = plan(&desired, &report.state);
    assert!(
        again
            .changes
            .iter()
            .all(|c| c.fields.iter().all(|f| f.path != "name")),
        "{again:#?}"
    );
}

#[tokio::test]
async fn a_delete_answered_not_found_counts_as_done() {
    let fake = Fake {
        gone: BTreeSet::from(["subnet.public-b".to_string()]),
        ..Fake::default()
    };
    let created = execute(
        &fake,
        &plan(&network(), &LiveState::default()),
        LiveState::default(),
        &Options::default(),
        &|_: &Event| {},
    )
    .await;
    let p = plan_destroy("c", "us-east-1", &created.state);
    let report = execute(
        &fake,
        &p,
        created.state.clone(),
        &Options::default(),
        &|_: &Event| {},
    )
    .await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert!(report.done.contains(&"subnet.public-b".to_string()));
    assert!(report.state.resources.is_empty());
}
