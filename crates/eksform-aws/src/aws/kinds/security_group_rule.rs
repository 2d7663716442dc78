//! Security group rules: every field is fixed at creation, only the tags change in place. A
//! rule is one IpPermission with one peer; creating one that AWS already has (the default
//! egress rule AWS adds to every group, or a create retried after a crash) finds and returns
//! the existing rule, so rule creation is idempotent. A rule read is addressed by its content
//! (`RuleKey`), its group and its source named by address when eksform owns them.

use crate::aws::ec2::convert::Found;
use crate::aws::ec2::props::{
    normalize_ports, normalize_protocol, prop_i32, prop_opt_str, prop_str, tag_map, tag_specs,
    tags_value,
};
use crate::aws::ec2::{Ec2, SERVICE, missing_id, sdk};
use crate::aws::{AwsError, ResolvedResource};
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType, SecurityGroup, SecurityGroupRule,
    UserIdGroupPair,
};
use eksform_core::live::LiveResource;
use eksform_core::model::names::{RuleSource, rule_address};
use eksform_core::model::{Kind, Props};
use serde_json::json;
use std::collections::BTreeMap;

/// Fields EC2 changes in place besides the tags; any other change replaces the resource.
pub(crate) const IN_PLACE: &[&str] = &[];

crate::aws::ec2::kind_ops!(Kind::SecurityGroupRule);

/// Where a rule's traffic comes from or goes to, by physical id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Peer {
    Cidr(String),
    Group(String),
}

/// What makes a rule the rule it is (its description aside, as AWS's own duplicate check).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct RuleKey {
    pub group_id: String,
    pub direction: &'static str,
    pub protocol: String,
    pub ports: (i64, i64),
    pub peer: Peer,
}

/// A security group rule as read; its key makes its address.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RuleFound {
    pub id: String,
    pub key: RuleKey,
    pub props: Props,
}

fn bad_rule(r: &ResolvedResource, what: &str) -> AwsError {
    AwsError::local(
        SERVICE,
        "Input",
        "InvalidProperty",
        format!("{}: {what}", r.address),
    )
}

/// The rule's content in the form AWS reports it, to recognise an existing rule.
fn wanted_rule(r: &ResolvedResource) -> Result<RuleKey, AwsError> {
    let protocol = normalize_protocol(prop_str(r, "protocol")?);
    let ports = normalize_ports(
        &protocol,
        Some(prop_i32(r, "from_port")?),
        Some(prop_i32(r, "to_port")?),
    );
    let peer = match (
        prop_opt_str(r, "cidr")?,
        prop_opt_str(r, "source_security_group_id")?,
    ) {
        (Some(c), None) => Peer::Cidr(c.to_string()),
        (None, Some(g)) => Peer::Group(g.to_string()),
        _ => {
            return Err(bad_rule(
                r,
                "a rule needs exactly one of cidr and source_security_group_id",
            ));
        }
    };
    let direction = match prop_str(r, "direction")? {
        "ingress" => "ingress",
        "egress" => "egress",
        other => {
            return Err(bad_rule(
                r,
                &format!("direction must be ingress or egress, not \"{other}\""),
            ));
        }
    };
    let group_id = prop_str(r, "security_group_id")?.to_string();
    Ok(RuleKey {
        group_id,
        direction,
        protocol,
        ports,
        peer,
    })
}

/// One IpPermission for the rule; all-traffic rules carry no ports. An empty description is
/// left out (AWS stores none, and reads back as "").
fn permission(r: &ResolvedResource) -> Result<IpPermission, AwsError> {
    let RuleKey {
        protocol,
        ports: (from, to),
        peer,
        ..
    } = wanted_rule(r)?;
    let mut p = IpPermission::builder().ip_protocol(&protocol);
    if protocol != "-1" {
        let port = |n: i64| i32::try_from(n).map_err(|_| bad_rule(r, "ports must fit in 32 bits"));
        p = p.from_port(port(from)?).to_port(port(to)?);
    }
    let desc = prop_opt_str(r, "description")?
        .filter(|d| !d.is_empty())
        .map(str::to_string);
    let p = match peer {
        Peer::Group(g) => p.user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(g)
                .set_description(desc)
                .build(),
        ),
        Peer::Cidr(c) if c.starts_with("pl-") => p.prefix_list_ids(
            PrefixListId::builder()
                .prefix_list_id(c)
                .set_description(desc)
                .build(),
        ),
        Peer::Cidr(c) if c.contains(':') => p.ipv6_ranges(
            Ipv6Range::builder()
                .cidr_ipv6(c)
                .set_description(desc)
                .build(),
        ),
        Peer::Cidr(c) => p.ip_ranges(IpRange::builder().cidr_ip(c).set_description(desc).build()),
    };
    Ok(p.build())
}

