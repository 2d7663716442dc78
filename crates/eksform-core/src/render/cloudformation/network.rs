//! The network and security-group part of the template: VPC, subnets, internet gateway and its
//! attachment, Elastic IPs, NAT gateways, route tables with one `AWS::EC2::Route` per route and
//! one association per subnet, security groups and their rules. Pure; values only.
//!
//! Egress: a security group CloudFormation creates without `SecurityGroupEgress` gets AWS's
//! allow-all egress rule, which eksform models as a rule resource of its own. Rendering that
//! rule as a separate `AWS::EC2::SecurityGroupEgress` would duplicate AWS's, so CIDR egress
//! rules are written inline on the group (which replaces the default) and only egress to
//! another group is a resource of its own.

use super::intrinsic::{Ids, tag_list};
use super::{Sink, resource};
use crate::model::{Kind, Resource};
use serde_json::{Map, Value, json};

pub fn vpc(ids: &Ids, r: &Resource, out: &mut Sink) {
    let p = &r.props;
    let props = json!({
        "CidrBlock": p["cidr"],
        "EnableDnsHostnames": p["enable_dns_hostnames"],
        "EnableDnsSupport": p["enable_dns_support"],
        "Tags": tag_list(&r.tags()),
    });
    out.add(ids.logical(&r.address), resource("AWS::EC2::VPC", props));
}

pub fn subnet(ids: &Ids, r: &Resource, out: &mut Sink) {
    let p = &r.props;
    let props = json!({
        "VpcId": ids.value(&p["vpc_id"]),
        "CidrBlock": p["cidr"],
        "AvailabilityZone": out.zone(&p["availability_zone"]),
        "MapPublicIpOnLaunch": p["map_public_ip_on_launch"],
        "Tags": tag_list(&r.tags()),
    });
    out.add(ids.logical(&r.address), resource("AWS::EC2::Subnet", props));
}

/// The gateway and its attachment (eksform's `vpc_id` on the gateway is the attachment).
pub fn internet_gateway(ids: &Ids, r: &Resource, out: &mut Sink) {
    let id = ids.logical(&r.address);
    let gw = json!({ "Tags": tag_list(&r.tags()) });
    out.add(id.clone(), resource("AWS::EC2::InternetGateway", gw));
    let attach = json!({
        "VpcId": ids.value(&r.props["vpc_id"]),
        "InternetGatewayId": { "Ref": id },
    });
    out.attachment = Some(format!("{id}Attachment"));
    out.add(
        format!("{id}Attachment"),
        resource("AWS::EC2::VPCGatewayAttachment", attach),
    );
}

pub fn elastic_ip(ids: &Ids, r: &Resource, out: &mut Sink) {
    let props = json!({ "Domain": "vpc", "Tags": tag_list(&r.tags()) });
    out.add(ids.logical(&r.address), resource("AWS::EC2::EIP", props));
}

pub fn nat_gateway(ids: &Ids, r: &Resource, out: &mut Sink) {
    let p = &r.props;
    let props = json!({
        "SubnetId": ids.value(&p["subnet_id"]),
        "AllocationId": ids.value(&p["allocation_id"]),
        "Tags": tag_list(&r.tags()),
    });
    let mut res = resource("AWS::EC2::NatGateway", props);
    // A NAT gateway in a public subnet needs the internet gateway attached first.
    out.depend_on_attachment(&mut res);
    out.add(ids.logical(&r.address), res);
}

