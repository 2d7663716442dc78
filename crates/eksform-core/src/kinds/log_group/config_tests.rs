//! `cloudWatch.clusterLogging`: log types as EKS spells them, `all`/`*`, retention periods.

use super::LoggingSpec;
use crate::config::tests::{fails_with, ok, table, with};

fn logging(extra: &str) -> LoggingSpec {
    ok(&with(extra)).spec.sections.logging
}

#[test]
fn nothing_is_logged_by_default() {
    assert_eq!(logging(""), LoggingSpec::default());
    assert_eq!(logging("cloudWatch: {}\n"), LoggingSpec::default());
}

#[test]
fn types_come_in_eks_order_once_each() {
    let l = logging(
        "cloudWatch:\n  clusterLogging:\n    enableTypes: [controllerManager, audit, authenticator]\n    logRetentionInDays: 60\n",
    );
    assert_eq!(l.types, ["audit", "authenticator", "controllerManager"]);
    assert_eq!(l.retention_days, Some(60));
}

#[test]
fn all_and_star_mean_every_type() {
    let every = [
        "api",
        "audit",
        "authenticator",
        "controllerManager",
        "scheduler",
    ];
    for spelling in ["all", "'*'"] {
        let l = logging(&format!(
            "cloudWatch: {{clusterLogging: {{enableTypes: [audit, {spelling}]}}}}\n"
        ));
        assert_eq!(l.types, every, "{spelling}");
        assert_eq!(l.retention_days, None);
    }
}

#[test]
fn the_eksctl_example_is_read() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/eksctl/eksctl-examples/11-cloudwatch-cluster-logging.yaml"
    ))
    .expect("the eksctl example");
    let spec = ok(&text).spec;
    assert_eq!(
        spec.sections.logging.types,
        ["audit", "authenticator", "controllerManager"]
    );
    assert_eq!(spec.sections.logging.retention_days, Some(60));
}

#[test]
fn logging_rules() {
    table(&[
        (
            "cloudWatch: {clusterLogging: {enableTypes: [Audit]}}\n",
            6,
            45,
            "cloudWatch.clusterLogging.enableTypes[0]: \"Audit\" is not one of api, audit, authenticator, controllerManager, scheduler, all, *",
        ),
        (
            "cloudWatch: {clusterLogging: {enableTypes: [audit], logRetentionInDays: 45}}\n",
            6,
            73,
            "cloudWatch.clusterLogging.logRetentionInDays: 45 is not one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
        ),
        (
            "cloudWatch: {clusterLogging: {logRetentionInDays: 30}}\n",
            6,
            51,
            "cloudWatch.clusterLogging.logRetentionInDays: a retention needs at least one log type in enableTypes",
        ),
        (
            "cloudWatch: {clusterLogging: {enableTypes: [audit], disableTypes: [api]}}\n",
            6,
            53,
            "cloudWatch.clusterLogging: unknown field `disableTypes`",
        ),
    ]);
}

#[test]
fn a_misspelt_type_gets_eks_spelling_as_hint() {
    let d = fails_with(
        &with("cloudWatch: {clusterLogging: {enableTypes: [controller_manager]}}\n"),
        6,
        45,
        "cloudWatch.clusterLogging.enableTypes[0]: \"controller_manager\" is not one of api, audit, authenticator, controllerManager, scheduler, all, *",
    );
    assert_eq!(d.hint.as_deref(), Some("write controllerManager"));
}

#[test]
fn a_period_cloudwatch_lacks_gets_the_nearest_as_hint() {
    let d = fails_with(
        &with("cloudWatch: {clusterLogging: {enableTypes: [audit], logRetentionInDays: 45}}\n"),
        6,
        73,
        "cloudWatch.clusterLogging.logRetentionInDays: 45 is not one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
    );
    assert_eq!(d.hint.as_deref(), Some("the nearest are 30 and 60"));
}