async fn create(ec2: &Ec2, _cluster: &str, r: &ResolvedResource) -> Result<String, AwsError> {
    let key = wanted_rule(r)?;
    match authorize(ec2, r, &key).await {
        Ok(Some(id)) => Ok(id),
        // An answer without the rule id (older API versions): the rule exists, look it up.
        Ok(None) => {
            let found = existing(ec2, &key).await?;
            found.ok_or_else(|| missing_id("AuthorizeSecurityGroupRule", &r.address))
        }
        // AWS's default egress rule, or a create retried after a crash.
        Err(e) if e.code == "InvalidPermission.Duplicate" => existing(ec2, &key).await?.ok_or(e),
        Err(e) => Err(e),
    }
}

/// Authorizes the rule's one permission; the new rule's id, when the answer names it.
async fn authorize(
    ec2: &Ec2,
    r: &ResolvedResource,
    key: &RuleKey,
) -> Result<Option<String>, AwsError> {
    let tags = tag_specs(ResourceType::SecurityGroupRule, &r.props);
    let (group, permission) = (key.group_id.as_str(), permission(r)?);
    let rules = if key.direction == "ingress" {
        let call = ec2
            .client()
            .authorize_security_group_ingress()
            .group_id(group)
            .ip_permissions(permission);
        let out = call.set_tag_specifications(tags).send().await;
        out.map_err(sdk("AuthorizeSecurityGroupIngress"))?
            .security_group_rules()
            .to_vec()
    } else {
        let call = ec2
            .client()
            .authorize_security_group_egress()
            .group_id(group)
            .ip_permissions(permission);
        let out = call.set_tag_specifications(tags).send().await;
        out.map_err(sdk("AuthorizeSecurityGroupEgress"))?
            .security_group_rules()
            .to_vec()
    };
    Ok(rules
        .first()
        .and_then(|x| x.security_group_rule_id())
        .map(str::to_string))
}

/// The id of the group's rule with the same key (a rule AWS says already exists).
async fn existing(ec2: &Ec2, key: &RuleKey) -> Result<Option<String>, AwsError> {
    let rules = ec2
        .rules_of_groups(std::slice::from_ref(&key.group_id))
        .await?;
    Ok(rules
        .iter()
        .map(found)
        .find(|x| x.key == *key)
        .map(|x| x.id))
}

async fn delete(ec2: &Ec2, live: &LiveResource) -> Result<(), AwsError> {
    let group = live
        .props
        .get("security_group_id")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let egress = live.props.get("direction").and_then(|v| v.as_str()) == Some("egress");
    if egress {
        let call = ec2
            .client()
            .revoke_security_group_egress()
            .group_id(group)
            .security_group_rule_ids(&live.id);
        call.send()
            .await
            .map_err(sdk("RevokeSecurityGroupEgress"))?;
    } else {
        let call = ec2
            .client()
            .revoke_security_group_ingress()
            .group_id(group)
            .security_group_rule_ids(&live.id);
        call.send()
            .await
            .map_err(sdk("RevokeSecurityGroupIngress"))?;
    }
    Ok(())
}

async fn by_id(ec2: &Ec2, id: &str) -> Result<Option<SecurityGroupRule>, AwsError> {
    let out = ec2
        .client()
        .describe_security_group_rules()
        .security_group_rule_ids(id)
        .send()
        .await
        .map_err(sdk("DescribeSecurityGroupRules"))?;
    Ok(out.security_group_rules().first().cloned())
}

/// A security group rule by id, with its description.
async fn describe(ec2: &Ec2, id: &str) -> Result<Option<Found>, AwsError> {
    let Some(r) = by_id(ec2, id).await? else {
        return Ok(None);
    };
    let mut rule = found(&r);
    if rule.props.get("description") == Some(&json!("")) {
        let call = ec2
            .client()
            .describe_security_groups()
            .group_ids(&rule.key.group_id);
        let out = call.send().await.map_err(sdk("DescribeSecurityGroups"))?;
        let descriptions = out
            .security_groups()
            .iter()
            .flat_map(permission_descriptions)
            .collect();
        fill_description(&mut rule, &descriptions);
    }
    Ok(Some(unkeyed(rule)))
}

