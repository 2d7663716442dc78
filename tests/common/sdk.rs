//! Plain SDK access to what eksform created, so tests can check it and change it outside
//! eksform. Each test has its own moto server holding one cluster, so a lookup that finds more
//! or fewer than it expects is a failure, not an ambiguity to resolve.

use super::Moto;
use aws_sdk_autoscaling::types::AutoScalingGroup;
use aws_sdk_ec2::types::{Filter, SecurityGroupRule};
use aws_sdk_elasticloadbalancingv2::types::{Listener, TargetGroup};

pub struct Clients {
    pub ec2: aws_sdk_ec2::Client,
    pub elb: aws_sdk_elasticloadbalancingv2::Client,
    pub asg: aws_sdk_autoscaling::Client,
}

impl Clients {
    pub async fn new(moto: &Moto) -> Clients {
        let conf = moto.sdk_config("us-east-1").await;
        Clients {
            ec2: aws_sdk_ec2::Client::new(&conf),
            elb: aws_sdk_elasticloadbalancingv2::Client::new(&conf),
            asg: aws_sdk_autoscaling::Client::new(&conf),
        }
    }

    /// The id of the security group eksform tagged with `address`.
    pub async fn group_id(&self, address: &str) -> String {
        let out = self
            .ec2
            .describe_security_groups()
            .filters(id_tag(address))
            .send()
            .await
            .unwrap();
        let [group] = out.security_groups() else {
            panic!("expected one {address}, got {:?}", out.security_groups());
        };
        group.group_id().unwrap().to_string()
    }

    /// The id of the VPC eksform created for the cluster.
    pub async fn vpc_id(&self) -> String {
        let out = self
            .ec2
            .describe_vpcs()
            .filters(id_tag("vpc.main"))
            .send()
            .await
            .unwrap();
        let [vpc] = out.vpcs() else {
            panic!("expected one vpc.main, got {:?}", out.vpcs());
        };
        vpc.vpc_id().unwrap().to_string()
    }

    /// The VPC's tags as (key, value) pairs.
    pub async fn vpc_tags(&self, vpc_id: &str) -> Vec<(String, String)> {
        let out = self
            .ec2
            .describe_vpcs()
            .vpc_ids(vpc_id)
            .send()
            .await
            .unwrap();
        out.vpcs()[0]
            .tags()
            .iter()
            .map(|t| {
                (
                    t.key().unwrap_or_default().to_string(),
                    t.value().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    /// Every rule of one security group.
    pub async fn rules(&self, group_id: &str) -> Vec<SecurityGroupRule> {
        let out = self
            .ec2
            .describe_security_group_rules()
            .filters(Filter::builder().name("group-id").values(group_id).build())
            .send()
            .await
            .unwrap();
        out.security_group_rules().to_vec()
    }

    /// The ingress rule of `group_id` for a single TCP port, if there is one.
    pub async fn ingress_rule(&self, group_id: &str, port: i32) -> Option<SecurityGroupRule> {
        self.rules(group_id).await.into_iter().find(|r| {
            r.is_egress() == Some(false)
                && r.ip_protocol() == Some("tcp")
                && r.from_port() == Some(port)
                && r.to_port() == Some(port)
        })
    }

    /// Every target group in the account.
    pub async fn target_groups(&self) -> Vec<TargetGroup> {
        let out = self.elb.describe_target_groups().send().await.unwrap();
        out.target_groups().to_vec()
    }

    /// The only target group in the account.
    pub async fn target_group(&self) -> TargetGroup {
        let mut all = self.target_groups().await;
        assert_eq!(all.len(), 1, "expected one target group: {all:?}");
        all.remove(0)
    }

    /// Every listener of the only load balancer in the account.
    pub async fn listeners(&self) -> Vec<Listener> {
        let lbs = self.elb.describe_load_balancers().send().await.unwrap();
        let [lb] = lbs.load_balancers() else {
            panic!("expected one load balancer: {:?}", lbs.load_balancers());
        };
        let out = self
            .elb
            .describe_listeners()
            .load_balancer_arn(lb.load_balancer_arn().unwrap())
            .send()
            .await
            .unwrap();
        out.listeners().to_vec()
    }

    /// Every Auto Scaling group in the account.
    pub async fn autoscaling_groups(&self) -> Vec<AutoScalingGroup> {
        let out = self
            .asg
            .describe_auto_scaling_groups()
            .send()
            .await
            .unwrap();
        out.auto_scaling_groups().to_vec()
    }

    /// The only Auto Scaling group in the account.
    pub async fn autoscaling_group(&self) -> AutoScalingGroup {
        let mut all = self.autoscaling_groups().await;
        assert_eq!(all.len(), 1, "expected one Auto Scaling group: {all:?}");
        all.remove(0)
    }

    /// Sets an Auto Scaling group's MaxSize, as someone would in the console.
    pub async fn set_max_size(&self, name: &str, max: i32) {
        self.asg
            .update_auto_scaling_group()
            .auto_scaling_group_name(name)
            .max_size(max)
            .send()
            .await
            .unwrap();
    }
}

/// A filter on the `eksform.io/id` tag.
pub fn id_tag(address: &str) -> Filter {
    Filter::builder()
        .name("tag:eksform.io/id")
        .values(address)
        .build()
}

/// The target group a listener forwards to, from either form of the forward action.
pub fn forward_target(l: &Listener) -> Option<String> {
    let action = l.default_actions().first()?;
    if let Some(arn) = action.target_group_arn() {
        return Some(arn.to_string());
    }
    let tgs = action.forward_config()?.target_groups();
    let [tg] = tgs else { return None };
    tg.target_group_arn().map(str::to_string)
}
