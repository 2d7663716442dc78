//! The network section: `vpc` (id, cidr, subnets, nat) and `availabilityZones`, checked and
//! turned into a `VpcSpec` with eksctl's subnet split applied.
//!
//! Also owns the naming rules of regions and zones, and `split`, which `assign_zones` reuses
//! once the account's zones are known. Pure: it must not ask AWS anything.

use super::from_stack::read_from_stack;
use super::read::{Ctx, Spanned, child, cidr, item, list, resource_id, string};
use super::schema::{Fields, fields, sub_fields};
use super::spec::{NatMode, SubnetSpec, VpcSpec};
use super::table::{DEFAULT_CIDR, NAT, SUBNET, SUBNETS, VPC};
use super::yaml::{Node, Pos, Value};
use ipnet::Ipv4Net;
use std::collections::HashSet;

pub fn default_cidr() -> Ipv4Net {
    DEFAULT_CIDR.parse().expect("the default CIDR is valid")
}

/// `eu-north-1`, `us-gov-west-1`, `ap-southeast-2`, …
pub fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].parse::<u8>().is_ok()
}

/// The region of a zone: `eu-north-1a` (an availability zone) or `us-west-2-lax-1a` (a local
/// zone); `None` when `az` is neither.
pub fn az_region(az: &str) -> Option<&str> {
    // The region ends at the first "-<digits>" part.
    let mut end = None;
    let mut offset = 0;
    for part in az.split('-') {
        let digits = part.bytes().take_while(u8::is_ascii_digit).count();
        if offset > 0 && digits > 0 {
            end = Some(offset + digits);
            break;
        }
        offset += part.len() + 1;
    }
    let end = end?;
    let (region, rest) = az.split_at(end);
    let zone_letter = |s: &str| s.len() == 1 && s.chars().all(|c| c.is_ascii_lowercase());
    let local = |s: &str| {
        let p: Vec<&str> = s.split('-').collect();
        p.len() == 3
            && p[0].is_empty()
            && !p[1].is_empty()
            && p[1].chars().all(|c| c.is_ascii_lowercase())
            && p[2]
                .strip_suffix(|c: char| c.is_ascii_lowercase())
                .is_some_and(|num| !num.is_empty() && num.chars().all(|c| c.is_ascii_digit()))
    };
    (is_region(region) && (zone_letter(rest) || local(rest))).then_some(region)
}

/// Checks a zone name against the region; reports and returns false when it does not fit.
fn check_az(cx: &mut Ctx, az: &str, at: Pos, path: &str, region: Option<&str>) -> bool {
    match (az_region(az), region) {
        (None, _) => {
            let hint = "zones look like eu-north-1a (or a local zone like us-west-2-lax-1a)";
            cx.error(
                at,
                path,
                format!("{path}: \"{az}\" is not an availability zone name"),
                Some(hint.into()),
            );
            false
        }
        (Some(r), Some(region)) if r != region => {
            let msg = format!("{path}: zone \"{az}\" is not in the region {region}");
            cx.error(
                at,
                path,
                msg,
                Some(format!("use zones of {region}, e.g. {region}a")),
            );
            false
        }
        _ => true,
    }
}

/// eksctl's split: the VPC is cut into 8 blocks (16 when more than 8 subnets are needed); zone
/// `i` gets public block `i` and private block `i + zones`.
pub fn split(vpc: Ipv4Net, zones: &[String]) -> Result<(Vec<SubnetSpec>, Vec<SubnetSpec>), String> {
    let n = zones.len();
    let extra = match 2 * n {
        0..=8 => 3,
        9..=16 => 4,
        _ => {
            return Err(format!(
                "{n} zones need {} subnets; eksform splits a VPC into at most 16",
                2 * n
            ));
        }
    };
    let prefix = vpc.prefix_len() + extra;
    if prefix > 28 {
        return Err(format!(
            "{vpc} is too small for {} subnets of /{prefix}; subnets are at least /28",
            2 * n
        ));
    }
    let blocks: Vec<Ipv4Net> = vpc.subnets(prefix).map_err(|e| e.to_string())?.collect();
    let subnet = |i: usize, az: &String| SubnetSpec {
        az: az.clone(),
        cidr: Some(blocks[i]),
        existing_id: None,
    };
    let public = zones
        .iter()
        .enumerate()
        .map(|(i, az)| subnet(i, az))
        .collect();
    let private = zones
        .iter()
        .enumerate()
        .map(|(i, az)| subnet(i + n, az))
        .collect();
    Ok((public, private))
}

/// One entry of `vpc.subnets.public|private`.
struct SubnetEntry {
    public: bool,
    az: String,
    cidr: Option<Spanned<Ipv4Net>>,
    id: Option<String>,
    pos: Pos,
    path: String,
}

