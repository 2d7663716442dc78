//! Elastic IPs: allocated in the VPC domain; only the tags change in place. The public IP is
//! an attribute, not a property.

use super::{DEFAULT_LIMIT, minutes};
use crate::aws::ec2::convert::Found;
use crate::aws::ec2::props::{tag_map, tag_specs};
use crate::aws::ec2::{Ec2, create_once, first, sdk};
use crate::aws::{AwsError, ResolvedResource};
use aws_sdk_ec2::types::{Address, DomainType, Filter, ResourceType};
use eksform_core::live::LiveResource;
use eksform_core::model::Kind;

/// Fields EC2 changes in place besides the tags; any other change replaces the resource.
pub(crate) const IN_PLACE: &[&str] = &[];

crate::aws::ec2::kind_ops!(
    Kind::ElasticIp,
    limits(DEFAULT_LIMIT, DEFAULT_LIMIT, minutes(20))
);

async fn create(ec2: &Ec2, _cluster: &str, r: &ResolvedResource) -> Result<String, AwsError> {
    let tags = || tag_specs(ResourceType::ElasticIp, &r.props);
    let call = || ec2.client().allocate_address().domain(DomainType::Vpc);
    create_once!(
        ec2,
        r,
        "AllocateAddress",
        call().set_tag_specifications(tags()),
        |out| out.allocation_id()
    )
}

/// Retried while in use: the NAT gateway holding the address lets go only once deleted.
async fn delete(ec2: &Ec2, live: &LiveResource) -> Result<(), AwsError> {
    ec2.retry_in_use(live, || async {
        let call = ec2.client().release_address().allocation_id(&live.id);
        call.send().await.map_err(sdk("ReleaseAddress")).map(|_| ())
    })
    .await
}

/// An Elastic IP by allocation id.
async fn describe(ec2: &Ec2, id: &str) -> Result<Option<Found>, AwsError> {
    let call = ec2.client().describe_addresses().allocation_ids(id);
    Ok(first!(call, "DescribeAddresses", addresses).map(|x| found(&x)))
}

/// The allocation ids of the Elastic IPs matching `filters` (the lookup of a resent create).
/// DescribeAddresses is not paginated: it answers every address at once.
async fn tagged(ec2: &Ec2, filters: Vec<Filter>) -> Result<Vec<String>, AwsError> {
    let out = ec2
        .client()
        .describe_addresses()
        .set_filters(Some(filters))
        .send()
        .await;
    let out = out.map_err(sdk("DescribeAddresses"))?;
    let ids = out.addresses().iter().filter_map(|a| a.allocation_id());
    Ok(ids.map(str::to_string).collect())
}

/// An Elastic IP as described; its public IP is an attribute.
pub(crate) fn found(a: &Address) -> Found {
    let mut f = Found::new(a.allocation_id(), tag_map(a.tags()));
    if let Some(ip) = a.public_ip() {
        f.attrs.insert("public_ip".into(), ip.to_string());
    }
    f
}
