//! The shape of a kind's declaration: its fields and what each means to the diff, the
//! attributes others reference, how it is named and owned, and the few behaviours generic plan
//! code asks of it. Data first; where a kind needs code (a note's text, a roll's size), the
//! schema holds a function pointer to a function in the kind's own file. Pure: no I/O.

use super::Kind;
use crate::live::LiveResource;
use crate::model::Resource;
use crate::plan::{Change, Rolling, RollingVia};
use crate::render::cloudformation::{Cx, Ids, Sink};
use serde_json::Value;

/// Everything generic code knows about one kind. Each kind file declares one as `SCHEMA`; the
/// registry (`kinds/mod.rs`) lists them in `Kind::ALL`'s order.
#[derive(Debug)]
pub struct KindSchema {
    pub kind: Kind,
    /// The snake_case name used in addresses, JSON output and messages.
    pub name: &'static str,
    /// Every property the model may set on a resource of the kind.
    pub fields: &'static [Field],
    /// Attributes other resources may reference besides `id`, and how CloudFormation exposes
    /// them (an `id` entry only where CloudFormation's `Ref` is not the id).
    pub attrs: &'static [Attr],
    /// For names AWS keeps unique: the longest name AWS takes and the field naming the scope
    /// it is unique in (`None`: the whole region).
    pub unique_name: Option<(usize, Option<&'static str>)>,
    /// For parts of another resource (no tags of their own): the field referring to the
    /// parent, and the parent's kind.
    pub parent: Option<(&'static str, Kind)>,
    /// How a replacement is ordered against the old resource (see `plan::diff`).
    pub replace: Replace,
    /// Replacing or deleting it takes the cluster down: consent and deletion protection apply,
    /// and this says what the change destroys (see `plan::consent`).
    pub downtime: Option<DowntimeFn>,
    /// It runs the cluster's nodes (a node group, managed or self-managed).
    pub runs_nodes: bool,
    /// An in-place update of anything but its tags changes this attribute (a launch
    /// template's new default version), which others may follow.
    pub versioned_attr: Option<&'static str>,
    /// A new launch template version replaces its running instances (see `plan::rolling`).
    pub rolls: Option<Roll>,
    /// A side effect of an update a reviewer must read (see `plan::notes`).
    pub side_effect: Option<SideEffectFn>,
    /// A key two resources of the kind cannot share, which a delete of the same plan may still
    /// hold (see `plan::protect::conflicts`).
    pub exclusive: Option<Exclusive>,
    /// How a CloudFormation template writes it.
    pub cfn: Cfn,
    /// The template's outputs for one resource of the kind (a load balancer's DNS name).
    pub cfn_outputs: Option<CfnOutputsFn>,
    /// What `apply` prints of each resource of the kind once it converged, for users to wire
    /// next: `(label, attribute)` pairs, the attribute `id` being its physical id (a target
    /// group's ARN).
    pub outputs: &'static [(&'static str, &'static str)],
    /// Its instances tell CloudFormation they booted (`cfn-signal`: a self-managed Auto
    /// Scaling group, see `render::cloudformation::signal`).
    pub cfn_signals: bool,
}

/// How a kind appears in a CloudFormation template.
#[derive(Debug, Clone, Copy)]
pub enum Cfn {
    /// Written by this function (its resources added to the sink).
    Render(fn(&Cx, &Resource, &mut Sink)),
    /// Not in the template, for this reason (listed under `Metadata.eksform.io/left-out`).
    LeftOut(&'static str),
}

/// A template output: its name, description and value.
pub type CfnOutput = (String, String, Value);

/// The outputs of one resource, given the template's logical ids.
pub type CfnOutputsFn = fn(&Ids, &Resource) -> Vec<CfnOutput>;

/// What a change that takes the cluster down destroys: `(verb, cluster, change, all changes)`.
pub type DowntimeFn = fn(&str, &str, &Change, &[Change]) -> String;

/// A note on an update's side effect, given the change and the resource as read.
pub type SideEffectFn = fn(&Change, &LiveResource) -> Option<String>;

/// One property of a kind and what it means to the diff.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    /// AWS cannot change it in place: a different value means a new resource.
    pub force_new: bool,
    /// A list whose order carries no meaning (compared as a set).
    pub set: bool,
    /// AWS derives it from other fields: compared, so a change forces what it must, but never
    /// sent and left out of the applied record.
    pub derived: bool,
    /// How to change the resource, not what it is (an instance refresh's settings): never
    /// read nor compared.
    pub apply_only: bool,
    /// Read at create only: someone else owns it afterwards (desired sizes, which autoscalers
    /// own) or it only orders the create.
    pub create_only: bool,
    /// It moves one way only (an authentication mode): going back is refused at plan time.
    pub one_way: Option<&'static OneWay>,
    /// What the field is when the model leaves it out (AWS's own default: no log types, no
    /// retention): compared with what is read even when absent, so removing the setting from
    /// the config puts the default back instead of leaving AWS as it is. Absent from what is
    /// read counts as the default too.
    pub default: Option<FieldDefault>,
}

/// A field's default value (const-friendly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldDefault {
    /// An empty list.
    EmptyList,
    /// No value at all (JSON null).
    Null,
}

impl FieldDefault {
    pub fn value(self) -> Value {
        match self {
            FieldDefault::EmptyList => Value::Array(Vec::new()),
            FieldDefault::Null => Value::Null,
        }
    }
}

impl Field {
    /// A field compared in place, with no other meaning.
    pub const fn new(name: &'static str) -> Field {
        Field {
            name,
            force_new: false,
            set: false,
            derived: false,
            apply_only: false,
            create_only: false,
            one_way: None,
            default: None,
        }
    }

