//! The transition test, generated from the field tables: every property of every kind that a
//! config can change has an edit here, and each edit, applied to an applied spec against the
//! local AWS endpoint, either converges (the next plan is empty) or, when it takes the cluster
//! down, is refused by the consent rule with nothing changed and then converges with consent.
//!
//! Which fields an edit changes is not written down by hand: it is computed by building the
//! desired model before and after the edit, so `every_field_has_a_transition` fails when a
//! kind gains a field no edit reaches (add an edit, or say in `FIXED` why no config can change
//! it), and when an edit stops changing what it did.

mod common;

use common::Moto;
use common::run::{edit, eksform, expect_exit, output_text, path_str, plan_json};
use eksform::model::{Kind, ModelInputs, Resource, as_reference};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One edit of a spec's text: `from` (which must occur once) becomes `to`.
struct Edit {
    name: &'static str,
    from: &'static str,
    to: &'static str,
}

const fn e(name: &'static str, from: &'static str, to: &'static str) -> Edit {
    Edit { name, from, to }
}

/// A spec, edits made before it is first applied (`base`), and the edits applied to it one
/// after another, each on top of the last.
struct Walk {
    spec: &'static str,
    base: &'static [Edit],
    edits: &'static [Edit],
}

const ZONES: &str = "availabilityZones: [";

const WALKS: &[Walk] = &[
    Walk {
        spec: "review-apps.yaml",
        base: &[],
        edits: &[
            e("tags", "    team: platform ", "    team: web "),
            e(
                "health check",
                "{path: /healthz}",
                "{path: /ready, port: 10254, protocol: HTTPS}",
            ),
            e(
                "group sizes",
                "desiredCapacity: 3 ",
                "desiredCapacity: 2\n    minSize: 2\n    maxSize: 4 ",
            ),
            e(
                "user data",
                "echo hello > /etc/motd",
                "echo bye > /etc/motd",
            ),
            e(
                "instance type",
                "instanceType: t3.medium",
                "instanceType: t3.large",
            ),
            e(
                "volume size",
                "    maxPodsPerNode: 110\n",
                "    maxPodsPerNode: 110\n    volumeSize: 40\n",
            ),
            e("image", "ami: ami-ekslinux", "ami: ami-1e749f67"),
            e("node role policies", "cni: custom", "cni: vpc-cni"),
            e(
                "instance refresh settings",
                "    volumeSize: 40\n",
                "    volumeSize: 40\n    instanceRefresh: {minHealthyPercentage: 75}\n",
            ),
            e(
                "a NAT gateway per zone",
                ZONES,
                "vpc:\n  nat: {gateway: HighlyAvailable}\n\navailabilityZones: [",
            ),
            e("target group port", "port: 30080 ", "port: 30081 "),
            e(
                "target group protocol",
                "      protocol: HTTP\n      healthCheck",
                "      protocol: HTTPS\n      healthCheck",
            ),
            e(
                "listener protocol",
                "{port: 80, protocol: HTTP}",
                "{port: 80, protocol: HTTPS, certificateArn: \"CERTIFICATE\"}",
            ),
            e(
                "load balancer scheme",
                "scheme: internet-facing",
                "scheme: internal",
            ),
            e(
                "leave the load balancer",
                "    loadBalancers: [ingress]\n",
                "",
            ),
            e(
                "zones",
                "[us-east-1a, us-east-1b, us-east-1c]",
                "[us-east-1a, us-east-1b, us-east-1d]",
            ),
            e("vpc cidr", "vpc:\n", "vpc:\n  cidr: 10.10.0.0/16\n"),
        ],
    },
    Walk {
        spec: "managed.yaml",
        base: &[],
        edits: &[
            e("tags", "team: data", "team: ml"),
            e(
                "labels",
                "labels: {workload: batch}",
                "labels: {workload: etl}",
            ),
            e(
                "taints",
                "{key: dedicated, value: batch, effect: NoSchedule}",
                "{key: dedicated, value: etl, effect: NoExecute}",
            ),
            e("max size", "maxSize: 4", "maxSize: 6"),
            e("min size", "minSize: 0", "minSize: 1"),
            e("desired size", "desiredCapacity: 1", "desiredCapacity: 2"),
            e(
                "update config",
                "updateConfig: {maxUnavailable: 1}",
                "updateConfig: {maxUnavailablePercentage: 50}",
            ),
            e(
                "launch template",
                "    ami: ami-ekslinux\n",
                "    ami: ami-ekslinux\n    volumeSize: 60\n",
            ),
            e(
                "instance types",
                "instanceTypes: [m5.large, m5a.large]",
                "instanceTypes: [m5.xlarge]",
            ),
            e("capacity type", "spot: true", "spot: false"),
        ],
    },
    Walk {
        spec: "access.yaml",
        base: &[
            e("an older version", "version: \"1.35\"", "version: \"1.34\""),
            e(
                "a third entry",
                "\nnodeGroups:",
                "    - principalARN: arn:aws:iam::123456789012:role/batch-nodes\n\nnodeGroups:",
            ),
            e(
                "control-plane logging",
                "\n\nnodeGroups:",
                "\n\ncloudWatch:\n  clusterLogging:\n    enableTypes: [audit]\n    logRetentionInDays: 30\n\nnodeGroups:",
            ),
        ],
        edits: &[
            e(
                "groups",
                "kubernetesGroups: [reviewers]",
                "kubernetesGroups: [reviewers, auditors]",
            ),
            e(
                "policy scope",
                "namespaces: [default, review-*]",
                "namespaces: [default]",
            ),
            e(
                "entry type",
                "role/batch-nodes\n",
                "role/batch-nodes\n      type: EC2_LINUX\n",
            ),
            e(
                "authentication mode",
                "authenticationMode: API_AND_CONFIG_MAP",
                "authenticationMode: API",
            ),
            e(
                "log types",
                "enableTypes: [audit]",
                "enableTypes: [audit, api]",
            ),
            e(
                "log retention",
                "logRetentionInDays: 30",
                "logRetentionInDays: 60",
            ),
            e(
                "tags",
                "  region: us-east-1\n",
                "  region: us-east-1\n  tags: {team: web}\n",
            ),
            e("cluster version", "version: \"1.34\"", "version: \"1.35\""),
            e(
                "creator admin",
                "accessConfig:\n",
                "accessConfig:\n  bootstrapClusterCreatorAdminPermissions: false\n",
            ),
        ],
    },
];

