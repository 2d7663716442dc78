//! Writes for the network skeleton: VPC, subnet, internet gateway, Elastic IP and NAT gateway,
//! plus the tag diff every EC2 kind shares. Each create tags at creation and waits until the
//! resource is usable; each delete waits until it is gone. Route tables and security groups
//! live in their own modules.

use super::drain::Held;
use super::once::no_sdk_retry;
use super::props::{client_token, prop_bool, prop_opt_str, prop_str, sdk_tags, tag_spec};
use super::{Ec2, SERVICE, sdk, wait_for, waiter_error, waiter_error_with};
use crate::aws::status::set_status;
use crate::aws::timeouts::Op;
use crate::aws::{AwsError, ResolvedResource};
use aws_sdk_ec2::client::Waiters;
use aws_sdk_ec2::types::{AttributeBooleanValue, DomainType, NatGatewayState, ResourceType, Tag};
use eksform_core::live::LiveResource;
use eksform_core::model::{Kind, tags_of};

fn flag(value: bool) -> AttributeBooleanValue {
    AttributeBooleanValue::builder().value(value).build()
}

/// A create call that answered without the new id: nothing sensible can follow.
pub(super) fn missing_id(op: &'static str, address: &str) -> AwsError {
    AwsError::local(
        SERVICE,
        op,
        "MissingId",
        format!("{address}: {op} returned no id"),
    )
}

impl Ec2 {
    pub(crate) async fn create_vpc(&self, r: &ResolvedResource) -> Result<String, AwsError> {
        let cidr = prop_str(r, "cidr")?;
        let id = self
            .create_once(
                r,
                |f| self.tagged_vpcs(f),
                || async {
                    let out = self
                        .client
                        .create_vpc()
                        .cidr_block(cidr)
                        .set_tag_specifications(
                            tag_spec(ResourceType::Vpc, &r.props).map(|t| vec![t]),
                        )
                        .customize()
                        .config_override(no_sdk_retry())
                        .send()
                        .await
                        .map_err(sdk("CreateVpc"))?;
                    let id = out.vpc().and_then(|v| v.vpc_id()).map(str::to_string);
                    id.ok_or_else(|| missing_id("CreateVpc", &r.address))
                },
            )
            .await?;
        let id = id.as_str();
        self.client
            .wait_until_vpc_available()
            .vpc_ids(id)
            .wait(wait_for(Kind::Vpc, Op::Create))
            .await
            .map_err(|e| waiter_error("DescribeVpcs", &r.address, e))?;
        self.set_vpc_dns(
            id,
            Some(prop_bool(r, "enable_dns_support")?),
            Some(prop_bool(r, "enable_dns_hostnames")?),
        )
        .await?;
        Ok(id.to_string())
    }

    /// One attribute per call, as EC2 requires; DNS support first, since hostnames need it.
    async fn set_vpc_dns(
        &self,
        id: &str,
        support: Option<bool>,
        hostnames: Option<bool>,
    ) -> Result<(), AwsError> {
        if let Some(v) = support {
            let call = self
                .client
                .modify_vpc_attribute()
                .vpc_id(id)
                .enable_dns_support(flag(v));
            call.send().await.map_err(sdk("ModifyVpcAttribute"))?;
        }
        if let Some(v) = hostnames {
            let call = self
                .client
                .modify_vpc_attribute()
                .vpc_id(id)
                .enable_dns_hostnames(flag(v));
            call.send().await.map_err(sdk("ModifyVpcAttribute"))?;
        }
        Ok(())
    }

    pub(crate) async fn update_vpc(
        &self,
        r: &ResolvedResource,
        live: &LiveResource,
        has: &(dyn Fn(&str) -> bool + Sync),
    ) -> Result<(), AwsError> {
        let support = if has("enable_dns_support") {
            Some(prop_bool(r, "enable_dns_support")?)
        } else {
            None
        };
        let hostnames = if has("enable_dns_hostnames") {
            Some(prop_bool(r, "enable_dns_hostnames")?)
        } else {
            None
        };
        self.set_vpc_dns(&live.id, support, hostnames).await
    }

