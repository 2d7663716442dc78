//! Draining what blocks the delete of a subnet, security group or VPC: the network interfaces
//! in it. Detached interfaces that this cluster's VPC CNI (or eksform) left behind are deleted,
//! since nothing else ever will; interfaces owned by an AWS service (load balancers) or still
//! attached are waited for; anything else is never touched, only named in the error, as are the
//! other security groups whose rules reference a security group being deleted. It runs only
//! after EC2 refused a delete with DependencyViolation and must never delete an interface that
//! is not tagged for this very cluster.

use super::{Ec2, sdk};
use crate::aws::support::{self, not_found_ok};
use crate::aws::{AwsError, ErrorKind, in_use};
use aws_sdk_ec2::types::{Filter, NetworkInterface, NetworkInterfaceStatus, SecurityGroup};
use eksform_core::live::LiveResource;
use eksform_core::model::TAG_CLUSTER;

/// The tag the Amazon VPC CNI puts on the interfaces it creates for a cluster's pods.
pub const CNI_CLUSTER_TAG: &str = "cluster.k8s.amazonaws.com/name";

/// What draining does with one interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Detached and tagged for this cluster: a leftover, deleted.
    Delete,
    /// Created and deleted by an AWS service (a load balancer): waited for.
    AwsOwned,
    /// This cluster's, but still attached to an instance: waited for.
    Attached,
    /// Untagged or another owner's: never touched.
    Foreign,
}

/// One interface standing in the way, as named in the error.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Blocker {
    pub id: String,
    pub description: String,
    pub status: String,
    /// Who holds it: `attached to i-…` or `managed by …` (the requester), when EC2 says.
    pub owner: Option<String>,
    pub verdict: Verdict,
}

/// Another security group whose rules reference the group being deleted.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Reference {
    pub group_id: String,
    pub name: String,
    /// Tagged for this cluster: eksform may still remove it or its rules.
    pub ours: bool,
}

impl Reference {
    fn named(&self) -> String {
        let advice = if self.ours {
            "this cluster's; removed with it"
        } else {
            "created outside eksform: remove its rules that reference this group"
        };
        format!(
            "rules of security group {} ({:?}): {advice}",
            self.group_id, self.name
        )
    }
}

/// Which network interfaces hold a resource EC2 refuses to delete: those in a VPC, in a
/// subnet, or using a security group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Held {
    Vpc,
    Subnet,
    Group,
}

impl Held {
    /// The DescribeNetworkInterfaces filter that lists them.
    fn filter(self) -> &'static str {
        match self {
            Held::Vpc => "vpc-id",
            Held::Subnet => "subnet-id",
            Held::Group => "group-id",
        }
    }
}

impl Ec2 {
    /// After EC2 refused to delete `live` with `err`: deletes this cluster's detached leftovers
    /// and returns `err` naming every interface that still blocks, each with what to do.
    /// `holds` says which interfaces hold `live`; a group is also held by other groups' rules
    /// naming it.
    pub(crate) async fn drain(&self, live: &LiveResource, holds: Held, err: AwsError) -> AwsError {
        if err.kind != ErrorKind::InUse {
            return err;
        }
        let filter = holds.filter();
        // Failing to look is not the failure to report: the refusal is, and it is retried.
        let found = self.interfaces(filter, &live.id).await.unwrap_or_default();
        let cluster = support::owner(&live.props);
        let mut left = Vec::new();
        for eni in &found {
            let b = blocker(eni, &cluster);
            if b.verdict == Verdict::Delete && self.delete_interface(&b.id).await.is_ok() {
                continue;
            }
            left.push(b);
        }
        let refs = match holds {
            Held::Group => self
                .references(&live.id, &cluster)
                .await
                .unwrap_or_default(),
            Held::Vpc | Held::Subnet => Vec::new(),
        };
        with_blockers(err, &live.address, &live.id, &left, &refs)
    }

    /// The other security groups whose inbound or outbound rules name group `id`.
    async fn references(&self, id: &str, cluster: &str) -> Result<Vec<Reference>, AwsError> {
        let mut out: Vec<Reference> = Vec::new();
        for filter in ["ip-permission.group-id", "egress.ip-permission.group-id"] {
            let f = Filter::builder().name(filter).values(id).build();
            let groups: Vec<SecurityGroup> = all_pages!(
                self.client.describe_security_groups().filters(f),
                "DescribeSecurityGroups"
            )
            .await?;
            for g in groups {
                let other = g.group_id().unwrap_or_default();
                if other == id || out.iter().any(|r| r.group_id == other) {
                    continue;
                }
                let owner = g.tags().iter().find(|t| t.key() == Some(TAG_CLUSTER));
                out.push(Reference {
                    group_id: other.to_string(),
                    name: g.group_name().unwrap_or_default().to_string(),
                    ours: !cluster.is_empty() && owner.and_then(|t| t.value()) == Some(cluster),
                });
            }
        }
        Ok(out)
    }

