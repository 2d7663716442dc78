//! The log_group kind's builder: `log_group.cluster`, `/aws/eks/<cluster>/cluster`, made when the
//! `cloudWatch` section enables any log type, with its retention. It runs before the cluster
//! (`Stage::BeforeCluster`), whose `log_group` property references it (`model/control.rs`). It
//! must not decide anything about the cluster's own logging settings.

use crate::model::part::{Ctx, Out};
use crate::model::{Kind, Resource};

/// Where EKS sends the control plane's logs; eksform makes it first (owned, with the config's
/// retention) when the config enables any log type.
pub const LOG_GROUP: &str = "log_group.cluster";

pub(crate) fn build(ctx: &Ctx, out: &mut Out) {
    let logging = &ctx.spec.sections.logging;
    if logging.types.is_empty() {
        return;
    }
    let no_extra: [(String, String); 0] = [];
    let mut r = Resource::new(LOG_GROUP, Kind::LogGroup)
        .with("name", format!("/aws/eks/{}/cluster", ctx.cluster()))
        .with("tags", ctx.tags(LOG_GROUP, no_extra));
    if let Some(days) = logging.retention_days {
        r = r.with("retention_in_days", days);
    }
    out.push(r);
}

#[cfg(test)]
mod tests {
    use super::LOG_GROUP;
    use crate::kinds::LoggingSpec;
    use crate::model::fixtures::review_apps;
    use crate::model::{Desired, Kind, ModelInputs, Resource, desired, ref_id};
    use serde_json::json;

    fn model(spec: &crate::config::ClusterSpec) -> Desired {
        desired(spec, &ModelInputs::default())
    }

    fn find<'d>(d: &'d Desired, address: &str) -> Option<&'d Resource> {
        d.resources.iter().find(|r| r.address == address)
    }

    #[test]
    fn logging_makes_the_log_group_first_and_the_cluster_names_its_types() {
        let mut spec = review_apps();
        spec.sections.logging = LoggingSpec {
            types: vec!["api".into(), "audit".into()],
            retention_days: Some(90),
        };
        let d = model(&spec);
        let group = find(&d, LOG_GROUP).expect("the log group");
        assert_eq!(group.kind, Kind::LogGroup);
        assert_eq!(group.props["name"], json!("/aws/eks/review-apps/cluster"));
        assert_eq!(group.props["retention_in_days"], json!(90));
        assert_eq!(group.tags()["eksform.io/id"], "log_group.cluster");
        let cluster = find(&d, "cluster.main").expect("the cluster");
        assert_eq!(cluster.props["logging_types"], json!(["api", "audit"]));
        assert_eq!(cluster.props["log_group"], ref_id("log_group.cluster"));
        let at = |a: &str| d.resources.iter().position(|r| r.address == a).unwrap();
        assert!(at("log_group.cluster") < at("cluster.main"));
    }

    #[test]
    fn without_logging_there_is_no_log_group_and_the_cluster_is_as_before() {
        let d = model(&review_apps());
        assert!(find(&d, "log_group.cluster").is_none());
        let cluster = find(&d, "cluster.main").expect("the cluster");
        assert!(!cluster.props.contains_key("logging_types"));
        assert!(!cluster.props.contains_key("log_group"));
        let mut spec = review_apps();
        spec.sections.logging.types = vec!["scheduler".into()];
        let d = model(&spec);
        let group = find(&d, "log_group.cluster").expect("the log group");
        assert!(!group.props.contains_key("retention_in_days"));
    }
}
