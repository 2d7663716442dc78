//! Route tables: created with routes and subnet associations; routes and associations change
//! in place, brought to the desired set, and a delete first lets go of the subnets. Routes and
//! associations are diffed against the table as it stands now (read fresh), not as planned, so
//! an apply resumed after a crash only does what is left.

use crate::aws::ec2::convert::{Found, opt};
use crate::aws::ec2::props::{
    client_token, prop_routes, prop_str, prop_str_list, tag_map, tag_specs,
};
use crate::aws::ec2::{Ec2, SERVICE, first, gone_is_ok, missing_id, sdk};
use crate::aws::{AwsError, ResolvedResource};
use aws_sdk_ec2::types::{Filter, ResourceType, Route, RouteOrigin, RouteTable};
use eksform_core::live::LiveResource;
use eksform_core::model::Kind;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Fields EC2 changes in place besides the tags; any other change replaces the resource.
pub(crate) const IN_PLACE: &[&str] = &["routes", "subnet_ids"];

crate::aws::ec2::kind_ops!(Kind::RouteTable, update(update_routes));

/// Sets the destination and the target of a CreateRoute or ReplaceRoute call from their ids:
/// the target's id prefix names the parameter EC2 wants it in.
macro_rules! route_call {
    ($call:expr, $dest:expr, $target:expr) => {{
        let (dest, target): (&str, &str) = ($dest, $target);
        let call = if dest.starts_with("pl-") {
            $call.destination_prefix_list_id(dest)
        } else if dest.contains(':') {
            $call.destination_ipv6_cidr_block(dest)
        } else {
            $call.destination_cidr_block(dest)
        };
        match target.split('-').next().unwrap_or("") {
            "nat" => call.nat_gateway_id(target),
            "tgw" => call.transit_gateway_id(target),
            "pcx" => call.vpc_peering_connection_id(target),
            "eigw" => call.egress_only_internet_gateway_id(target),
            "eni" => call.network_interface_id(target),
            "i" => call.instance_id(target),
            // igw- and vgw- both go in GatewayId.
            _ => call.gateway_id(target),
        }
    }};
}

/// The subnets explicitly associated with a table, with their association ids.
fn associations(t: &RouteTable) -> BTreeMap<String, String> {
    t.associations()
        .iter()
        .filter(|a| a.main() != Some(true))
        .filter_map(|a| {
            Some((
                a.subnet_id()?.to_string(),
                a.route_table_association_id()?.to_string(),
            ))
        })
        .collect()
}

fn routes_of(t: &RouteTable) -> BTreeMap<String, String> {
    let props = found(t).props;
    let routes = props
        .get("routes")
        .and_then(|v| v.as_array())
        .cloned()
        .unwrap_or_default();
    routes
        .iter()
        .filter_map(|r| {
            Some((
                r["destination"].as_str()?.to_string(),
                r["target"].as_str()?.to_string(),
            ))
        })
        .collect()
}

/// A table that is not there (deleted behind our back): NotFound, so a delete counts it done.
fn gone(id: &str) -> AwsError {
    AwsError::local(
        SERVICE,
        "DescribeRouteTables",
        "InvalidRouteTableID.NotFound",
        format!("route table {id} does not exist"),
    )
}

async fn create(ec2: &Ec2, cluster: &str, r: &ResolvedResource) -> Result<String, AwsError> {
    let out = ec2
        .client()
        .create_route_table()
        .vpc_id(prop_str(r, "vpc_id")?)
        .client_token(client_token(cluster, r, ""))
        .set_tag_specifications(tag_specs(ResourceType::RouteTable, &r.props))
        .send()
        .await
        .map_err(sdk("CreateRouteTable"))?;
    let table = out
        .route_table()
        .ok_or_else(|| missing_id("CreateRouteTable", &r.address))?;
    let id = table.route_table_id().unwrap_or_default().to_string();
    // With a reused token the table may already hold some routes and subnets.
    set_routes(
        ec2,
        &id,
        &prop_routes(r)?.into_iter().collect(),
        &routes_of(table),
    )
    .await?;
    set_associations(
        ec2,
        &id,
        &prop_str_list(r, "subnet_ids")?,
        &associations(table),
    )
    .await?;
    Ok(id)
}

/// The routes and subnet associations among `fields`, brought to the desired sets against
/// the table as it stands now.
async fn update_routes(
    ec2: &Ec2,
    r: &ResolvedResource,
    live: &LiveResource,
    fields: &[String],
) -> Result<(), AwsError> {
    let has = |name: &str| fields.iter().any(|f| f == name);
    let table = route_table(ec2, &live.id).await?;
    if has("routes") {
        set_routes(
            ec2,
            &live.id,
            &prop_routes(r)?.into_iter().collect(),
            &routes_of(&table),
        )
        .await?;
    }
    if has("subnet_ids") {
        set_associations(
            ec2,
            &live.id,
            &prop_str_list(r, "subnet_ids")?,
            &associations(&table),
        )
        .await?;
    }
    Ok(())
}

