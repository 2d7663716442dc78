//! Test support: every resource in a moto server that carries a cluster's ownership tag,
//! grouped by its `eksform.io/id` tag, and the untagged parts of those (listeners of its load
//! balancers, instance profiles holding its roles), read with the plain SDK. It finds duplicates and
//! leftovers; it must not decide what should exist (the plan says that).

use super::Moto;
use aws_sdk_ec2::types::{Filter, Tag};
use std::collections::BTreeMap;

/// Every item of every page of a paginator (each call sets the API's largest page size: a
/// census that read one default page would miss what a large cluster has).
macro_rules! all {
    ($paginator:expr) => {
        $paginator.items().send().try_collect().await.unwrap()
    };
}

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
    log_groups(
        &aws_sdk_cloudwatchlogs::Client::new(&conf),
        cluster,
        &mut census,
    )
    .await;
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
    let out = c
        .describe_vpcs()
        .filters(f())
        .into_paginator()
        .page_size(1000);
    for x in &all!(out) {
        note(census, cluster, ec2_tags(x.tags()), x.vpc_id().unwrap());
    }
    let out = c
        .describe_subnets()
        .filters(f())
        .into_paginator()
        .page_size(1000);
    for x in &all!(out) {
        note(census, cluster, ec2_tags(x.tags()), x.subnet_id().unwrap());
    }
    let out = c.describe_internet_gateways().filters(f()).into_paginator();
    for x in &all!(out.page_size(1000)) {
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
    let out = c.describe_nat_gateways().filter(f()).into_paginator();
    let out = all!(out.page_size(1000));
    // A deleted NAT gateway stays listed for a while on AWS too; it is gone, not a duplicate.
    for x in out
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
    let out = c.describe_route_tables().filters(f()).into_paginator();
    for x in &all!(out.page_size(1000)) {
        note(
            census,
            cluster,
            ec2_tags(x.tags()),
            x.route_table_id().unwrap(),
        );
    }
    ec2_security(c, cluster, census, f()).await;
    let out = c.describe_launch_templates().filters(f()).into_paginator();
    for x in &all!(out.page_size(200)) {
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
        .into_paginator();
    for x in &all!(out.page_size(1000)) {
        note(census, cluster, ec2_tags(x.tags()), x.group_id().unwrap());
    }
    let out = c
        .describe_security_group_rules()
        .filters(f)
        .into_paginator();
    for x in &all!(out.page_size(1000)) {
        note(
            census,
            cluster,
            ec2_tags(x.tags()),
            x.security_group_rule_id().unwrap(),
        );
    }
}

/// Load balancers and target groups by their tags; listeners, which carry none, as parts of the
/// cluster's load balancers (`listener.<lb>-<port>`), as eksform owns them.
async fn elb(c: &aws_sdk_elasticloadbalancingv2::Client, cluster: &str, census: &mut Census) {
    let lbs = all!(c.describe_load_balancers().page_size(400).into_paginator());
    let tgs = all!(c.describe_target_groups().page_size(400).into_paginator());
    let arns = (lbs.iter().map(|l| l.load_balancer_arn().unwrap()))
        .chain(tgs.iter().map(|t| t.target_group_arn().unwrap()));
    for arn in arns {
        let out = c.describe_tags().resource_arns(arn).send().await.unwrap();
        for d in out.tag_descriptions() {
            let tags: BTreeMap<&str, &str> = d
                .tags()
                .iter()
                .map(|t| (t.key().unwrap_or_default(), t.value().unwrap_or_default()))
                .collect();
            note(census, cluster, tags.clone(), arn);
            let owner = tags.get(CLUSTER_TAG) == Some(&cluster);
            if let (true, Some(lb)) = (
                owner,
                tags.get(ID_TAG)
                    .and_then(|a| a.strip_prefix("load_balancer.")),
            ) {
                listeners(c, arn, lb, census).await;
            }
        }
    }
}

async fn listeners(
    c: &aws_sdk_elasticloadbalancingv2::Client,
    lb_arn: &str,
    lb: &str,
    census: &mut Census,
) {
    let out = c
        .describe_listeners()
        .load_balancer_arn(lb_arn)
        .page_size(400);
    for l in &all!(out.into_paginator()) {
        let address = format!("listener.{lb}-{}", l.port().unwrap_or_default());
        let arn = l.listener_arn().unwrap().to_string();
        census.entry(address).or_default().push(arn);
    }
}

async fn asg(c: &aws_sdk_autoscaling::Client, cluster: &str, census: &mut Census) {
    let out = c.describe_auto_scaling_groups().into_paginator();
    for g in &all!(out.page_size(100)) {
        let tags = g
            .tags()
            .iter()
            .map(|t| (t.key().unwrap_or_default(), t.value().unwrap_or_default()));
        note(census, cluster, tags, g.auto_scaling_group_name().unwrap());
    }
}

/// Roles by their tags; instance profiles, which carry none, as parts of the cluster's roles
/// they hold (`instance_profile.<x>` for `iam_role.<x>`), as eksform owns them. A profile under
/// the cluster's path holding none of them is noted too: nothing may be left behind there.
async fn iam(c: &aws_sdk_iam::Client, cluster: &str, census: &mut Census) {
    let roles = all!(c.list_roles().into_paginator().page_size(1000));
    let mut owned: BTreeMap<String, String> = BTreeMap::new();
    for r in &roles {
        let tags = c.list_role_tags().role_name(r.role_name()).into_paginator();
        let tags = all!(tags.page_size(1000));
        let tags: BTreeMap<&str, &str> = tags.iter().map(|t| (t.key(), t.value())).collect();
        note(census, cluster, tags.clone(), r.arn());
        if let (Some(&owner), Some(id)) = (tags.get(CLUSTER_TAG), tags.get(ID_TAG))
            && owner == cluster
        {
            let part = id.strip_prefix("iam_role.").unwrap_or(id);
            owned.insert(r.role_name().to_string(), part.to_string());
        }
    }
    let path = format!("/eksform/{cluster}/");
    let profiles = all!(c.list_instance_profiles().into_paginator().page_size(1000));
    for p in &profiles {
        let role = p.roles().first().and_then(|r| owned.get(r.role_name()));
        let address = match role {
            Some(part) => format!("instance_profile.{part}"),
            None if p.path() == path => "<instance profile holding no role of the cluster>".into(),
            None => continue,
        };
        census.entry(address).or_default().push(p.arn().to_string());
    }
    let providers = c.list_open_id_connect_providers().send().await.unwrap();
    for p in providers.open_id_connect_provider_list() {
        let Some(arn) = p.arn() else { continue };
        let out = c
            .get_open_id_connect_provider()
            .open_id_connect_provider_arn(arn)
            .send()
            .await
            .unwrap();
        let tags = out.tags().iter().map(|t| (t.key(), t.value()));
        note(census, cluster, tags, arn);
    }
}

async fn eks(c: &aws_sdk_eks::Client, cluster: &str, census: &mut Census) {
    let names = all!(c.list_clusters().into_paginator().page_size(100));
    for name in &names {
        let out = c.describe_cluster().name(name).send().await.unwrap();
        let Some(cl) = out.cluster() else { continue };
        let tags = cl
            .tags()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v.as_str()));
        note(census, cluster, tags, cl.arn().unwrap_or(name));
        access_entries(c, name, cluster, census).await;
        nodegroups(c, name, cluster, census).await;
    }
}

