//! `loadBalancers[]`, eksform's extension: an ALB or NLB with its listeners and one target
//! group on a NodePort that node groups join. Checks the protocol rules ELBv2 would refuse
//! later (listener protocols per type, certificates, NodePort range, health checks) so they are
//! reported with the rest, before any AWS call. Must not know how the model names or wires them.

use super::read::{Ctx, Spanned, cidr, item, list, string};
use super::schema::{Fields, fields, sub_fields};
use super::shared::{is_name, item_pos};
use super::spec::{
    HealthCheckSpec, LbScheme, LbType, ListenerSpec, LoadBalancerSpec, TargetGroupSpec, VpcSpec,
};
use super::table::{
    DEFAULT_NODE_PORT, HEALTH_CHECK, LISTENER, LISTENER_PROTOCOLS, LOAD_BALANCER, TARGET_GROUP,
};
use super::yaml::{Node, Pos, Typed, Value};
use ipnet::Ipv4Net;
use std::collections::HashSet;

pub fn read_load_balancers(
    cx: &mut Ctx,
    top: &Fields,
    vpc: &VpcSpec,
) -> Vec<Spanned<LoadBalancerSpec>> {
    let Some(node) = top.get("loadBalancers") else {
        return vec![];
    };
    let mut out: Vec<Spanned<LoadBalancerSpec>> = Vec::new();
    let mut names = HashSet::new();
    for (i, n) in list(cx, node, "loadBalancers").iter().enumerate() {
        let path = item("loadBalancers", i);
        let f = fields(cx, n, &path, n.pos, &LOAD_BALANCER);
        let lb = read_one(cx, &f, &path);
        let at = item_pos(&f, n);
        if !lb.name.is_empty() && !names.insert(lb.name.clone()) {
            let msg = format!("load balancer \"{}\" is defined twice", lb.name);
            cx.error(
                at,
                &f.path_of("name"),
                msg,
                Some("give each load balancer its own name".into()),
            );
        }
        check_subnets(cx, &lb, vpc, at, &path);
        out.push(Spanned {
            value: lb,
            pos: at,
            path,
        });
    }
    out
}

fn read_one(cx: &mut Ctx, f: &Fields, path: &str) -> LoadBalancerSpec {
    let name = read_lb_name(cx, f, path);
    let label = if name.is_empty() {
        path.to_string()
    } else {
        format!("load balancer \"{name}\"")
    };
    let kind = f
        .get("type")
        .and_then(|n| enum_of(cx, n, &f.path_of("type"), f.choices("type")));
    let kind = if kind.as_deref() == Some("network") {
        LbType::Network
    } else {
        LbType::Application
    };
    let scheme = f
        .get("scheme")
        .and_then(|n| enum_of(cx, n, &f.path_of("scheme"), f.choices("scheme")));
    let scheme = if scheme.as_deref() == Some("internal") {
        LbScheme::Internal
    } else {
        LbScheme::InternetFacing
    };
    let listeners = read_listeners(cx, f, kind, &label);
    let target_group = read_target_group(cx, f, kind);
    let allow_from = read_allow_from(cx, f);
    LoadBalancerSpec {
        name,
        kind,
        scheme,
        listeners,
        target_group,
        allow_from,
    }
}

fn read_lb_name(cx: &mut Ctx, f: &Fields, path: &str) -> String {
    let Some(name) = f
        .get("name")
        .and_then(|n| string(cx, n, &f.path_of("name")))
    else {
        if f.value("name").is_none() {
            super::read::missing(cx, f.at, path, "name", Some("add name: ingress".into()));
        }
        return String::new();
    };
    if !is_name(&name.value, 32) {
        let msg = format!(
            "{}: \"{}\" is not a valid load balancer name",
            name.path, name.value
        );
        let hint = "a name starts with a letter and holds letters, digits and hyphens, at most 32 characters";
        cx.error(name.pos, &name.path, msg, Some(hint.into()));
    }
    name.value
}

/// One of `allowed`, matched without regard to case, returned as written in `allowed`.
fn enum_of(cx: &mut Ctx, node: &Node, path: &str, allowed: &[&str]) -> Option<String> {
    let v = string(cx, node, path)?;
    match allowed.iter().find(|a| a.eq_ignore_ascii_case(&v.value)) {
        Some(a) => Some(a.to_string()),
        None => {
            let msg = format!(
                "{path}: \"{}\" is not one of {}",
                v.value,
                allowed.join(", ")
            );
            cx.error(v.pos, path, msg, None);
            None
        }
    }
}

fn listener_protocols(kind: LbType) -> &'static [&'static str] {
    match kind {
        LbType::Application => &LISTENER_PROTOCOLS[..2],
        LbType::Network => &LISTENER_PROTOCOLS[2..],
    }
}