/// Rules have no `tags` in the schema; tags are read only when a rule carries some, so a rule
/// created without tags reads back without the key.
pub(crate) fn found(r: &SecurityGroupRule) -> RuleFound {
    let protocol = normalize_protocol(r.ip_protocol().unwrap_or("-1"));
    let ports = normalize_ports(&protocol, r.from_port(), r.to_port());
    let direction = if r.is_egress() == Some(true) {
        "egress"
    } else {
        "ingress"
    };
    let group_id = r.group_id().unwrap_or_default().to_string();
    let peer = match r.referenced_group_info().and_then(|g| g.group_id()) {
        Some(g) => Peer::Group(g.to_string()),
        // A prefix list is kept as the rule's cidr so the rule still has one distinct address.
        None => Peer::Cidr(
            r.cidr_ipv4()
                .or(r.cidr_ipv6())
                .or(r.prefix_list_id())
                .unwrap_or_default()
                .to_string(),
        ),
    };
    let mut props = Props::new();
    props.insert("security_group_id".into(), json!(group_id));
    props.insert("direction".into(), json!(direction));
    props.insert("protocol".into(), json!(protocol));
    props.insert("from_port".into(), json!(ports.0));
    props.insert("to_port".into(), json!(ports.1));
    match &peer {
        Peer::Cidr(c) => props.insert("cidr".into(), json!(c)),
        Peer::Group(g) => props.insert("source_security_group_id".into(), json!(g)),
    };
    props.insert("description".into(), json!(r.description().unwrap_or("")));
    let tags = tag_map(r.tags());
    if !tags.is_empty() {
        props.insert("tags".into(), tags_value(&tags));
    }
    let key = RuleKey {
        group_id,
        direction,
        protocol,
        ports,
        peer,
    };
    RuleFound {
        id: r.security_group_rule_id().unwrap_or_default().to_string(),
        key,
        props,
    }
}

/// Rule descriptions as the group's permissions list them. Some endpoints (moto) leave the
/// description of group-referencing rules out of DescribeSecurityGroupRules while keeping it in
/// DescribeSecurityGroups; this is the same fact from the other call.
pub(crate) fn permission_descriptions(g: &SecurityGroup) -> BTreeMap<RuleKey, String> {
    let group_id = g.group_id().unwrap_or_default();
    let mut out = BTreeMap::new();
    for (direction, perms) in [
        ("ingress", g.ip_permissions()),
        ("egress", g.ip_permissions_egress()),
    ] {
        for p in perms {
            let protocol = normalize_protocol(p.ip_protocol().unwrap_or("-1"));
            let ports = normalize_ports(&protocol, p.from_port(), p.to_port());
            let cidr = |c: Option<&str>| Peer::Cidr(c.unwrap_or_default().to_string());
            let peers = p
                .ip_ranges()
                .iter()
                .map(|r| (cidr(r.cidr_ip()), r.description()));
            let peers = peers.chain(
                p.ipv6_ranges()
                    .iter()
                    .map(|r| (cidr(r.cidr_ipv6()), r.description())),
            );
            let peers = peers.chain(
                p.prefix_list_ids()
                    .iter()
                    .map(|r| (cidr(r.prefix_list_id()), r.description())),
            );
            let groups = p.user_id_group_pairs().iter();
            let peers = peers.chain(groups.map(|r| {
                (
                    Peer::Group(r.group_id().unwrap_or_default().to_string()),
                    r.description(),
                )
            }));
            for (peer, description) in peers {
                let Some(d) = description.filter(|d| !d.is_empty()) else {
                    continue;
                };
                let key = RuleKey {
                    group_id: group_id.to_string(),
                    direction,
                    protocol: protocol.clone(),
                    ports,
                    peer,
                };
                out.insert(key, d.to_string());
            }
        }
    }
    out
}

/// Fills a description the rule listing left out from the group's permissions.
pub(crate) fn fill_description(r: &mut RuleFound, descriptions: &BTreeMap<RuleKey, String>) {
    if r.props.get("description") == Some(&json!(""))
        && let Some(d) = descriptions.get(&r.key)
    {
        r.props.insert("description".into(), json!(d));
    }
}

fn unkeyed(r: RuleFound) -> Found {
    Found {
        id: r.id,
        props: r.props,
        attrs: BTreeMap::new(),
        tags: BTreeMap::new(),
    }
}