/// Fields no config can change, and why; a field listed here must be reached by no edit.
const FIXED: &[(Kind, &str, &str)] = &[
    (
        Kind::LogGroup,
        "name",
        "/aws/eks/<cluster>/cluster, where EKS sends the control plane's logs",
    ),
    (
        Kind::Vpc,
        "enable_dns_hostnames",
        "EKS needs both DNS settings on",
    ),
    (
        Kind::Vpc,
        "enable_dns_support",
        "EKS needs both DNS settings on",
    ),
    (
        Kind::Subnet,
        "map_public_ip_on_launch",
        "set by the subnet's role (public or private)",
    ),
    (
        Kind::SecurityGroup,
        "name",
        "derived from the cluster and the group's role",
    ),
    (
        Kind::SecurityGroup,
        "description",
        "eksform's text for the group's role",
    ),
    (
        Kind::SecurityGroupRule,
        "cidr",
        "a rule is addressed by its content: another value is another rule",
    ),
    (
        Kind::SecurityGroupRule,
        "description",
        "eksform's text for the rule's purpose",
    ),
    (
        Kind::SecurityGroupRule,
        "direction",
        "a rule is addressed by its content: another value is another rule",
    ),
    (
        Kind::SecurityGroupRule,
        "from_port",
        "a rule is addressed by its content: another value is another rule",
    ),
    (
        Kind::SecurityGroupRule,
        "to_port",
        "a rule is addressed by its content: another value is another rule",
    ),
    (
        Kind::SecurityGroupRule,
        "protocol",
        "a rule is addressed by its content: another value is another rule",
    ),
    (
        Kind::IamRole,
        "name",
        "derived from the cluster and the role's purpose",
    ),
    (Kind::IamRole, "path", "/eksform/<cluster>/ for every role"),
    (
        Kind::IamRole,
        "assume_role_policy",
        "fixed per role: EKS or EC2 may assume it",
    ),
    (Kind::InstanceProfile, "name", "the node role's name"),
    (
        Kind::InstanceProfile,
        "path",
        "/eksform/<cluster>/ for every profile",
    ),
    (
        Kind::Cluster,
        "name",
        "metadata.name: another name is another cluster, owning other resources",
    ),
    (
        Kind::Cluster,
        "endpoint_public_access",
        "eksform makes a public endpoint; the config has no setting for it yet",
    ),
    (
        Kind::Cluster,
        "endpoint_private_access",
        "eksform makes a public endpoint; the config has no setting for it yet",
    ),
    (
        Kind::LaunchTemplate,
        "name",
        "the node group's name: another name is another group",
    ),
    (
        Kind::LaunchTemplate,
        "instance_profile_arn",
        "the node role's profile, named after the cluster",
    ),
    (
        Kind::LaunchTemplate,
        "metadata_http_tokens",
        "IMDSv2 is required on every node",
    ),
    (
        Kind::LaunchTemplate,
        "volume_type",
        "gp3 on every node; the config has no setting for it yet",
    ),
    (
        Kind::AutoscalingGroup,
        "name",
        "the node group's name: another name is another group",
    ),
    (
        Kind::LoadBalancer,
        "name",
        "loadBalancers[].name: another name is another load balancer",
    ),
    (
        Kind::LoadBalancer,
        "type",
        "application and network load balancers take different listeners and target groups: another type is another load balancer config",
    ),
    (
        Kind::TargetGroup,
        "target_type",
        "eksform registers instances",
    ),
    (
        Kind::Listener,
        "port",
        "a listener is addressed by its port: another port is another listener",
    ),
    (
        Kind::Nodegroup,
        "name",
        "the node group's name: another name is another group",
    ),
    (
        Kind::Subnet,
        "availability_zone",
        "a subnet is addressed by its zone: another zone is another subnet",
    ),
    (
        Kind::AccessEntry,
        "principal_arn",
        "an entry is addressed by its principal: another principal is another entry",
    ),
];