    async fn interfaces(&self, filter: &str, id: &str) -> Result<Vec<NetworkInterface>, AwsError> {
        let f = Filter::builder().name(filter).values(id).build();
        all_pages!(
            self.client.describe_network_interfaces().filters(f),
            "DescribeNetworkInterfaces"
        )
        .await
    }

    async fn delete_interface(&self, id: &str) -> Result<(), AwsError> {
        let call = self
            .client
            .delete_network_interface()
            .network_interface_id(id);
        let out = call.send().await.map_err(sdk("DeleteNetworkInterface"));
        not_found_ok(out.map(|_| ())).map(|_| ())
    }
}

fn tag<'a>(eni: &'a NetworkInterface, key: &str) -> Option<&'a str> {
    eni.tag_set()
        .iter()
        .find(|t| t.key() == Some(key))
        .and_then(|t| t.value())
}

/// Decides what to do with `eni` during a destroy of `cluster` (empty: owner unknown, so
/// nothing is ours to delete).
pub(super) fn verdict(eni: &NetworkInterface, cluster: &str) -> Verdict {
    let description = eni.description().unwrap_or_default();
    if eni.requester_managed() == Some(true) || description.starts_with("ELB ") {
        return Verdict::AwsOwned;
    }
    let ours = !cluster.is_empty()
        && (tag(eni, CNI_CLUSTER_TAG) == Some(cluster) || tag(eni, TAG_CLUSTER) == Some(cluster));
    let detached = eni.status() == Some(&NetworkInterfaceStatus::Available);
    match (ours, detached) {
        (true, true) => Verdict::Delete,
        (true, false) => Verdict::Attached,
        (false, _) => Verdict::Foreign,
    }
}

fn blocker(eni: &NetworkInterface, cluster: &str) -> Blocker {
    Blocker {
        id: eni.network_interface_id().unwrap_or_default().to_string(),
        description: eni.description().unwrap_or_default().to_string(),
        status: eni
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        owner: owner(eni),
        verdict: verdict(eni, cluster),
    }
}

/// The instance an interface is attached to, else the service that requested it.
fn owner(eni: &NetworkInterface) -> Option<String> {
    let attached = eni.attachment().and_then(|a| a.instance_id());
    match (attached, eni.requester_id()) {
        (Some(i), _) => Some(format!("attached to {i}")),
        (None, Some(r)) => Some(format!("managed by {r}")),
        (None, None) => None,
    }
}

/// Whether `b` will never go away by itself: detached and nobody's to delete.
fn lasting(b: &Blocker) -> bool {
    b.verdict == Verdict::Foreign && b.status == NetworkInterfaceStatus::Available.as_str()
}

/// What the operator should expect or do about one blocker.
pub(super) fn advice(b: &Blocker) -> &'static str {
    match b.verdict {
        Verdict::AwsOwned if b.description.starts_with("ELB ") => {
            "deleted by AWS once the load balancer is gone"
        }
        Verdict::AwsOwned => "managed by an AWS service; deleted by AWS once its owner is gone",
        Verdict::Attached => "attached to an instance of this cluster; freed once it terminates",
        // A leftover whose delete failed: the next refusal tries again.
        Verdict::Delete => "left by this cluster's VPC CNI; deleting it",
        Verdict::Foreign => {
            "created outside eksform: delete it or detach it, then run destroy again"
        }
    }
}

