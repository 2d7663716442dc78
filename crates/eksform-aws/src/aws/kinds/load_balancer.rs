//! Application and network load balancers: created with subnets, security groups (when any),
//! scheme, type and tags in one call, then waited on until active. Subnets and security groups
//! change in place; name, type, scheme and the VPC force a replacement. The VPC is read, never
//! sent: AWS takes it from the subnets.

use super::AwsKind;
use super::minutes;
use crate::aws::adopt::{Found, adopt};
use crate::aws::elb::{self, SERVICE, found, opt, owned_live, owned_one, sdk_tags, update_tags};
use crate::aws::paging;
use crate::aws::status::set_status;
use crate::aws::support::{self, Fields, not_found_ok};
use crate::aws::timeouts::Op;
use crate::aws::{AwsError, ResolvedResource};
use aws_sdk_elasticloadbalancingv2::Client;
use aws_sdk_elasticloadbalancingv2::client::Waiters;
use aws_sdk_elasticloadbalancingv2::types::{
    LoadBalancer, LoadBalancerSchemeEnum, LoadBalancerTypeEnum,
};
use eksform_core::live::LiveResource;
use eksform_core::model::{Kind, Props};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

/// How long a wait inside a change to a load balancer may last (see `aws::timeouts`).
fn wait_for(op: Op) -> Duration {
    support::budget(Ops.limit(op))
}

/// Every load balancer of the region (ELBv2 has no tag filter on DescribeLoadBalancers).
pub async fn list(c: &Client) -> Result<Vec<LoadBalancer>, AwsError> {
    paging::all_items!(
        c.describe_load_balancers().page_size(paging::ELB),
        SERVICE,
        "DescribeLoadBalancers"
    )
}

/// The cluster's among the listed load balancers, by their tags.
pub async fn owned_of(
    c: &Client,
    cluster: &str,
    lbs: Vec<LoadBalancer>,
) -> Result<Vec<LiveResource>, AwsError> {
    owned_live(c, cluster, lbs, |l| l.load_balancer_arn(), live).await
}

async fn read_one(c: &Client, cluster: &str, arn: &str) -> Result<Option<LiveResource>, AwsError> {
    let out = c.describe_load_balancers().load_balancer_arns(arn).send();
    let out = out.await.map(|o| o.load_balancers);
    let out = out.map_err(|e| AwsError::from_sdk(SERVICE, "DescribeLoadBalancers", e));
    owned_one(c, cluster, out, |l| l.load_balancer_arn(), live).await
}

