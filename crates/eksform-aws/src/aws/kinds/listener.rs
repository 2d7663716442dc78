//! Listeners: a port and protocol on a load balancer whose default action forwards to one
//! target group, with a certificate for TLS protocols. Everything but the load balancer changes
//! in place through one ModifyListener call.
//!
//! A listener is part of its load balancer: every listener of an owned load balancer is owned,
//! at the address its port gives (`listener.<lb>-<port>`), and listeners of load balancers
//! eksform does not own are never read. Listener tags are neither written nor compared:
//! CloudFormation cannot tag a listener, and the load balancer's applied record covers them.

use crate::aws::adopt::{Found, adopt};
use crate::aws::elb::{SERVICE, found, opt, opt_int};
use crate::aws::paging;
use crate::aws::support::{self, Fields, READ_CONCURRENCY, not_found_ok};
use crate::aws::{AwsError, ResolvedResource};
use aws_sdk_elasticloadbalancingv2::Client;
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, Certificate, Listener, ProtocolEnum,
};
use eksform_core::live::LiveResource;
use eksform_core::model::names::listener_address;
use eksform_core::model::{Kind, Props};
use futures::{StreamExt, TryStreamExt, stream};
use std::collections::HashMap;

/// The listeners of the given load balancers by ARN, listed concurrently.
pub async fn list_many(
    c: &Client,
    lb_arns: Vec<String>,
) -> Result<HashMap<String, Vec<Listener>>, AwsError> {
    stream::iter(lb_arns)
        .map(|arn| async move { Ok::<_, AwsError>((arn.clone(), list(c, &arn).await?)) })
        .buffer_unordered(READ_CONCURRENCY)
        .try_collect()
        .await
}

/// The listeners of the owned load balancers (ARN and address): taken from `listed` where they
/// were listed already, listed now for the others.
pub async fn of_owned(
    c: &Client,
    lbs: &[(String, String)],
    mut listed: HashMap<String, Vec<Listener>>,
) -> Result<Vec<LiveResource>, AwsError> {
    let missing: Vec<String> = lbs
        .iter()
        .filter(|(arn, _)| !listed.contains_key(arn))
        .map(|(arn, _)| arn.clone())
        .collect();
    listed.extend(list_many(c, missing).await?);
    let mut out = Vec::new();
    for (arn, address) in lbs {
        for l in listed.get(arn).into_iter().flatten() {
            let at = listener_address(address, l.port().map_or(0, i64::from));
            out.push(live(l, at));
        }
    }
    Ok(out)
}

/// The listeners of one load balancer; none when it vanished in between.
pub(crate) async fn list(c: &Client, lb_arn: &str) -> Result<Vec<Listener>, AwsError> {
    let out = paging::all_items!(
        c.describe_listeners()
            .load_balancer_arn(lb_arn)
            .page_size(paging::ELB),
        SERVICE,
        "DescribeListeners"
    );
    Ok(not_found_ok(out)?.unwrap_or_default())
}

/// One listener by ARN, known by `address`.
async fn read_one(c: &Client, arn: &str, address: &str) -> Result<Option<LiveResource>, AwsError> {
    let out = support::sent!(
        c.describe_listeners().listener_arns(arn),
        SERVICE,
        "DescribeListeners"
    );
    let Some(out) = not_found_ok(out)? else {
        return Ok(None);
    };
    Ok(out
        .listeners()
        .first()
        .map(|l| live(l, address.to_string())))
}

fn live(l: &Listener, address: String) -> LiveResource {
    let certificate = l
        .certificates()
        .iter()
        .find(|c| c.is_default() != Some(false))
        .and_then(|c| c.certificate_arn());
    let mut props = Props::new();
    props.insert("load_balancer_arn".into(), opt(l.load_balancer_arn()));
    props.insert("port".into(), opt_int(l.port()));
    props.insert("protocol".into(), opt(l.protocol().map(|p| p.as_str())));
    props.insert("certificate_arn".into(), opt(certificate));
    props.insert(
        "target_group_arn".into(),
        opt(forward_target(l.default_actions())),
    );
    LiveResource {
        address,
        kind: Kind::Listener,
        id: l.listener_arn().unwrap_or_default().to_string(),
        props,
        attrs: Default::default(),
    }
}

