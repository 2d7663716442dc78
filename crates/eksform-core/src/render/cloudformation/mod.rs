//! `eksform render --format cloudformation`: the desired model written as one CloudFormation
//! template (YAML). Pure: it reads a `ClusterSpec`/`Desired` and returns text; it never calls
//! AWS, prints or reads files.
//!
//! Every resource keeps eksform's tags (`eksform.io/cluster`, `eksform.io/id`, metadata.tags),
//! so what CloudFormation creates is recognised by eksform as owned. The types CloudFormation
//! cannot tag need none: eksform owns security-group rules, listeners and the instance profile
//! through their group, load balancer and role.
//! Node AMIs are parameters: the EKS-optimized SSM parameter path when the config names no
//! `ami`, the named AMI as a plain default otherwise. A managed node group's target-group
//! attachment has no CloudFormation resource and is left out (noted in the template Metadata).
//!
//! How each kind is written is the kind's own (`Cfn` in its schema, a function in its file under
//! `crate::kinds`); this module holds what they share: logical ids, intrinsics, the sink they
//! add to, the AMI parameters, the signals and the outputs.

mod ids;
mod intrinsic;
mod outputs;
mod signal;
mod yaml;

#[cfg(test)]
mod tests;

use crate::config::ClusterSpec;
use crate::kinds::Cfn;
use crate::model::{self, Desired, ModelInputs};
use serde_json::{Map, Value, json};

pub use ids::camel as logical_id;
pub use intrinsic::{Ids, tag_list};
pub use signal::{Signals, TIMEOUT as SIGNAL_TIMEOUT, sub_user_data};

/// Zone names given to the model when the config lets the account choose zones: rendered as
/// `Fn::Select [i, Fn::GetAZs ""]`, so the template picks the region's first zones.
const AUTO_ZONES: [&str; 3] = ["auto-zone-1", "auto-zone-2", "auto-zone-3"];

/// How one node group's AMI is chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct AmiParam {
    pub nodegroup: String,
    /// An AMI id, or the public SSM parameter naming one when `from_ssm`.
    pub default: String,
    pub from_ssm: bool,
}

/// The template for a validated config (no AWS calls: AMIs and automatic zones are left to
/// CloudFormation).
pub fn render_spec(spec: &ClusterSpec) -> String {
    let mut spec = spec.clone();
    let auto = spec.vpc.zones_auto;
    if auto {
        let zones: Vec<String> = AUTO_ZONES.iter().map(|z| z.to_string()).collect();
        crate::config::assign_zones(&mut spec, &zones);
    }
    let desired = model::desired(&spec, &ModelInputs::default());
    let amis: Vec<AmiParam> = spec
        .all_node_groups()
        .map(|ng| match &ng.ami {
            Some(id) => AmiParam {
                nodegroup: ng.name.clone(),
                default: id.clone(),
                from_ssm: false,
            },
            None => AmiParam {
                nodegroup: ng.name.clone(),
                default: crate::model::ami_parameter(
                    ng.ami_family,
                    &spec.version,
                    &ng.instance_type,
                ),
                from_ssm: true,
            },
        })
        .collect();
    template(&desired, &amis)
}

/// The template for a desired model.
pub fn template(desired: &Desired, amis: &[AmiParam]) -> String {
    let value = template_value(desired, amis);
    format!(
        "# Rendered by `eksform render --format cloudformation`: cluster \"{}\".\n{}",
        desired.cluster,
        yaml::to_yaml(&value)
    )
}

/// What a kind's renderer reads: the template's logical ids, the whole model (a group's
/// rules), the AMI parameters and which groups signal.
pub struct Cx<'a> {
    pub ids: &'a Ids,
    pub desired: &'a Desired,
    pub amis: &'a [AmiParam],
    pub signals: &'a Signals,
}

/// What resources are appended to while rendering.
pub struct Sink {
    resources: Map<String, Value>,
    /// The internet gateway's attachment, which routes through the gateway wait for.
    attachment: Option<String>,
}

