//! The `vpc.fromStack` objects of the field table: a CloudFormation stack eksform does not own
//! and the outputs naming the VPC and its subnets. Data only, like `fields`.

use super::{Kind, Section, Text, field};

/// CloudFormation stack names: a letter, then letters, digits and hyphens, at most 128.
pub const STACK_NAME: Text = Text {
    pattern: "^[a-zA-Z][-a-zA-Z0-9]*$",
    max_len: 128,
};
/// Output keys are template logical ids: letters and digits only.
pub const OUTPUT_NAME: Text = Text {
    pattern: "^[a-zA-Z0-9]+$",
    max_len: 255,
};

pub static FROM_STACK: Section = Section {
    name: "FromStack",
    eksctl: "",
    doc: "A CloudFormation stack eksform does not own whose outputs name the VPC and subnets (eksform extension).",
    fields: &[
        field(
            "name",
            Kind::Text(STACK_NAME),
            "The stack's name, e.g. eksctl-<cluster>-cluster.",
        )
        .required(),
        field(
            "outputs",
            Kind::Object(&STACK_OUTPUTS),
            "Which output holds what.",
        )
        .required(),
    ],
};

pub static STACK_OUTPUTS: Section = Section {
    name: "FromStackOutputs",
    eksctl: "",
    doc: "Output keys of the stack; subnet outputs hold comma-joined subnet ids, as eksctl's do.",
    fields: &[
        field(
            "id",
            Kind::Text(OUTPUT_NAME),
            "The output holding the VPC id (eksctl: VPC).",
        )
        .required(),
        field(
            "publicSubnets",
            Kind::Text(OUTPUT_NAME),
            "The output holding the public subnet ids (eksctl: SubnetsPublic).",
        ),
        field(
            "privateSubnets",
            Kind::Text(OUTPUT_NAME),
            "The output holding the private subnet ids (eksctl: SubnetsPrivate).",
        ),
    ],
};
