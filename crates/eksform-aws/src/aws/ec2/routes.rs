//! Route tables: create with routes and subnet associations, bring routes and associations to
//! the desired set in place, and delete after letting go of the subnets. Routes and
//! associations are diffed against the table as it stands now (read fresh), not as planned,
//! so an apply resumed after a crash only does what is left.

use super::convert;
use super::props::{client_token, prop_routes, prop_str, prop_str_list, tag_spec};
use super::{Ec2, SERVICE, sdk};
use crate::aws::{AwsError, ResolvedResource};
use aws_sdk_ec2::types::{Filter, ResourceType, RouteTable};
use eksform_core::live::LiveResource;
use std::collections::BTreeMap;

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
    let props = convert::route_table(t).props;
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

impl Ec2 {
    pub(crate) async fn create_route_table(
        &self,
        cluster: &str,
        r: &ResolvedResource,
    ) -> Result<String, AwsError> {
        let out = self
            .client
            .create_route_table()
            .vpc_id(prop_str(r, "vpc_id")?)
            .client_token(client_token(cluster, r, ""))
            .set_tag_specifications(tag_spec(ResourceType::RouteTable, &r.props).map(|t| vec![t]))
            .send()
            .await
            .map_err(sdk("CreateRouteTable"))?;
        let table = out
            .route_table()
            .ok_or_else(|| super::network::missing_id("CreateRouteTable", &r.address))?;
        let id = table.route_table_id().unwrap_or_default().to_string();
        // With a reused token the table may already hold some routes and subnets.
        self.set_routes(
            &id,
            &prop_routes(r)?.into_iter().collect(),
            &routes_of(table),
        )
        .await?;
        self.set_associations(&id, &prop_str_list(r, "subnet_ids")?, &associations(table))
            .await?;
        Ok(id)
    }

    pub(crate) async fn update_route_table(
        &self,
        r: &ResolvedResource,
        live: &LiveResource,
        has: &(dyn Fn(&str) -> bool + Sync),
    ) -> Result<(), AwsError> {
        let table = self.route_table(&live.id).await?;
        if has("routes") {
            self.set_routes(
                &live.id,
                &prop_routes(r)?.into_iter().collect(),
                &routes_of(&table),
            )
            .await?;
        }
        if has("subnet_ids") {
            self.set_associations(
                &live.id,
                &prop_str_list(r, "subnet_ids")?,
                &associations(&table),
            )
            .await?;
        }
        Ok(())
    }

    async fn route_table(&self, id: &str) -> Result<RouteTable, AwsError> {
        let out = self
            .client
            .describe_route_tables()
            .route_table_ids(id)
            .send()
            .await;
        let out = out.map_err(sdk("DescribeRouteTables"))?;
        out.route_tables().first().cloned().ok_or_else(|| gone(id))
    }

    /// Creates missing routes, repoints routes whose target changed, deletes the rest.
    async fn set_routes(
        &self,
        table: &str,
        want: &BTreeMap<String, String>,
        have: &BTreeMap<String, String>,
    ) -> Result<(), AwsError> {
        for (dest, target) in want {
            match have.get(dest) {
                Some(t) if t == target => {}
                Some(_) => self.replace_route(table, dest, target).await?,
                None => self.create_route(table, dest, target).await?,
            }
        }
        for dest in have.keys().filter(|d| !want.contains_key(*d)) {
            self.delete_route(table, dest).await?;
        }
        Ok(())
    }

    /// A route that already exists (an apply retried after a crash) is repointed instead.
    async fn create_route(&self, table: &str, dest: &str, target: &str) -> Result<(), AwsError> {
        let call = route_call!(
            self.client.create_route().route_table_id(table),
            dest,
            target
        );
        match call.send().await.map_err(sdk("CreateRoute")) {
            Err(e) if e.code == "RouteAlreadyExists" => {
                self.replace_route(table, dest, target).await
            }
            other => other.map(|_| ()),
        }
    }

    async fn replace_route(&self, table: &str, dest: &str, target: &str) -> Result<(), AwsError> {
        let call = route_call!(
            self.client.replace_route().route_table_id(table),
            dest,
            target
        );
        call.send().await.map_err(sdk("ReplaceRoute"))?;
        Ok(())
    }

    async fn delete_route(&self, table: &str, dest: &str) -> Result<(), AwsError> {
        let call = self.client.delete_route().route_table_id(table);
        let call = if dest.starts_with("pl-") {
            call.destination_prefix_list_id(dest)
        } else if dest.contains(':') {
            call.destination_ipv6_cidr_block(dest)
        } else {
            call.destination_cidr_block(dest)
        };
        super::gone_is_ok(call.send().await.map_err(sdk("DeleteRoute")).map(|_| ()))
    }

    /// Subnets explicitly routed by another table are moved to this one (the config says which
    /// table routes them); the others are associated.
    async fn set_associations(
        &self,
        table: &str,
        want: &[String],
        have: &BTreeMap<String, String>,
    ) -> Result<(), AwsError> {
        let missing: Vec<String> = want
            .iter()
            .filter(|s| !have.contains_key(*s))
            .cloned()
            .collect();
        let elsewhere = self.explicit_associations(&missing).await?;
        for subnet in &missing {
            match elsewhere.get(subnet) {
                Some((t, _)) if t == table => {}
                Some((_, association)) => {
                    let call = self
                        .client
                        .replace_route_table_association()
                        .association_id(association)
                        .route_table_id(table);
                    call.send()
                        .await
                        .map_err(sdk("ReplaceRouteTableAssociation"))?;
                }
                None => {
                    let call = self
                        .client
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
            self.disassociate(association).await?;
        }
        Ok(())
    }

    /// The table and association currently routing each subnet explicitly.
    async fn explicit_associations(
        &self,
        subnets: &[String],
    ) -> Result<BTreeMap<String, (String, String)>, AwsError> {
        if subnets.is_empty() {
            return Ok(BTreeMap::new());
        }
        let filter = Filter::builder()
            .name("association.subnet-id")
            .set_values(Some(subnets.to_vec()))
            .build();
        let pages = self
            .client
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

    async fn disassociate(&self, association: &str) -> Result<(), AwsError> {
        let call = self
            .client
            .disassociate_route_table()
            .association_id(association);
        super::gone_is_ok(
            call.send()
                .await
                .map_err(sdk("DisassociateRouteTable"))
                .map(|_| ()),
        )
    }

    /// Lets go of every subnet first: EC2 refuses to delete a table that still routes one.
    pub(crate) async fn delete_route_table(&self, live: &LiveResource) -> Result<(), AwsError> {
        let table = self.route_table(&live.id).await?;
        for association in associations(&table).values() {
            self.disassociate(association).await?;
        }
        self.retry_in_use(live, || async {
            let call = self.client.delete_route_table().route_table_id(&live.id);
            call.send()
                .await
                .map_err(sdk("DeleteRouteTable"))
                .map(|_| ())
        })
        .await
    }
}