    pub const fn default(self, value: FieldDefault) -> Field {
        Field {
            default: Some(value),
            ..self
        }
    }

    pub const fn force_new(self) -> Field {
        Field {
            force_new: true,
            ..self
        }
    }

    pub const fn set(self) -> Field {
        Field { set: true, ..self }
    }

    pub const fn derived(self) -> Field {
        Field {
            derived: true,
            ..self
        }
    }

    pub const fn apply_only(self) -> Field {
        Field {
            apply_only: true,
            ..self
        }
    }

    pub const fn create_only(self) -> Field {
        Field {
            create_only: true,
            ..self
        }
    }

    pub const fn one_way(self, rule: &'static OneWay) -> Field {
        Field {
            one_way: Some(rule),
            ..self
        }
    }
}

/// A field whose values AWS moves in one direction only.
#[derive(Debug)]
pub struct OneWay {
    /// The values in the only order AWS moves through them.
    pub order: &'static [&'static str],
    /// Where the config sets it (`accessConfig.authenticationMode`), for the refusal's position.
    pub config_field: &'static str,
    /// The refusal: `(address, before, after)`.
    pub refusal: fn(&str, &str, &str) -> String,
}

/// An attribute others may reference, and its CloudFormation name (`None`: `Ref`).
#[derive(Debug, Clone, Copy)]
pub struct Attr {
    pub name: &'static str,
    pub cfn: Option<&'static str>,
}

impl Attr {
    pub const fn new(name: &'static str, cfn: Option<&'static str>) -> Attr {
        Attr { name, cfn }
    }
}

/// What decides whether a replacement is created before the old resource goes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Replace {
    /// The parent field whose change puts the new resource elsewhere (another VPC, another
    /// load balancer), where nothing of the old one's collides.
    pub elsewhere: Option<&'static str>,
    /// Within the same parent, the new resource collides with the old one on a key other
    /// than its name (a subnet's CIDR, a listener's port, an access entry's principal).
    pub collides: bool,
    /// A field whose value, when unchanged, the old resource must release first (a NAT
    /// gateway's Elastic IP).
    pub releases: Option<&'static str>,
}

impl Replace {
    /// No constraint of its own: the name, if any, decides.
    pub const NONE: Replace = Replace {
        elsewhere: None,
        collides: false,
        releases: None,
    };
}

/// How a group's instances are replaced when its launch template version changes.
#[derive(Debug, Clone, Copy)]
pub struct Roll {
    pub via: RollingVia,
    /// The roll the update causes, given the change and the group as read.
    pub rolling: fn(&Change, &LiveResource) -> Rolling,
}

/// A key unique within a scope (a subnet's CIDR within its VPC).
#[derive(Debug, Clone, Copy)]
pub struct Exclusive {
    /// The field naming the scope (`vpc_id`).
    pub scope: &'static str,
    /// The field holding the key (`cidr`).
    pub key: &'static str,
    /// The refusal: `(new address, key value, old address, old id)`.
    pub refusal: fn(&str, &str, &str, &str) -> String,
}

impl KindSchema {
    /// A schema with nothing but a name and fields; kind files fill in the rest.
    pub const fn new(kind: Kind, name: &'static str, fields: &'static [Field]) -> KindSchema {
        KindSchema {
            kind,
            name,
            fields,
            attrs: &[],
            unique_name: None,
            parent: None,
            replace: Replace::NONE,
            downtime: None,
            runs_nodes: false,
            versioned_attr: None,
            rolls: None,
            side_effect: None,
            exclusive: None,
            cfn: Cfn::LeftOut("eksform does not write this kind in CloudFormation templates yet"),
            cfn_outputs: None,
            outputs: &[],
            cfn_signals: false,
        }
    }

    /// The declared field named `name`.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The declared attribute named `name`.
    pub fn attr(&self, name: &str) -> Option<&'static Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
}
