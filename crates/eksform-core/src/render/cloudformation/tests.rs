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
    // Owned through their role and load balancer: nothing to tag.
    for part in ["InstanceProfileNodes", "ListenerIngress80"] {
        let res = &t["Resources"][part];
        assert!(res.is_object(), "{part} rendered");
        assert!(res.get("Metadata").is_none(), "{res}");
        assert!(res["Properties"].get("Tags").is_none(), "{res}");
    }
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

/// `LB_SPEC`'s node group with `edit` applied to its lines (AMI family, extra fields).
fn node_group(family: &str, extra: &str) -> String {
    LB_SPEC.replace(
        "    amiFamily: AmazonLinux2023\n",
        &format!("    amiFamily: {family}\n{extra}"),
    )
}

fn user_data(t: &Value, lt: &str) -> String {
    let ud = &t["Resources"][lt]["Properties"]["LaunchTemplateData"]["UserData"];
    ud["Fn::Base64"]["Fn::Sub"]
        .as_str()
        .expect("Fn::Base64 of a Fn::Sub")
        .to_string()
}

const SIGNAL_WEB: &str =
    "--stack ${AWS::StackName} --resource AutoscalingGroupWeb --region ${AWS::Region}";

#[test]
fn a_signalled_group_waits_for_its_desired_nodes_on_create_and_for_each_on_update() {
    let t = rendered(LB_SPEC);
    let asg = &t["Resources"]["AutoscalingGroupWeb"];
    assert_eq!(
        asg["CreationPolicy"],
        json!({"ResourceSignal": {"Count": 2, "Timeout": "PT15M"}})
    );
    let rolling = &asg["UpdatePolicy"]["AutoScalingRollingUpdate"];
    assert_eq!(rolling["WaitOnResourceSignals"], json!(true));
    assert_eq!(rolling["PauseTime"], json!("PT15M"));
    assert!(t["Metadata"].get("eksform.io/unsignalled").is_none(), "{t}");
}

#[test]
fn al2023_signals_from_a_last_shell_part_once_nodeadm_has_started_kubelet() {
    let text = user_data(&rendered(LB_SPEC), "LaunchTemplateWeb");
    let parts: Vec<&str> = text.split("\n--//\n").collect();
    let last = parts.last().expect("parts");
    assert!(
        last.starts_with("Content-Type: text/x-shellscript"),
        "{text}"
    );
    assert!(
        last.ends_with("\n--//--\n"),
        "the document stays closed: {text}"
    );
    let node_config = text.rfind("kind: NodeConfig").expect("a NodeConfig part");
    let install = text
        .find("dnf install -y aws-cfn-bootstrap || exit 1")
        .expect("install");
    let signal = text.find(SIGNAL_WEB).expect("the signal names the group");
    assert!(node_config < install && install < signal, "{text}");
    assert!(
        last.contains("--property After=nodeadm-run.service"),
        "{last}"
    );
    assert!(
        last.contains(
            "systemctl is-active --quiet kubelet.service\n/opt/aws/bin/cfn-signal --exit-code $? "
        ),
        "{last}"
    );
    assert!(
        text.contains("echo ${!HOME}"),
        "shell text stays escaped: {text}"
    );
}

#[test]
fn the_api_engines_user_data_never_signals() {
    let desired = model::desired(&spec(LB_SPEC), &ModelInputs::default());
    let lt = desired
        .resources
        .iter()
        .find(|r| r.address == "launch_template.web")
        .expect("launch template");
    let text = lt.props["user_data"].to_string();
    assert!(!text.contains("cfn-signal"), "{text}");
}

#[test]
fn al2_signals_bootstraps_exit_code_right_after_it() {
    let t = rendered(&node_group("AmazonLinux2", ""));
    let text = user_data(&t, "LaunchTemplateWeb");
    let bootstrap = text.find("/etc/eks/bootstrap.sh demo").expect("bootstrap");
    let signal = format!("'\n/opt/aws/bin/cfn-signal --exit-code $? {SIGNAL_WEB}\n");
    let at = text.find(&signal).unwrap_or_else(|| panic!("{text}"));
    assert!(bootstrap < at && text.ends_with(&signal[1..]), "{text}");
    assert!(t["Resources"]["AutoscalingGroupWeb"]["CreationPolicy"].is_object());
}

#[test]
fn al2_with_kubelet_extra_config_signals_bootstraps_status_after_the_merge() {
    let extra = "    kubeletExtraConfig: {podPidsLimit: 4096}\n";
    let text = user_data(
        &rendered(&node_group("AmazonLinux2", extra)),
        "LaunchTemplateWeb",
    );
    let kept = text
        .find("'\nbootstrap_status=$?\nmkdir -p /etc/eksform\n")
        .unwrap_or_else(|| panic!("status kept right after bootstrap: {text}"));
    let signal = format!(
        "systemctl restart kubelet\n/opt/aws/bin/cfn-signal --exit-code $bootstrap_status {SIGNAL_WEB}\n"
    );
    assert!(text.ends_with(&signal), "{text}");
    assert!(text.find("/etc/eks/bootstrap.sh").unwrap() < kept);
}

#[test]
fn al2_override_signals_after_the_users_own_script() {
    let extra =
        "    overrideBootstrapCommand: |\n      /etc/eks/bootstrap.sh demo\n      echo joined\n";
    let text = user_data(
        &rendered(&node_group("AmazonLinux2", extra)),
        "LaunchTemplateWeb",
    );
    let signal = format!("echo joined\n/opt/aws/bin/cfn-signal --exit-code $? {SIGNAL_WEB}\n");
    assert!(text.ends_with(&signal), "{text}");
}

