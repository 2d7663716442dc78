//! Security groups: name, description and VPC are fixed at creation; their rules are resources
//! of their own (`security_group_rule`). A create resent after a lost answer adopts the group
//! of that name it made. Deletes wait for the ENIs using the group to drain.

use super::ExternalFound;
use super::{DEFAULT_LIMIT, minutes};
use crate::aws::adopt::{self, adopt};
use crate::aws::ec2::convert::{Found, opt};
use crate::aws::ec2::drain::Held;
use crate::aws::ec2::props::{prop_str, tag_map, tag_specs};
use crate::aws::ec2::{Ec2, all_pages, first, new_id, sdk};
use crate::aws::support::owner;
use crate::aws::{AwsError, ResolvedResource};
use aws_sdk_ec2::types::{Filter, ResourceType, SecurityGroup};
use eksform_core::live::LiveResource;
use eksform_core::model::{Kind, TAG_CLUSTER, TAG_ID};

/// Fields EC2 changes in place besides the tags; any other change replaces the resource.
pub(crate) const IN_PLACE: &[&str] = &[];

crate::aws::ec2::kind_ops!(
    Kind::SecurityGroup,
    limits(DEFAULT_LIMIT, DEFAULT_LIMIT, minutes(20)),
    external(name),
);

async fn create(ec2: &Ec2, _cluster: &str, r: &ResolvedResource) -> Result<String, AwsError> {
    let (name, vpc) = (prop_str(r, "name")?, prop_str(r, "vpc_id")?);
    let out = ec2
        .client()
        .create_security_group()
        .group_name(name)
        .description(prop_str(r, "description")?)
        .vpc_id(vpc)
        .set_tag_specifications(tag_specs(ResourceType::SecurityGroup, &r.props))
        .send()
        .await
        .map_err(sdk("CreateSecurityGroup"));
    match out {
        Ok(o) => new_id(o.group_id(), "CreateSecurityGroup", &r.address),
        Err(e) => adopt(r, name, e, || named(ec2, r, vpc, name)).await,
    }
}

/// The group of that name in `vpc` and the address its tags give it (a group made by an
/// earlier send of this same create is adopted; one someone else made fails the create).
async fn named(
    ec2: &Ec2,
    r: &ResolvedResource,
    vpc: &str,
    name: &str,
) -> Result<Option<adopt::Found<String>>, AwsError> {
    let filters = [
        Filter::builder().name("vpc-id").values(vpc).build(),
        Filter::builder().name("group-name").values(name).build(),
    ];
    let call = ec2
        .client()
        .describe_security_groups()
        .set_filters(Some(filters.to_vec()));
    let groups: Vec<_> = all_pages!(call, "DescribeSecurityGroups").await?;
    let cluster = owner(&r.props);
    Ok(groups.iter().find_map(|g| {
        let tags = tag_map(g.tags());
        let ours = tags.get(TAG_CLUSTER) == Some(&cluster);
        Some(adopt::Found {
            value: g.group_id()?.to_string(),
            address: tags.get(TAG_ID).filter(|_| ours).cloned(),
        })
    }))
}

async fn delete(ec2: &Ec2, live: &LiveResource) -> Result<(), AwsError> {
    // Each refusal drains the network interfaces still using the group.
    ec2.retry_in_use(live, || async {
        let call = ec2.client().delete_security_group().group_id(&live.id);
        match call.send().await.map_err(sdk("DeleteSecurityGroup")) {
            Ok(_) => Ok(()),
            Err(e) => Err(ec2.drain(live, Held::Group, e).await),
        }
    })
    .await
}

/// A security group by id.
async fn describe(ec2: &Ec2, id: &str) -> Result<Option<Found>, AwsError> {
    let call = ec2.client().describe_security_groups().group_ids(id);
    Ok(first!(call, "DescribeSecurityGroups", security_groups).map(|x| found(&x)))
}

/// An external security group's name.
async fn name(ec2: &Ec2, id: &str) -> Result<Option<ExternalFound>, AwsError> {
    let call = ec2.client().describe_security_groups().group_ids(id);
    let group = first!(call, "DescribeSecurityGroups", security_groups);
    Ok(group.map(|g| (g.group_name().unwrap_or_default().to_string(), None)))
}

/// A security group as described (its rules are read as rules), in the property vocabulary.
pub(crate) fn found(g: &SecurityGroup) -> Found {
    Found::new(g.group_id(), tag_map(g.tags()))
        .with("vpc_id", opt(g.vpc_id()))
        .with("name", opt(g.group_name()))
        .with("description", opt(g.description()))
}
