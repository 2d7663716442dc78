//! Security groups and their rules. A rule is one IpPermission with one peer; creating one that
//! AWS already has (the default egress rule AWS adds to every group, or a create retried after
//! a crash) finds and returns the existing rule, so rule creation is idempotent.

use super::convert::{self, Peer, RuleKey};
use super::drain::Held;
use super::props::{
    normalize_ports, normalize_protocol, prop_i32, prop_opt_str, prop_str, tag_map, tag_spec,
};
use super::{Ec2, SERVICE, sdk};
use crate::aws::adopt::{Found, adopt};
use crate::aws::support::owner;
use crate::aws::{AwsError, ResolvedResource};
use aws_sdk_ec2::types::{
    Filter, IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType, UserIdGroupPair,
};
use eksform_core::live::LiveResource;
use eksform_core::model::{TAG_CLUSTER, TAG_ID};

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

impl Ec2 {
    pub(crate) async fn create_security_group(
        &self,
        r: &ResolvedResource,
    ) -> Result<String, AwsError> {
        let (name, vpc) = (prop_str(r, "name")?, prop_str(r, "vpc_id")?);
        let out = self
            .client
            .create_security_group()
            .group_name(name)
            .description(prop_str(r, "description")?)
            .vpc_id(vpc)
            .set_tag_specifications(
                tag_spec(ResourceType::SecurityGroup, &r.props).map(|t| vec![t]),
            )
            .send()
            .await
            .map_err(sdk("CreateSecurityGroup"));
        match out {
            Ok(o) => o
                .group_id()
                .map(str::to_string)
                .ok_or_else(|| super::network::missing_id("CreateSecurityGroup", &r.address)),
            Err(e) => adopt(r, name, e, || self.group_named(r, vpc, name)).await,
        }
    }

    /// The group of that name in `vpc` and the address its tags give it (a group made by an
    /// earlier send of this same create is adopted; one someone else made fails the create).
    async fn group_named(
        &self,
        r: &ResolvedResource,
        vpc: &str,
        name: &str,
    ) -> Result<Option<Found<String>>, AwsError> {
        let filters = [
            Filter::builder().name("vpc-id").values(vpc).build(),
            Filter::builder().name("group-name").values(name).build(),
        ];
        let call = self
            .client
            .describe_security_groups()
            .set_filters(Some(filters.to_vec()));
        let groups: Vec<_> = all_pages!(call, "DescribeSecurityGroups").await?;
        let cluster = owner(&r.props);
        Ok(groups.iter().find_map(|g| {
            let tags = tag_map(g.tags());
            let ours = tags.get(TAG_CLUSTER) == Some(&cluster);
            Some(Found {
                value: g.group_id()?.to_string(),
                address: tags.get(TAG_ID).filter(|_| ours).cloned(),
            })
        }))
    }

    pub(crate) async fn delete_security_group(&self, live: &LiveResource) -> Result<(), AwsError> {
        // Each refusal drains the network interfaces still using the group.
        self.retry_in_use(live, || async {
            let call = self.client.delete_security_group().group_id(&live.id);
            match call.send().await.map_err(sdk("DeleteSecurityGroup")) {
                Ok(_) => Ok(()),
                Err(e) => Err(self.drain(live, Held::Group, e).await),
            }
        })
        .await
    }

    pub(crate) async fn create_rule(&self, r: &ResolvedResource) -> Result<String, AwsError> {
        let key = wanted_rule(r)?;
        match self.authorize(r, &key).await {
            Ok(Some(id)) => Ok(id),
            // An answer without the rule id (older API versions): the rule exists, look it up.
            Ok(None) => {
                let found = self.existing_rule(&key).await?;
                found.ok_or_else(|| {
                    super::network::missing_id("AuthorizeSecurityGroupRule", &r.address)
                })
            }
            // AWS's default egress rule, or a create retried after a crash.
            Err(e) if e.code == "InvalidPermission.Duplicate" => {
                self.existing_rule(&key).await?.ok_or(e)
            }
            Err(e) => Err(e),
        }
    }

    /// Authorizes the rule's one permission; the new rule's id, when the answer names it.
    async fn authorize(
        &self,
        r: &ResolvedResource,
        key: &RuleKey,
    ) -> Result<Option<String>, AwsError> {
        let tags = tag_spec(ResourceType::SecurityGroupRule, &r.props).map(|t| vec![t]);
        let (group, permission) = (key.group_id.as_str(), permission(r)?);
        let rules = if key.direction == "ingress" {
            let call = self
                .client
                .authorize_security_group_ingress()
                .group_id(group)
                .ip_permissions(permission);
            let out = call.set_tag_specifications(tags).send().await;
            out.map_err(sdk("AuthorizeSecurityGroupIngress"))?
                .security_group_rules()
                .to_vec()
        } else {
            let call = self
                .client
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

    /// The id of the group's rule with the same key.
    async fn existing_rule(&self, key: &RuleKey) -> Result<Option<String>, AwsError> {
        let rules = self.rules_of_group(&key.group_id).await?;
        Ok(rules
            .iter()
            .map(convert::rule)
            .find(|x| x.key == *key)
            .map(|x| x.id))
    }

    pub(crate) async fn delete_rule(&self, live: &LiveResource) -> Result<(), AwsError> {
        let group = live
            .props
            .get("security_group_id")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        let egress = live.props.get("direction").and_then(|v| v.as_str()) == Some("egress");
        if egress {
            let call = self
                .client
                .revoke_security_group_egress()
                .group_id(group)
                .security_group_rule_ids(&live.id);
            call.send()
                .await
                .map_err(sdk("RevokeSecurityGroupEgress"))?;
        } else {
            let call = self
                .client
                .revoke_security_group_ingress()
                .group_id(group)
                .security_group_rule_ids(&live.id);
            call.send()
                .await
                .map_err(sdk("RevokeSecurityGroupIngress"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksform_core::model::Kind;
    use serde_json::json;

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
}