/// Every log group, by its tags (eksform's are under `/aws/eks/<cluster>/`; all are looked at,
/// so one left elsewhere is found too).
async fn log_groups(c: &aws_sdk_cloudwatchlogs::Client, cluster: &str, census: &mut Census) {
    let groups: Vec<_> = all!(c.describe_log_groups().into_paginator().page_size(50));
    for g in &groups {
        let Some(arn) = g.log_group_arn() else {
            continue;
        };
        let out = c
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .unwrap();
        let tags = out.tags().into_iter().flatten();
        note(
            census,
            cluster,
            tags.map(|(k, v)| (k.as_str(), v.as_str())),
            arn,
        );
    }
}

/// The access entries of one EKS cluster, by their tags.
async fn access_entries(c: &aws_sdk_eks::Client, name: &str, cluster: &str, census: &mut Census) {
    let listed = c.list_access_entries().cluster_name(name).into_paginator();
    for principal in &all!(listed.page_size(100)) {
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

/// The managed node groups of one EKS cluster, by their tags.
async fn nodegroups(c: &aws_sdk_eks::Client, name: &str, cluster: &str, census: &mut Census) {
    let listed = c.list_nodegroups().cluster_name(name).into_paginator();
    for ng in &all!(listed.page_size(100)) {
        let out = c.describe_nodegroup().cluster_name(name).nodegroup_name(ng);
        let Some(g) = out.send().await.unwrap().nodegroup else {
            continue;
        };
        let tags = g.tags().into_iter().flatten();
        let tags = tags.map(|(k, v)| (k.as_str(), v.as_str()));
        note(census, cluster, tags, g.nodegroup_arn().unwrap_or(ng));
    }
}