fn live(lb: &LoadBalancer, address: String, tags: Value) -> LiveResource {
    let subnets = lb.availability_zones().iter().filter_map(|z| z.subnet_id());
    let mut props = Props::new();
    props.insert("name".into(), opt(lb.load_balancer_name()));
    props.insert("type".into(), opt(lb.r#type().map(|t| t.as_str())));
    props.insert("scheme".into(), opt(lb.scheme().map(|s| s.as_str())));
    props.insert("vpc_id".into(), opt(lb.vpc_id()));
    props.insert("subnet_ids".into(), support::sorted_strings(subnets));
    props.insert(
        "security_group_ids".into(),
        support::sorted_strings(lb.security_groups()),
    );
    props.insert("tags".into(), tags);
    let attrs = lb
        .dns_name()
        .map(|d| ("dns_name".to_string(), d.to_string()));
    LiveResource {
        address,
        kind: Kind::LoadBalancer,
        id: lb.load_balancer_arn().unwrap_or_default().to_string(),
        props,
        attrs: attrs.into_iter().collect::<BTreeMap<_, _>>(),
    }
}

pub async fn create(
    c: &Client,
    cluster: &str,
    r: &ResolvedResource,
) -> Result<LiveResource, AwsError> {
    let f = Fields::new(SERVICE, "CreateLoadBalancer", r);
    let groups = f.strings("security_group_ids")?;
    // A network load balancer takes security groups only when created with some; an empty
    // list means none, which is what the model asks for.
    let groups = (!groups.is_empty()).then_some(groups);
    let name = f.str("name")?;
    let out = support::sent!(
        c.create_load_balancer()
            .name(name)
            .r#type(LoadBalancerTypeEnum::from(f.str("type")?))
            .scheme(LoadBalancerSchemeEnum::from(f.str("scheme")?))
            .set_subnets(Some(f.strings("subnet_ids")?))
            .set_security_groups(groups)
            .set_tags(Some(sdk_tags(&f.tags()))),
        SERVICE,
        "CreateLoadBalancer"
    );
    let arn = match out {
        Ok(out) => out
            .load_balancers
            .and_then(|l| l.into_iter().next()?.load_balancer_arn),
        Err(e) => Some(adopt(r, name, e, || named(c, cluster, name)).await?),
    };
    let arn = arn.ok_or_else(|| {
        let msg = format!("{}: no ARN returned", r.address);
        AwsError::local(SERVICE, "CreateLoadBalancer", "EmptyResponse", msg)
    })?;
    note_state(c, &arn).await;
    let waited = c
        .wait_until_load_balancer_available()
        .load_balancer_arns(&arn)
        .wait(wait_for(Op::Create))
        .await;
    if let Err(e) = waited {
        note_state(c, &arn).await;
        return Err(support::waiter_error(
            SERVICE,
            "DescribeLoadBalancers",
            &r.address,
            e,
        ));
    }
    found(
        read_one(c, cluster, &arn).await?,
        "CreateLoadBalancer",
        &arn,
    )
}

pub async fn update(
    c: &Client,
    r: &ResolvedResource,
    live: &LiveResource,
    fields: &[String],
) -> Result<LiveResource, AwsError> {
    let f = Fields::new(SERVICE, "UpdateLoadBalancer", r);
    let arn = live.id.as_str();
    for field in fields {
        match field.as_str() {
            "subnet_ids" => {
                support::sent!(
                    c.set_subnets()
                        .load_balancer_arn(arn)
                        .set_subnets(Some(f.strings(field)?)),
                    SERVICE,
                    "SetSubnets"
                )?;
            }
            "security_group_ids" => {
                support::sent!(
                    c.set_security_groups()
                        .load_balancer_arn(arn)
                        .set_security_groups(Some(f.strings(field)?)),
                    SERVICE,
                    "SetSecurityGroups"
                )?;
            }
            "tags" => update_tags(c, arn, &live.props, &r.props).await?,
            other => return Err(f.immutable(other)),
        }
    }
    found(
        read_one(c, &support::owner(&r.props), arn).await?,
        "UpdateLoadBalancer",
        arn,
    )
}

pub async fn delete(c: &Client, live: &LiveResource) -> Result<(), AwsError> {
    let arn = live.id.as_str();
    let out = support::sent!(
        c.delete_load_balancer().load_balancer_arn(arn),
        SERVICE,
        "DeleteLoadBalancer"
    );
    if not_found_ok(out)?.is_none() {
        return Ok(());
    }
    c.wait_until_load_balancers_deleted()
        .load_balancer_arns(arn)
        .wait(wait_for(Op::Delete))
        .await
        .map(|_| ())
        .map_err(|e| support::waiter_error(SERVICE, "DescribeLoadBalancers", &live.address, e))
}

/// Reports the load balancer's state as the change's status, which a wait that gives up (or
/// the executor's deadline) names as the last state seen. A failed read reports nothing.
async fn note_state(c: &Client, arn: &str) {
    let Ok(out) = c
        .describe_load_balancers()
        .load_balancer_arns(arn)
        .send()
        .await
    else {
        return;
    };
    let state = out
        .load_balancers()
        .first()
        .and_then(|l| l.state())
        .and_then(|s| s.code());
    if let Some(code) = state {
        set_status(format!("load balancer {arn} is {}", code.as_str()));
    }
}

/// The load balancer named `name`: its ARN and the address its tags give it.
async fn named(c: &Client, cluster: &str, name: &str) -> Result<Option<Found<String>>, AwsError> {
    let out = c.describe_load_balancers().names(name).send().await;
    let out = out.map_err(|e| AwsError::from_sdk(SERVICE, "DescribeLoadBalancers", e));
    let arn =
        not_found_ok(out)?.and_then(|o| o.load_balancers?.into_iter().next()?.load_balancer_arn);
    elb::named(c, cluster, arn).await
}

super::kind_ops!(
    Kind::LoadBalancer,
    elb,
    SERVICE,
    limits(minutes(15), minutes(10), minutes(10));
    client
);