async fn route_table(ec2: &Ec2, id: &str) -> Result<RouteTable, AwsError> {
    let out = ec2
        .client()
        .describe_route_tables()
        .route_table_ids(id)
        .send()
        .await;
    let out = out.map_err(sdk("DescribeRouteTables"))?;
    out.route_tables().first().cloned().ok_or_else(|| gone(id))
}

/// Creates missing routes, repoints routes whose target changed, deletes the rest.
async fn set_routes(
    ec2: &Ec2,
    table: &str,
    want: &BTreeMap<String, String>,
    have: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    for (dest, target) in want {
        match have.get(dest) {
            Some(t) if t == target => {}
            Some(_) => replace_route(ec2, table, dest, target).await?,
            None => create_route(ec2, table, dest, target).await?,
        }
    }
    for dest in have.keys().filter(|d| !want.contains_key(*d)) {
        delete_route(ec2, table, dest).await?;
    }
    Ok(())
}

/// A route that already exists (an apply retried after a crash) is repointed instead.
async fn create_route(ec2: &Ec2, table: &str, dest: &str, target: &str) -> Result<(), AwsError> {
    let call = route_call!(
        ec2.client().create_route().route_table_id(table),
        dest,
        target
    );
    match call.send().await.map_err(sdk("CreateRoute")) {
        Err(e) if e.code == "RouteAlreadyExists" => replace_route(ec2, table, dest, target).await,
        other => other.map(|_| ()),
    }
}

async fn replace_route(ec2: &Ec2, table: &str, dest: &str, target: &str) -> Result<(), AwsError> {
    let call = route_call!(
        ec2.client().replace_route().route_table_id(table),
        dest,
        target
    );
    call.send().await.map_err(sdk("ReplaceRoute"))?;
    Ok(())
}

async fn delete_route(ec2: &Ec2, table: &str, dest: &str) -> Result<(), AwsError> {
    let call = ec2.client().delete_route().route_table_id(table);
    let call = if dest.starts_with("pl-") {
        call.destination_prefix_list_id(dest)
    } else if dest.contains(':') {
        call.destination_ipv6_cidr_block(dest)
    } else {
        call.destination_cidr_block(dest)
    };
    gone_is_ok(call.send().await.map_err(sdk("DeleteRoute")).map(|_| ()))
}

/// Subnets explicitly routed by another table are moved to this one (the config says which
/// table routes them); the others are associated.
async fn set_associations(
    ec2: &Ec2,
    table: &str,
    want: &[String],
    have: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let missing: Vec<String> = want
        .iter()
        .filter(|s| !have.contains_key(*s))
        .cloned()
        .collect();
    let elsewhere = explicit_associations(ec2, &missing).await?;
    for subnet in &missing {
        match elsewhere.get(subnet) {
            Some((t, _)) if t == table => {}
            Some((_, association)) => {
                let call = ec2
                    .client()
                    .replace_route_table_association()
                    .association_id(association)
                    .route_table_id(table);
                call.send()
                    .await
                    .map_err(sdk("ReplaceRouteTableAssociation"))?;
            }
            None => {
                let call = ec2
                    .client()
                    .associate_route_table()
                    .route_table_id(table)
                    .subnet_id(subnet);
                call.send().await.map_err(sdk("AssociateRouteTable"))?;
            }
        }
    }
    for association in have
        .iter()
        .filter(|(s, _)| !want.contains(s))
        .map(|(_, a)| a)
    {
        disassociate(ec2, association).await?;
    }
    Ok(())
}

/// The table and association currently routing each subnet explicitly.
async fn explicit_associations(
    ec2: &Ec2,
    subnets: &[String],
) -> Result<BTreeMap<String, (String, String)>, AwsError> {
    if subnets.is_empty() {
        return Ok(BTreeMap::new());
    }
    let filter = Filter::builder()
        .name("association.subnet-id")
        .set_values(Some(subnets.to_vec()))
        .build();
    let pages = ec2
        .client()
        .describe_route_tables()
        .filters(filter)
        .into_paginator()
        .page_size(crate::aws::paging::EC2)
        .items()
        .send();
    let tables: Vec<RouteTable> = pages
        .try_collect()
        .await
        .map_err(sdk("DescribeRouteTables"))?;
    let mut out = BTreeMap::new();
    for t in &tables {
        let id = t.route_table_id().unwrap_or_default();
        for (subnet, association) in associations(t) {
            out.insert(subnet, (id.to_string(), association));
        }
    }
    Ok(out)
}

