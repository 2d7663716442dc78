//! Test support: every resource in a moto server that carries a cluster's ownership tag,
//! grouped by its `eksform.io/id` tag, read with the plain SDK. It finds duplicates and
//! leftovers; it must not decide what should exist (the plan says that).

use super::Moto;
use aws_sdk_ec2::types::{Filter, Tag};
use std::collections::BTreeMap;

const CLUSTER_TAG: &str = "eksform.io/cluster";
const ID_TAG: &str = "eksform.io/id";

/// `eksform.io/id` value -> the AWS ids of everything tagged with it and with `cluster`.
pub type Census = BTreeMap<String, Vec<String>>;

pub async fn tagged(moto: &Moto, cluster: &str) -> Census {
    let conf = moto.sdk_config("us-east-1").await;
    let mut census = Census::new();
    ec2(&aws_sdk_ec2::Client::new(&conf), cluster, &mut census).await;
    elb(
        &aws_sdk_elasticloadbalancingv2::Client::new(&conf),
        cluster,
        &mut census,
    )
    .await;
    asg(
        &aws_sdk_autoscaling::Client::new(&conf),
        cluster,
        &mut census,
    )
    .await;
    iam(&aws_sdk_iam::Client::new(&conf), cluster, &mut census).await;
    eks(&aws_sdk_eks::Client::new(&conf), cluster, &mut census).await;
    census
}

/// The addresses found more than once, with what was found.
pub fn duplicates(census: &Census) -> Census {
    census
        .iter()
        .filter(|(_, ids)| ids.len() > 1)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn note<'a>(
    census: &mut Census,
    cluster: &str,
    tags: impl IntoIterator<Item = (&'a str, &'a str)>,
    id: &str,
) {
    let tags: BTreeMap<&str, &str> = tags.into_iter().collect();
    if tags.get(CLUSTER_TAG) == Some(&cluster) {
        let address = tags.get(ID_TAG).unwrap_or(&"<no id tag>").to_string();
        census.entry(address).or_default().push(id.to_string());
    }
}

fn ec2_tags(tags: &[Tag]) -> impl Iterator<Item = (&str, &str)> {
    tags.iter()
        .map(|t| (t.key().unwrap_or_default(), t.value().unwrap_or_default()))
}

async fn ec2(c: &aws_sdk_ec2::Client, cluster: &str, census: &mut Census) {
    let f = || {
        Filter::builder()
            .name(format!("tag:{CLUSTER_TAG}"))
            .values(cluster)
            .build()
    };
    let out = c.describe_vpcs().filters(f()).send().await.unwrap();
    for x in out.vpcs() {
        note(census, cluster, ec2_tags(x.tags()), x.vpc_id().unwrap());
    }
    let out = c.describe_subnets().filters(f()).send().await.unwrap();
    for x in out.subnets() {
        note(census, cluster, ec2_tags(x.tags()), x.subnet_id().unwrap());
    }
    let out = c
        .describe_internet_gateways()
        .filters(f())
        .send()
        .await
        .unwrap();
    for x in out.internet_gateways() {
        note(
            census,
            cluster,
            ec2_tags(x.tags()),
            x.internet_gateway_id().unwrap(),
        );
    }
    let out = c.describe_addresses().filters(f()).send().await.unwrap();
    for x in out.addresses() {
        note(
            census,
            cluster,
            ec2_tags(x.tags()),
            x.allocation_id().unwrap(),
        );
    }
    let out = c.describe_nat_gateways().filter(f()).send().await.unwrap();
    // A deleted NAT gateway stays listed for a while on AWS too; it is gone, not a duplicate.
    for x in out
        .nat_gateways()
        .iter()
        .filter(|n| !matches!(n.state().map(|s| s.as_str()), Some("deleted" | "deleting")))
    {
        note(
            census,
            cluster,
            ec2_tags(x.tags()),
            x.nat_gateway_id().unwrap(),
        );
    }
    let out = c.describe_route_tables().filters(f()).send().await.unwrap();
    for x in out.route_tables() {
        note(
            census,
            cluster,
            ec2_tags(x.tags()),
            x.route_table_id().unwrap(),
        );
    }
    ec2_security(c, cluster, census, f()).await;
    let out = c
        .describe_launch_templates()
        .filters(f())
        .send()
        .await
        .unwrap();
    for x in out.launch_templates() {
        note(
            census,
            cluster,
            ec2_tags(x.tags()),
            x.launch_template_id().unwrap(),
        );
    }
}

