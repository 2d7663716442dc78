//! Target groups: protocol, port, VPC and target type are fixed at creation; the health check
//! changes in place. `health_check_path` is null for health checks without a path (TCP).

use super::{SERVICE, address_of, found, opt, opt_int, owned, sdk_tags, update_tags};
use crate::aws::adopt::{Found, adopt};
use crate::aws::paging;
use crate::aws::support::{self, Fields, not_found_ok};
use crate::aws::timeouts::{self, Op};
use crate::aws::{AwsError, ErrorKind, ResolvedResource};
use crate::live::LiveResource;
use crate::model::{Kind, Props};
use aws_sdk_elasticloadbalancingv2::Client;
use aws_sdk_elasticloadbalancingv2::types::{ProtocolEnum, TargetGroup, TargetTypeEnum};
use serde_json::Value;

pub async fn read_all(c: &Client, cluster: &str) -> Result<Vec<LiveResource>, AwsError> {
    let tgs: Vec<TargetGroup> = c
        .describe_target_groups()
        .page_size(paging::ELB)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| AwsError::from_sdk(SERVICE, "DescribeTargetGroups", e))?;
    let owned = owned(c, cluster, tgs, |t| t.target_group_arn()).await?;
    Ok(owned
        .into_iter()
        .map(|(tg, address, tags)| live(&tg, address, tags))
        .collect())
}

async fn read_one(c: &Client, cluster: &str, arn: &str) -> Result<Option<LiveResource>, AwsError> {
    let out = c
        .describe_target_groups()
        .target_group_arns(arn)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(SERVICE, "DescribeTargetGroups", e));
    let Some(out) = not_found_ok(out)? else {
        return Ok(None);
    };
    let owned = owned(c, cluster, out.target_groups.unwrap_or_default(), |t| {
        t.target_group_arn()
    })
    .await?;
    Ok(owned
        .into_iter()
        .next()
        .map(|(tg, address, tags)| live(&tg, address, tags)))
}

fn live(tg: &TargetGroup, address: String, tags: Value) -> LiveResource {
    let mut props = Props::new();
    props.insert("name".into(), opt(tg.target_group_name()));
    props.insert("protocol".into(), opt(tg.protocol().map(|p| p.as_str())));
    props.insert("port".into(), opt_int(tg.port()));
    props.insert("vpc_id".into(), opt(tg.vpc_id()));
    props.insert(
        "target_type".into(),
        opt(tg.target_type().map(|t| t.as_str())),
    );
    props.insert(
        "health_check_protocol".into(),
        opt(tg.health_check_protocol().map(|p| p.as_str())),
    );
    props.insert("health_check_port".into(), opt(tg.health_check_port()));
    props.insert("health_check_path".into(), opt(tg.health_check_path()));
    props.insert("tags".into(), tags);
    LiveResource {
        address,
        kind: Kind::TargetGroup,
        id: tg.target_group_arn().unwrap_or_default().to_string(),
        props,
        attrs: Default::default(),
    }
}

/// `health_check_port` is a string in the API ("30080" or "traffic-port"); a number in the
/// properties is accepted and sent as its decimal text.
fn health_check_port(f: &Fields<'_>) -> Result<Option<String>, AwsError> {
    match f.get("health_check_port") {
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        _ => Ok(f.opt_str("health_check_port")?.map(str::to_string)),
    }
}