pub fn route_table(ids: &Ids, r: &Resource, out: &mut Sink) {
    let id = ids.logical(&r.address);
    let props = json!({
        "VpcId": ids.value(&r.props["vpc_id"]),
        "Tags": tag_list(&r.tags()),
    });
    out.add(id.clone(), resource("AWS::EC2::RouteTable", props));
    for (i, route) in array(&r.props["routes"]).iter().enumerate() {
        let mut props = Map::new();
        props.insert("RouteTableId".into(), json!({ "Ref": id }));
        props.insert("DestinationCidrBlock".into(), route["destination"].clone());
        let target = &route["target"];
        let key = match crate::model::as_reference(target) {
            Some((a, _)) if a.starts_with("nat_gateway.") => "NatGatewayId",
            _ => "GatewayId",
        };
        props.insert(key.into(), ids.value(target));
        let mut res = resource("AWS::EC2::Route", Value::Object(props));
        if key == "GatewayId" {
            out.depend_on_attachment(&mut res);
        }
        out.add(format!("{id}Route{}", i + 1), res);
    }
    for subnet in array(&r.props["subnet_ids"]) {
        let name = match crate::model::as_reference(subnet) {
            Some((a, _)) => ids.logical(a),
            None => super::ids::camel(subnet.as_str().unwrap_or_default()),
        };
        let props = json!({ "RouteTableId": { "Ref": id }, "SubnetId": ids.value(subnet) });
        let res = resource("AWS::EC2::SubnetRouteTableAssociation", props);
        out.add(format!("{id}{name}Association"), res);
    }
}

/// A group, with its CIDR egress rules inline (see the module doc).
pub fn security_group(ids: &Ids, r: &Resource, rules: &[&Resource], out: &mut Sink) {
    let p = &r.props;
    let mut egress: Vec<Value> = rules
        .iter()
        .filter(|x| {
            inline_egress(x) && x.props["security_group_id"] == crate::model::ref_id(&r.address)
        })
        .map(|x| rule_body(ids, x, false))
        .collect();
    if egress.is_empty() {
        // AWS's documented way to say "no egress" in a template (no default rule is added).
        egress.push(json!({ "CidrIp": "127.0.0.1/32", "IpProtocol": "-1" }));
    }
    let props = json!({
        "GroupName": p["name"],
        "GroupDescription": p["description"],
        "VpcId": ids.value(&p["vpc_id"]),
        "SecurityGroupEgress": egress,
        "Tags": tag_list(&r.tags()),
    });
    out.add(
        ids.logical(&r.address),
        resource("AWS::EC2::SecurityGroup", props),
    );
}

/// Whether a rule is written on its group rather than as a resource of its own.
pub fn inline_egress(r: &Resource) -> bool {
    r.kind == Kind::SecurityGroupRule
        && r.props["direction"] == "egress"
        && r.props.get("cidr").is_some_and(|c| !c.is_null())
}

/// An ingress rule, or an egress rule to another group, as its own resource. Rules carry no
/// tags in CloudFormation; their address is kept in `Metadata`.
pub fn rule(ids: &Ids, r: &Resource, out: &mut Sink) {
    let ty = if r.props["direction"] == "egress" {
        "AWS::EC2::SecurityGroupEgress"
    } else {
        "AWS::EC2::SecurityGroupIngress"
    };
    let mut res = resource(ty, rule_body(ids, r, true));
    res["Metadata"] = json!({ "eksform.io/id": r.address });
    out.add(ids.logical(&r.address), res);
}

fn rule_body(ids: &Ids, r: &Resource, standalone: bool) -> Value {
    let p = &r.props;
    let egress = p["direction"] == "egress";
    let mut m = Map::new();
    if standalone {
        m.insert("GroupId".into(), ids.value(&p["security_group_id"]));
    }
    m.insert("IpProtocol".into(), p["protocol"].clone());
    if p["protocol"] != "-1" {
        m.insert("FromPort".into(), p["from_port"].clone());
        m.insert("ToPort".into(), p["to_port"].clone());
    }
    if let Some(c) = p.get("cidr").filter(|c| !c.is_null()) {
        m.insert("CidrIp".into(), c.clone());
    }
    if let Some(g) = p.get("source_security_group_id").filter(|g| !g.is_null()) {
        let key = if egress {
            "DestinationSecurityGroupId"
        } else {
            "SourceSecurityGroupId"
        };
        m.insert(key.into(), ids.value(g));
    }
    if let Some(d) = p
        .get("description")
        .and_then(Value::as_str)
        .filter(|d| !d.is_empty())
    {
        m.insert("Description".into(), json!(d));
    }
    Value::Object(m)
}

pub fn array(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or_default()
}
