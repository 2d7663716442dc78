//! How long each kind of resource may take to create, update or delete on AWS, waits included,
//! before eksform gives up on the change (a run again resumes it), used by the executor to set
//! each change's deadline and by the service modules as their waiters' fallback; `--timeout` overrides it per kind or for all. The numbers are each kind's
//! (`AwsKind::limit` in `kinds/`); this module holds the run's overrides.

use eksform_core::model::Kind;
use std::collections::BTreeMap;
use std::time::Duration;

/// What is being done to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Create,
    Update,
    Delete,
}

/// The default limit for `op` on `kind`: the kind's own (`kinds/`), else 5 minutes. Deletes of
/// network resources are long because the ENIs of deleted load balancers, NAT gateways and
/// nodes drain for minutes before a subnet, security group or VPC can go; an EKS control plane
/// takes 10-15 minutes to create.
pub fn default(kind: Kind, op: Op) -> Duration {
    super::kinds::ops(kind).limit(op)
}

/// The limits of one run: the defaults, `--timeout DURATION` for every kind, and
/// `--timeout KIND=DURATION` for one (the more specific wins).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeouts {
    pub all: Option<Duration>,
    pub per_kind: BTreeMap<Kind, Duration>,
}

impl Timeouts {
    pub fn limit(&self, kind: Kind, op: Op) -> Duration {
        self.per_kind
            .get(&kind)
            .copied()
            .or(self.all)
            .unwrap_or_else(|| default(kind, op))
    }

    /// Takes one `--timeout` value: `30m` or `nat_gateway=20m` (kinds as in addresses).
    pub fn add(
        &mut self,
        text: &str,
        parse: impl Fn(&str) -> Result<Duration, String>,
    ) -> Result<(), String> {
        match text.split_once('=') {
            None => self.all = Some(parse(text)?),
            Some((name, value)) => {
                let kind = Kind::ALL
                    .into_iter()
                    .find(|k| k.as_str() == name.trim())
                    .ok_or_else(|| {
                        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                        format!(
                            "unknown resource type {name:?} in --timeout; one of: {}",
                            names.join(", ")
                        )
                    })?;
                self.per_kind.insert(kind, parse(value.trim())?);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::kinds::minutes;

    fn secs(text: &str) -> Result<Duration, String> {
        text.trim_end_matches('s')
            .parse()
            .map(Duration::from_secs)
            .map_err(|_| format!("bad {text}"))
    }

    #[test]
    fn the_more_specific_limit_wins() {
        let mut t = Timeouts::default();
        assert_eq!(t.limit(Kind::Cluster, Op::Create), minutes(30));
        assert_eq!(t.limit(Kind::Subnet, Op::Create), minutes(5));
        assert_eq!(t.limit(Kind::Subnet, Op::Delete), minutes(20));
        t.add("90s", secs).unwrap();
        assert_eq!(t.limit(Kind::Cluster, Op::Create), Duration::from_secs(90));
        t.add("nat_gateway=600", secs).unwrap();
        assert_eq!(
            t.limit(Kind::NatGateway, Op::Delete),
            Duration::from_secs(600)
        );
        assert_eq!(t.limit(Kind::Vpc, Op::Delete), Duration::from_secs(90));
    }

    #[test]
    fn unknown_kinds_and_bad_durations_are_refused() {
        let mut t = Timeouts::default();
        let e = t.add("natgateway=5s", secs).unwrap_err();
        assert!(e.contains("nat_gateway"), "{e}");
        assert!(t.add("vpc=soon", secs).is_err());
        assert_eq!(t, Timeouts::default());
    }
}
