//! AmazonLinux2: a shell script running the preBootstrapCommands, then the AMI's bootstrap.sh
//! (or the user's `overrideBootstrapCommand` in its place), then, as eksctl does, a jq merge of
//! kubeletExtraConfig into the kubelet's config file and a kubelet restart. Must not know other
//! families.

use super::{ClusterInfo, cluster_dns_ip, kubelet_flags};
use crate::config::NodeGroupSpec;
use std::fmt::Write;

/// Where the AL2 AMI's bootstrap.sh writes the kubelet configuration.
const KUBELET_CONFIG: &str = "/etc/kubernetes/kubelet/kubelet-config.json";
pub(super) const EXTRA_FILE: &str = "/etc/eksform/kubelet-extra.json";

pub(super) fn render(cluster: &ClusterInfo, ng: &NodeGroupSpec) -> String {
    // No errexit: as in eksctl (and on AL2023, where each script is its own part), a failing
    // pre-bootstrap command must not keep the node from joining. xtrace logs to cloud-init.
    let mut out = String::from("#!/bin/bash\nset -o xtrace\n");
    for cmd in &ng.pre_bootstrap_commands {
        let _ = writeln!(out, "{cmd}");
    }
    if let Some(own) = &ng.override_bootstrap_command {
        // The user's command joins the node: eksform's flags and kubelet settings are theirs to
        // pass (config reading warns about the fields this leaves unapplied).
        out.push_str(own);
        if !own.ends_with('\n') {
            out.push('\n');
        }
        return out;
    }
    bootstrap_call(&mut out, cluster, ng);
    merge_kubelet_extra(&mut out, ng);
    out
}

fn bootstrap_call(out: &mut String, cluster: &ClusterInfo, ng: &NodeGroupSpec) {
    let mut kubelet_args = kubelet_flags(ng);
    if let Some(n) = ng.max_pods_per_node {
        kubelet_args.push(format!("--max-pods={n}"));
    }
    let _ = writeln!(
        out,
        "/etc/eks/bootstrap.sh {} \\",
        shell_quote(cluster.name)
    );
    let _ = writeln!(
        out,
        "  --apiserver-endpoint {} \\",
        shell_quote(cluster.endpoint)
    );
    let _ = writeln!(
        out,
        "  --b64-cluster-ca {} \\",
        shell_quote(cluster.certificate_authority)
    );
    let _ = write!(
        out,
        "  --dns-cluster-ip {}",
        cluster_dns_ip(cluster.service_cidr)
    );
    if ng.max_pods_per_node.is_some() {
        // Without this bootstrap.sh writes its own ENI-derived maxPods into kubelet-config.json;
        // the flag below would still win, but the file would then disagree with the node.
        out.push_str(" \\\n  --use-max-pods false");
    }
    if !kubelet_args.is_empty() {
        // Always quoted, so the flags read as the single argument they are.
        let args = kubelet_args.join(" ").replace('\'', r"'\''");
        let _ = write!(out, " \\\n  --kubelet-extra-args '{args}'");
    }
    out.push('\n');
}

/// kubeletExtraConfig deep-merged over the file bootstrap.sh wrote (`jq '.[0] * .[1]'`, as
/// eksctl), then the kubelet restarted to read it: bootstrap.sh has no hook before its start.
fn merge_kubelet_extra(out: &mut String, ng: &NodeGroupSpec) {
    if ng.kubelet_extra_config.is_empty() {
        return;
    }
    let json = serde_json::to_string(&ng.kubelet_extra_config).unwrap_or_default();
    // A quoted heredoc delimiter: the shell expands nothing inside the JSON.
    let _ = writeln!(out, "mkdir -p /etc/eksform");
    let _ = writeln!(
        out,
        "cat > {EXTRA_FILE} <<'EKSFORM_KUBELET_EXTRA'\n{json}\nEKSFORM_KUBELET_EXTRA"
    );
    // Replaced only when jq succeeded: a failed merge keeps the AMI's working configuration.
    let _ = writeln!(
        out,
        "jq -s '.[0] * .[1]' {KUBELET_CONFIG} {EXTRA_FILE} > {KUBELET_CONFIG}.new \\\n  && mv {KUBELET_CONFIG}.new {KUBELET_CONFIG}"
    );
    out.push_str("systemctl restart kubelet\n");
}

/// Single-quotes a word for bash, unless it is made only of characters bash never expands.
pub(super) fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/=,:@+-%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