/// Kinds the local endpoint cannot walk, and the test that covers them instead.
const ELSEWHERE: &[(Kind, &str)] = &[
    (
        Kind::TargetGroupAttachment,
        "moto's EKS makes no Auto Scaling group for a managed node group: tests/managed_lb.rs gives it one and changes its target groups",
    ),
    (
        Kind::OidcProvider,
        "no walked spec says iam.withOIDC: tests/oidc.rs makes, changes, takes over and removes the provider",
    ),
];

fn spec_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("specs")
        .join(name)
}

fn desired_of(file: &Path) -> Vec<Resource> {
    let spec = eksform::config::load(file)
        .unwrap_or_else(|e| panic!("{}: {e:?}", file.display()))
        .spec;
    eksform::model::desired(&spec, &ModelInputs::default()).resources
}

/// The (kind, field) pairs whose value differs between two models, resource by resource.
fn changed(before: &[Resource], after: &[Resource]) -> BTreeSet<(Kind, String)> {
    let after: BTreeMap<&str, &Resource> = after.iter().map(|r| (r.address.as_str(), r)).collect();
    let mut out = BTreeSet::new();
    for b in before {
        let Some(a) = after.get(b.address.as_str()) else {
            continue;
        };
        let keys: BTreeSet<&String> = b.props.keys().chain(a.props.keys()).collect();
        for k in keys {
            if b.props.get(k) != a.props.get(k) {
                out.insert((b.kind, k.clone()));
            }
        }
    }
    out
}

/// Whether a value only follows other resources (a reference, or a list or template of them):
/// it changes when they are replaced, which the replacement edits cover.
fn follows(v: &Value) -> bool {
    match v {
        _ if as_reference(v).is_some() => true,
        Value::Object(o) if o.contains_key("$tpl") => true,
        Value::Array(items) => !items.is_empty() && items.iter().all(follows),
        _ => false,
    }
}

/// Every walk's text after each edit, in order (the spec itself first).
fn steps(dir: &Path, walk: &Walk) -> Vec<(String, PathBuf)> {
    let file = dir.join(walk.spec);
    std::fs::copy(spec_path(walk.spec), &file).unwrap();
    for ed in walk.base {
        edit(&file, ed.from, ed.to);
    }
    let mut out = vec![("base".to_string(), dir.join(format!("0-{}", walk.spec)))];
    std::fs::copy(&file, &out[0].1).unwrap();
    for (i, ed) in walk.edits.iter().enumerate() {
        edit(&file, ed.from, ed.to);
        let copy = dir.join(format!("{}-{}", i + 1, walk.spec));
        std::fs::copy(&file, &copy).unwrap();
        out.push((ed.name.to_string(), copy));
    }
    out
}