pub fn read_network(cx: &mut Ctx, top: &Fields, region: Option<&str>) -> VpcSpec {
    let mut spec = VpcSpec {
        existing_id: None,
        cidr: default_cidr(),
        nat: NatMode::Single,
        zones_auto: false,
        public: vec![],
        private: vec![],
        from_stack: None,
    };
    let f = sub_fields(cx, top, "vpc", &VPC);
    if f.get("fromStack").is_some() {
        // The subnets are known once the stack is read; until then nothing zone-bound is checked.
        spec.from_stack = read_from_stack(cx, top, &f);
        spec.zones_auto = true;
        spec.nat = NatMode::Disable;
        return spec;
    }
    spec.existing_id = f
        .get("id")
        .and_then(|n| resource_id(cx, n, "vpc.id", "vpc-"));
    let prefixes = f.prefixes("cidr");
    let cidr_given = f
        .read(cx, "cidr", |cx, n, p| cidr_in(cx, n, p, prefixes, "a VPC"))
        .flatten();
    if let Some(c) = &cidr_given {
        spec.cidr = c.value;
    }
    let nat = read_nat(cx, &f);
    let subnets = f.get("subnets").map(|_| read_subnets(cx, &f, region));
    let zones = top
        .get("availabilityZones")
        .map(|n| read_zones(cx, n, region));
    place_subnets(cx, &mut spec, top, &f, subnets, zones, cidr_given.is_some());
    decide_nat(cx, &mut spec, nat);
    spec
}

fn place_subnets(
    cx: &mut Ctx,
    spec: &mut VpcSpec,
    top: &Fields,
    vpc: &Fields,
    subnets: Option<Vec<SubnetEntry>>,
    zones: Option<Vec<String>>,
    cidr_given: bool,
) {
    let subnets = subnets.filter(|s| !s.is_empty());
    match (subnets, zones) {
        (Some(_), Some(_)) => {
            let at = top.key_pos("availabilityZones").unwrap_or(top.at);
            let msg = "availabilityZones cannot be combined with vpc.subnets";
            let hint = "the zones come from the subnets' keys; remove availabilityZones";
            cx.error(at, "availabilityZones", msg, Some(hint.into()));
        }
        (Some(entries), None) => {
            check_subnets(cx, spec, &entries, cidr_given || spec.existing_id.is_none());
            for e in entries {
                let s = SubnetSpec {
                    az: e.az,
                    cidr: e.cidr.map(|c| c.value),
                    existing_id: e.id,
                };
                if e.public {
                    spec.public.push(s)
                } else {
                    spec.private.push(s)
                }
            }
        }
        (None, Some(_)) | (None, None) if spec.existing_id.is_some() => {
            let at = vpc.key_pos("id").unwrap_or(vpc.at);
            let msg = "vpc.id names an existing VPC, but vpc.subnets does not name its subnets";
            let hint = "list the subnets to use under vpc.subnets.public / vpc.subnets.private with their ids";
            cx.error(at, "vpc.subnets", msg, Some(hint.into()));
        }
        (None, Some(zones)) => match split(spec.cidr, &zones) {
            Ok((public, private)) => (spec.public, spec.private) = (public, private),
            Err(e) => cx.error(
                top.key_pos("availabilityZones").unwrap_or(top.at),
                "availabilityZones",
                e,
                None,
            ),
        },
        (None, None) => spec.zones_auto = true,
    }
}

/// A CIDR block whose prefix length is in `min..=max`; `what` names the holder in messages.
fn cidr_in(
    cx: &mut Ctx,
    node: &Node,
    path: &str,
    (min, max): (u8, u8),
    what: &str,
) -> Option<Spanned<Ipv4Net>> {
    let c = cidr(cx, node, path)?;
    if !(min..=max).contains(&c.value.prefix_len()) {
        let msg = format!(
            "{path}: {} has a /{} prefix; {what} takes /{min} to /{max}",
            c.value,
            c.value.prefix_len()
        );
        let hint = (what == "a VPC").then(|| "e.g. 10.0.0.0/16".to_string());
        cx.error(c.pos, path, msg, hint);
        return None;
    }
    Some(c)
}

fn read_nat(cx: &mut Ctx, vpc: &Fields) -> Option<Spanned<NatMode>> {
    let f = sub_fields(cx, vpc, "nat", &NAT);
    let g = string(cx, f.get("gateway")?, &f.path_of("gateway"))?;
    let modes = f.choices("gateway");
    if !modes.contains(&g.value.as_str()) {
        let msg = format!("{}: \"{}\" is not a NAT mode", g.path, g.value);
        let hint = format!("use {} (default), {}", modes[0], modes[1..].join(" or "));
        cx.error(g.pos, &g.path, msg, Some(hint));
        return None;
    }
    let mode = match g.value.as_str() {
        "HighlyAvailable" => NatMode::HighlyAvailable,
        "Disable" => NatMode::Disable,
        _ => NatMode::Single,
    };
    Some(Spanned {
        value: mode,
        pos: g.pos,
        path: g.path,
    })
}