    pub(crate) async fn create_subnet(&self, r: &ResolvedResource) -> Result<String, AwsError> {
        let (vpc, cidr) = (prop_str(r, "vpc_id")?, prop_str(r, "cidr")?);
        let az = prop_str(r, "availability_zone")?;
        let id = self
            .create_once(
                r,
                |f| self.tagged_subnets(f),
                || async {
                    let out = self
                        .client
                        .create_subnet()
                        .vpc_id(vpc)
                        .cidr_block(cidr)
                        .availability_zone(az)
                        .set_tag_specifications(
                            tag_spec(ResourceType::Subnet, &r.props).map(|t| vec![t]),
                        )
                        .customize()
                        .config_override(no_sdk_retry())
                        .send()
                        .await
                        .map_err(sdk("CreateSubnet"))?;
                    let id = out.subnet().and_then(|s| s.subnet_id()).map(str::to_string);
                    id.ok_or_else(|| missing_id("CreateSubnet", &r.address))
                },
            )
            .await?;
        let id = id.as_str();
        self.client
            .wait_until_subnet_available()
            .subnet_ids(id)
            .wait(wait_for(Kind::Subnet, Op::Create))
            .await
            .map_err(|e| waiter_error("DescribeSubnets", &r.address, e))?;
        if prop_bool(r, "map_public_ip_on_launch")? {
            self.set_map_public_ip(id, true).await?;
        }
        Ok(id.to_string())
    }

    async fn set_map_public_ip(&self, id: &str, value: bool) -> Result<(), AwsError> {
        let call = self
            .client
            .modify_subnet_attribute()
            .subnet_id(id)
            .map_public_ip_on_launch(flag(value));
        call.send().await.map_err(sdk("ModifySubnetAttribute"))?;
        Ok(())
    }

    pub(crate) async fn update_subnet(
        &self,
        r: &ResolvedResource,
        live: &LiveResource,
    ) -> Result<(), AwsError> {
        self.set_map_public_ip(&live.id, prop_bool(r, "map_public_ip_on_launch")?)
            .await
    }

    /// Create, then attach. A crash between the two leaves a tagged, detached gateway whose
    /// `vpc_id` reads null, which the next plan turns into an update that attaches it.
    pub(crate) async fn create_internet_gateway(
        &self,
        r: &ResolvedResource,
    ) -> Result<String, AwsError> {
        let id = self
            .create_once(
                r,
                |f| self.tagged_internet_gateways(f),
                || async {
                    let out = self
                        .client
                        .create_internet_gateway()
                        .set_tag_specifications(
                            tag_spec(ResourceType::InternetGateway, &r.props).map(|t| vec![t]),
                        )
                        .customize()
                        .config_override(no_sdk_retry())
                        .send()
                        .await
                        .map_err(sdk("CreateInternetGateway"))?;
                    let id = out.internet_gateway().and_then(|g| g.internet_gateway_id());
                    id.map(str::to_string)
                        .ok_or_else(|| missing_id("CreateInternetGateway", &r.address))
                },
            )
            .await?;
        let id = id.as_str();
        if let Some(vpc) = prop_opt_str(r, "vpc_id")? {
            self.attach_internet_gateway(id, vpc).await?;
        }
        Ok(id.to_string())
    }

    async fn attach_internet_gateway(&self, id: &str, vpc: &str) -> Result<(), AwsError> {
        let call = self
            .client
            .attach_internet_gateway()
            .internet_gateway_id(id)
            .vpc_id(vpc);
        call.send().await.map_err(sdk("AttachInternetGateway"))?;
        Ok(())
    }

    /// Detaching from a VPC the gateway is no longer attached to is already done.
    async fn detach_internet_gateway(&self, id: &str, vpc: &str) -> Result<(), AwsError> {
        let call = self
            .client
            .detach_internet_gateway()
            .internet_gateway_id(id)
            .vpc_id(vpc);
        match call.send().await.map_err(sdk("DetachInternetGateway")) {
            Err(e) if e.is_not_found() || e.code == "Gateway.NotAttached" => Ok(()),
            other => other.map(|_| ()),
        }
    }

    pub(crate) async fn update_internet_gateway(
        &self,
        r: &ResolvedResource,
        live: &LiveResource,
    ) -> Result<(), AwsError> {
        let want = prop_opt_str(r, "vpc_id")?;
        let current = self.describe_internet_gateway(&live.id).await?;
        let current = current.map(|f| f.props).unwrap_or_default();
        let have = current.get("vpc_id").and_then(|v| v.as_str());
        if want == have {
            return Ok(());
        }
        if let Some(old) = have {
            self.retry_in_use(live, || self.detach_internet_gateway(&live.id, old))
                .await?;
        }
        match want {
            Some(vpc) => self.attach_internet_gateway(&live.id, vpc).await,
            None => Ok(()),
        }
    }