/// A rule of an owned group, addressed by its content; a source group eksform owns is named by
/// its address, any other by its id. `None` for a rule of a group not in `groups` (id to
/// address).
pub(crate) fn live(r: RuleFound, groups: &BTreeMap<String, String>) -> Option<LiveResource> {
    let k = &r.key;
    let group_address = groups.get(&k.group_id)?;
    let source = match &k.peer {
        Peer::Cidr(c) => RuleSource::Cidr(c.clone()),
        Peer::Group(g) => RuleSource::Group(groups.get(g).cloned().unwrap_or_else(|| g.clone())),
    };
    let address = rule_address(
        group_address,
        k.direction,
        &k.protocol,
        k.ports.0,
        k.ports.1,
        &source,
    );
    let f = unkeyed(r);
    Some(LiveResource {
        address,
        kind: Kind::SecurityGroupRule,
        id: f.id,
        props: f.props,
        attrs: f.attrs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::ReferencedSecurityGroup;

    fn rule(props: serde_json::Value) -> ResolvedResource {
        ResolvedResource {
            address: "security_group_rule.nodes/egress/-1/all/cidr:0.0.0.0/0".into(),
            kind: Kind::SecurityGroupRule,
            props: serde_json::from_value(props).unwrap(),
        }
    }

    #[test]
    fn all_traffic_permissions_carry_no_ports_or_empty_description() {
        let r = rule(json!({
            "security_group_id": "sg-1", "direction": "egress", "protocol": "-1", "from_port": -1,
            "to_port": -1, "cidr": "0.0.0.0/0", "description": ""
        }));
        let p = permission(&r).unwrap();
        assert_eq!(p.ip_protocol(), Some("-1"));
        assert_eq!(p.from_port(), None);
        assert_eq!(p.ip_ranges()[0].cidr_ip(), Some("0.0.0.0/0"));
        assert_eq!(p.ip_ranges()[0].description(), None);
    }

    #[test]
    fn group_peers_go_in_group_pairs_and_two_peers_are_refused() {
        let r = rule(json!({
            "security_group_id": "sg-1", "direction": "ingress", "protocol": "tcp", "from_port": 443,
            "to_port": 443, "source_security_group_id": "sg-2", "description": "api"
        }));
        let p = permission(&r).unwrap();
        assert_eq!((p.from_port(), p.to_port()), (Some(443), Some(443)));
        assert_eq!(p.user_id_group_pairs()[0].group_id(), Some("sg-2"));
        assert_eq!(p.user_id_group_pairs()[0].description(), Some("api"));
        let both = rule(json!({
            "security_group_id": "sg-1", "direction": "ingress", "protocol": "tcp", "from_port": 443,
            "to_port": 443, "source_security_group_id": "sg-2", "cidr": "10.0.0.0/8", "description": ""
        }));
        assert_eq!(permission(&both).unwrap_err().code, "InvalidProperty");
    }

    #[test]
    fn all_traffic_rules_read_with_minus_one_ports_and_empty_description() {
        let r = SecurityGroupRule::builder()
            .security_group_rule_id("sgr-1")
            .group_id("sg-1")
            .is_egress(false)
            .ip_protocol("all")
            .referenced_group_info(ReferencedSecurityGroup::builder().group_id("sg-2").build())
            .build();
        let mut f = found(&r);
        assert_eq!(f.key.peer, Peer::Group("sg-2".into()));
        assert_eq!(f.key.ports, (-1, -1));
        let want: Props = serde_json::from_value(json!({
            "security_group_id": "sg-1", "direction": "ingress", "protocol": "-1", "from_port": -1,
            "to_port": -1, "source_security_group_id": "sg-2", "description": ""
        }))
        .unwrap();
        assert_eq!(f.props, want);
        let g = SecurityGroup::builder()
            .group_id("sg-1")
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("-1")
                    .user_id_group_pairs(
                        UserIdGroupPair::builder()
                            .group_id("sg-2")
                            .description("node to node")
                            .build(),
                    )
                    .build(),
            )
            .build();
        fill_description(&mut f, &permission_descriptions(&g));
        assert_eq!(f.props["description"], json!("node to node"));
    }

    #[test]
    fn rules_are_addressed_by_owned_group_addresses_and_foreign_ids() {
        let groups: BTreeMap<String, String> = [
            ("sg-nodes".to_string(), "security_group.nodes".to_string()),
            ("sg-lb".to_string(), "security_group.lb-ingress".to_string()),
        ]
        .into();
        let from = |g: &str| {
            SecurityGroupRule::builder()
                .security_group_rule_id("sgr-1")
                .group_id("sg-nodes")
                .is_egress(false)
                .ip_protocol("tcp")
                .from_port(30080)
                .to_port(30080)
                .referenced_group_info(ReferencedSecurityGroup::builder().group_id(g).build())
                .build()
        };
        let owned = live(found(&from("sg-lb")), &groups).unwrap();
        assert_eq!(
            owned.address,
            "security_group_rule.nodes/ingress/tcp/30080-30080/sg:lb-ingress"
        );
        assert_eq!(owned.props["source_security_group_id"], "sg-lb");
        let foreign = live(found(&from("sg-other")), &groups).unwrap();
        assert_eq!(
            foreign.address,
            "security_group_rule.nodes/ingress/tcp/30080-30080/sg:sg-other"
        );
        let unowned = SecurityGroupRule::builder()
            .group_id("sg-x")
            .ip_protocol("-1")
            .build();
        assert!(live(found(&unowned), &groups).is_none());
    }
}