fn decide_nat(cx: &mut Ctx, spec: &mut VpcSpec, nat: Option<Spanned<NatMode>>) {
    let wanted = nat.as_ref().map_or(NatMode::Single, |n| n.value);
    if spec.existing_id.is_some() {
        if let Some(n) = nat.filter(|n| n.value != NatMode::Disable) {
            let msg = "vpc.nat.gateway is ignored: eksform does not change an existing VPC";
            cx.warn(n.pos, &n.path, msg, Some("remove vpc.nat".into()));
        }
        spec.nat = NatMode::Disable;
        return;
    }
    spec.nat = wanted;
    if spec.zones_auto || wanted == NatMode::Disable {
        return;
    }
    if nat.is_none() && spec.private.is_empty() {
        // No private subnet needs a way out; a default NAT gateway would only cost money.
        spec.nat = NatMode::Disable;
        return;
    }
    let public: HashSet<&str> = spec.public.iter().map(|p| p.az.as_str()).collect();
    let no_public = |az: &&str| !public.contains(az);
    let lacking: Vec<&str> = match wanted {
        _ if spec.public.is_empty() => vec!["any zone"],
        NatMode::HighlyAvailable => spec
            .private
            .iter()
            .map(|p| p.az.as_str())
            .filter(no_public)
            .collect(),
        _ => vec![],
    };
    if lacking.is_empty() {
        return;
    }
    match nat {
        Some(n) => {
            let msg = format!(
                "vpc.nat.gateway: a NAT gateway needs a public subnet in {}",
                lacking.join(", ")
            );
            cx.error(
                n.pos,
                &n.path,
                msg,
                Some("add the public subnets, or set gateway: Disable".into()),
            );
        }
        // Nothing to put a NAT gateway in, and the user did not ask for one.
        None => spec.nat = NatMode::Disable,
    }
}

fn read_zones(cx: &mut Ctx, node: &Node, region: Option<&str>) -> Vec<String> {
    let path = "availabilityZones";
    let mut zones: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    let items = list(cx, node, path);
    for (i, n) in items.iter().enumerate() {
        let p = item(path, i);
        let Some(az) = string(cx, n, &p) else {
            continue;
        };
        if !check_az(cx, &az.value, az.pos, &p, region) {
            continue;
        }
        if !seen.insert(az.value.clone()) {
            cx.error(
                az.pos,
                &p,
                format!("{p}: zone \"{}\" is listed twice", az.value),
                None,
            );
            continue;
        }
        zones.push(az.value);
    }
    if items.len() < 2 && matches!(node.value, Value::Seq(_) | Value::Null) {
        let msg = "availabilityZones: EKS needs at least 2 zones";
        cx.error(
            node.pos,
            path,
            msg,
            Some("list two or three zones of the region".into()),
        );
    }
    if region.is_none() {
        check_one_region(cx, &zones, node.pos, path);
    }
    zones
}

/// Without metadata.region the zones cannot be checked against it, but must share one region.
fn check_one_region(cx: &mut Ctx, zones: &[String], at: Pos, path: &str) {
    let mut regions: Vec<&str> = zones.iter().filter_map(|z| az_region(z)).collect();
    regions.dedup();
    if regions.len() > 1 {
        let msg = format!(
            "{path}: zones from different regions ({})",
            regions.join(", ")
        );
        cx.error(at, path, msg, Some("a cluster lives in one region".into()));
    }
}

fn read_subnets(cx: &mut Ctx, vpc: &Fields, region: Option<&str>) -> Vec<SubnetEntry> {
    let f = sub_fields(cx, vpc, "subnets", &SUBNETS);
    let mut out = Vec::new();
    for (kind, public) in [("public", true), ("private", false)] {
        let Some(map) = f.get(kind) else { continue };
        let path = f.path_of(kind);
        let Some(entries) = map.as_map() else {
            if map.value != Value::Null {
                cx.wrong_type(map, &path, "a mapping of zones to subnets");
            }
            continue;
        };
        for (k, v) in entries {
            out.push(read_subnet(cx, k, v, &path, public, region));
        }
    }
    if region.is_none() {
        let zones: Vec<String> = out.iter().map(|e| e.az.clone()).collect();
        check_one_region(cx, &zones, f.at, "vpc.subnets");
    }
    out
}