    /// Detaches from the VPC it is attached to now (read fresh: the planned state may be stale),
    /// then deletes.
    pub(crate) async fn delete_internet_gateway(
        &self,
        live: &LiveResource,
    ) -> Result<(), AwsError> {
        let Some(current) = self.describe_internet_gateway(&live.id).await? else {
            return Ok(());
        };
        if let Some(vpc) = current.props.get("vpc_id").and_then(|v| v.as_str()) {
            // Public IPs still mapped in the VPC block the detach until they are released.
            self.retry_in_use(live, || self.detach_internet_gateway(&live.id, vpc))
                .await?;
        }
        self.retry_in_use(live, || async {
            let call = self
                .client
                .delete_internet_gateway()
                .internet_gateway_id(&live.id);
            call.send()
                .await
                .map_err(sdk("DeleteInternetGateway"))
                .map(|_| ())
        })
        .await
    }

    pub(crate) async fn create_elastic_ip(&self, r: &ResolvedResource) -> Result<String, AwsError> {
        self.create_once(
            r,
            |f| self.tagged_elastic_ips(f),
            || async {
                let out = self
                    .client
                    .allocate_address()
                    .domain(DomainType::Vpc)
                    .set_tag_specifications(
                        tag_spec(ResourceType::ElasticIp, &r.props).map(|t| vec![t]),
                    )
                    .customize()
                    .config_override(no_sdk_retry())
                    .send()
                    .await
                    .map_err(sdk("AllocateAddress"))?;
                out.allocation_id()
                    .map(str::to_string)
                    .ok_or_else(|| missing_id("AllocateAddress", &r.address))
            },
        )
        .await
    }

    /// Retried while in use: the NAT gateway holding the address lets go only once deleted.
    pub(crate) async fn delete_elastic_ip(&self, live: &LiveResource) -> Result<(), AwsError> {
        self.retry_in_use(live, || async {
            let call = self.client.release_address().allocation_id(&live.id);
            call.send().await.map_err(sdk("ReleaseAddress")).map(|_| ())
        })
        .await
    }

    /// With a ClientToken, so a create retried after a crash returns the first NAT gateway
    /// rather than paying for two. A token whose NAT gateway has since been deleted is spent:
    /// the create is made again with the dead one's id as salt (still stable across retries).
    pub(crate) async fn create_nat_gateway(
        &self,
        cluster: &str,
        r: &ResolvedResource,
    ) -> Result<String, AwsError> {
        let mut id = self.request_nat_gateway(cluster, r, "").await?;
        if self.nat_state(&id).await?.is_some_and(|s| is_gone(&s)) {
            let dead = id.clone();
            id = self.request_nat_gateway(cluster, r, &dead).await?;
        }
        self.note_nat_state(&id).await;
        let waited = self
            .client
            .wait_until_nat_gateway_available()
            .nat_gateway_ids(&id)
            .wait(wait_for(Kind::NatGateway, Op::Create))
            .await;
        if let Err(e) = waited {
            self.note_nat_state(&id).await;
            return Err(waiter_error_with(
                "DescribeNatGateways",
                &r.address,
                e,
                nat_failure,
            ));
        }
        Ok(id)
    }

    async fn request_nat_gateway(
        &self,
        cluster: &str,
        r: &ResolvedResource,
        salt: &str,
    ) -> Result<String, AwsError> {
        let out = self
            .client
            .create_nat_gateway()
            .subnet_id(prop_str(r, "subnet_id")?)
            .allocation_id(prop_str(r, "allocation_id")?)
            .client_token(client_token(cluster, r, salt))
            .set_tag_specifications(tag_spec(ResourceType::Natgateway, &r.props).map(|t| vec![t]))
            .send()
            .await
            .map_err(sdk("CreateNatGateway"))?;
        let nat = out.nat_gateway().and_then(|n| n.nat_gateway_id());
        nat.map(str::to_string)
            .ok_or_else(|| missing_id("CreateNatGateway", &r.address))
    }

