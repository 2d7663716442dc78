//! Internet gateways: created, then attached to their VPC; the attachment changes in place.
//! `vpc_id` reads as the attached VPC, null when detached.

use super::{DEFAULT_LIMIT, minutes};
use crate::aws::ec2::convert::{Found, opt};
use crate::aws::ec2::props::{prop_opt_str, tag_map, tag_specs};
use crate::aws::ec2::{Ec2, all_ids, create_once, first, sdk};
use crate::aws::{AwsError, ResolvedResource};
use aws_sdk_ec2::types::{Filter, InternetGateway, ResourceType};
use eksform_core::live::LiveResource;
use eksform_core::model::Kind;

/// Fields EC2 changes in place besides the tags; any other change replaces the resource.
pub(crate) const IN_PLACE: &[&str] = &["vpc_id"];

crate::aws::ec2::kind_ops!(
    Kind::InternetGateway,
    limits(DEFAULT_LIMIT, DEFAULT_LIMIT, minutes(20)),
    update(update_vpc),
);

/// Create, then attach. A crash between the two leaves a tagged, detached gateway whose
/// `vpc_id` reads null, which the next plan turns into an update that attaches it.
async fn create(ec2: &Ec2, _cluster: &str, r: &ResolvedResource) -> Result<String, AwsError> {
    let tags = || tag_specs(ResourceType::InternetGateway, &r.props);
    let id = create_once!(
        ec2,
        r,
        "CreateInternetGateway",
        ec2.client()
            .create_internet_gateway()
            .set_tag_specifications(tags()),
        |out| out.internet_gateway().and_then(|g| g.internet_gateway_id())
    )?;
    let id = id.as_str();
    if let Some(vpc) = prop_opt_str(r, "vpc_id")? {
        attach(ec2, id, vpc).await?;
    }
    Ok(id.to_string())
}

async fn attach(ec2: &Ec2, id: &str, vpc: &str) -> Result<(), AwsError> {
    let call = ec2
        .client()
        .attach_internet_gateway()
        .internet_gateway_id(id)
        .vpc_id(vpc);
    call.send().await.map_err(sdk("AttachInternetGateway"))?;
    Ok(())
}

/// Detaching from a VPC the gateway is no longer attached to is already done.
async fn detach(ec2: &Ec2, id: &str, vpc: &str) -> Result<(), AwsError> {
    let call = ec2
        .client()
        .detach_internet_gateway()
        .internet_gateway_id(id)
        .vpc_id(vpc);
    match call.send().await.map_err(sdk("DetachInternetGateway")) {
        Err(e) if e.is_not_found() || e.code == "Gateway.NotAttached" => Ok(()),
        other => other.map(|_| ()),
    }
}

/// The attachment, when `fields` has `vpc_id`.
async fn update_vpc(
    ec2: &Ec2,
    r: &ResolvedResource,
    live: &LiveResource,
    fields: &[String],
) -> Result<(), AwsError> {
    if fields.iter().any(|f| f == "vpc_id") {
        update_attachment(ec2, r, live).await?;
    }
    Ok(())
}

async fn update_attachment(
    ec2: &Ec2,
    r: &ResolvedResource,
    live: &LiveResource,
) -> Result<(), AwsError> {
    let want = prop_opt_str(r, "vpc_id")?;
    let current = describe(ec2, &live.id).await?;
    let current = current.map(|f| f.props).unwrap_or_default();
    let have = current.get("vpc_id").and_then(|v| v.as_str());
    if want == have {
        return Ok(());
    }
    if let Some(old) = have {
        ec2.retry_in_use(live, || detach(ec2, &live.id, old))
            .await?;
    }
    match want {
        Some(vpc) => attach(ec2, &live.id, vpc).await,
        None => Ok(()),
    }
}

/// Detaches from the VPC it is attached to now (read fresh: the planned state may be stale),
/// then deletes.
async fn delete(ec2: &Ec2, live: &LiveResource) -> Result<(), AwsError> {
    let Some(current) = describe(ec2, &live.id).await? else {
        return Ok(());
    };
    if let Some(vpc) = current.props.get("vpc_id").and_then(|v| v.as_str()) {
        // Public IPs still mapped in the VPC block the detach until they are released.
        ec2.retry_in_use(live, || detach(ec2, &live.id, vpc))
            .await?;
    }
    ec2.retry_in_use(live, || async {
        let call = ec2
            .client()
            .delete_internet_gateway()
            .internet_gateway_id(&live.id);
        call.send()
            .await
            .map_err(sdk("DeleteInternetGateway"))
            .map(|_| ())
    })
    .await
}

/// An internet gateway by id.
async fn describe(ec2: &Ec2, id: &str) -> Result<Option<Found>, AwsError> {
    let call = ec2
        .client()
        .describe_internet_gateways()
        .internet_gateway_ids(id);
    Ok(first!(call, "DescribeInternetGateways", internet_gateways).map(|x| found(&x)))
}

/// The ids of the internet gateways matching `filters` (the lookup of a resent create).
async fn tagged(ec2: &Ec2, filters: Vec<Filter>) -> Result<Vec<String>, AwsError> {
    let call = ec2
        .client()
        .describe_internet_gateways()
        .set_filters(Some(filters));
    let ids = all_ids!(call, "DescribeInternetGateways", |g| g
        .internet_gateway_id());
    Ok(ids)
}

/// An internet gateway as described: `vpc_id` is the attached VPC, null when detached.
pub(crate) fn found(g: &InternetGateway) -> Found {
    let vpc = g.attachments().iter().find_map(|a| a.vpc_id());
    Found::new(g.internet_gateway_id(), tag_map(g.tags())).with("vpc_id", opt(vpc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn detached_gateways_read_a_null_vpc() {
        let g = InternetGateway::builder()
            .internet_gateway_id("igw-1")
            .build();
        assert_eq!(found(&g).props["vpc_id"], Value::Null);
    }
}