/// The target group a forward action sends to. ELBv2 reports a simple forward both as
/// `TargetGroupArn` and as a one-group `ForwardConfig`; either spelling is the same thing.
fn forward_target(actions: &[Action]) -> Option<&str> {
    let forward = actions
        .iter()
        .find(|a| a.r#type() == Some(&ActionTypeEnum::Forward))?;
    forward.target_group_arn().or_else(|| {
        let groups = forward.forward_config()?.target_groups();
        match groups {
            [only] => only.target_group_arn(),
            _ => None,
        }
    })
}

fn default_actions(f: &Fields<'_>) -> Result<Vec<Action>, AwsError> {
    let tg = f.str("target_group_arn")?;
    Ok(vec![
        Action::builder()
            .r#type(ActionTypeEnum::Forward)
            .target_group_arn(tg)
            .build(),
    ])
}

fn certificates(f: &Fields<'_>) -> Result<Option<Vec<Certificate>>, AwsError> {
    Ok(f.opt_str("certificate_arn")?
        .map(|arn| vec![Certificate::builder().certificate_arn(arn).build()]))
}

pub async fn create(
    c: &Client,
    _cluster: &str,
    r: &ResolvedResource,
) -> Result<LiveResource, AwsError> {
    let f = Fields::new(SERVICE, "CreateListener", r);
    let out = support::sent!(
        c.create_listener()
            .load_balancer_arn(f.str("load_balancer_arn")?)
            .port(f.int32("port")?)
            .protocol(ProtocolEnum::from(f.str("protocol")?))
            .set_certificates(certificates(&f)?)
            .set_default_actions(Some(default_actions(&f)?)),
        SERVICE,
        "CreateListener"
    );
    let arn = match out {
        Ok(out) => out
            .listeners
            .and_then(|l| l.into_iter().next()?.listener_arn),
        Err(e) => {
            let port = f.int32("port")?;
            let lb = f.str("load_balancer_arn")?;
            let what = format!("on port {port}");
            Some(adopt(r, &what, e, || on_port(c, lb, port, &r.address)).await?)
        }
    };
    let arn = arn.ok_or_else(|| {
        let msg = format!("{}: no ARN returned", r.address);
        AwsError::local(SERVICE, "CreateListener", "EmptyResponse", msg)
    })?;
    found(read_one(c, &arn, &r.address).await?, "CreateListener", &arn)
}

/// The listener on `port` of the load balancer `lb`. Listeners carry no tags: one on a port of
/// this cluster's own load balancer is the listener `address` made by an earlier send.
async fn on_port(
    c: &Client,
    lb: &str,
    port: i32,
    address: &str,
) -> Result<Option<Found<String>>, AwsError> {
    let listeners = list(c, lb).await?;
    let arn = listeners.into_iter().find(|l| l.port() == Some(port));
    Ok(arn.and_then(|l| l.listener_arn).map(|value| Found {
        value,
        address: Some(address.to_string()),
    }))
}

pub async fn update(
    c: &Client,
    r: &ResolvedResource,
    live: &LiveResource,
    fields: &[String],
) -> Result<LiveResource, AwsError> {
    let f = Fields::new(SERVICE, "ModifyListener", r);
    let arn = live.id.as_str();
    let mut modified = false;
    for field in fields {
        match field.as_str() {
            "port" | "protocol" | "certificate_arn" | "target_group_arn" if !modified => {
                modified = true;
                support::sent!(
                    c.modify_listener()
                        .listener_arn(arn)
                        .port(f.int32("port")?)
                        .protocol(ProtocolEnum::from(f.str("protocol")?))
                        .set_certificates(certificates(&f)?)
                        .set_default_actions(Some(default_actions(&f)?)),
                    SERVICE,
                    "ModifyListener"
                )?;
            }
            "port" | "protocol" | "certificate_arn" | "target_group_arn" => {}
            other => return Err(f.immutable(other)),
        }
    }
    found(read_one(c, arn, &r.address).await?, "ModifyListener", arn)
}

pub async fn delete(c: &Client, live: &LiveResource) -> Result<(), AwsError> {
    let out = support::sent!(
        c.delete_listener().listener_arn(&live.id),
        SERVICE,
        "DeleteListener"
    );
    not_found_ok(out).map(|_| ())
}

super::kind_ops!(Kind::Listener, elb, SERVICE; client);
