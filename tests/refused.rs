//! An update that AWS rejects (a limit, an invalid parameter) fails the change at once with
//! AWS's code and message and the resource, through the fault proxy in front of the local
//! endpoint: the call is sent once, never retried until the change's timeout.

mod common;

use common::Moto;
use common::proxy::{Faults, Proxy, Refusal};
use common::run::{apply, edit, output_text, path_str, review_apps_in};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread")]
async fn an_update_aws_rejects_fails_at_once_with_its_code_and_the_resource() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let file = review_apps_in(dir.path());
    apply(&moto, &file);
    let refusal = Refusal {
        operation: "elasticloadbalancing:ModifyTargetGroup",
        code: "InvalidConfigurationRequest",
        message: "Health check path is not valid for this target group",
        times: usize::MAX,
    };
    let proxy = Proxy::start(
        &moto,
        Faults {
            refuse: Some(refusal),
            ..Faults::default()
        },
    );
    edit(
        &file,
        "healthCheck: {path: /healthz}",
        "healthCheck: {path: /ready}",
    );
    let start = Instant::now();
    let out = proxy
        .eksform(&[
            "apply",
            "-f",
            path_str(&file),
            "--auto-approve",
            "--timeout",
            "5m",
        ])
        .output()
        .expect("run eksform");
    let took = start.elapsed();
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "target_group.ingress: update FAILED: ELBv2 ModifyTargetGroup: \
             InvalidConfigurationRequest: Health check path is not valid for this target group"
        ),
        "{text}"
    );
    assert!(!text.contains("did not finish within"), "{text}");
    assert_eq!(
        proxy.counts().per_op[refusal.operation],
        1,
        "a rejected update is not sent again"
    );
    assert!(took < Duration::from_secs(60), "failed after {took:?}");
}
