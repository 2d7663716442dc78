//! `route_table`: id `rtb-…`; properties vpc_id, routes [{destination, target}] sorted by
//! destination, subnet_ids, tags.

use super::{Cfn, Field as F, Kind, KindSchema};
use crate::model::Resource;
use crate::render::cloudformation::{Cx, Sink, array, resource, tag_list};
use serde_json::{Map, Value, json};

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn: Cfn::Render(cfn),
    ..KindSchema::new(
        Kind::RouteTable,
        "route_table",
        &[
            F::new("vpc_id").force_new(),
            F::new("routes").set(),
            F::new("subnet_ids").set(),
            F::new("tags"),
        ],
    )
};

fn cfn(cx: &Cx, r: &Resource, out: &mut Sink) {
    let ids = cx.ids;
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
            None => crate::render::cloudformation::logical_id(subnet.as_str().unwrap_or_default()),
        };
        let props = json!({ "RouteTableId": { "Ref": id }, "SubnetId": ids.value(subnet) });
        let res = resource("AWS::EC2::SubnetRouteTableAssociation", props);
        out.add(format!("{id}{name}Association"), res);
    }
}