fn read_listeners(cx: &mut Ctx, f: &Fields, kind: LbType, label: &str) -> Vec<ListenerSpec> {
    let items = f
        .get("listeners")
        .map_or(&[][..], |n| list(cx, n, &f.path_of("listeners")));
    if items.is_empty() {
        let at = f.key_pos("listeners").unwrap_or(f.at);
        let hint = "add listeners: [{port: 80, protocol: HTTP}]";
        cx.error(
            at,
            &f.path_of("listeners"),
            format!("{label}: needs at least one listener"),
            Some(hint.into()),
        );
    }
    let mut out: Vec<ListenerSpec> = Vec::new();
    let mut ports = HashSet::new();
    for (i, n) in items.iter().enumerate() {
        let (port, listener) = read_listener(cx, n, &item(&f.path_of("listeners"), i), kind, label);
        if let Some(p) = &port
            && !ports.insert(p.value)
        {
            let msg = format!("{label}: two listeners on port {}", p.value);
            cx.error(
                p.pos,
                &p.path,
                msg,
                Some("each listener needs its own port".into()),
            );
        }
        out.push(listener);
    }
    out
}

/// One listener, with its port as written (for the duplicate check).
fn read_listener(
    cx: &mut Ctx,
    n: &Node,
    path: &str,
    kind: LbType,
    label: &str,
) -> (Option<Spanned<i64>>, ListenerSpec) {
    let lf = fields(cx, n, path, n.pos, &LISTENER);
    let port = match lf.get("port") {
        Some(_) => lf.int(cx, "port"),
        None => {
            super::read::missing(cx, n.pos, path, "port", Some("add port: 80".into()));
            None
        }
    };
    let protocols = listener_protocols(kind);
    let protocol = lf
        .get("protocol")
        .and_then(|p| enum_of(cx, p, &lf.path_of("protocol"), protocols));
    let protocol = protocol.unwrap_or_else(|| protocols[0].to_string());
    let certificate_arn = lf
        .get("certificateArn")
        .and_then(|c| arn(cx, c, &lf.path_of("certificateArn")));
    let shown_port = port.as_ref().map_or(0, |p| p.value);
    check_certificate(
        cx,
        &lf,
        n.pos,
        (&protocol, shown_port),
        certificate_arn.is_some(),
        label,
    );
    let listener = ListenerSpec {
        port: port.as_ref().map_or(0, |p| p.value as u16),
        protocol,
        certificate_arn,
    };
    (port, listener)
}

fn check_certificate(
    cx: &mut Ctx,
    lf: &Fields,
    at: Pos,
    (protocol, port): (&str, i64),
    has_cert: bool,
    label: &str,
) {
    let secure = protocol == "HTTPS" || protocol == "TLS";
    if secure && !has_cert && lf.value("certificateArn").is_none() {
        let msg = format!("{label}: the {protocol} listener on port {port} needs a certificateArn");
        let hint = "add certificateArn: arn:aws:acm:<region>:<account>:certificate/<id>";
        cx.error(
            lf.key_pos("protocol").unwrap_or(at),
            &lf.path_of("certificateArn"),
            msg,
            Some(hint.into()),
        );
    }
    if !secure && let Some(pos) = lf.key_pos("certificateArn") {
        let msg = format!(
            "{label}: certificateArn applies to HTTPS and TLS listeners only, not {protocol}"
        );
        cx.error(
            pos,
            &lf.path_of("certificateArn"),
            msg,
            Some("remove it, or use protocol HTTPS / TLS".into()),
        );
    }
}

fn arn(cx: &mut Ctx, node: &Node, path: &str) -> Option<String> {
    let v = string(cx, node, path)?;
    if v.value.split(':').count() < 6 || !v.value.starts_with("arn:") {
        cx.error(
            v.pos,
            path,
            format!("{path}: \"{}\" is not an ARN", v.value),
            Some("ARNs look like arn:aws:acm:…".into()),
        );
        return None;
    }
    Some(v.value)
}

fn read_target_group(cx: &mut Ctx, f: &Fields, kind: LbType) -> TargetGroupSpec {
    let tf = sub_fields(cx, f, "targetGroup", &TARGET_GROUP);
    let port = tf
        .get("port")
        .and_then(|p| node_port(cx, p, &tf.path_of("port"), tf.range("port")))
        .unwrap_or(DEFAULT_NODE_PORT);
    // A target group speaks what its listeners speak.
    let allowed = listener_protocols(kind);
    let protocol = tf
        .get("protocol")
        .and_then(|p| enum_of(cx, p, &tf.path_of("protocol"), allowed));
    let protocol = protocol.unwrap_or_else(|| allowed[0].to_string());
    let health_check = read_health_check(cx, &tf, kind, &protocol);
    TargetGroupSpec {
        port,
        protocol,
        health_check,
    }
}

fn node_port(cx: &mut Ctx, node: &Node, path: &str, (min, max): (i64, i64)) -> Option<u16> {
    let p = super::read::int(cx, node, path)?;
    if !(min..=max).contains(&p.value) {
        let msg = format!(
            "{path}: {} is not a NodePort; target groups point at a NodePort, {min}-{max}",
            p.value
        );
        cx.error(
            p.pos,
            path,
            msg,
            Some(format!(
                "use the NodePort of the ingress Service, e.g. {DEFAULT_NODE_PORT}"
            )),
        );
        return None;
    }
    Some(p.value as u16)
}