pub async fn create(
    c: &Client,
    cluster: &str,
    r: &ResolvedResource,
) -> Result<LiveResource, AwsError> {
    let f = Fields::new(SERVICE, "CreateTargetGroup", r);
    let name = f.str("name")?;
    let out = c
        .create_target_group()
        .name(name)
        .protocol(ProtocolEnum::from(f.str("protocol")?))
        .port(f.int32("port")?)
        .vpc_id(f.str("vpc_id")?)
        .target_type(TargetTypeEnum::from(f.str("target_type")?))
        .set_health_check_protocol(f.opt_str("health_check_protocol")?.map(ProtocolEnum::from))
        .set_health_check_port(health_check_port(&f)?)
        .set_health_check_path(f.opt_str("health_check_path")?.map(str::to_string))
        .set_tags(Some(sdk_tags(&f.tags())))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(SERVICE, "CreateTargetGroup", e));
    let out = match out {
        Ok(out) => out,
        Err(e) => {
            let arn = adopt(r, name, e, || named(c, cluster, name)).await?;
            return found(read_one(c, cluster, &arn).await?, "CreateTargetGroup", &arn);
        }
    };
    let arn = out
        .target_groups()
        .first()
        .and_then(|t| t.target_group_arn())
        .ok_or_else(|| {
            AwsError::local(
                SERVICE,
                "CreateTargetGroup",
                "EmptyResponse",
                format!("{}: no ARN returned", r.address),
            )
        })?
        .to_string();
    found(read_one(c, cluster, &arn).await?, "CreateTargetGroup", &arn)
}

/// The target group named `name`: its ARN and the address its tags give it.
async fn named(c: &Client, cluster: &str, name: &str) -> Result<Option<Found<String>>, AwsError> {
    let out = c.describe_target_groups().names(name).send().await;
    let out =
        not_found_ok(out.map_err(|e| AwsError::from_sdk(SERVICE, "DescribeTargetGroups", e)))?;
    let arn = out.and_then(|o| o.target_groups?.into_iter().next()?.target_group_arn);
    let Some(arn) = arn else { return Ok(None) };
    let address = address_of(c, cluster, &arn).await?;
    Ok(Some(Found {
        value: arn,
        address,
    }))
}

pub async fn update(
    c: &Client,
    r: &ResolvedResource,
    live: &LiveResource,
    fields: &[String],
) -> Result<LiveResource, AwsError> {
    let f = Fields::new(SERVICE, "ModifyTargetGroup", r);
    let arn = live.id.as_str();
    let mut health_done = false;
    for field in fields {
        match field.as_str() {
            "health_check_protocol" | "health_check_port" | "health_check_path" if !health_done => {
                health_done = true;
                c.modify_target_group()
                    .target_group_arn(arn)
                    .set_health_check_protocol(
                        f.opt_str("health_check_protocol")?.map(ProtocolEnum::from),
                    )
                    .set_health_check_port(health_check_port(&f)?)
                    .set_health_check_path(f.opt_str("health_check_path")?.map(str::to_string))
                    .send()
                    .await
                    .map_err(|e| AwsError::from_sdk(SERVICE, "ModifyTargetGroup", e))?;
            }
            "health_check_protocol" | "health_check_port" | "health_check_path" => {}
            "tags" => update_tags(c, arn, &live.props, &r.props).await?,
            other => {
                return Err(support::immutable(
                    SERVICE,
                    "ModifyTargetGroup",
                    &r.address,
                    other,
                ));
            }
        }
    }
    found(
        read_one(c, &support::owner(&r.props), arn).await?,
        "ModifyTargetGroup",
        arn,
    )
}

/// Deletes the group, retrying while a listener or load balancer being deleted still holds it.
pub async fn delete(c: &Client, live: &LiveResource) -> Result<(), AwsError> {
    let arn = live.id.as_str();
    support::poll(
        SERVICE,
        "DeleteTargetGroup",
        &live.address,
        // A target group stays in use for a short while after its listener or load balancer goes.
        support::budget(timeouts::default(Kind::TargetGroup, Op::Delete)),
        || async {
            let out = c
                .delete_target_group()
                .target_group_arn(arn)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(SERVICE, "DeleteTargetGroup", e));
            match not_found_ok(out) {
                Ok(_) => Ok(Some(())),
                Err(e) if e.kind == ErrorKind::InUse => Ok(None),
                Err(e) => Err(e),
            }
        },
    )
    .await
}
