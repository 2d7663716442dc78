//! NAT gateways: created in a public subnet with an Elastic IP and waited on until available;
//! only the tags change in place. Their state is reported as the change's status while waiting.

use super::minutes;
use crate::aws::AwsError;
use crate::aws::ResolvedResource;
use crate::aws::ec2::convert::{Found, opt};
use crate::aws::ec2::props::{client_token, prop_str, tag_map, tag_specs};
use crate::aws::ec2::{Ec2, first, new_id, sdk, wait_for, waiter_error, waiter_error_with};
use crate::aws::status::set_status;
use crate::aws::timeouts::Op;
use aws_sdk_ec2::client::Waiters;
use aws_sdk_ec2::types::{NatGateway, NatGatewayState, ResourceType};
use eksform_core::live::LiveResource;
use eksform_core::model::Kind;

/// Fields EC2 changes in place besides the tags; any other change replaces the resource.
pub(crate) const IN_PLACE: &[&str] = &[];

crate::aws::ec2::kind_ops!(
    Kind::NatGateway,
    limits(minutes(10), minutes(10), minutes(10))
);

/// With a ClientToken, so a create retried after a crash returns the first NAT gateway
/// rather than paying for two. A token whose NAT gateway has since been deleted is spent:
/// the create is made again with the dead one's id as salt (still stable across retries).
async fn create(ec2: &Ec2, cluster: &str, r: &ResolvedResource) -> Result<String, AwsError> {
    let mut id = request(ec2, cluster, r, "").await?;
    if state(ec2, &id).await?.is_some_and(|s| is_gone(&s)) {
        let dead = id.clone();
        id = request(ec2, cluster, r, &dead).await?;
    }
    note_state(ec2, &id).await;
    let waited = ec2
        .client()
        .wait_until_nat_gateway_available()
        .nat_gateway_ids(&id)
        .wait(wait_for(Kind::NatGateway, Op::Create))
        .await;
    if let Err(e) = waited {
        note_state(ec2, &id).await;
        return Err(waiter_error_with(
            "DescribeNatGateways",
            &r.address,
            e,
            failure,
        ));
    }
    Ok(id)
}

async fn request(
    ec2: &Ec2,
    cluster: &str,
    r: &ResolvedResource,
    salt: &str,
) -> Result<String, AwsError> {
    let out = ec2
        .client()
        .create_nat_gateway()
        .subnet_id(prop_str(r, "subnet_id")?)
        .allocation_id(prop_str(r, "allocation_id")?)
        .client_token(client_token(cluster, r, salt))
        .set_tag_specifications(tag_specs(ResourceType::Natgateway, &r.props))
        .send()
        .await
        .map_err(sdk("CreateNatGateway"))?;
    let nat = out.nat_gateway().and_then(|n| n.nat_gateway_id());
    new_id(nat, "CreateNatGateway", &r.address)
}

async fn state(ec2: &Ec2, id: &str) -> Result<Option<NatGatewayState>, AwsError> {
    let out = ec2
        .client()
        .describe_nat_gateways()
        .nat_gateway_ids(id)
        .send()
        .await;
    let out = out.map_err(sdk("DescribeNatGateways"))?;
    Ok(out.nat_gateways().first().and_then(|n| n.state()).cloned())
}

/// Reports the NAT gateway's state as the change's status, which a wait that gives up (or
/// the executor's deadline) names as the last state seen. A failed read reports nothing.
async fn note_state(ec2: &Ec2, id: &str) {
    if let Ok(Some(state)) = state(ec2, id).await {
        set_status(format!("NAT gateway {id} is {}", state.as_str()));
    }
}

/// Waits until deleted: its Elastic IP and subnet cannot go before.
async fn delete(ec2: &Ec2, live: &LiveResource) -> Result<(), AwsError> {
    let call = ec2.client().delete_nat_gateway().nat_gateway_id(&live.id);
    call.send().await.map_err(sdk("DeleteNatGateway"))?;
    note_state(ec2, &live.id).await;
    let waited = ec2
        .client()
        .wait_until_nat_gateway_deleted()
        .nat_gateway_ids(&live.id)
        .wait(wait_for(Kind::NatGateway, Op::Delete))
        .await;
    if let Err(e) = waited {
        note_state(ec2, &live.id).await;
        return Err(waiter_error("DescribeNatGateways", &live.address, e));
    }
    Ok(())
}

/// A NAT gateway by id.
async fn describe(ec2: &Ec2, id: &str) -> Result<Option<Found>, AwsError> {
    let call = ec2.client().describe_nat_gateways().nat_gateway_ids(id);
    Ok(first!(call, "DescribeNatGateways", nat_gateways).map(|x| found(&x)))
}

/// Why a NAT gateway failed, as AWS says (a subnet without an internet gateway, an address in use).
fn failure(
    out: &aws_sdk_ec2::operation::describe_nat_gateways::DescribeNatGatewaysOutput,
) -> Option<String> {
    let n = out.nat_gateways().first()?;
    Some(format!(
        "{}: {}",
        n.failure_code()?,
        n.failure_message().unwrap_or("")
    ))
}

/// Whether a NAT gateway in this state is gone or going: its ClientToken is spent.
fn is_gone(state: &NatGatewayState) -> bool {
    matches!(state, NatGatewayState::Deleted | NatGatewayState::Deleting)
}

/// A NAT gateway as described, in the property vocabulary.
pub(crate) fn found(n: &NatGateway) -> Found {
    let allocation = n
        .nat_gateway_addresses()
        .iter()
        .find_map(|a| a.allocation_id());
    Found::new(n.nat_gateway_id(), tag_map(n.tags()))
        .with("subnet_id", opt(n.subnet_id()))
        .with("allocation_id", opt(allocation))
}
