use super::*;
use serde_json::json;

const LB_SPEC: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: demo, region: us-east-1, version: \"1.34\", tags: {team: platform}}
availabilityZones: [us-east-1a, us-east-1b]
loadBalancers:
  - name: ingress
    type: application
    listeners: [{port: 80, protocol: HTTP}]
    targetGroup: {port: 30080, protocol: HTTP}
    allowFrom: [\"0.0.0.0/0\"]
nodeGroups:
  - name: web
    instanceType: t3.medium
    desiredCapacity: 2
    amiFamily: AmazonLinux2023
    preBootstrapCommands: ['echo ${HOME} > /tmp/home']
    loadBalancers: [ingress]
";

fn spec(yaml: &str) -> ClusterSpec {
    crate::config::load_bytes("test.yaml", yaml.as_bytes())
        .unwrap_or_else(|d| panic!("{d}"))
        .spec
}

fn rendered(yaml: &str) -> Value {
    let s = spec(yaml);
    let desired = model::desired(&s, &ModelInputs::default());
    let amis = vec![AmiParam {
        nodegroup: "web".into(),
        default: "/aws/service/eks/x".into(),
        from_ssm: true,
    }];
    template_value(&desired, &amis)
}

#[test]
fn logical_ids_are_camel_case_and_long_ones_are_hashed_stably() {
    assert_eq!(
        ids::camel("subnet.public-us-east-1a"),
        "SubnetPublicUsEast1a"
    );
    let long = "security_group_rule.nodes/ingress/tcp/1025-65535/cidr:10.0.0.0/16-and-a-long-tail-of-words";
    let a = ids::assign([long, "vpc.main"]);
    assert_eq!(a["vpc.main"], "VpcMain");
    assert!(a[long].len() <= 64 && a[long].chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(ids::assign([long])[long], a[long], "same address, same id");
}

#[test]
fn addresses_that_camel_case_alike_get_distinct_ids() {
    // Separators are dropped, so `a-b` and `a_b` would both be `AB`.
    let x = "load_balancer.a-b";
    let y = "load_balancer.a_b";
    assert_eq!(ids::camel(x), ids::camel(y));
    let a = ids::assign([x, y]);
    assert_ne!(a[x], a[y]);
}

#[test]
fn references_become_ref_or_getatt() {
    let t = rendered(LB_SPEC);
    let r = &t["Resources"];
    assert_eq!(
        r["SubnetPublicUsEast1a"]["Properties"]["VpcId"],
        json!({"Ref": "VpcMain"})
    );
    let nat = &r["NatGatewayUsEast1a"]["Properties"];
    assert_eq!(
        nat["AllocationId"],
        json!({"Fn::GetAtt": ["ElasticIpNatUsEast1a", "AllocationId"]})
    );
    let lt = &r["LaunchTemplateWeb"]["Properties"]["LaunchTemplateData"];
    assert_eq!(
        lt["IamInstanceProfile"]["Arn"],
        json!({"Fn::GetAtt": ["InstanceProfileNodes", "Arn"]})
    );
    assert_eq!(
        lt["SecurityGroupIds"],
        json!([{"Fn::GetAtt": ["SecurityGroupNodes", "GroupId"]}])
    );
    let asg = &r["AutoscalingGroupWeb"]["Properties"];
    assert_eq!(
        asg["LaunchTemplate"]["Version"],
        json!({"Fn::GetAtt": ["LaunchTemplateWeb", "LatestVersionNumber"]})
    );
    assert_eq!(
        asg["TargetGroupARNs"],
        json!([{"Ref": "TargetGroupIngress"}])
    );
    let listener = &r["ListenerIngress80"]["Properties"];
    assert_eq!(
        listener["LoadBalancerArn"],
        json!({"Ref": "LoadBalancerIngress"})
    );
}

#[test]
fn user_data_is_a_sub_with_cluster_attributes_and_shell_expansions_escaped() {
    let t = rendered(LB_SPEC);
    let ud = &t["Resources"]["LaunchTemplateWeb"]["Properties"]["LaunchTemplateData"]["UserData"];
    let text = ud["Fn::Base64"]["Fn::Sub"]
        .as_str()
        .expect("Fn::Base64 of a Fn::Sub");
    assert!(
        text.contains("apiServerEndpoint: ${ClusterMain.Endpoint}"),
        "{text}"
    );
    assert!(
        text.contains("${ClusterMain.CertificateAuthorityData}"),
        "{text}"
    );
    assert!(text.contains("echo ${!HOME}"), "{text}");
    assert!(!text.contains("cluster.main"), "{text}");
}

#[test]
fn every_resource_keeps_the_ownership_tags() {
    let t = rendered(LB_SPEC);
    let vpc_tags = &t["Resources"]["VpcMain"]["Properties"]["Tags"];
    for (k, v) in [
        ("eksform.io/cluster", "demo"),
        ("eksform.io/id", "vpc.main"),
        ("team", "platform"),
    ] {
        assert!(
            vpc_tags
                .as_array()
                .unwrap()
                .contains(&json!({"Key": k, "Value": v})),
            "{vpc_tags}"
        );
    }
    let ng = &t["Resources"]["AutoscalingGroupWeb"]["Properties"]["Tags"];
    assert!(ng.as_array().unwrap().contains(
        &json!({"Key": "eksform.io/id", "Value": "autoscaling_group.web", "PropagateAtLaunch": true})
    ));
    let profile = &t["Resources"]["InstanceProfileNodes"]["Metadata"]["eksform.io/tags"];
    assert_eq!(profile["eksform.io/id"], "instance_profile.nodes");
}

#[test]
fn cidr_egress_is_inline_so_aws_adds_no_second_default_rule() {
    let t = rendered(LB_SPEC);
    let res = t["Resources"].as_object().unwrap();
    assert!(
        !res.values()
            .any(|r| r["Type"] == "AWS::EC2::SecurityGroupEgress"),
        "the allow-all egress rule must not also be a separate resource"
    );
    for g in [
        "SecurityGroupNodes",
        "SecurityGroupCluster",
        "SecurityGroupLbIngress",
    ] {
        assert_eq!(
            res[g]["Properties"]["SecurityGroupEgress"],
            json!([{"CidrIp": "0.0.0.0/0", "IpProtocol": "-1"}]),
            "{g}"
        );
    }
    let ingress = res
        .values()
        .filter(|r| r["Type"] == "AWS::EC2::SecurityGroupIngress");
    assert!(ingress.count() >= 4);
}

#[test]
fn amis_are_parameters_ssm_when_the_config_names_none() {
    let t = rendered(LB_SPEC);
    assert_eq!(
        t["Parameters"]["AmiWeb"],
        json!({
            "Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
            "Default": "/aws/service/eks/x",
            "Description": "node group \"web\": SSM parameter naming the EKS-optimized AMI",
        })
    );
    let lt = &t["Resources"]["LaunchTemplateWeb"]["Properties"]["LaunchTemplateData"];
    assert_eq!(lt["ImageId"], json!({"Ref": "AmiWeb"}));
    let text = render_spec(&spec(LB_SPEC));
    assert!(text.contains(
        "/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/recommended/image_id"
    ));
}

#[test]
fn outputs_name_the_network_load_balancer_and_cluster() {
    let t = rendered(LB_SPEC);
    let o = &t["Outputs"];
    assert_eq!(o["VpcId"]["Value"], json!({"Ref": "VpcMain"}));
    assert_eq!(
        o["PublicSubnetIds"]["Value"],
        json!({"Fn::Join": [",", [{"Ref": "SubnetPublicUsEast1a"}, {"Ref": "SubnetPublicUsEast1b"}]]})
    );
    assert_eq!(
        o["LoadBalancerIngressDnsName"]["Value"],
        json!({"Fn::GetAtt": ["LoadBalancerIngress", "DNSName"]})
    );
    assert_eq!(
        o["TargetGroupIngressArn"]["Value"],
        json!({"Ref": "TargetGroupIngress"})
    );
    assert_eq!(
        o["NodeSecurityGroupId"]["Value"],
        json!({"Fn::GetAtt": ["SecurityGroupNodes", "GroupId"]})
    );
    assert_eq!(
        o["ClusterEndpoint"]["Value"],
        json!({"Fn::GetAtt": ["ClusterMain", "Endpoint"]})
    );
}

#[test]
fn automatic_zones_come_from_get_azs() {
    let auto = LB_SPEC.replace("availabilityZones: [us-east-1a, us-east-1b]\n", "");
    let text = render_spec(&spec(&auto));
    let t = parse_yaml(&text);
    let az = &t["Resources"]["SubnetPublicAutoZone2"]["Properties"]["AvailabilityZone"];
    assert_eq!(*az, json!({"Fn::Select": [1, {"Fn::GetAZs": ""}]}));
}

#[test]
fn the_yaml_reads_back_as_the_template() {
    let s = spec(LB_SPEC);
    let desired = model::desired(&s, &ModelInputs::default());
    let amis = [AmiParam {
        nodegroup: "web".into(),
        default: "ami-1".into(),
        from_ssm: false,
    }];
    let text = template(&desired, &amis);
    assert_eq!(parse_yaml(&text), template_value(&desired, &amis));
}

/// The YAML text read back as JSON (strings stay strings: the emitter quotes what needs it).
fn parse_yaml(text: &str) -> Value {
    let docs = yaml_rust2::YamlLoader::load_from_str(text).expect("valid YAML");
    to_json(&docs[0])
}

fn to_json(y: &yaml_rust2::Yaml) -> Value {
    use yaml_rust2::Yaml;
    match y {
        Yaml::Hash(h) => Value::Object(
            h.iter()
                .map(|(k, v)| (k.as_str().expect("string key").to_string(), to_json(v)))
                .collect(),
        ),
        Yaml::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        Yaml::String(s) => json!(s),
        Yaml::Integer(i) => json!(i),
        Yaml::Boolean(b) => json!(b),
        Yaml::Real(r) => serde_json::from_str(r).expect("number"),
        Yaml::Null => Value::Null,
        other => panic!("unexpected YAML node {other:?}"),
    }
}

#[test]
fn a_managed_groups_target_group_attachment_is_left_out_and_noted() {
    let managed = LB_SPEC.replace(
        "nodeGroups:\n  - name: web\n    instanceType: t3.medium\n",
        "managedNodeGroups:\n  - name: web\n    instanceType: t3.medium\n",
    );
    let t = rendered(&managed);
    let res = t["Resources"].as_object().unwrap();
    assert!(res.values().any(|r| r["Type"] == "AWS::EKS::Nodegroup"));
    let left = &t["Metadata"]["eksform.io/left-out"];
    assert_eq!(left[0]["address"], "target_group_attachment.web", "{t}");
}