fn read_health_check(
    cx: &mut Ctx,
    tf: &Fields,
    kind: LbType,
    tg_protocol: &str,
) -> HealthCheckSpec {
    let hf = sub_fields(cx, tf, "healthCheck", &HEALTH_CHECK);
    let all = hf.choices("protocol");
    let allowed = match kind {
        LbType::Application => &all[1..],
        LbType::Network => all,
    };
    let default = if tg_protocol.starts_with("HTTP") {
        tg_protocol
    } else {
        "TCP"
    };
    let protocol = hf
        .get("protocol")
        .and_then(|p| enum_of(cx, p, &hf.path_of("protocol"), allowed));
    let protocol = protocol.unwrap_or_else(|| default.to_string());
    let port = hf
        .get("port")
        .and_then(|p| health_port(cx, p, &hf.path_of("port")));
    let path = health_path(cx, &hf, &protocol);
    HealthCheckSpec {
        path,
        port: port.unwrap_or_else(|| "traffic-port".into()),
        protocol,
    }
}

/// HTTP(S) checks have a path, "/" by default; TCP checks have none.
fn health_path(cx: &mut Ctx, hf: &Fields, protocol: &str) -> Option<String> {
    let http = protocol.starts_with("HTTP");
    let Some(p) = hf
        .get("path")
        .and_then(|p| string(cx, p, &hf.path_of("path")))
    else {
        return http.then(|| "/".to_string());
    };
    if !http {
        let msg = format!("{}: a {protocol} health check has no path", p.path);
        cx.error(
            p.pos,
            &p.path,
            msg,
            Some("remove path, or use protocol HTTP".into()),
        );
        return None;
    }
    if !p.value.starts_with('/') || p.value.len() > 1024 {
        let msg = format!("{}: \"{}\" is not a URL path", p.path, p.value);
        cx.error(
            p.pos,
            &p.path,
            msg,
            Some("a path starts with /, e.g. /healthz".into()),
        );
        return None;
    }
    Some(p.value)
}

/// "traffic-port", or a port given as a number or a string.
fn health_port(cx: &mut Ctx, node: &Node, path: &str) -> Option<String> {
    let hint = Some("use traffic-port or a port number, e.g. \"30080\"".to_string());
    let port = match &node.value {
        Value::Scalar(s) if s.text == "traffic-port" => return Some(s.text.clone()),
        Value::Scalar(s) => match s.typed() {
            Typed::Int(i) => Some(i),
            Typed::Str(t) => t.parse::<i64>().ok(),
            _ => None,
        },
        Value::Null => return None,
        _ => None,
    };
    match port {
        Some(p) if (1..=65535).contains(&p) => Some(p.to_string()),
        _ => {
            let msg = format!(
                "{path}: expected traffic-port or a port 1-65535, found {}",
                shown(node)
            );
            cx.error(node.pos, path, msg, hint);
            None
        }
    }
}

fn shown(node: &Node) -> String {
    node.text()
        .map_or_else(|| node.describe(), |t| format!("\"{t}\""))
}

fn read_allow_from(cx: &mut Ctx, f: &Fields) -> Vec<Ipv4Net> {
    let Some(node) = f.get("allowFrom") else {
        return vec![Ipv4Net::default()];
    };
    let path = f.path_of("allowFrom");
    let items = list(cx, node, &path);
    if items.is_empty() && matches!(node.value, Value::Seq(_)) {
        let msg = format!("{path}: an empty list would let no one reach the load balancer");
        cx.error(
            node.pos,
            &path,
            msg,
            Some("list CIDRs, or remove allowFrom to allow 0.0.0.0/0".into()),
        );
    }
    let mut out: Vec<Ipv4Net> = Vec::new();
    let mut seen = HashSet::new();
    for (i, n) in items.iter().enumerate() {
        let Some(c) = cidr(cx, n, &item(&path, i)) else {
            continue;
        };
        if !seen.insert(c.value) {
            cx.error(
                c.pos,
                &c.path,
                format!("{}: {} is listed twice", c.path, c.value),
                None,
            );
            continue;
        }
        out.push(c.value);
    }
    out.sort();
    out
}

/// Load balancers go into the public subnets; an ALB needs two zones.
fn check_subnets(cx: &mut Ctx, lb: &LoadBalancerSpec, vpc: &VpcSpec, at: Pos, path: &str) {
    if vpc.zones_auto {
        return;
    }
    let zones = vpc.public.len();
    let needed = if lb.kind == LbType::Application { 2 } else { 1 };
    if zones < needed {
        let what = if lb.kind == LbType::Application {
            "an application load balancer"
        } else {
            "a network load balancer"
        };
        let msg = format!(
            "load balancer \"{}\": {what} needs public subnets in at least {needed} zone(s), the config has {zones}",
            lb.name
        );
        cx.error(
            at,
            path,
            msg,
            Some("add public subnets (vpc.subnets.public) or use availabilityZones".into()),
        );
    }
}