async fn ec2_security(c: &aws_sdk_ec2::Client, cluster: &str, census: &mut Census, f: Filter) {
    let out = c
        .describe_security_groups()
        .filters(f.clone())
        .send()
        .await
        .unwrap();
    for x in out.security_groups() {
        note(census, cluster, ec2_tags(x.tags()), x.group_id().unwrap());
    }
    let out = c
        .describe_security_group_rules()
        .filters(f)
        .send()
        .await
        .unwrap();
    for x in out.security_group_rules() {
        note(
            census,
            cluster,
            ec2_tags(x.tags()),
            x.security_group_rule_id().unwrap(),
        );
    }
}

async fn elb(c: &aws_sdk_elasticloadbalancingv2::Client, cluster: &str, census: &mut Census) {
    let lbs = c.describe_load_balancers().send().await.unwrap();
    let mut arns: Vec<String> = Vec::new();
    for lb in lbs.load_balancers() {
        let arn = lb.load_balancer_arn().unwrap();
        arns.push(arn.to_string());
        let ls = c
            .describe_listeners()
            .load_balancer_arn(arn)
            .send()
            .await
            .unwrap();
        arns.extend(
            ls.listeners()
                .iter()
                .map(|l| l.listener_arn().unwrap().to_string()),
        );
    }
    let tgs = c.describe_target_groups().send().await.unwrap();
    arns.extend(
        tgs.target_groups()
            .iter()
            .map(|t| t.target_group_arn().unwrap().to_string()),
    );
    for arn in arns {
        let out = c.describe_tags().resource_arns(&arn).send().await.unwrap();
        for d in out.tag_descriptions() {
            let tags = d
                .tags()
                .iter()
                .map(|t| (t.key().unwrap_or_default(), t.value().unwrap_or_default()));
            note(census, cluster, tags, &arn);
        }
    }
}

async fn asg(c: &aws_sdk_autoscaling::Client, cluster: &str, census: &mut Census) {
    let out = c.describe_auto_scaling_groups().send().await.unwrap();
    for g in out.auto_scaling_groups() {
        let tags = g
            .tags()
            .iter()
            .map(|t| (t.key().unwrap_or_default(), t.value().unwrap_or_default()));
        note(census, cluster, tags, g.auto_scaling_group_name().unwrap());
    }
}

async fn iam(c: &aws_sdk_iam::Client, cluster: &str, census: &mut Census) {
    let roles = c.list_roles().send().await.unwrap();
    for r in roles.roles() {
        let tags = c
            .list_role_tags()
            .role_name(r.role_name())
            .send()
            .await
            .unwrap();
        let tags = tags.tags().iter().map(|t| (t.key(), t.value()));
        note(census, cluster, tags, r.arn());
    }
    let profiles = c.list_instance_profiles().send().await.unwrap();
    for p in profiles.instance_profiles() {
        // GetInstanceProfile, not ListInstanceProfileTags: moto answers the latter with a 500.
        let out = c
            .get_instance_profile()
            .instance_profile_name(p.instance_profile_name())
            .send()
            .await
            .unwrap();
        let tags = out.instance_profile().map(|p| p.tags()).unwrap_or_default();
        let tags = tags.iter().map(|t| (t.key(), t.value()));
        note(census, cluster, tags, p.arn());
    }
}

async fn eks(c: &aws_sdk_eks::Client, cluster: &str, census: &mut Census) {
    let names = c.list_clusters().send().await.unwrap();
    for name in names.clusters() {
        let out = c.describe_cluster().name(name).send().await.unwrap();
        let Some(cl) = out.cluster() else { continue };
        let tags = cl
            .tags()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v.as_str()));
        note(census, cluster, tags, cl.arn().unwrap_or(name));
        access_entries(c, name, cluster, census).await;
    }
}

/// The access entries of one EKS cluster, by their tags.
async fn access_entries(c: &aws_sdk_eks::Client, name: &str, cluster: &str, census: &mut Census) {
    let listed = c
        .list_access_entries()
        .cluster_name(name)
        .send()
        .await
        .unwrap();
    for principal in listed.access_entries() {
        let out = c
            .describe_access_entry()
            .cluster_name(name)
            .principal_arn(principal)
            .send()
            .await
            .unwrap();
        let Some(e) = out.access_entry() else {
            continue;
        };
        let tags = e
            .tags()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v.as_str()));
        note(
            census,
            cluster,
            tags,
            e.access_entry_arn().unwrap_or(principal),
        );
    }
}
