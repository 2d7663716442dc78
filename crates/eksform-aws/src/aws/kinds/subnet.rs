//! Subnets: zone and CIDR are fixed at creation; whether instances get a public IP changes in
//! place. Deletes wait for the ENIs in the subnet to drain.

use super::ExternalFound;
use super::{DEFAULT_LIMIT, minutes};
use crate::aws::ec2::convert::{Found, opt};
use crate::aws::ec2::drain::Held;
use crate::aws::ec2::props::{flag, prop_bool, prop_str, tag_map, tag_specs};
use crate::aws::ec2::{Ec2, all_ids, create_once, first, sdk, wait_for, waiter_error};
use crate::aws::timeouts::Op;
use crate::aws::{AwsError, ResolvedResource};
use aws_sdk_ec2::client::Waiters;
use aws_sdk_ec2::types::{Filter, ResourceType, Subnet};
use eksform_core::live::LiveResource;
use eksform_core::model::Kind;

/// Fields EC2 changes in place besides the tags; any other change replaces the resource.
pub(crate) const IN_PLACE: &[&str] = &["map_public_ip_on_launch"];

crate::aws::ec2::kind_ops!(
    Kind::Subnet,
    limits(DEFAULT_LIMIT, DEFAULT_LIMIT, minutes(20)),
    update(update_map_public_ip),
    external(place),
);

async fn create(ec2: &Ec2, _cluster: &str, r: &ResolvedResource) -> Result<String, AwsError> {
    let (vpc, cidr) = (prop_str(r, "vpc_id")?, prop_str(r, "cidr")?);
    let az = prop_str(r, "availability_zone")?;
    let tags = || tag_specs(ResourceType::Subnet, &r.props);
    let call = || ec2.client().create_subnet().vpc_id(vpc).cidr_block(cidr);
    let id = create_once!(
        ec2,
        r,
        "CreateSubnet",
        call().availability_zone(az).set_tag_specifications(tags()),
        |out| out.subnet().and_then(|s| s.subnet_id())
    )?;
    let id = id.as_str();
    ec2.client()
        .wait_until_subnet_available()
        .subnet_ids(id)
        .wait(wait_for(Kind::Subnet, Op::Create))
        .await
        .map_err(|e| waiter_error("DescribeSubnets", &r.address, e))?;
    if prop_bool(r, "map_public_ip_on_launch")? {
        set_map_public_ip(ec2, id, true).await?;
    }
    Ok(id.to_string())
}

/// Whether instances get a public IP, when `fields` has it.
async fn update_map_public_ip(
    ec2: &Ec2,
    r: &ResolvedResource,
    live: &LiveResource,
    fields: &[String],
) -> Result<(), AwsError> {
    if fields.iter().any(|f| f == "map_public_ip_on_launch") {
        set_map_public_ip(ec2, &live.id, prop_bool(r, "map_public_ip_on_launch")?).await?;
    }
    Ok(())
}

async fn set_map_public_ip(ec2: &Ec2, id: &str, value: bool) -> Result<(), AwsError> {
    let call = ec2
        .client()
        .modify_subnet_attribute()
        .subnet_id(id)
        .map_public_ip_on_launch(flag(value));
    call.send().await.map_err(sdk("ModifySubnetAttribute"))?;
    Ok(())
}

/// Retried while in use; each refusal drains the network interfaces left in the subnet.
async fn delete(ec2: &Ec2, live: &LiveResource) -> Result<(), AwsError> {
    ec2.retry_in_use(live, || async {
        let call = ec2.client().delete_subnet().subnet_id(&live.id);
        match call.send().await.map_err(sdk("DeleteSubnet")) {
            Ok(_) => Ok(()),
            Err(e) => Err(ec2.drain(live, Held::Subnet, e).await),
        }
    })
    .await
}

/// A subnet by id.
async fn describe(ec2: &Ec2, id: &str) -> Result<Option<Found>, AwsError> {
    let call = ec2.client().describe_subnets().subnet_ids(id);
    Ok(first!(call, "DescribeSubnets", subnets).map(|x| found(&x)))
}

/// The ids of the subnets matching `filters` (the lookup of a resent create).
async fn tagged(ec2: &Ec2, filters: Vec<Filter>) -> Result<Vec<String>, AwsError> {
    let call = ec2.client().describe_subnets().set_filters(Some(filters));
    Ok(all_ids!(call, "DescribeSubnets", Subnet::subnet_id))
}

/// An external subnet's CIDR, with its VPC and zone (the place `ops::subnets` checks).
async fn place(ec2: &Ec2, id: &str) -> Result<Option<ExternalFound>, AwsError> {
    let subnet = first!(
        ec2.client().describe_subnets().subnet_ids(id),
        "DescribeSubnets",
        subnets
    );
    Ok(subnet.map(|s| {
        let place = (
            s.vpc_id().unwrap_or_default().to_string(),
            s.availability_zone().unwrap_or_default().to_string(),
        );
        (s.cidr_block().unwrap_or_default().to_string(), Some(place))
    }))
}

/// A subnet as described, in the property vocabulary.
pub(crate) fn found(s: &Subnet) -> Found {
    Found::new(s.subnet_id(), tag_map(s.tags()))
        .with("vpc_id", opt(s.vpc_id()))
        .with("cidr", opt(s.cidr_block()))
        .with("availability_zone", opt(s.availability_zone()))
        .with(
            "map_public_ip_on_launch",
            s.map_public_ip_on_launch().unwrap_or(false),
        )
}