#[test]
fn a_group_of_desired_zero_has_no_creation_policy_but_updates_still_wait() {
    let zero = LB_SPEC.replace(
        "    desiredCapacity: 2\n",
        "    desiredCapacity: 0\n    minSize: 0\n    maxSize: 2\n",
    );
    let t = rendered(&zero);
    let asg = &t["Resources"]["AutoscalingGroupWeb"];
    assert!(asg.get("CreationPolicy").is_none(), "{asg}");
    assert_eq!(
        asg["UpdatePolicy"]["AutoScalingRollingUpdate"]["WaitOnResourceSignals"],
        json!(true)
    );
}

#[test]
fn bottlerocket_cannot_signal_so_its_group_has_no_creation_policy_and_a_note() {
    let bottlerocket = node_group("Bottlerocket", "").replace(
        "    preBootstrapCommands: ['echo ${HOME} > /tmp/home']\n",
        "",
    );
    let t = rendered(&bottlerocket);
    let asg = &t["Resources"]["AutoscalingGroupWeb"];
    assert!(asg.get("CreationPolicy").is_none(), "{asg}");
    let rolling = &asg["UpdatePolicy"]["AutoScalingRollingUpdate"];
    assert!(rolling.get("WaitOnResourceSignals").is_none(), "{rolling}");
    assert!(!user_data(&t, "LaunchTemplateWeb").contains("cfn-signal"));
    let note = &t["Metadata"]["eksform.io/unsignalled"][0];
    assert_eq!(note["address"], "autoscaling_group.web");
    assert!(
        note["reason"].as_str().unwrap().contains("Bottlerocket"),
        "{note}"
    );
}

#[test]
fn asg_per_az_groups_share_a_launch_template_and_are_not_signalled() {
    let t = rendered(&node_group("AmazonLinux2023", "    asgPerAZ: true\n"));
    let res = t["Resources"].as_object().unwrap();
    let groups: Vec<&Value> = res
        .values()
        .filter(|r| r["Type"] == "AWS::AutoScaling::AutoScalingGroup")
        .collect();
    assert_eq!(groups.len(), 2, "one group per zone");
    assert!(groups.iter().all(|g| g.get("CreationPolicy").is_none()));
    assert!(!user_data(&t, "LaunchTemplateWeb").contains("cfn-signal"));
    let notes = t["Metadata"]["eksform.io/unsignalled"].as_array().unwrap();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0]["reason"].as_str().unwrap().contains("asgPerAZ"));
}

#[test]
fn managed_node_groups_are_never_signalled() {
    let managed = LB_SPEC.replace(
        "nodeGroups:\n  - name: web\n    instanceType: t3.medium\n",
        "managedNodeGroups:\n  - name: web\n    instanceType: t3.medium\n",
    );
    let t = rendered(&managed);
    for (id, r) in t["Resources"].as_object().unwrap() {
        assert!(r.get("CreationPolicy").is_none(), "{id}");
        assert!(!r.to_string().contains("cfn-signal"), "{id}");
    }
}

/// The signal is the template's, not the node's configuration: taking it off the rendered user
/// data gives the config's user data back exactly, for every family and variant, so a launch
/// template CloudFormation made reads back equal to the config's.
#[test]
fn the_signal_comes_off_again_exactly() {
    let al2 = |extra: &str| node_group("AmazonLinux2", extra);
    let variants = [
        LB_SPEC.to_string(),
        al2(""),
        al2("    kubeletExtraConfig: {podPidsLimit: 4096}\n"),
        al2(
            "    overrideBootstrapCommand: |\n      /etc/eks/bootstrap.sh demo\n      echo joined\n",
        ),
    ];
    for yaml in variants {
        let desired = model::desired(&spec(&yaml), &ModelInputs::default());
        let lt = desired
            .resources
            .iter()
            .find(|r| r.address == "launch_template.web")
            .expect("launch template");
        let text = lt.props["user_data"]["$tpl"].as_str().expect("a template");
        let signalled = super::signal::sub_user_data(text, "AutoscalingGroupWeb").expect("signals");
        assert_ne!(signalled, text);
        assert_eq!(
            crate::model::userdata::without_signal(&signalled),
            text,
            "{yaml}"
        );
        assert_eq!(
            crate::model::userdata::without_signal(text),
            text,
            "no signal, no change"
        );
    }
}

#[test]
fn cluster_logging_renders_the_log_group_and_the_enabled_types() {
    let yaml = format!(
        "{LB_SPEC}cloudWatch:\n  clusterLogging:\n    enableTypes: [audit, api]\n    logRetentionInDays: 14\n"
    );
    let t = rendered(&yaml);
    let group = &t["Resources"]["LogGroupCluster"];
    assert_eq!(group["Type"], json!("AWS::Logs::LogGroup"));
    assert_eq!(
        group["Properties"]["LogGroupName"],
        json!("/aws/eks/demo/cluster")
    );
    assert_eq!(group["Properties"]["RetentionInDays"], json!(14));
    let cluster = &t["Resources"]["ClusterMain"];
    assert_eq!(
        cluster["Properties"]["Logging"],
        json!({"ClusterLogging": {"EnabledTypes": [{"Type": "api"}, {"Type": "audit"}]}})
    );
    assert_eq!(cluster["DependsOn"], json!(["LogGroupCluster"]));
    let plain = rendered(LB_SPEC);
    assert!(plain["Resources"].get("LogGroupCluster").is_none());
    assert!(
        plain["Resources"]["ClusterMain"]["Properties"]
            .get("Logging")
            .is_none()
    );
    assert!(plain["Resources"]["ClusterMain"].get("DependsOn").is_none());
}
