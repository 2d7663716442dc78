//! The `cloudWatch` section, which the log_group kind owns: its objects of the field table (the
//! control-plane log types the cluster sends to CloudWatch Logs and how long its log group keeps
//! them), the parsed `LoggingSpec`, and its reader with eksctl's rules: `all` and `*` mean every
//! type, each type once, and a retention needs at least one enabled type (without one EKS makes
//! no log group to keep). Built on config's primitives only; the registry lists it
//! (`kinds::KindSections`). Must not decide how logging becomes AWS resources (`model`).

use crate::config::read::{Ctx, string_list};
use crate::config::schema::{Fields, sub_fields};
use crate::config::section::KindSection;
use crate::config::table::{Items, Kind, Section, field};
use serde::Serialize;

/// The root's `cloudWatch` field and its reader, for the registry.
pub(crate) const SECTION: KindSection<LoggingSpec> = KindSection {
    field: field(
        "cloudWatch",
        Kind::Object(&CLOUD_WATCH),
        "Control-plane logging to CloudWatch Logs, and the retention of the cluster's log group.",
    ),
    read,
};

/// `cloudWatch.clusterLogging`: nothing logged by default, as in EKS and eksctl.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LoggingSpec {
    /// The enabled log types, in EKS's spelling and order (`all` and `*` expanded).
    pub types: Vec<String>,
    /// Days the cluster's log group keeps events; `None`: forever (CloudWatch's default).
    pub retention_days: Option<i64>,
}

/// EKS's control-plane log types, in EKS's order; `all` and `*` stand for every one of them.
const LOG_TYPES: &[&str] = &[
    "api",
    "audit",
    "authenticator",
    "controllerManager",
    "scheduler",
];
/// What `enableTypes` accepts: the log types and eksctl's two spellings of "every type".
const LOG_TYPE_CHOICES: &[&str] = &[
    "api",
    "audit",
    "authenticator",
    "controllerManager",
    "scheduler",
    "all",
    "*",
];
/// The retention periods CloudWatch Logs' PutRetentionPolicy accepts, in days.
const RETENTION_DAYS: &[i64] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

static CLOUD_WATCH: Section = Section {
    name: "CloudWatch",
    eksctl: "ClusterCloudWatch",
    doc: "What the cluster's control plane logs to CloudWatch Logs.",
    fields: &[field(
        "clusterLogging",
        Kind::Object(&CLUSTER_LOGGING),
        "Control-plane log types and their retention.",
    )],
};

static CLUSTER_LOGGING: Section = Section {
    name: "ClusterLogging",
    eksctl: "ClusterCloudWatchLogging",
    doc: "The control-plane log types the cluster sends to its log group /aws/eks/NAME/cluster.",
    fields: &[
        field(
            "enableTypes",
            Kind::List(
                &Kind::Enum(LOG_TYPE_CHOICES),
                // A type named twice is read once, as eksctl does.
                Items {
                    min: 0,
                    unique: false,
                },
            ),
            "Log types to send: api, audit, authenticator, controllerManager, scheduler, or all (also *). Default: none.",
        ),
        field(
            "logRetentionInDays",
            Kind::OneOf(RETENTION_DAYS),
            "Days the log group keeps events, one of CloudWatch's periods (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653); needs enableTypes. Default: forever.",
        ),
    ],
};

fn read(cx: &mut Ctx, top: &Fields) -> LoggingSpec {
    let cloud_watch = sub_fields(cx, top, "cloudWatch", &CLOUD_WATCH);
    let f = sub_fields(cx, &cloud_watch, "clusterLogging", &CLUSTER_LOGGING);
    let mut out = LoggingSpec::default();
    let named = f.read(cx, "enableTypes", string_list).unwrap_or_default();
    let allowed = f.choices("enableTypes");
    let mut every = false;
    for t in &named {
        let Some(known) = allowed.iter().find(|a| **a == t.value) else {
            let msg = format!(
                "{}: \"{}\" is not one of {}",
                t.path,
                t.value,
                allowed.join(", ")
            );
            cx.error(t.pos, &t.path, msg, Some(spelling_hint(&t.value)));
            continue;
        };
        if matches!(*known, "all" | "*") {
            every = true;
        } else if !out.types.iter().any(|x| x == known) {
            out.types.push(known.to_string());
        }
    }
    if every {
        out.types = LOG_TYPES.iter().map(ToString::to_string).collect();
    }
    out.types
        .sort_by_key(|t| LOG_TYPES.iter().position(|k| k == t));
    if let Some(days) = f.one_of(cx, "logRetentionInDays") {
        if out.types.is_empty() {
            let msg = format!(
                "{}: a retention needs at least one log type in enableTypes",
                days.path
            );
            cx.error(
                days.pos,
                &days.path,
                msg,
                Some("add the log types to send, e.g. enableTypes: [audit, authenticator]".into()),
            );
        }
        out.retention_days = Some(days.value);
    }
    out
}

/// A hint for a log type spelled another way (EKS's API spells them in camel case).
fn spelling_hint(value: &str) -> String {
    let close = LOG_TYPES.iter().find(|t| {
        t.eq_ignore_ascii_case(value) || t.eq_ignore_ascii_case(&value.replace(['-', '_'], ""))
    });
    match close {
        Some(t) => format!("write {t}"),
        None => format!("use {} or all", LOG_TYPES.join(", ")),
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