#[test]
fn every_field_has_a_transition() {
    let dir = tempfile::tempdir().unwrap();
    let mut required: BTreeSet<(Kind, String)> = BTreeSet::new();
    let mut covered: BTreeMap<(Kind, String), String> = BTreeMap::new();
    let mut kinds: BTreeSet<Kind> = BTreeSet::new();
    for walk in WALKS {
        let steps = steps(dir.path(), walk);
        fill_certificate(&steps, SOME_CERTIFICATE);
        let models: Vec<Vec<Resource>> = steps.iter().map(|(_, f)| desired_of(f)).collect();
        for r in &models[0] {
            kinds.insert(r.kind);
            for (k, v) in &r.props {
                if !follows(v) {
                    required.insert((r.kind, k.clone()));
                }
            }
        }
        for (i, pair) in models.windows(2).enumerate() {
            let diff = changed(&pair[0], &pair[1]);
            assert!(
                !diff.is_empty(),
                "{}: the edit {:?} changes no field",
                walk.spec,
                steps[i + 1].0
            );
            for d in diff {
                covered
                    .entry(d)
                    .or_insert_with(|| format!("{}: {}", walk.spec, steps[i + 1].0));
            }
        }
    }
    let missing_kinds: Vec<&str> = Kind::ALL
        .iter()
        .filter(|k| !kinds.contains(k) && !ELSEWHERE.iter().any(|(e, _)| e == *k))
        .map(|k| k.as_str())
        .collect();
    let fixed: BTreeSet<(Kind, String)> =
        FIXED.iter().map(|(k, f, _)| (*k, f.to_string())).collect();
    let uncovered: Vec<String> = required
        .iter()
        .filter(|f| !covered.contains_key(*f) && !fixed.contains(*f))
        .map(|(k, f)| format!("{}.{f}", k.as_str()))
        .collect();
    let wrongly_fixed: Vec<String> = fixed
        .iter()
        .filter(|f| covered.contains_key(*f))
        .map(|(k, f)| {
            format!(
                "{}.{f} (changed by {})",
                k.as_str(),
                covered[&(*k, f.clone())]
            )
        })
        .collect();
    assert!(
        missing_kinds.is_empty() && uncovered.is_empty() && wrongly_fixed.is_empty(),
        "kinds in no walked spec: {missing_kinds:?}\nfields no edit changes: {uncovered:#?}\nfields said fixed that an edit changes: {wrongly_fixed:#?}"
    );
}

/// Fields apply passes on but never reads back nor compares: an edit of only these plans
/// nothing. (Fields read only at create, such as desired sizes, are `ignored_after_create`.)
const APPLY_ONLY: &[(Kind, &str)] = &[(Kind::AutoscalingGroup, "instance_refresh")];

/// Stands for a certificate's ARN in an edit; the walk against the local endpoint puts a
/// certificate it requested from ACM there.
const CERTIFICATE: &str = "CERTIFICATE";
const SOME_CERTIFICATE: &str =
    "arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100";

/// A certificate in the local endpoint's ACM (through boto3 from the launcher's environment,
/// as the SDK crates here have no ACM client).
fn request_certificate(moto: &Moto) -> String {
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    let script = "import boto3\nprint(boto3.client('acm', region_name='us-east-1').request_certificate(DomainName='*.review.example.com')['CertificateArn'])";
    let mut cmd = std::process::Command::new(python);
    cmd.args(["-c", script]);
    for (k, v) in moto.env() {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The walk's steps with the certificate placeholder filled in.
fn fill_certificate(steps: &[(String, PathBuf)], arn: &str) {
    for (_, f) in steps {
        let text = std::fs::read_to_string(f).unwrap();
        std::fs::write(f, text.replace(CERTIFICATE, arn)).unwrap();
    }
}

/// The changes of a JSON plan other than no-ops: (address, action, reason, id).
fn shape(plan: &Value) -> Vec<(String, String, String, String)> {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["action"] != "no-op")
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (s("address"), s("action"), s("reason"), s("id"))
        })
        .collect()
}

