//! A new `vpc.cidr` against the local AWS endpoint, through the real binary: the whole network,
//! the cluster and the load balancer are replaced. Apply refuses it until the run consents,
//! then converges in one run, and while it runs the load balancer's listeners never forward to
//! a target group that does not exist (the new target group is created first, the listeners
//! move onto it, and the old one goes last).

mod common;

use common::Moto;
use common::run::{
    apply, assert_no_changes, eksform, expect_exit, output_text, path_str, pending, plan_json,
    review_apps_in,
};
use common::sdk::{Clients, forward_target};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const NEW_CIDR: &str = "10.10.0.0/16";

fn move_the_vpc(file: &Path) {
    common::run::edit(
        file,
        "availabilityZones: [",
        &format!("vpc:\n  cidr: {NEW_CIDR}\n\navailabilityZones: ["),
    );
}

/// What the poller saw: every target group the listeners forwarded to, how many times it
/// looked, and each time a listener forwarded to a target group that did not exist.
#[derive(Debug, Default)]
struct Watch {
    targets: BTreeSet<String>,
    samples: usize,
    holes: Vec<String>,
}

/// One look: every listener of every load balancer, and whether its target group exists.
/// Something deleted between the reads (a listener or load balancer going away) is no hole.
async fn look(aws: &Clients, watch: &mut Watch) {
    let Ok(lbs) = aws.elb.describe_load_balancers().send().await else {
        return;
    };
    let Ok(tgs) = aws.elb.describe_target_groups().send().await else {
        return;
    };
    let existing: BTreeSet<&str> = tgs
        .target_groups()
        .iter()
        .filter_map(|t| t.target_group_arn())
        .collect();
    for lb in lbs.load_balancers() {
        let Some(arn) = lb.load_balancer_arn() else {
            continue;
        };
        let Ok(out) = aws
            .elb
            .describe_listeners()
            .load_balancer_arn(arn)
            .send()
            .await
        else {
            continue;
        };
        for l in out.listeners() {
            let Some(target) = forward_target(l) else {
                watch.holes.push(format!("{l:?} forwards nowhere"));
                continue;
            };
            if !existing.contains(target.as_str()) {
                // Read again: the group may have been created after the list was read.
                let again = aws
                    .elb
                    .describe_target_groups()
                    .target_group_arns(&target)
                    .send()
                    .await;
                if again.is_err() {
                    watch
                        .holes
                        .push(format!("{l:?} forwards to a deleted {target}"));
                }
            }
            watch.targets.insert(target);
        }
    }
    watch.samples += 1;
}

/// Looks every ~200 ms until `stop` is set.
async fn poll(aws: Clients, stop: Arc<AtomicBool>) -> Watch {
    let mut watch = Watch::default();
    while !stop.load(Ordering::SeqCst) {
        look(&aws, &mut watch).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    watch
}

/// The addresses the plan needs consent for.
fn consents(plan: &Value) -> Vec<String> {
    plan["destructive"]
        .as_array()
        .map(|d| {
            d.iter()
                .filter_map(|x| x["consent"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_vpc_cidr_is_refused_without_consent_and_then_leaves_no_hole() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    let f = path_str(&file);
    apply(&moto, &file);
    let aws = Clients::new(&moto).await;
    let old_vpc = aws.vpc_id().await;
    let old_tg = aws
        .target_group()
        .await
        .target_group_arn()
        .unwrap()
        .to_string();
    move_the_vpc(&file);

    let before = plan_json(&moto, &file);
    let changes = pending(&before);
    for address in [
        "vpc.main",
        "cluster.main",
        "load_balancer.ingress",
        "target_group.ingress",
    ] {
        assert_eq!(
            changes[address]["action"], "replace",
            "{address}: {before:#}"
        );
    }
    for address in [
        "vpc.main",
        "load_balancer.ingress",
        "target_group.ingress",
        "listener.ingress-80",
    ] {
        let c = &changes[address];
        assert_eq!(c["replace_order"], "create_before_destroy", "{c:#}");
    }
    let consent = consents(&before);
    assert!(consent.contains(&"cluster.main".to_string()), "{before:#}");

    // Without consent: exit 1, the flag named, nothing changed.
    let refused = expect_exit(&moto, &["apply", "-f", f, "--auto-approve"], 1);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("--allow-replace"), "{err}");
    assert_eq!(aws.vpc_id().await, old_vpc);
    let again = plan_json(&moto, &file);
    assert_eq!(pending(&again).len(), changes.len(), "{again:#}");

    // With consent, watched: the listeners always forward to a target group that exists.
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = tokio::spawn(poll(Clients::new(&moto).await, stop.clone()));
    let mut args = vec!["apply", "-f", f, "--auto-approve"];
    for c in &consent {
        args.extend(["--allow-replace", c.as_str()]);
    }
    // The test's own thread blocks on the binary; the poller runs on the runtime's workers.
    let done = eksform(&moto, &args);
    stop.store(true, Ordering::SeqCst);
    let watch = watcher.await.unwrap();
    assert_eq!(done.status.code(), Some(0), "{}", output_text(&done));
    assert!(watch.holes.is_empty(), "{:#?}", watch.holes);
    assert!(watch.samples >= 3, "the poller barely ran: {watch:?}");

    assert_no_changes(&moto, &file);
    let new_vpc = aws.vpc_id().await;
    assert_ne!(new_vpc, old_vpc);
    let tg = aws.target_group().await;
    let new_tg = tg.target_group_arn().unwrap().to_string();
    assert_ne!(new_tg, old_tg, "the target group was not replaced");
    assert_eq!(tg.vpc_id(), Some(new_vpc.as_str()));
    assert!(
        watch.targets.contains(&old_tg) && watch.targets.contains(&new_tg),
        "the poller saw the listener move from {old_tg} to {new_tg}: {watch:?}"
    );
    let listeners = aws.listeners().await;
    let [listener] = listeners.as_slice() else {
        panic!("expected one listener: {listeners:?}");
    };
    assert_eq!(forward_target(listener).as_deref(), Some(new_tg.as_str()));
}
