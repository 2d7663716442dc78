//! `vpc.fromStack` (an eksform extension): the VPC and subnets are outputs of a CloudFormation
//! stack eksform does not own, such as eksctl's `eksctl-<cluster>-cluster`. This module checks
//! the reference and what it cannot be combined with, and records it in the spec; it must not
//! read the stack (that is `aws::stacks`, at plan time).

use super::read::{Ctx, Spanned, missing, string};
use super::schema::{Fields, sub_fields};
use super::spec::StackRef;
use super::table::{FROM_STACK, OUTPUT_NAME, STACK_NAME, STACK_OUTPUTS, Text};

/// The fields of `vpc` that describe a VPC themselves, so cannot come with a stack's VPC.
const CONFLICTS: &[&str] = &["id", "cidr", "subnets", "nat"];

/// Reads `vpc.fromStack` (present in `vpc`) and reports what conflicts with it; `None` when
/// the reference itself is unusable.
pub fn read_from_stack(cx: &mut Ctx, top: &Fields, vpc: &Fields) -> Option<StackRef> {
    report_conflicts(cx, top, vpc);
    let f = sub_fields(cx, vpc, "fromStack", &FROM_STACK);
    let name = f.read(cx, "name", |cx, n, p| {
        text(cx, n, p, STACK_NAME, "a stack name")
    });
    if f.value("name").is_none() {
        let hint = "name the CloudFormation stack, e.g. name: eksctl-<cluster>-cluster";
        missing(cx, f.at, &f.path, "name", Some(hint.into()));
    }
    let outputs = sub_fields(cx, &f, "outputs", &STACK_OUTPUTS);
    let output = |cx: &mut Ctx, key: &str| {
        outputs
            .read(cx, key, |cx, n, p| {
                text(cx, n, p, OUTPUT_NAME, "an output key")
            })
            .flatten()
            .map(|s| s.value)
    };
    let id = output(cx, "id");
    let public = output(cx, "publicSubnets");
    let private = output(cx, "privateSubnets");
    if f.value("outputs").is_none() {
        let hint =
            "e.g. outputs: {id: VPC, publicSubnets: SubnetsPublic, privateSubnets: SubnetsPrivate}";
        missing(cx, f.at, &f.path, "outputs", Some(hint.into()));
    } else if outputs.value("id").is_none() {
        let hint = "name the output holding the VPC id, e.g. id: VPC (eksctl's)";
        missing(cx, outputs.at, &outputs.path, "id", Some(hint.into()));
    }
    if f.value("outputs").is_some() && public.is_none() && private.is_none() {
        let msg = format!(
            "{}: names no subnet output; a cluster needs subnets",
            outputs.path
        );
        let hint = "add publicSubnets and/or privateSubnets, e.g. publicSubnets: SubnetsPublic";
        cx.error(outputs.at, &outputs.path, msg, Some(hint.into()));
    }
    Some(StackRef {
        name: name.flatten()?.value,
        id_output: id?,
        public_output: public,
        private_output: private,
    })
}

fn report_conflicts(cx: &mut Ctx, top: &Fields, vpc: &Fields) {
    for key in CONFLICTS {
        if let Some(at) = vpc.key_pos(key) {
            let path = vpc.path_of(key);
            let msg = format!("{path} cannot be combined with vpc.fromStack");
            let hint = "the stack's outputs name the VPC and its subnets, used as is; remove it";
            cx.error(at, &path, msg, Some(hint.into()));
        }
    }
    if let Some(at) = top.key_pos("availabilityZones") {
        let msg = "availabilityZones cannot be combined with vpc.fromStack";
        let hint = "the zones are those of the stack's subnets; remove availabilityZones";
        cx.error(at, "availabilityZones", msg, Some(hint.into()));
    }
}

/// A string obeying `rule`, one of the table's two name rules: a stack name (a letter, then
/// letters, digits and hyphens) or an output key (letters and digits).
fn text(
    cx: &mut Ctx,
    node: &super::yaml::Node,
    path: &str,
    rule: Text,
    what: &str,
) -> Option<Spanned<String>> {
    let s = string(cx, node, path)?;
    let stack = rule.pattern == STACK_NAME.pattern;
    let v = &s.value;
    let ok = !v.is_empty()
        && v.len() <= rule.max_len as usize
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || (stack && c == '-'))
        && (!stack || v.starts_with(|c: char| c.is_ascii_alphabetic()));
    if !ok {
        let rule_text = if stack {
            "a letter, then letters, digits and hyphens"
        } else {
            "letters and digits only"
        };
        let msg = format!("{path}: \"{v}\" is not {what}");
        let hint = format!("{rule_text}, at most {} characters", rule.max_len);
        cx.error(s.pos, path, msg, Some(hint));
        return None;
    }
    Some(s)
}
