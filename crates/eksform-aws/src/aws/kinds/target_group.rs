//! Target groups: protocol, port, VPC and target type are fixed at creation; the health check
//! changes in place. `health_check_path` is null for health checks without a path (TCP).

use super::AwsKind;
use crate::aws::adopt::{Found, adopt};
use crate::aws::elb::{
    self, SERVICE, found, opt, opt_int, owned_live, owned_one, sdk_tags, update_tags,
};
use crate::aws::support::{self, Fields, not_found_ok};
use crate::aws::timeouts::Op;
use crate::aws::{AwsError, ErrorKind, ResolvedResource};
use crate::aws::{in_use, paging};
use aws_sdk_elasticloadbalancingv2::Client;
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ProtocolEnum, Rule, TargetGroup, TargetTypeEnum,
};
use eksform_core::live::LiveResource;
use eksform_core::model::{Kind, Props};
use serde_json::Value;

pub async fn read_all(c: &Client, cluster: &str) -> Result<Vec<LiveResource>, AwsError> {
    let tgs: Vec<TargetGroup> = paging::all_items!(
        c.describe_target_groups().page_size(paging::ELB),
        SERVICE,
        "DescribeTargetGroups"
    )?;
    owned_live(c, cluster, tgs, |t| t.target_group_arn(), live).await
}

async fn read_one(c: &Client, cluster: &str, arn: &str) -> Result<Option<LiveResource>, AwsError> {
    let out = c.describe_target_groups().target_group_arns(arn).send();
    let out = out.await.map(|o| o.target_groups);
    let out = out.map_err(|e| AwsError::from_sdk(SERVICE, "DescribeTargetGroups", e));
    owned_one(c, cluster, out, |t| t.target_group_arn(), live).await
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
    let out = support::sent!(
        c.create_target_group()
            .name(name)
            .protocol(ProtocolEnum::from(f.str("protocol")?))
            .port(f.int32("port")?)
            .vpc_id(f.str("vpc_id")?)
            .target_type(TargetTypeEnum::from(f.str("target_type")?))
            .set_health_check_protocol(f.opt_str("health_check_protocol")?.map(ProtocolEnum::from))
            .set_health_check_port(health_check_port(&f)?)
            .set_health_check_path(f.opt_str("health_check_path")?.map(str::to_string))
            .set_tags(Some(sdk_tags(&f.tags()))),
        SERVICE,
        "CreateTargetGroup"
    );
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
    elb::named(c, cluster, arn).await
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
            other => return Err(f.immutable(other)),
        }
    }
    found(
        read_one(c, &support::owner(&r.props), arn).await?,
        "ModifyTargetGroup",
        arn,
    )
}

/// Deletes the group, retrying while a listener or load balancer being deleted still holds it
/// (see `aws::in_use`). A refusal names the listeners and rules still forwarding to it: those
/// are not this plan's (eksform deletes or repoints its own first), so the retry soon gives up.
pub async fn delete(c: &Client, live: &LiveResource) -> Result<(), AwsError> {
    let arn = live.id.as_str();
    // A target group stays in use for a short while after its listener or load balancer goes.
    let budget = support::budget(Ops.limit(Op::Delete));
    in_use::retry(budget, || async {
        let out = support::sent!(
            c.delete_target_group().target_group_arn(arn),
            SERVICE,
            "DeleteTargetGroup"
        );
        match not_found_ok(out) {
            Ok(_) => Ok(()),
            Err(e) if e.kind == ErrorKind::InUse => {
                // Failing to look is not the failure to report: the refusal is.
                let holders = holders(c, arn).await.unwrap_or_default();
                let lasting = !holders.is_empty();
                Err(in_use::held_by(e, &live.address, arn, &holders, lasting))
            }
            Err(e) => Err(e),
        }
    })
    .await
}

/// The listeners and rules forwarding to target group `arn`, found through the load
/// balancers it is registered with.
async fn holders(c: &Client, arn: &str) -> Result<Vec<String>, AwsError> {
    let out = support::sent!(
        c.describe_target_groups().target_group_arns(arn),
        SERVICE,
        "DescribeTargetGroups"
    )?;
    let lbs: Vec<String> = out
        .target_groups()
        .iter()
        .flat_map(|t| t.load_balancer_arns().iter().cloned())
        .collect();
    let mut found = Vec::new();
    for lb in lbs {
        for l in super::listener::list(c, &lb).await? {
            let Some(listener_arn) = l.listener_arn() else {
                continue;
            };
            if l.default_actions().iter().any(|a| forwards_to(a, arn)) {
                found.push(format!("listener {listener_arn}"));
            }
            for rule in rules(c, listener_arn).await? {
                if rule.is_default() != Some(true)
                    && rule.actions().iter().any(|a| forwards_to(a, arn))
                {
                    found.push(format!("rule {}", rule.rule_arn().unwrap_or(listener_arn)));
                }
            }
        }
    }
    Ok(found)
}

/// Every rule of a listener, all pages.
async fn rules(c: &Client, listener_arn: &str) -> Result<Vec<Rule>, AwsError> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = support::sent!(
            c.describe_rules()
                .listener_arn(listener_arn)
                .page_size(paging::ELB)
                .set_marker(marker.take()),
            SERVICE,
            "DescribeRules"
        );
        let Some(page) = not_found_ok(page)? else {
            return Ok(out);
        };
        out.extend(page.rules().iter().cloned());
        match page.next_marker() {
            Some(m) if !m.is_empty() => marker = Some(m.to_string()),
            _ => return Ok(out),
        }
    }
}

/// Whether `action` forwards to target group `arn` (simple or weighted forward).
fn forwards_to(action: &Action, arn: &str) -> bool {
    action.target_group_arn() == Some(arn)
        || action.forward_config().is_some_and(|f| {
            f.target_groups()
                .iter()
                .any(|t| t.target_group_arn() == Some(arn))
        })
}

super::kind_ops!(Kind::TargetGroup, elb, SERVICE; client);

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_elasticloadbalancingv2::types::{
        ActionTypeEnum, ForwardActionConfig, TargetGroupTuple,
    };

    fn weighted(arns: &[&str]) -> Action {
        let groups = arns
            .iter()
            .map(|a| TargetGroupTuple::builder().target_group_arn(*a).build())
            .collect();
        let config = ForwardActionConfig::builder()
            .set_target_groups(Some(groups))
            .build();
        Action::builder()
            .r#type(ActionTypeEnum::Forward)
            .forward_config(config)
            .build()
    }

    #[test]
    fn simple_and_weighted_forwards_both_hold_the_group() {
        let simple = Action::builder()
            .r#type(ActionTypeEnum::Forward)
            .target_group_arn("tg-1")
            .build();
        assert!(forwards_to(&simple, "tg-1"));
        assert!(!forwards_to(&simple, "tg-2"));
        assert!(forwards_to(&weighted(&["tg-2", "tg-1"]), "tg-1"));
        assert!(!forwards_to(&weighted(&["tg-2"]), "tg-1"));
    }
}
