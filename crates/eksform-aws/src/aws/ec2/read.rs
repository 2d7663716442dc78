//! Reading EC2 networking: one concurrent wave of tag-filtered, paginated Describe calls for
//! every EC2 kind, then one more for what those calls do not return (VPC DNS attributes, rules
//! of the owned groups); each kind's file converts its items. Also the frame of a
//! single-resource read (a resource as it stands after a write) around the kind's own Describe
//! by id. Ownership is re-checked on every item, since a server-side tag filter is not a
//! guarantee. Must not write anything.

use super::convert::Found;
use super::props::tag_map;
use super::{Ec2, SERVICE, sdk};
use crate::aws::AwsError;
use crate::aws::kinds::security_group_rule::{self as rule, RuleKey};
use crate::aws::kinds::{
    elastic_ip, internet_gateway, nat_gateway, route_table, security_group, subnet, vpc,
};
use crate::aws::timeouts::Op;
use aws_sdk_ec2::types::{Filter, NatGatewayState, SecurityGroupRule};
use eksform_core::live::LiveResource;
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
    /// Kept apart: the rules read next are those of the owned groups.
    groups: Vec<Found>,
    others: Vec<(Kind, Found)>,
    descriptions: BTreeMap<RuleKey, String>,
}

impl Ec2 {
    pub(super) async fn read_owned(&self, cluster: &str) -> Result<Vec<LiveResource>, AwsError> {
        let wave = self.first_wave(cluster).await?;
        let mut out = Vec::new();
        for (kind, found) in wave.others {
            if let Some(address) = owned_address(&found.tags, cluster) {
                out.push(live(kind, address, found));
            }
        }
        let mut groups = BTreeMap::new();
        for found in wave.groups {
            if let Some(address) = owned_address(&found.tags, cluster) {
                groups.insert(found.id.clone(), address.clone());
                out.push(live(Kind::SecurityGroup, address, found));
            }
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
                    .map(|(_, v)| vpc::dns(self, v.vpc_id().unwrap_or_default()))
            ),
            self.rules_of_groups(&group_ids),
        )?;
        for ((address, v), dns) in vpcs.into_iter().zip(dns) {
            out.push(live(Kind::Vpc, address, vpc::found(v, dns)));
        }
        for r in &rules {
            let mut found = rule::found(r);
            rule::fill_description(&mut found, &wave.descriptions);
            out.extend(rule::live(found, &groups));
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
        let others = (subnets.iter().map(|x| (Kind::Subnet, subnet::found(x))))
            .chain(
                igws.iter()
                    .map(|x| (Kind::InternetGateway, internet_gateway::found(x))),
            )
            .chain(
                addresses
                    .addresses()
                    .iter()
                    .map(|x| (Kind::ElasticIp, elastic_ip::found(x))),
            )
            .chain(nats.map(|x| (Kind::NatGateway, nat_gateway::found(x))))
            .chain(
                tables
                    .iter()
                    .map(|x| (Kind::RouteTable, route_table::found(x))),
            )
            .collect();
        let descriptions = groups
            .iter()
            .flat_map(rule::permission_descriptions)
            .collect();
        Ok(Wave {
            vpcs,
            groups: groups.iter().map(security_group::found).collect(),
            others,
            descriptions,
        })
    }

    /// Rules of the given groups, in batches of the filter's value limit, run concurrently.
    pub(crate) async fn rules_of_groups(
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
}

fn not_found(kind: Kind, id: &str, address: &str) -> AwsError {
    AwsError::local(
        SERVICE,
        "Describe",
        "ResourceNotFound",
        format!("{address}: {} {id} is not in the account", kind.as_str()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
