//! The network the account decides for a config that leaves it open: the VPC and subnets of a
//! `vpc.fromStack` stack, or the zones when the file names none. The AWS crate reads them; this
//! module only says which ones a spec needs and makes the spec they complete, as a new value:
//! the parsed spec is never written to. Pure: no AWS, no async.
//!
//! Also `assign_zones` (the zones part, which callers with a spec of their own use in place) and
//! `check_stack_subnets` (the config-time subnet checks, once a stack's subnets are known). It
//! takes whole `ClusterSpec`s, so it sits in config's root layer, above the readers.

use super::network;
use super::root::ClusterSpec;
use super::spec::{LbType, NatMode, SubnetSpec};
use std::collections::HashSet;

/// What a spec needs the account to tell about its network before the model can be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkQuestion {
    /// The file decides everything: nothing to read.
    None,
    /// `vpc.fromStack`: the stack's outputs and their subnets.
    Stack,
    /// No zone named anywhere: the zones the region offers.
    Zones,
}

/// What the account said about the network, answering a spec's `NetworkQuestion`.
#[derive(Debug, Clone, PartialEq)]
pub enum AccountNetwork {
    /// Nothing was asked.
    AsWritten,
    /// The VPC and subnets a `vpc.fromStack` stack names, with their zones and CIDRs.
    Stack(StackNetwork),
    /// The zones the region offers.
    Zones(Vec<String>),
}

/// The VPC and subnets a stack's outputs name, with what EC2 says of each subnet.
#[derive(Debug, Clone, PartialEq)]
pub struct StackNetwork {
    pub vpc_id: String,
    pub public: Vec<SubnetSpec>,
    pub private: Vec<SubnetSpec>,
}

/// What `spec` leaves to the account: its stack when it names one (a stack's subnets decide
/// the zones too), else the zones when it names none.
pub fn network_question(spec: &ClusterSpec) -> NetworkQuestion {
    if spec.vpc.from_stack.is_some() {
        NetworkQuestion::Stack
    } else if spec.vpc.zones_auto {
        NetworkQuestion::Zones
    } else {
        NetworkQuestion::None
    }
}

/// `spec` completed with what the account said: a stack's VPC becomes an existing VPC with
/// subnets by id (the config then reads as if it had named them with `vpc.id` and
/// `vpc.subnets`), offered zones are assigned as eksctl does. An answer the spec did not ask
/// for changes nothing.
pub fn with_network(spec: &ClusterSpec, network: &AccountNetwork) -> ClusterSpec {
    let mut out = spec.clone();
    match (network_question(spec), network) {
        (NetworkQuestion::Stack, AccountNetwork::Stack(stack)) => {
            out.vpc.existing_id = Some(stack.vpc_id.clone());
            out.vpc.public = stack.public.clone();
            out.vpc.private = stack.private.clone();
            out.vpc.nat = NatMode::Disable;
            out.vpc.zones_auto = false;
        }
        (NetworkQuestion::Zones, AccountNetwork::Zones(zones)) => assign_zones(&mut out, zones),
        _ => {}
    }
    out
}

/// Fills `spec.vpc.public`/`private` for a config that named no zones, from the zones the
/// account offers (the CLI reads them), as eksctl does: the first three, in name order.
pub fn assign_zones(spec: &mut ClusterSpec, available: &[String]) {
    if !spec.vpc.zones_auto {
        return;
    }
    let mut zones: Vec<String> = available.to_vec();
    zones.sort();
    zones.dedup();
    zones.truncate(3);
    // Three zones always fit the split of a /16../24 VPC; fewer zones fit too.
    if let Ok((public, private)) = network::split(spec.vpc.cidr, &zones) {
        spec.vpc.public = public;
        spec.vpc.private = private;
    }
    spec.vpc.zones_auto = false;
}

/// What the config-time subnet checks would have said, once the stack's subnets are known:
/// every node group has subnets of its kind, every load balancer public subnets in enough zones.
pub fn check_stack_subnets(spec: &ClusterSpec) -> Result<(), String> {
    let Some(stack) = &spec.vpc.from_stack else {
        return Ok(());
    };
    let mut problems = Vec::new();
    for ng in spec.all_node_groups() {
        let (kind, output, subnets) = if ng.private_networking {
            ("private", "privateSubnets", &spec.vpc.private)
        } else {
            ("public", "publicSubnets", &spec.vpc.public)
        };
        if subnets.is_empty() {
            problems.push(format!(
                "nodegroup \"{}\": stack \"{}\" gives no {kind} subnets (vpc.fromStack.outputs.{output})",
                ng.name, stack.name
            ));
        }
    }
    let public_zones: HashSet<&str> = spec.vpc.public.iter().map(|s| s.az.as_str()).collect();
    for lb in &spec.load_balancers {
        let needed = if lb.kind == LbType::Application { 2 } else { 1 };
        if public_zones.len() < needed {
            problems.push(format!(
                "load balancer \"{}\": needs public subnets in at least {needed} zone(s); stack \"{}\" gives {}",
                lb.name,
                stack.name,
                public_zones.len()
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::load_bytes;

    const HEAD: &str = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: c\n  region: eu-west-1\n";

    fn spec(rest: &str) -> ClusterSpec {
        load_bytes("c.yaml", format!("{HEAD}{rest}").as_bytes())
            .expect("valid config")
            .spec
    }

    fn subnet(az: &str, id: &str) -> SubnetSpec {
        SubnetSpec {
            az: az.into(),
            cidr: None,
            existing_id: Some(id.into()),
        }
    }

    #[test]
    fn zones_fill_a_new_spec_and_leave_the_parsed_one_open() {
        let parsed = spec("");
        assert_eq!(network_question(&parsed), NetworkQuestion::Zones);
        let zones = AccountNetwork::Zones(vec!["eu-west-1c".into(), "eu-west-1a".into()]);
        let filled = with_network(&parsed, &zones);
        let azs: Vec<&str> = filled.vpc.private.iter().map(|s| s.az.as_str()).collect();
        assert_eq!(azs, ["eu-west-1a", "eu-west-1c"]);
        assert!(!filled.vpc.zones_auto);
        assert!(parsed.vpc.zones_auto && parsed.vpc.private.is_empty());
    }

    #[test]
    fn a_stack_makes_the_vpc_existing_with_subnets_by_id() {
        let parsed = spec(
            "vpc:\n  fromStack:\n    name: net\n    outputs: {id: VPC, privateSubnets: Private}\n",
        );
        assert_eq!(network_question(&parsed), NetworkQuestion::Stack);
        let stack = AccountNetwork::Stack(StackNetwork {
            vpc_id: "vpc-1".into(),
            public: vec![],
            private: vec![subnet("eu-west-1a", "subnet-1")],
        });
        let filled = with_network(&parsed, &stack);
        assert_eq!(filled.vpc.existing_id.as_deref(), Some("vpc-1"));
        assert_eq!(filled.vpc.private, vec![subnet("eu-west-1a", "subnet-1")]);
        assert_eq!(filled.vpc.nat, NatMode::Disable);
        assert!(!filled.vpc.zones_auto);
        assert!(parsed.vpc.existing_id.is_none());
    }

    #[test]
    fn an_answer_not_asked_for_changes_nothing() {
        let parsed = spec("availabilityZones: [eu-west-1a, eu-west-1b]\n");
        assert_eq!(network_question(&parsed), NetworkQuestion::None);
        let zones = AccountNetwork::Zones(vec!["eu-west-1c".into()]);
        assert_eq!(with_network(&parsed, &zones), parsed);
    }
}