/// One `<zone or name>: {id, cidr, az}` entry; the key is the zone unless `az` names it.
fn read_subnet(
    cx: &mut Ctx,
    k: &Node,
    v: &Node,
    parent: &str,
    public: bool,
    region: Option<&str>,
) -> SubnetEntry {
    let key = k.text().unwrap_or_default();
    let path = child(parent, key);
    let sf = fields(cx, v, &path, k.pos, &SUBNET);
    let az = sf.read(cx, "az", string).flatten();
    match &az {
        Some(a) => _ = check_az(cx, &a.value, a.pos, &a.path, region),
        None if sf.value("az").is_none() && az_region(key).is_none() => {
            let msg = format!(
                "{path}: \"{key}\" is not an availability zone, and the subnet names no az"
            );
            let hint = "key the subnet by its zone (eu-north-1a:), or add az: <zone>";
            cx.error(k.pos, &path, msg, Some(hint.into()));
        }
        None => _ = check_az(cx, key, k.pos, &path, region),
    }
    let id = sf
        .read(cx, "id", |cx, n, p| resource_id(cx, n, p, "subnet-"))
        .flatten();
    let prefixes = sf.prefixes("cidr");
    let cidr = sf
        .read(cx, "cidr", |cx, n, p| {
            cidr_in(cx, n, p, prefixes, "a subnet")
        })
        .flatten();
    let az = az.map_or_else(|| key.to_string(), |a| a.value);
    SubnetEntry {
        public,
        az,
        cidr,
        id,
        pos: k.pos,
        path,
    }
}

/// Ids against vpc.id, one subnet per zone and kind, CIDRs inside the VPC and disjoint.
fn check_subnets(cx: &mut Ctx, spec: &VpcSpec, entries: &[SubnetEntry], vpc_cidr_known: bool) {
    let mut seen = HashSet::new();
    for e in entries {
        let kind = if e.public { "public" } else { "private" };
        if !seen.insert((e.public, e.az.as_str())) {
            let msg = format!("{}: a second {kind} subnet in zone {}", e.path, e.az);
            cx.error(
                e.pos,
                &e.path,
                msg,
                Some(format!("eksform uses one {kind} subnet per zone")),
            );
        }
        match (&spec.existing_id, &e.id) {
            (Some(_), None) => {
                let msg = format!(
                    "{}: vpc.id names an existing VPC, so this subnet needs the id of an existing subnet",
                    e.path
                );
                cx.error(e.pos, &e.path, msg, Some("add id: subnet-…".into()));
            }
            (None, Some(_)) => {
                let msg = format!(
                    "{}: an existing subnet (id) needs its existing VPC in vpc.id",
                    e.path
                );
                cx.error(
                    e.pos,
                    &e.path,
                    msg,
                    Some("add vpc.id, or replace the id by a cidr".into()),
                );
            }
            (None, None) if e.cidr.is_none() => {
                let msg = format!("{}: a subnet eksform creates needs a cidr", e.path);
                cx.error(
                    e.pos,
                    &e.path,
                    msg,
                    Some(format!("add cidr: a block inside {}", spec.cidr)),
                );
            }
            _ => {}
        }
    }
    check_cidrs(cx, spec.cidr, entries, vpc_cidr_known);
}

fn check_cidrs(cx: &mut Ctx, vpc: Ipv4Net, entries: &[SubnetEntry], vpc_cidr_known: bool) {
    let mut blocks: Vec<&Spanned<Ipv4Net>> =
        entries.iter().filter_map(|e| e.cidr.as_ref()).collect();
    if vpc_cidr_known {
        for b in blocks.iter().filter(|b| !vpc.contains(&b.value)) {
            let msg = format!("{}: subnet {} is outside the VPC's {vpc}", b.path, b.value);
            cx.error(
                b.pos,
                &b.path,
                msg,
                Some(format!("pick a block inside {vpc}")),
            );
        }
    }
    // Two CIDR blocks overlap only when one contains the other: sorted by address, a block
    // overlaps an earlier one exactly when it starts before the widest earlier block ends.
    blocks.sort_by_key(|b| (b.value.network(), b.value.prefix_len()));
    let mut widest: Option<&Spanned<Ipv4Net>> = None;
    for b in blocks {
        match widest {
            Some(w) if b.value.network() <= w.value.broadcast() => {
                let msg = format!(
                    "{}: subnet {} overlaps {} ({})",
                    b.path, b.value, w.value, w.path
                );
                cx.error(
                    b.pos,
                    &b.path,
                    msg,
                    Some("subnets of a VPC must not overlap".into()),
                );
            }
            _ => {}
        }
        if widest.is_none_or(|w| b.value.broadcast() > w.value.broadcast()) {
            widest = Some(b);
        }
    }
}