impl Sink {
    pub fn add(&mut self, id: String, res: Value) {
        self.resources.insert(id, res);
    }

    /// Routes and NAT gateways wait for the internet gateway's attachment `id`.
    pub fn set_attachment(&mut self, id: String) {
        self.attachment = Some(id);
    }

    pub fn depend_on_attachment(&self, res: &mut Value) {
        if let Some(a) = &self.attachment {
            res["DependsOn"] = json!([a]);
        }
    }

    /// A zone name, or for a placeholder zone the region's zone at that position.
    pub fn zone(&self, z: &Value) -> Value {
        match AUTO_ZONES.iter().position(|a| Some(*a) == z.as_str()) {
            Some(i) => json!({ "Fn::Select": [i, { "Fn::GetAZs": "" }] }),
            None => z.clone(),
        }
    }
}

/// A resource of CloudFormation type `ty`.
pub fn resource(ty: &str, props: Value) -> Value {
    json!({ "Type": ty, "Properties": props })
}

/// A list property's items (none when absent).
pub fn array(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or_default()
}

/// The desired resources with the record of the applied config in their tags, as eksform's
/// own apply writes it (`plan::applied`): a resource CloudFormation made then reads in `eksform
/// plan` as made from this config, not as edited since.
fn with_records(desired: &Desired) -> Desired {
    let digests = crate::plan::applied::digests(desired);
    let mut out = desired.clone();
    for r in &mut out.resources {
        let (Some(digest), Some(Value::Object(tags))) =
            (digests.get(&r.address), r.props.get_mut("tags"))
        else {
            continue;
        };
        tags.insert(
            crate::model::TAG_APPLIED.to_string(),
            Value::String(digest.clone()),
        );
    }
    out
}

/// The template as a JSON value (what the YAML is written from; tests read it).
pub fn template_value(desired: &Desired, amis: &[AmiParam]) -> Value {
    let desired = &with_records(desired);
    let ids = Ids::new(
        desired
            .resources
            .iter()
            .map(|r| (r.address.as_str(), r.kind)),
    );
    let mut sink = Sink {
        resources: Map::new(),
        attachment: None,
    };
    let signals = Signals::plan(&ids, desired);
    let cx = Cx {
        ids: &ids,
        desired,
        amis,
        signals: &signals,
    };
    let mut left_out = Vec::new();
    for r in &desired.resources {
        match r.kind.schema().cfn {
            Cfn::Render(write) => write(&cx, r, &mut sink),
            Cfn::LeftOut(reason) => left_out.push(json!({
                "address": r.address,
                "reason": reason,
            })),
        }
    }
    let mut t = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": format!("eksform cluster {} (eksform.io/* tags mark what eksform owns)", desired.cluster),
        "Resources": sink.resources,
    });
    let params = parameters(amis);
    if !params.is_empty() {
        t["Parameters"] = Value::Object(params);
    }
    t["Outputs"] = outputs::outputs(&ids, desired);
    let mut metadata = Map::new();
    if !left_out.is_empty() {
        metadata.insert("eksform.io/left-out".into(), json!(left_out));
    }
    if !signals.unsignalled.is_empty() {
        metadata.insert("eksform.io/unsignalled".into(), json!(signals.unsignalled));
    }
    if !metadata.is_empty() {
        t["Metadata"] = Value::Object(metadata);
    }
    t
}

/// `AmiWeb` for node group `web`.
pub fn ami_param_name(nodegroup: &str) -> String {
    format!("Ami{}", ids::camel(nodegroup))
}

fn parameters(amis: &[AmiParam]) -> Map<String, Value> {
    amis.iter()
        .map(|a| {
            let (ty, what) = if a.from_ssm {
                (
                    "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
                    "SSM parameter naming the EKS-optimized AMI",
                )
            } else {
                ("AWS::EC2::Image::Id", "AMI id")
            };
            let p = json!({
                "Type": ty,
                "Default": a.default,
                "Description": format!("node group \"{}\": {what}", a.nodegroup),
            });
            (ami_param_name(&a.nodegroup), p)
        })
        .collect()
}