async fn disassociate(ec2: &Ec2, association: &str) -> Result<(), AwsError> {
    let call = ec2
        .client()
        .disassociate_route_table()
        .association_id(association);
    gone_is_ok(
        call.send()
            .await
            .map_err(sdk("DisassociateRouteTable"))
            .map(|_| ()),
    )
}

/// Lets go of every subnet first: EC2 refuses to delete a table that still routes one.
async fn delete(ec2: &Ec2, live: &LiveResource) -> Result<(), AwsError> {
    let table = route_table(ec2, &live.id).await?;
    for association in associations(&table).values() {
        disassociate(ec2, association).await?;
    }
    ec2.retry_in_use(live, || async {
        let call = ec2.client().delete_route_table().route_table_id(&live.id);
        call.send()
            .await
            .map_err(sdk("DeleteRouteTable"))
            .map(|_| ())
    })
    .await
}

/// A route table by id.
async fn describe(ec2: &Ec2, id: &str) -> Result<Option<Found>, AwsError> {
    let call = ec2.client().describe_route_tables().route_table_ids(id);
    Ok(first!(call, "DescribeRouteTables", route_tables).map(|x| found(&x)))
}

/// A route table as described. Routes without the `local` route (AWS makes it, nobody can
/// change it) and without routes propagated from a virtual private gateway (not ours to
/// manage); subnets without the main association.
pub(crate) fn found(t: &RouteTable) -> Found {
    let mut routes: Vec<(String, String)> = t.routes().iter().filter_map(route).collect();
    routes.sort();
    let routes: Vec<Value> = routes
        .into_iter()
        .map(|(d, t)| json!({"destination": d, "target": t}))
        .collect();
    let mut subnets: Vec<String> = t
        .associations()
        .iter()
        .filter(|a| a.main() != Some(true))
        .filter_map(|a| a.subnet_id().map(str::to_string))
        .collect();
    subnets.sort();
    subnets.dedup();
    Found::new(t.route_table_id(), tag_map(t.tags()))
        .with("vpc_id", opt(t.vpc_id()))
        .with("routes", routes)
        .with("subnet_ids", subnets)
}

fn route(r: &Route) -> Option<(String, String)> {
    if r.gateway_id() == Some("local")
        || matches!(
            r.origin(),
            Some(RouteOrigin::CreateRouteTable | RouteOrigin::EnableVgwRoutePropagation)
        )
    {
        return None;
    }
    let dest = r
        .destination_cidr_block()
        .or(r.destination_ipv6_cidr_block())
        .or(r.destination_prefix_list_id())?;
    // An instance route names both the instance and its ENI; the instance is what was given.
    let target = r
        .gateway_id()
        .or(r.nat_gateway_id())
        .or(r.transit_gateway_id())
        .or(r.vpc_peering_connection_id())
        .or(r.egress_only_internet_gateway_id())
        .or(r.carrier_gateway_id())
        .or(r.local_gateway_id())
        .or(r.instance_id())
        .or(r.network_interface_id())
        .or(r.core_network_arn())?;
    Some((dest.to_string(), target.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::{RouteTableAssociation, Tag};

    #[test]
    fn route_tables_skip_local_routes_and_main_associations() {
        let t = RouteTable::builder()
            .route_table_id("rtb-1")
            .vpc_id("vpc-1")
            .routes(
                Route::builder()
                    .destination_cidr_block("10.0.0.0/16")
                    .gateway_id("local")
                    .build(),
            )
            .routes(
                Route::builder()
                    .destination_cidr_block("0.0.0.0/0")
                    .nat_gateway_id("nat-1")
                    .build(),
            )
            .routes(
                Route::builder()
                    .destination_cidr_block("10.9.0.0/16")
                    .instance_id("i-1")
                    .network_interface_id("eni-1")
                    .build(),
            )
            .associations(RouteTableAssociation::builder().main(true).build())
            .associations(
                RouteTableAssociation::builder()
                    .main(false)
                    .subnet_id("subnet-b")
                    .build(),
            )
            .associations(
                RouteTableAssociation::builder()
                    .main(false)
                    .subnet_id("subnet-a")
                    .build(),
            )
            .tags(Tag::builder().key("k").value("v").build())
            .build();
        let f = found(&t);
        assert_eq!(f.id, "rtb-1");
        assert_eq!(
            f.props["routes"],
            json!([{"destination": "0.0.0.0/0", "target": "nat-1"}, {"destination": "10.9.0.0/16", "target": "i-1"}])
        );
        assert_eq!(f.props["subnet_ids"], json!(["subnet-a", "subnet-b"]));
        assert_eq!(f.props["tags"], json!({"k": "v"}));
    }
}