/// Applies a walk's spec, then each edit: the plan shows what the edit changes (a replacement
/// for a field that forces one), apply converges (or is refused by the consent rule with
/// nothing changed, then converges with consent), and the next plan is empty.
fn walk(moto: &Moto, walk: &Walk) {
    let dir = tempfile::tempdir().unwrap();
    let steps = steps(dir.path(), walk);
    fill_certificate(&steps, &request_certificate(moto));
    let file = dir.path().join(walk.spec);
    std::fs::copy(&steps[0].1, &file).unwrap();
    let f = path_str(&file);
    expect_exit(moto, &["apply", "-f", f, "--auto-approve"], 0);
    let mut failures = Vec::new();
    // The last spec the account matches: a refused edit leaves it, the next builds on both.
    let mut applied = steps[0].1.clone();
    for (name, next) in &steps[1..] {
        std::fs::copy(next, &file).unwrap();
        let expected = if REFUSED.contains(&(walk.spec, name.as_str())) {
            Outcome::Refused
        } else {
            Outcome::Converged
        };
        match transition(moto, &file, &applied) {
            Ok(outcome) if outcome == expected => {}
            Ok(outcome) => failures.push(format!(
                "{} / {name}: {outcome:?}, expected {expected:?}",
                walk.spec
            )),
            Err(why) => failures.push(format!("{} / {name}: {why}", walk.spec)),
        }
        if !failures.is_empty() {
            // Later edits build on this one: stop the walk, report what failed.
            break;
        }
        if expected == Outcome::Converged {
            applied = next.clone();
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Edits eksform refuses at plan time, before anything changes, saying why and what to do.
const REFUSED: &[(&str, &str)] = &[
    // The new zone's subnets take the old zone's CIDRs, which the old subnets hold until the
    // cluster and load balancer have moved off them (protect::conflicts).
    ("review-apps.yaml", "zones"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Converged,
    Refused,
}

fn transition(moto: &Moto, file: &Path, before: &Path) -> Result<Outcome, String> {
    let f = path_str(file);
    let fields = changed(&desired_of(before), &desired_of(file));
    let planned = eksform(moto, &["plan", "-f", f, "--format", "json"]);
    if planned.status.code() == Some(1) {
        let err = String::from_utf8_lossy(&planned.stderr).to_string();
        if !err.contains("hint:") {
            return Err(format!("plan failed without saying what to do:\n{err}"));
        }
        let refused = eksform(moto, &["apply", "-f", f, "--auto-approve"]);
        if refused.status.code() != Some(1) {
            return Err(format!(
                "plan refused, apply did not:\n{}",
                output_text(&refused)
            ));
        }
        let after = plan_json(moto, before);
        if !shape(&after).is_empty() {
            return Err(format!("a refused apply changed something:\n{after:#}"));
        }
        return Ok(Outcome::Refused);
    }
    let plan: Value = serde_json::from_slice(&planned.stdout)
        .map_err(|e| format!("plan failed ({e}):\n{}", output_text(&planned)))?;
    let active = shape(&plan);
    let apply_only = fields
        .iter()
        .all(|(k, f)| APPLY_ONLY.contains(&(*k, f.as_str())) || k.ignored_after_create(f));
    if active.is_empty() && !apply_only {
        return Err(format!(
            "the plan is empty, but the edit changes {fields:?}"
        ));
    }
    for (kind, field) in fields.iter().filter(|(k, f)| k.forces_replacement(f)) {
        let shown = plan["changes"].as_array().unwrap().iter().any(|c| {
            c["type"] == kind.as_str()
                && c["action"] == "replace"
                && c["fields"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|d| d["path"] == field.as_str() && d["forces_replacement"] == true)
        });
        if !shown {
            return Err(format!(
                "{}.{field} forces replacement, but no {} replacement shows it:\n{plan:#}",
                kind.as_str(),
                kind.as_str()
            ));
        }
    }
    let consent: Vec<String> = plan["destructive"]
        .as_array()
        .map(|d| {
            d.iter()
                .map(|x| x["consent"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default();
    let mut args = vec!["apply", "-f", f, "--auto-approve"];
    if !consent.is_empty() {
        let refused = eksform(moto, &args);
        if refused.status.code() != Some(1) {
            return Err(format!(
                "apply without consent was not refused:\n{}",
                output_text(&refused)
            ));
        }
        let again = shape(&plan_json(moto, file));
        if again != active {
            return Err(format!(
                "a refused apply changed something: {active:?} became {again:?}"
            ));
        }
        for c in &consent {
            args.extend(["--allow-replace", c.as_str()]);
        }
    }
    let applied = eksform(moto, &args);
    if applied.status.code() != Some(0) {
        return Err(format!("apply failed:\n{}", output_text(&applied)));
    }
    let after = eksform(moto, &["plan", "-f", f, "--detailed-exitcode"]);
    if after.status.code() != Some(0) {
        return Err(format!(
            "the plan after apply is not empty:\n{}",
            output_text(&after)
        ));
    }
    Ok(Outcome::Converged)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_review_apps_edit_converges() {
    walk(&Moto::start(), &WALKS[0]);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_managed_group_edit_converges() {
    walk(&Moto::start(), &WALKS[1]);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_access_edit_converges() {
    walk(&Moto::start(), &WALKS[2]);
}
