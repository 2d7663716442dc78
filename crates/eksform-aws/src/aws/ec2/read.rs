//! Reading EC2 networking: one concurrent wave of tag-filtered, paginated Describe calls, then
//! one more for what those calls do not return (VPC DNS attributes, rules of the owned groups).
//! Also single-resource reads (a resource as it stands after a write), one Describe by id per
//! kind, which the kind's file picks. Ownership is re-checked
//! on every item, since a server-side tag filter is not a guarantee. Must not write anything.

use super::convert::{self, Found, Peer, RuleFound, RuleKey, VpcDns};
use super::props::tag_map;
use super::{Ec2, SERVICE, sdk};
use crate::aws::AwsError;
use crate::aws::timeouts::Op;
use aws_sdk_ec2::types::{Filter, NatGatewayState, SecurityGroupRule, VpcAttributeName};
use eksform_core::live::LiveResource;
use eksform_core::model::names::{RuleSource, rule_address};
use eksform_core::model::{Kind, TAG_CLUSTER, TAG_ID};
use futures::future::try_join_all;
use std::collections::BTreeMap;
use std::future::Future;
use std::time::{Duration, Instant};

/// EC2 accepts at most 200 values in one filter.
const FILTER_VALUES: usize = 200;

fn cluster_filter(cluster: &str) -> Filter {
    Filter::builder()
        .name(format!("tag:{TAG_CLUSTER}"))
        .values(cluster)
        .build()
}

/// The address of a resource the cluster owns: its `eksform.io/id` tag, when the cluster tag
/// names this cluster.
fn owned_address(tags: &BTreeMap<String, String>, cluster: &str) -> Option<String> {
    if tags.get(TAG_CLUSTER).map(String::as_str) != Some(cluster) {
        return None;
    }
    tags.get(TAG_ID).cloned()
}

fn live(kind: Kind, address: String, f: Found) -> LiveResource {
    LiveResource {
        address,
        kind,
        id: f.id,
        props: f.props,
        attrs: f.attrs,
    }
}

/// Everything the first wave found, before ownership is checked.
struct Wave {
    vpcs: Vec<aws_sdk_ec2::types::Vpc>,
    others: Vec<(Kind, Found)>,
    descriptions: BTreeMap<RuleKey, String>,
}

impl Ec2 {
    pub(super) async fn read_owned(&self, cluster: &str) -> Result<Vec<LiveResource>, AwsError> {
        let wave = self.first_wave(cluster).await?;
        let mut out = Vec::new();
        let mut groups = BTreeMap::new();
        for (kind, found) in wave.others {
            let Some(address) = owned_address(&found.tags, cluster) else {
                continue;
            };
            if kind == Kind::SecurityGroup {
                groups.insert(found.id.clone(), address.clone());
            }
            out.push(live(kind, address, found));
        }
        let vpcs: Vec<(String, &aws_sdk_ec2::types::Vpc)> = wave
            .vpcs
            .iter()
            .filter_map(|v| Some((owned_address(&tag_map(v.tags()), cluster)?, v)))
            .collect();
        let group_ids: Vec<String> = groups.keys().cloned().collect();
        let (dns, rules) = tokio::try_join!(
            try_join_all(
                vpcs.iter()
                    .map(|(_, v)| self.vpc_dns(v.vpc_id().unwrap_or_default()))
            ),
            self.rules_of_groups(&group_ids),
        )?;
        for ((address, v), dns) in vpcs.into_iter().zip(dns) {
            out.push(live(Kind::Vpc, address, convert::vpc(v, dns)));
        }
        for r in &rules {
            let mut rule = convert::rule(r);
            convert::fill_description(&mut rule, &wave.descriptions);
            out.extend(rule_live(rule, &groups));
        }
        Ok(out)
    }

    async fn first_wave(&self, cluster: &str) -> Result<Wave, AwsError> {
        let c = &self.client;
        let f = || cluster_filter(cluster);
        let (vpcs, subnets, igws, addresses, nats, tables, groups) = tokio::try_join!(
            all_pages!(c.describe_vpcs().filters(f()), "DescribeVpcs"),
            all_pages!(c.describe_subnets().filters(f()), "DescribeSubnets"),
            all_pages!(
                c.describe_internet_gateways().filters(f()),
                "DescribeInternetGateways"
            ),
            // DescribeAddresses is not paginated: it returns every address at once.
            async {
                c.describe_addresses()
                    .filters(f())
                    .send()
                    .await
                    .map_err(sdk("DescribeAddresses"))
            },
            all_pages!(c.describe_nat_gateways().filter(f()), "DescribeNatGateways"),
            all_pages!(
                c.describe_route_tables().filters(f()),
                "DescribeRouteTables"
            ),
            all_pages!(
                c.describe_security_groups().filters(f()),
                "DescribeSecurityGroups"
            ),
        )?;
        let nats = nats
            .iter()
            .filter(|n| n.state() != Some(&NatGatewayState::Deleted));
        let others = (subnets.iter().map(|x| (Kind::Subnet, convert::subnet(x))))
            .chain(
                igws.iter()
                    .map(|x| (Kind::InternetGateway, convert::internet_gateway(x))),
            )
            .chain(
                addresses
                    .addresses()
                    .iter()
                    .map(|x| (Kind::ElasticIp, convert::elastic_ip(x))),
            )
            .chain(nats.map(|x| (Kind::NatGateway, convert::nat_gateway(x))))
            .chain(
                tables
                    .iter()
                    .map(|x| (Kind::RouteTable, convert::route_table(x))),
            )
            .chain(
                groups
                    .iter()
                    .map(|x| (Kind::SecurityGroup, convert::security_group(x))),
            )
            .collect();
        let descriptions = groups
            .iter()
            .flat_map(convert::permission_descriptions)
            .collect();
        Ok(Wave {
            vpcs,
            others,
            descriptions,
        })
    }