/// `err` with the interfaces and other groups' rules that still block `address` (whose id is
/// `id`) named after AWS's own message, and in its hint what to expect or do. A detached
/// interface or a group created outside eksform never goes away by itself: the refusal is
/// then lasting (see `aws::in_use`). An attached interface may belong to something being
/// deleted (an EKS control plane's interfaces linger for minutes), so it is waited for.
pub(super) fn with_blockers(
    err: AwsError,
    address: &str,
    id: &str,
    left: &[Blocker],
    refs: &[Reference],
) -> AwsError {
    if left.is_empty() && refs.is_empty() {
        return err;
    }
    let named: Vec<String> = left
        .iter()
        .map(|b| {
            let owner = b
                .owner
                .as_ref()
                .map(|o| format!(", {o}"))
                .unwrap_or_default();
            format!(
                "network interface {} ({:?}, {}{owner}): {}",
                b.id,
                b.description,
                b.status,
                advice(b)
            )
        })
        .chain(refs.iter().map(Reference::named))
        .collect();
    let lasting = left.iter().any(lasting) || refs.iter().any(|r| !r.ours);
    let mut err = in_use::held_by(err, address, id, &named, lasting);
    let mut hints: Vec<&str> = Vec::new();
    for h in left.iter().map(advice) {
        if !hints.contains(&h) {
            hints.push(h);
        }
    }
    if refs.iter().any(|r| !r.ours) {
        hints.push(
            "remove the rules of the groups created outside eksform that reference it, then \
             run again",
        );
    }
    if !hints.is_empty() {
        err.hint = Some(hints.join("; "));
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::Tag;

    fn eni(status: NetworkInterfaceStatus, desc: &str, tags: &[(&str, &str)]) -> NetworkInterface {
        let mut b = NetworkInterface::builder()
            .network_interface_id("eni-1")
            .description(desc)
            .status(status)
            .requester_managed(false);
        for (k, v) in tags {
            b = b.tag_set(Tag::builder().key(*k).value(*v).build());
        }
        b.build()
    }

    #[test]
    fn only_detached_interfaces_tagged_for_this_cluster_are_deleted() {
        let avail = NetworkInterfaceStatus::Available;
        let cni = [(CNI_CLUSTER_TAG, "demo")];
        assert_eq!(
            verdict(&eni(avail.clone(), "", &cni), "demo"),
            Verdict::Delete
        );
        let own = [(TAG_CLUSTER, "demo")];
        assert_eq!(
            verdict(&eni(avail.clone(), "", &own), "demo"),
            Verdict::Delete
        );
        assert_eq!(
            verdict(&eni(avail.clone(), "", &cni), "other"),
            Verdict::Foreign
        );
        assert_eq!(verdict(&eni(avail.clone(), "", &cni), ""), Verdict::Foreign);
        assert_eq!(
            verdict(&eni(avail.clone(), "", &[]), "demo"),
            Verdict::Foreign
        );
        let in_use = NetworkInterfaceStatus::InUse;
        assert_eq!(verdict(&eni(in_use, "", &cni), "demo"), Verdict::Attached);
        let elb = eni(avail, "ELB app/web/123", &cni);
        assert_eq!(verdict(&elb, "demo"), Verdict::AwsOwned);
    }

    #[test]
    fn the_error_names_each_blocker_with_its_advice() {
        let err = AwsError::new("EC2", "DeleteSubnet", "DependencyViolation", "busy");
        let left = [
            blocker(
                &eni(NetworkInterfaceStatus::InUse, "ELB app/web/1", &[]),
                "demo",
            ),
            blocker(&eni(NetworkInterfaceStatus::Available, "mine", &[]), "demo"),
        ];
        let e = with_blockers(err, "subnet.private-a", "subnet-1", &left, &[]);
        assert_eq!(e.kind, ErrorKind::InUse);
        assert!(e.lasting, "an interface made outside eksform never goes");
        assert!(
            e.message
                .starts_with("busy (subnet.private-a, subnet-1); still used by: network interface"),
            "{}",
            e.message
        );
        assert!(
            e.message.contains("eni-1 (\"ELB app/web/1\", in-use)"),
            "{}",
            e.message
        );
        let attached = Blocker {
            owner: owner(
                &NetworkInterface::builder()
                    .attachment(
                        aws_sdk_ec2::types::NetworkInterfaceAttachment::builder()
                            .instance_id("i-7")
                            .build(),
                    )
                    .build(),
            ),
            ..left[1].clone()
        };
        let fresh = AwsError::new("EC2", "DeleteSubnet", "DependencyViolation", "busy");
        let named = with_blockers(fresh, "subnet.private-a", "subnet-1", &[attached], &[]);
        assert!(
            named
                .message
                .contains("(\"mine\", available, attached to i-7)"),
            "{}",
            named.message
        );
        let hint = e.hint.unwrap();
        assert!(hint.contains("once the load balancer is gone"), "{hint}");
        assert!(hint.contains("created outside eksform"), "{hint}");
        let draining = with_blockers(
            AwsError::new("EC2", "DeleteSubnet", "DependencyViolation", "busy"),
            "subnet.private-a",
            "subnet-1",
            &left[..1],
            &[],
        );
        assert!(
            !draining.lasting,
            "a load balancer's interface goes with it"
        );
    }

    #[test]
    fn a_group_outside_eksform_referencing_it_is_named_and_lasting() {
        let err = AwsError::new(
            "EC2",
            "DeleteSecurityGroup",
            "DependencyViolation",
            "resource sg-1 has a dependent object",
        );
        let theirs = Reference {
            group_id: "sg-9".into(),
            name: "made-by-hand".into(),
            ours: false,
        };
        let e = with_blockers(err.clone(), "security_group.lb", "sg-1", &[], &[theirs]);
        assert!(e.lasting);
        assert_eq!(
            e.message,
            "resource sg-1 has a dependent object (security_group.lb, sg-1); still used by: \
             rules of security group sg-9 (\"made-by-hand\"): created outside eksform: remove \
             its rules that reference this group"
        );
        assert!(
            e.hint
                .unwrap()
                .starts_with("remove the rules of the groups")
        );
        let ours = Reference {
            group_id: "sg-8".into(),
            name: "nodes".into(),
            ours: true,
        };
        let e = with_blockers(err, "security_group.lb", "sg-1", &[], &[ours]);
        assert!(!e.lasting, "this cluster's group may still go");
    }
}
