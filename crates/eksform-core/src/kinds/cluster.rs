//! `cluster`: id the cluster name; properties name, version, role_arn, subnet_ids,
//! security_group_ids, endpoint_public_access, endpoint_private_access, service_ipv4_cidr,
//! authentication_mode (CONFIG_MAP → API_AND_CONFIG_MAP → API only),
//! bootstrap_cluster_creator_admin_permissions, logging_types (the control-plane log types sent
//! to CloudWatch Logs, a set in EKS's order; absent: none), log_group (create-time ordering
//! only: a ref to the log group eksform makes first, never compared), tags; attrs arn, endpoint,
//! certificate_authority, status, oidc_issuer (its service-account issuer URL). Replacing or
//! deleting it takes everything running on it down.

use super::{Attr, Cfn, CfnOutput, Field as F, FieldDefault, Kind, KindSchema, OneWay};
use crate::model::Resource;
use crate::plan::{Action, Change};
use crate::render::cloudformation::{Cx, Ids, Sink, resource, tag_list};
use serde_json::json;
use std::collections::BTreeSet;

pub(crate) static SCHEMA: KindSchema = KindSchema {
    cfn_outputs: Some(outputs),
    cfn: Cfn::Render(cfn),
    attrs: &[
        Attr::new("arn", Some("Arn")),
        Attr::new("endpoint", Some("Endpoint")),
        Attr::new("certificate_authority", Some("CertificateAuthorityData")),
        Attr::new("status", None),
        Attr::new("oidc_issuer", Some("OpenIdConnectIssuerUrl")),
    ],
    downtime: Some(downtime),
    ..KindSchema::new(
        Kind::Cluster,
        "cluster",
        &[
            F::new("name").force_new(),
            F::new("version"),
            F::new("role_arn").force_new(),
            F::new("subnet_ids").force_new().set(),
            F::new("security_group_ids").force_new().set(),
            F::new("endpoint_public_access"),
            F::new("endpoint_private_access"),
            F::new("service_ipv4_cidr").force_new(),
            F::new("authentication_mode").one_way(&AUTH_MODE),
            F::new("bootstrap_cluster_creator_admin_permissions").force_new(),
            F::new("logging_types")
                .set()
                .default(FieldDefault::EmptyList),
            F::new("log_group").create_only(),
            F::new("tags"),
        ],
    )
};

/// EKS only moves the authentication mode forwards.
static AUTH_MODE: OneWay = OneWay {
    order: super::AUTH_MODES,
    config_field: "accessConfig.authenticationMode",
    refusal: auth_mode_refusal,
};

fn auth_mode_refusal(address: &str, before: &str, after: &str) -> String {
    format!(
        "{address}: accessConfig.authenticationMode cannot go back from {before} to {after}: EKS only moves it CONFIG_MAP → API_AND_CONFIG_MAP → API\n  hint: keep authenticationMode: {before}, or make a new cluster"
    )
}

/// What replacing or deleting the cluster destroys: the cluster, its node groups, and what
/// runs on them.
fn downtime(verb: &str, cluster: &str, c: &Change, changes: &[Change]) -> String {
    let groups = node_groups(changes);
    let with = if groups.is_empty() {
        String::new()
    } else {
        format!(" and its node groups ({})", groups.join(", "))
    };
    let after = if c.action == Action::Delete {
        "everything running on it stops"
    } else {
        "everything running on it stops until the new cluster is active and the workloads \
         are deployed again; the new cluster has a new endpoint and certificate authority"
    };
    format!("{verb} cluster {cluster}{with}: {after}")
}

/// The names of the node groups (managed and self-managed) the plan holds.
fn node_groups(changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .filter(|c| c.kind.schema().runs_nodes)
        .map(|c| {
            c.address
                .split_once('.')
                .map_or(&*c.address, |x| x.1)
                .to_string()
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

fn cfn(cx: &Cx, r: &Resource, out: &mut Sink) {
    let ids = cx.ids;
    let p = &r.props;
    let mut props = json!({
        "Name": p["name"],
        "Version": p["version"],
        "RoleArn": ids.value(&p["role_arn"]),
        "ResourcesVpcConfig": {
            "SubnetIds": ids.value(&p["subnet_ids"]),
            "SecurityGroupIds": ids.value(&p["security_group_ids"]),
            "EndpointPublicAccess": p["endpoint_public_access"],
            "EndpointPrivateAccess": p["endpoint_private_access"],
        },
        "KubernetesNetworkConfig": { "ServiceIpv4Cidr": p["service_ipv4_cidr"] },
        "AccessConfig": {
            "AuthenticationMode": p["authentication_mode"],
            "BootstrapClusterCreatorAdminPermissions": p["bootstrap_cluster_creator_admin_permissions"],
        },
        "Tags": tag_list(&r.tags()),
    });
    let types = p.get("logging_types").and_then(|t| t.as_array());
    if let Some(types) = types.filter(|t| !t.is_empty()) {
        let enabled: Vec<_> = types.iter().map(|t| json!({ "Type": t })).collect();
        props["Logging"] = json!({ "ClusterLogging": { "EnabledTypes": enabled } });
    }
    let mut res = resource("AWS::EKS::Cluster", props);
    if let Some((group, _)) = p.get("log_group").and_then(crate::model::as_reference) {
        // The log group exists, with its retention and tags, before EKS first writes to it.
        res["DependsOn"] = json!([ids.logical(group)]);
    }
    out.add(ids.logical(&r.address), res);
}

/// The cluster's name and API server endpoint.
fn outputs(ids: &Ids, r: &Resource) -> Vec<CfnOutput> {
    vec![
        (
            "ClusterName".into(),
            "EKS cluster name".into(),
            ids.reference(&r.address, "id"),
        ),
        (
            "ClusterEndpoint".into(),
            "EKS API server endpoint".into(),
            ids.reference(&r.address, "endpoint"),
        ),
    ]
}