    pub(super) async fn vpc_dns(&self, vpc_id: &str) -> Result<VpcDns, AwsError> {
        let ask = |attr: VpcAttributeName| {
            self.client
                .describe_vpc_attribute()
                .vpc_id(vpc_id)
                .attribute(attr)
                .send()
        };
        let (hostnames, support) = tokio::try_join!(
            async {
                ask(VpcAttributeName::EnableDnsHostnames)
                    .await
                    .map_err(sdk("DescribeVpcAttribute"))
            },
            async {
                ask(VpcAttributeName::EnableDnsSupport)
                    .await
                    .map_err(sdk("DescribeVpcAttribute"))
            },
        )?;
        Ok(VpcDns {
            hostnames: hostnames
                .enable_dns_hostnames()
                .and_then(|a| a.value())
                .unwrap_or(false),
            support: support
                .enable_dns_support()
                .and_then(|a| a.value())
                .unwrap_or(true),
        })
    }

    /// Rules of the given groups, in batches of the filter's value limit, run concurrently.
    async fn rules_of_groups(
        &self,
        group_ids: &[String],
    ) -> Result<Vec<SecurityGroupRule>, AwsError> {
        let batches = group_ids.chunks(FILTER_VALUES).map(|ids| {
            let filter = Filter::builder()
                .name("group-id")
                .set_values(Some(ids.to_vec()))
                .build();
            all_pages!(
                self.client.describe_security_group_rules().filters(filter),
                "DescribeSecurityGroupRules"
            )
        });
        Ok(try_join_all(batches).await?.into_iter().flatten().collect())
    }

    /// One resource by id, as `describe` (the kind's Describe by id) reads it. EC2 is
    /// eventually consistent: a resource just created may briefly be unknown to Describe, so
    /// NotFound is retried for a short while.
    pub(super) async fn read_one<F, Fut>(
        &self,
        kind: Kind,
        id: &str,
        address: &str,
        describe: F,
    ) -> Result<LiveResource, AwsError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Option<Found>, AwsError>>,
    {
        let deadline =
            Instant::now() + super::wait_for(kind, Op::Create).min(Duration::from_secs(30));
        let mut delay = Duration::from_millis(250);
        loop {
            match describe().await {
                Ok(Some(found)) => return Ok(live(kind, address.to_string(), found)),
                Ok(None) if Instant::now() + delay >= deadline => {
                    return Err(not_found(kind, id, address));
                }
                Err(e) if !e.is_not_found() || Instant::now() + delay >= deadline => return Err(e),
                _ => {}
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(5));
        }
    }

    /// A VPC by id, with its DNS attributes, or `None` when EC2 lists nothing for it.
    pub(crate) async fn describe_vpc(&self, id: &str) -> Result<Option<Found>, AwsError> {
        let c = &self.client;
        Ok(
            match first!(c.describe_vpcs().vpc_ids(id), "DescribeVpcs", vpcs) {
                Some(v) => Some(convert::vpc(&v, self.vpc_dns(id).await?)),
                None => None,
            },
        )
    }

    /// A subnet by id.
    pub(crate) async fn describe_subnet(&self, id: &str) -> Result<Option<Found>, AwsError> {
        let call = self.client.describe_subnets().subnet_ids(id);
        Ok(first!(call, "DescribeSubnets", subnets).map(|x| convert::subnet(&x)))
    }

    /// An internet gateway by id.
    pub(crate) async fn describe_internet_gateway(
        &self,
        id: &str,
    ) -> Result<Option<Found>, AwsError> {
        let call = self
            .client
            .describe_internet_gateways()
            .internet_gateway_ids(id);
        Ok(first!(call, "DescribeInternetGateways", internet_gateways)
            .map(|x| convert::internet_gateway(&x)))
    }