    async fn nat_state(&self, id: &str) -> Result<Option<NatGatewayState>, AwsError> {
        let out = self
            .client
            .describe_nat_gateways()
            .nat_gateway_ids(id)
            .send()
            .await;
        let out = out.map_err(sdk("DescribeNatGateways"))?;
        Ok(out.nat_gateways().first().and_then(|n| n.state()).cloned())
    }

    /// Reports the NAT gateway's state as the change's status, which a wait that gives up (or
    /// the executor's deadline) names as the last state seen. A failed read reports nothing.
    async fn note_nat_state(&self, id: &str) {
        if let Ok(Some(state)) = self.nat_state(id).await {
            set_status(format!("NAT gateway {id} is {}", state.as_str()));
        }
    }

    /// Waits until deleted: its Elastic IP and subnet cannot go before.
    pub(crate) async fn delete_nat_gateway(&self, live: &LiveResource) -> Result<(), AwsError> {
        let call = self.client.delete_nat_gateway().nat_gateway_id(&live.id);
        call.send().await.map_err(sdk("DeleteNatGateway"))?;
        self.note_nat_state(&live.id).await;
        let waited = self
            .client
            .wait_until_nat_gateway_deleted()
            .nat_gateway_ids(&live.id)
            .wait(wait_for(Kind::NatGateway, Op::Delete))
            .await;
        if let Err(e) = waited {
            self.note_nat_state(&live.id).await;
            return Err(waiter_error("DescribeNatGateways", &live.address, e));
        }
        Ok(())
    }

    /// Retried while in use; each refusal drains the network interfaces left in the VPC.
    pub(crate) async fn delete_vpc(&self, live: &LiveResource) -> Result<(), AwsError> {
        self.retry_in_use(live, || async {
            let call = self.client.delete_vpc().vpc_id(&live.id);
            match call.send().await.map_err(sdk("DeleteVpc")) {
                Ok(_) => Ok(()),
                Err(e) => Err(self.drain(live, Held::Vpc, e).await),
            }
        })
        .await
    }

    /// Retried while in use; each refusal drains the network interfaces left in the subnet.
    pub(crate) async fn delete_subnet(&self, live: &LiveResource) -> Result<(), AwsError> {
        self.retry_in_use(live, || async {
            let call = self.client.delete_subnet().subnet_id(&live.id);
            match call.send().await.map_err(sdk("DeleteSubnet")) {
                Ok(_) => Ok(()),
                Err(e) => Err(self.drain(live, Held::Subnet, e).await),
            }
        })
        .await
    }

    /// Makes the live tags equal the desired ones: changed and new keys in one CreateTags,
    /// removed keys in one DeleteTags.
    pub(super) async fn update_tags(
        &self,
        r: &ResolvedResource,
        live: &LiveResource,
    ) -> Result<(), AwsError> {
        let want = tags_of(&r.props);
        let have = tags_of(&live.props);
        let set: std::collections::BTreeMap<String, String> = want
            .iter()
            .filter(|(k, v)| have.get(*k) != Some(v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let removed: Vec<Tag> = have
            .keys()
            .filter(|k| !want.contains_key(*k))
            .map(|k| Tag::builder().key(k).build())
            .collect();
        if !set.is_empty() {
            let call = self
                .client
                .create_tags()
                .resources(&live.id)
                .set_tags(Some(sdk_tags(&set)));
            call.send().await.map_err(sdk("CreateTags"))?;
        }
        if !removed.is_empty() {
            let call = self
                .client
                .delete_tags()
                .resources(&live.id)
                .set_tags(Some(removed));
            call.send().await.map_err(sdk("DeleteTags"))?;
        }
        Ok(())
    }
}

/// Why a NAT gateway failed, as AWS says (a subnet without an internet gateway, an address in use).
fn nat_failure(
    out: &aws_sdk_ec2::operation::describe_nat_gateways::DescribeNatGatewaysOutput,
) -> Option<String> {
    let n = out.nat_gateways().first()?;
    Some(format!(
        "{}: {}",
        n.failure_code()?,
        n.failure_message().unwrap_or("")
    ))
}

fn is_gone(state: &NatGatewayState) -> bool {
    matches!(state, NatGatewayState::Deleted | NatGatewayState::Deleting)
}
