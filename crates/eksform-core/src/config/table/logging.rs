//! The `cloudWatch` objects of the field table: which control-plane log types the cluster sends
//! to CloudWatch Logs and how long its log group keeps them. Data only, like `fields`.

use super::{Items, Kind, Section, field};

/// EKS's control-plane log types, in EKS's order; `all` and `*` stand for every one of them.
pub const LOG_TYPES: &[&str] = &[
    "api",
    "audit",
    "authenticator",
    "controllerManager",
    "scheduler",
];
/// What `enableTypes` accepts: the log types and eksctl's two spellings of "every type".
pub const LOG_TYPE_CHOICES: &[&str] = &[
    "api",
    "audit",
    "authenticator",
    "controllerManager",
    "scheduler",
    "all",
    "*",
];
/// The retention periods CloudWatch Logs' PutRetentionPolicy accepts, in days.
pub const RETENTION_DAYS: &[i64] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

pub static CLOUD_WATCH: Section = Section {
    name: "CloudWatch",
    eksctl: "ClusterCloudWatch",
    doc: "What the cluster's control plane logs to CloudWatch Logs.",
    fields: &[field(
        "clusterLogging",
        Kind::Object(&CLUSTER_LOGGING),
        "Control-plane log types and their retention.",
    )],
};

pub static CLUSTER_LOGGING: Section = Section {
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