    /// An Elastic IP by allocation id.
    pub(crate) async fn describe_elastic_ip(&self, id: &str) -> Result<Option<Found>, AwsError> {
        let call = self.client.describe_addresses().allocation_ids(id);
        Ok(first!(call, "DescribeAddresses", addresses).map(|x| convert::elastic_ip(&x)))
    }

    /// A NAT gateway by id.
    pub(crate) async fn describe_nat_gateway(&self, id: &str) -> Result<Option<Found>, AwsError> {
        let call = self.client.describe_nat_gateways().nat_gateway_ids(id);
        Ok(first!(call, "DescribeNatGateways", nat_gateways).map(|x| convert::nat_gateway(&x)))
    }

    /// A route table by id.
    pub(crate) async fn describe_route_table(&self, id: &str) -> Result<Option<Found>, AwsError> {
        let call = self.client.describe_route_tables().route_table_ids(id);
        Ok(first!(call, "DescribeRouteTables", route_tables).map(|x| convert::route_table(&x)))
    }

    /// A security group by id.
    pub(crate) async fn describe_security_group(
        &self,
        id: &str,
    ) -> Result<Option<Found>, AwsError> {
        let call = self.client.describe_security_groups().group_ids(id);
        Ok(first!(call, "DescribeSecurityGroups", security_groups)
            .map(|x| convert::security_group(&x)))
    }

    pub(super) async fn rule_by_id(&self, id: &str) -> Result<Option<SecurityGroupRule>, AwsError> {
        let out = self
            .client
            .describe_security_group_rules()
            .security_group_rule_ids(id)
            .send()
            .await
            .map_err(sdk("DescribeSecurityGroupRules"))?;
        Ok(out.security_group_rules().first().cloned())
    }

    /// A security group rule by id, with its description.
    pub(crate) async fn describe_rule(&self, id: &str) -> Result<Option<Found>, AwsError> {
        let Some(r) = self.rule_by_id(id).await? else {
            return Ok(None);
        };
        let mut rule = convert::rule(&r);
        if rule.props.get("description") == Some(&serde_json::json!("")) {
            let call = self
                .client
                .describe_security_groups()
                .group_ids(&rule.key.group_id);
            let out = call.send().await.map_err(sdk("DescribeSecurityGroups"))?;
            let descriptions = out
                .security_groups()
                .iter()
                .flat_map(convert::permission_descriptions)
                .collect();
            convert::fill_description(&mut rule, &descriptions);
        }
        Ok(Some(rule_found(rule)))
    }

    /// Rules of one group (used to find a rule AWS says already exists).
    pub(super) async fn rules_of_group(
        &self,
        group_id: &str,
    ) -> Result<Vec<SecurityGroupRule>, AwsError> {
        self.rules_of_groups(&[group_id.to_string()]).await
    }
}

fn not_found(kind: Kind, id: &str, address: &str) -> AwsError {
    AwsError::local(
        SERVICE,
        "Describe",
        "ResourceNotFound",
        format!("{address}: {} {id} is not in the account", kind.as_str()),
    )
}

fn rule_found(r: RuleFound) -> Found {
    Found {
        id: r.id,
        props: r.props,
        attrs: BTreeMap::new(),
        tags: BTreeMap::new(),
    }
}

/// A rule of an owned group, addressed by its content; a source group eksform owns is named by
/// its address, any other by its id.
fn rule_live(r: RuleFound, groups: &BTreeMap<String, String>) -> Option<LiveResource> {
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
    Some(live(Kind::SecurityGroupRule, address, rule_found(r)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::ReferencedSecurityGroup;

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
        let owned = rule_live(convert::rule(&from("sg-lb")), &groups).unwrap();
        assert_eq!(
            owned.address,
            "security_group_rule.nodes/ingress/tcp/30080-30080/sg:lb-ingress"
        );
        assert_eq!(owned.props["source_security_group_id"], "sg-lb");
        let foreign = rule_live(convert::rule(&from("sg-other")), &groups).unwrap();
        assert_eq!(
            foreign.address,
            "security_group_rule.nodes/ingress/tcp/30080-30080/sg:sg-other"
        );
        let unowned = SecurityGroupRule::builder()
            .group_id("sg-x")
            .ip_protocol("-1")
            .build();
        assert!(rule_live(convert::rule(&unowned), &groups).is_none());
    }

    #[test]
    fn ownership_needs_this_cluster_and_an_id() {
        let mut tags: BTreeMap<String, String> =
            [(TAG_CLUSTER.to_string(), "demo".to_string())].into();
        assert_eq!(owned_address(&tags, "demo"), None);
        tags.insert(TAG_ID.into(), "vpc.main".into());
        assert_eq!(owned_address(&tags, "demo").as_deref(), Some("vpc.main"));
        assert_eq!(owned_address(&tags, "other"), None);
    }
}
