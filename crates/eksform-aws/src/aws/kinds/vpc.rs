//! VPCs: the CIDR is fixed at creation, the two DNS attributes change in place. Deletes wait
//! long: the ENIs of deleted load balancers and nodes drain for minutes before a VPC can go.
//! A VPC's DNS settings are not part of DescribeVpcs; they come from DescribeVpcAttribute
//! (`dns`, which EC2's batched read calls as well).

use super::ExternalFound;
use super::{DEFAULT_LIMIT, minutes};
use crate::aws::ec2::convert::{Found, opt};
use crate::aws::ec2::drain::Held;
use crate::aws::ec2::props::{flag, prop_bool, prop_str, tag_map, tag_specs};
use crate::aws::ec2::{Ec2, all_ids, create_once, first, sdk, wait_for, waiter_error};
use crate::aws::timeouts::Op;
use crate::aws::{AwsError, ResolvedResource};
use aws_sdk_ec2::client::Waiters;
use aws_sdk_ec2::types::{Filter, ResourceType, Vpc, VpcAttributeName};
use eksform_core::live::LiveResource;
use eksform_core::model::Kind;

/// Fields EC2 changes in place besides the tags; any other change replaces the resource.
pub(crate) const IN_PLACE: &[&str] = &["enable_dns_hostnames", "enable_dns_support"];

crate::aws::ec2::kind_ops!(
    Kind::Vpc,
    limits(DEFAULT_LIMIT, DEFAULT_LIMIT, minutes(20)),
    update(update_dns),
    external(cidr),
);

async fn create(ec2: &Ec2, _cluster: &str, r: &ResolvedResource) -> Result<String, AwsError> {
    let cidr = prop_str(r, "cidr")?;
    let tags = || tag_specs(ResourceType::Vpc, &r.props);
    let call = || ec2.client().create_vpc().cidr_block(cidr);
    let id = create_once!(
        ec2,
        r,
        "CreateVpc",
        call().set_tag_specifications(tags()),
        |out| out.vpc().and_then(|v| v.vpc_id())
    )?;
    let id = id.as_str();
    ec2.client()
        .wait_until_vpc_available()
        .vpc_ids(id)
        .wait(wait_for(Kind::Vpc, Op::Create))
        .await
        .map_err(|e| waiter_error("DescribeVpcs", &r.address, e))?;
    set_dns(
        ec2,
        id,
        Some(prop_bool(r, "enable_dns_support")?),
        Some(prop_bool(r, "enable_dns_hostnames")?),
    )
    .await?;
    Ok(id.to_string())
}

/// One attribute per call, as EC2 requires; DNS support first, since hostnames need it.
async fn set_dns(
    ec2: &Ec2,
    id: &str,
    support: Option<bool>,
    hostnames: Option<bool>,
) -> Result<(), AwsError> {
    if let Some(v) = support {
        let call = ec2
            .client()
            .modify_vpc_attribute()
            .vpc_id(id)
            .enable_dns_support(flag(v));
        call.send().await.map_err(sdk("ModifyVpcAttribute"))?;
    }
    if let Some(v) = hostnames {
        let call = ec2
            .client()
            .modify_vpc_attribute()
            .vpc_id(id)
            .enable_dns_hostnames(flag(v));
        call.send().await.map_err(sdk("ModifyVpcAttribute"))?;
    }
    Ok(())
}

/// The DNS attributes among `fields`, to their desired values.
async fn update_dns(
    ec2: &Ec2,
    r: &ResolvedResource,
    live: &LiveResource,
    fields: &[String],
) -> Result<(), AwsError> {
    let has = |name: &str| fields.iter().any(|f| f == name);
    let support = if has("enable_dns_support") {
        Some(prop_bool(r, "enable_dns_support")?)
    } else {
        None
    };
    let hostnames = if has("enable_dns_hostnames") {
        Some(prop_bool(r, "enable_dns_hostnames")?)
    } else {
        None
    };
    set_dns(ec2, &live.id, support, hostnames).await
}

/// Retried while in use; each refusal drains the network interfaces left in the VPC.
async fn delete(ec2: &Ec2, live: &LiveResource) -> Result<(), AwsError> {
    ec2.retry_in_use(live, || async {
        let call = ec2.client().delete_vpc().vpc_id(&live.id);
        match call.send().await.map_err(sdk("DeleteVpc")) {
            Ok(_) => Ok(()),
            Err(e) => Err(ec2.drain(live, Held::Vpc, e).await),
        }
    })
    .await
}

/// A VPC by id, with its DNS attributes, or `None` when EC2 lists nothing for it.
async fn describe(ec2: &Ec2, id: &str) -> Result<Option<Found>, AwsError> {
    let c = ec2.client();
    Ok(
        match first!(c.describe_vpcs().vpc_ids(id), "DescribeVpcs", vpcs) {
            Some(v) => Some(found(&v, dns(ec2, id).await?)),
            None => None,
        },
    )
}

/// The ids of the VPCs matching `filters` (the lookup of a resent create).
async fn tagged(ec2: &Ec2, filters: Vec<Filter>) -> Result<Vec<String>, AwsError> {
    let call = ec2.client().describe_vpcs().set_filters(Some(filters));
    Ok(all_ids!(call, "DescribeVpcs", Vpc::vpc_id))
}

/// An external VPC's CIDR.
async fn cidr(ec2: &Ec2, id: &str) -> Result<Option<ExternalFound>, AwsError> {
    let vpc = first!(
        ec2.client().describe_vpcs().vpc_ids(id),
        "DescribeVpcs",
        vpcs
    );
    Ok(vpc.map(|v| (v.cidr_block().unwrap_or_default().to_string(), None)))
}

/// DNS settings are not part of DescribeVpcs; they come from DescribeVpcAttribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dns {
    pub hostnames: bool,
    pub support: bool,
}

/// The VPC's DNS settings, both attributes asked at once.
pub(crate) async fn dns(ec2: &Ec2, vpc_id: &str) -> Result<Dns, AwsError> {
    let ask = |attr: VpcAttributeName| {
        ec2.client()
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
    Ok(Dns {
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

/// A VPC as described, with its DNS settings, in the property vocabulary.
pub(crate) fn found(v: &Vpc, dns: Dns) -> Found {
    Found::new(v.vpc_id(), tag_map(v.tags()))
        .with("cidr", opt(v.cidr_block()))
        .with("enable_dns_hostnames", dns.hostnames)
        .with("enable_dns_support", dns.support)
}
