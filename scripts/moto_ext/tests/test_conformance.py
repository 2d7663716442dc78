"""Every AWS operation eksform calls, checked against botocore's service model, so the local
endpoint cannot drift from the real API.

- `OperationList` keeps moto_ext/operations.json true to crates/eksform-aws/src/aws: it fails when eksform calls an
  operation (an SDK fluent call such as `.describe_subnets()`, or a waiter) that is not listed,
  when a listed one is no longer called, or when botocore does not know a listed one.
- `Conformance` calls every listed operation through boto3 against the launcher, from a small
  fixture (a VPC, a cluster, ...): boto3 validates each request against the operation's input
  shape (required members, types), and each answer is checked against its output shape, parsed
  and as sent (see shapes.py). An answer's problems must be exactly those operations.json lists
  under `deviations` (with why); an `unanswered` operation must still fail (with why), so both
  lists shrink when moto or moto_ext gets better. EKSFORM_CONFORMANCE_DUMP=path writes the
  problems seen to a file (in `deviations`' form) when a change needs looking at.
"""

import glob
import json
import os
import re
import time
import unittest

import botocore.session
from botocore import xform_name

from moto_ext.tests.support import LauncherTest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
LIST = json.load(open(os.path.join(os.path.dirname(HERE), "operations.json")))
MODELS = botocore.session.get_session()
# An SDK fluent call takes no arguments: `.describe_subnets()`; builders' setters take one.
CALL = re.compile(r"\.([a-z][a-z0-9_]*)\(\)")


def listed():
    """(service, operation) of every listed operation."""
    return {(s, o) for s, ops in LIST["operations"].items() for o in ops}


def known_operations():
    """Each snake-case name of an operation of a listed service, with its (service, operation)s."""
    names = {}
    for service in LIST["operations"]:
        for operation in MODELS.get_service_model(service).operation_names:
            names.setdefault(xform_name(operation), set()).add((service, operation))
    return names


def calls_in_source():
    """The names eksform calls on clients in crates/eksform-aws/src/aws: {name: [files]}."""
    found = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "crates", "eksform-aws", "src", "aws", "**", "*.rs"), recursive=True)):
        with open(path) as f:
            for name in CALL.findall(f.read()):
                found.setdefault(name, []).append(os.path.relpath(path, ROOT))
    return found


class OperationList(unittest.TestCase):
    def test_every_operation_src_aws_calls_is_listed_and_every_listed_one_is_called(self):
        ops, calls, waiters = known_operations(), calls_in_source(), LIST["waiters"]
        missing = [f"{name} ({files[0]})" for name, files in sorted(calls.items())
                   if name in ops and not ops[name] & listed()]
        self.assertEqual(missing, [], "called in crates/eksform-aws/src/aws, not in operations.json")
        stale = sorted(f"{s} {o}" for s, o in listed() if xform_name(o) not in calls)
        self.assertEqual(stale, [], "in operations.json, not called in crates/eksform-aws/src/aws")
        unlisted = sorted(n for n in calls if n.startswith("wait_until_") and n not in waiters)
        self.assertEqual(unlisted, [], "waiters called in crates/eksform-aws/src/aws, not in operations.json")
        self.assertEqual(sorted(n for n in waiters if n not in calls), [],
                         "waiters in operations.json, not called in crates/eksform-aws/src/aws")

    def test_every_listed_operation_and_waiter_is_one_botocore_knows(self):
        for service, operation in sorted(listed()):
            self.assertIn(operation, MODELS.get_service_model(service).operation_names)
        for name, (service, operation) in LIST["waiters"].items():
            self.assertIn((service, operation), listed(), name)
            waiter = name[len("wait_until_"):]
            try:
                model = MODELS.get_waiter_model(service)
            except Exception:  # botocore has no waiters for the service: the list's word
                continue
            by_name = {xform_name(w): w for w in model.waiter_names}
            if waiter in by_name:
                self.assertEqual(model.get_waiter(by_name[waiter]).operation, operation, name)

    def test_deviations_and_unanswered_operations_are_listed_ones_with_a_reason(self):
        for key, entry in list(LIST["deviations"].items()) + list(LIST["unanswered"].items()):
            service, operation = key.split()
            self.assertIn((service, operation), listed(), key)
            self.assertTrue(entry["why"], key)


ROLE_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})
INLINE_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "ec2:DescribeVpcs", "Resource": "*"}]})
STACK = json.dumps({
    "Resources": {"Gateway": {"Type": "AWS::EC2::InternetGateway", "Properties": {
        "Tags": [{"Key": "team", "Value": "x"}]}}},
    "Outputs": {"Gateway": {"Value": {"Ref": "Gateway"}}},
})
STACK_2 = json.dumps({
    "Resources": {"Gateway": {"Type": "AWS::EC2::InternetGateway", "Properties": {
        "Tags": [{"Key": "team", "Value": "y"}]}}},
})


class Conformance(LauncherTest):
    maxDiff = None
    SETTINGS = {"EKSFORM_MOTO_EKS_STATE_SECONDS": "0",
                "EKSFORM_MOTO_EKS_UPDATE_SECONDS": "0.2",
                "EKSFORM_MOTO_REFRESH_STEP_SECONDS": "0.2"}

    def setUp(self):
        self.clients = {}
        self.seen = {}

    def call(self, service, operation, **kwargs):
        """The operation's answer; its problems against the model are kept in `seen`."""
        if service not in self.clients:
            self.clients[service] = self.client(service)
        self.bodies = {}
        out = getattr(self.clients[service], xform_name(operation))(**kwargs)
        self.assertIn((service, operation), self.bodies, "the answer's body was not kept")
        problems = self.problems(service, operation, out)
        self.seen.setdefault(f"{service} {operation}", set()).update(problems)
        return out

    def until(self, check, seconds=10):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if check():
                return
            time.sleep(0.1)
        self.fail("never")

    def test_every_listed_operation_answers_in_the_models_shapes(self):
        network = self.network()
        self.security(network)
        self.routes(network)
        template = self.launch_template()
        self.load_balancing(network)
        self.auto_scaling(network, template)
        role = self.iam()
        self.eks(network, template, role)
        self.cloudformation()
        self.logs()
        self.dynamodb()
        self.ssm()
        self.teardown_network(network)

        problems = {key: sorted(found) for key, found in self.seen.items() if found}
        if os.environ.get("EKSFORM_CONFORMANCE_DUMP"):
            with open(os.environ["EKSFORM_CONFORMANCE_DUMP"], "w") as f:
                json.dump(problems, f, indent=2)
        listed_problems = {key: sorted(d["problems"]) for key, d in LIST["deviations"].items()}
        unexpected = {key: found for key, found in problems.items()
                      if found != listed_problems.get(key)}
        self.assertEqual(unexpected, {}, "answers unlike the model, not listed as deviations")
        self.assertEqual(sorted(set(listed_problems) - set(problems)), [],
                         "listed deviations no longer seen: remove them")
        for key in LIST["unanswered"]:
            service, operation = key.split()
            with self.assertRaises(Exception, msg=f"{key} answers now: take it off `unanswered`"):
                self.call(service, operation, **LIST["unanswered"][key]["request"])
        called = set(self.seen) | set(LIST["unanswered"])
        self.assertEqual(sorted(f"{s} {o}" for s, o in listed() if f"{s} {o}" not in called), [],
                         "listed operations this test does not call")

    # --- EC2 -----------------------------------------------------------------------------

    def network(self):
        n = {}
        vpc = self.call("ec2", "CreateVpc", CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        n["vpc"] = vpc
        self.call("ec2", "DescribeVpcs", VpcIds=[vpc])
        self.call("ec2", "ModifyVpcAttribute", VpcId=vpc, EnableDnsHostnames={"Value": True})
        attr = self.call("ec2", "DescribeVpcAttribute", VpcId=vpc, Attribute="enableDnsHostnames")
        self.assertTrue(attr["EnableDnsHostnames"]["Value"])
        n["subnets"] = [
            self.call("ec2", "CreateSubnet", VpcId=vpc, CidrBlock=f"10.0.{i}.0/24",
                      AvailabilityZone=f"us-east-1{z}")["Subnet"]["SubnetId"]
            for i, z in ((1, "a"), (2, "b"))]
        self.call("ec2", "DescribeSubnets", SubnetIds=n["subnets"])
        self.call("ec2", "ModifySubnetAttribute", SubnetId=n["subnets"][0],
                  MapPublicIpOnLaunch={"Value": True})
        self.call("ec2", "DescribeAvailabilityZones")
        self.call("ec2", "DescribeInstanceTypes", InstanceTypes=["t3.medium"])
        igw = self.call("ec2", "CreateInternetGateway")["InternetGateway"]["InternetGatewayId"]
        n["igw"] = igw
        self.call("ec2", "AttachInternetGateway", InternetGatewayId=igw, VpcId=vpc)
        self.call("ec2", "DescribeInternetGateways", InternetGatewayIds=[igw])
        self.call("ec2", "CreateTags", Resources=[vpc], Tags=[{"Key": "team", "Value": "x"}])
        self.call("ec2", "DescribeTags", Filters=[{"Name": "resource-id", "Values": [vpc]}])
        self.call("ec2", "DeleteTags", Resources=[vpc], Tags=[{"Key": "team"}])
        eip = self.call("ec2", "AllocateAddress", Domain="vpc")["AllocationId"]
        n["eip"] = eip
        self.call("ec2", "DescribeAddresses", AllocationIds=[eip])
        nat = self.call("ec2", "CreateNatGateway", SubnetId=n["subnets"][0], AllocationId=eip,
                        ClientToken="nat-1")["NatGateway"]["NatGatewayId"]
        n["nat"] = nat
        self.call("ec2", "DescribeNatGateways", NatGatewayIds=[nat])
        eni = self.clients["ec2"].create_network_interface(
            SubnetId=n["subnets"][1])["NetworkInterface"]["NetworkInterfaceId"]
        self.call("ec2", "DescribeNetworkInterfaces",
                  Filters=[{"Name": "vpc-id", "Values": [vpc]}])
        self.call("ec2", "DeleteNetworkInterface", NetworkInterfaceId=eni)
        return n

    def security(self, n):
        sg = self.call("ec2", "CreateSecurityGroup", GroupName="nodes", Description="nodes",
                       VpcId=n["vpc"])["GroupId"]
        n["sg"] = sg
        rule = [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                 "IpRanges": [{"CidrIp": "10.0.0.0/16", "Description": "in"}]}]
        self.call("ec2", "AuthorizeSecurityGroupIngress", GroupId=sg, IpPermissions=rule)
        self.call("ec2", "AuthorizeSecurityGroupEgress", GroupId=sg, IpPermissions=rule)
        self.call("ec2", "DescribeSecurityGroups", GroupIds=[sg])
        self.call("ec2", "DescribeSecurityGroupRules",
                  Filters=[{"Name": "group-id", "Values": [sg]}])
        self.call("ec2", "RevokeSecurityGroupIngress", GroupId=sg, IpPermissions=rule)
        self.call("ec2", "RevokeSecurityGroupEgress", GroupId=sg, IpPermissions=rule)

    def routes(self, n):
        vpc, subnet = n["vpc"], n["subnets"][0]
        tables = [self.call("ec2", "CreateRouteTable", VpcId=vpc, ClientToken=f"rt-{i}")
                  ["RouteTable"]["RouteTableId"] for i in (1, 2)]
        self.call("ec2", "CreateRoute", RouteTableId=tables[0],
                  DestinationCidrBlock="0.0.0.0/0", GatewayId=n["igw"])
        self.call("ec2", "ReplaceRoute", RouteTableId=tables[0],
                  DestinationCidrBlock="0.0.0.0/0", NatGatewayId=n["nat"])
        association = self.call("ec2", "AssociateRouteTable", RouteTableId=tables[0],
                                SubnetId=subnet)["AssociationId"]
        association = self.call("ec2", "ReplaceRouteTableAssociation",
                                AssociationId=association,
                                RouteTableId=tables[1])["NewAssociationId"]
        self.call("ec2", "DescribeRouteTables", RouteTableIds=tables)
        self.call("ec2", "DisassociateRouteTable", AssociationId=association)
        self.call("ec2", "DeleteRoute", RouteTableId=tables[0], DestinationCidrBlock="0.0.0.0/0")
        for table in tables:
            self.call("ec2", "DeleteRouteTable", RouteTableId=table)

    def launch_template(self):
        made = self.call("ec2", "CreateLaunchTemplate", LaunchTemplateName="nodes",
                         ClientToken="lt-1", LaunchTemplateData={
                             "ImageId": "ami-ekslinux", "InstanceType": "t3.medium"})
        template = made["LaunchTemplate"]["LaunchTemplateId"]
        self.call("ec2", "CreateLaunchTemplateVersion", LaunchTemplateId=template,
                  SourceVersion="1", LaunchTemplateData={"ImageId": "ami-ekslinux"},
                  ClientToken="lt-1-2")
        self.call("ec2", "ModifyLaunchTemplate", LaunchTemplateId=template, DefaultVersion="1")
        self.call("ec2", "DescribeLaunchTemplates", LaunchTemplateIds=[template])
        self.call("ec2", "DescribeLaunchTemplateVersions", LaunchTemplateId=template)
        return template

    def teardown_network(self, n):
        self.call("ec2", "DeleteLaunchTemplate", LaunchTemplateName="nodes")
        self.call("ec2", "DeleteNatGateway", NatGatewayId=n["nat"])
        self.call("ec2", "ReleaseAddress", AllocationId=n["eip"])
        self.call("ec2", "DetachInternetGateway", InternetGatewayId=n["igw"], VpcId=n["vpc"])
        self.call("ec2", "DeleteInternetGateway", InternetGatewayId=n["igw"])
        self.call("ec2", "DeleteSecurityGroup", GroupId=n["sg"])
        for subnet in n["subnets"]:
            self.call("ec2", "DeleteSubnet", SubnetId=subnet)
        self.call("ec2", "DeleteVpc", VpcId=n["vpc"])

    # --- ELBv2 ---------------------------------------------------------------------------

    def load_balancing(self, n):
        lb = self.call("elbv2", "CreateLoadBalancer", Name="web", Subnets=n["subnets"],
                       SecurityGroups=[n["sg"]], Scheme="internet-facing",
                       Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
        self.call("elbv2", "DescribeLoadBalancers", LoadBalancerArns=[lb])
        self.call("elbv2", "SetSecurityGroups", LoadBalancerArn=lb, SecurityGroups=[n["sg"]])
        self.call("elbv2", "SetSubnets", LoadBalancerArn=lb, Subnets=n["subnets"])
        tg = self.call("elbv2", "CreateTargetGroup", Name="nodes", Protocol="HTTP", Port=30080,
                       VpcId=n["vpc"], TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]
        n["tg"] = tg
        self.call("elbv2", "ModifyTargetGroup", TargetGroupArn=tg, HealthCheckPath="/healthz")
        self.call("elbv2", "DescribeTargetGroups", TargetGroupArns=[tg])
        listener = self.call("elbv2", "CreateListener", LoadBalancerArn=lb, Protocol="HTTP",
                             Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
        listener = listener["Listeners"][0]["ListenerArn"]
        self.call("elbv2", "DescribeListeners", LoadBalancerArn=lb)
        self.call("elbv2", "ModifyListener", ListenerArn=listener, Port=8080)
        self.call("elbv2", "DescribeRules", ListenerArn=listener)
        self.call("elbv2", "AddTags", ResourceArns=[lb], Tags=[{"Key": "team", "Value": "x"}])
        self.call("elbv2", "DescribeTags", ResourceArns=[lb, tg])
        self.call("elbv2", "RemoveTags", ResourceArns=[lb], TagKeys=["team"])
        self.call("elbv2", "DeleteListener", ListenerArn=listener)
        self.call("elbv2", "DeleteLoadBalancer", LoadBalancerArn=lb)
        self.call("elbv2", "DescribeLoadBalancers")

    # --- Auto Scaling --------------------------------------------------------------------

    def auto_scaling(self, n, template):
        name = "nodes"
        self.call("autoscaling", "CreateAutoScalingGroup", AutoScalingGroupName=name,
                  MinSize=1, MaxSize=2, DesiredCapacity=1, VPCZoneIdentifier=n["subnets"][0],
                  LaunchTemplate={"LaunchTemplateId": template, "Version": "1"},
                  Tags=[{"Key": "team", "Value": "x", "PropagateAtLaunch": True}])
        self.call("autoscaling", "DescribeAutoScalingGroups", AutoScalingGroupNames=[name])
        self.call("autoscaling", "UpdateAutoScalingGroup", AutoScalingGroupName=name,
                  LaunchTemplate={"LaunchTemplateId": template, "Version": "2"})
        tag = {"ResourceId": name, "ResourceType": "auto-scaling-group", "Key": "env"}
        self.call("autoscaling", "CreateOrUpdateTags",
                  Tags=[dict(tag, Value="dev", PropagateAtLaunch=False)])
        self.call("autoscaling", "DeleteTags", Tags=[tag])
        self.call("autoscaling", "AttachLoadBalancerTargetGroups", AutoScalingGroupName=name,
                  TargetGroupARNs=[n["tg"]])
        self.call("autoscaling", "DetachLoadBalancerTargetGroups", AutoScalingGroupName=name,
                  TargetGroupARNs=[n["tg"]])
        refresh = self.call("autoscaling", "StartInstanceRefresh", AutoScalingGroupName=name,
                            Preferences={"MinHealthyPercentage": 50, "SkipMatching": True})
        self.until(lambda: self.call(
            "autoscaling", "DescribeInstanceRefreshes", AutoScalingGroupName=name,
            InstanceRefreshIds=[refresh["InstanceRefreshId"]],
        )["InstanceRefreshes"][0]["Status"] == "Successful")
        self.call("autoscaling", "DeleteAutoScalingGroup", AutoScalingGroupName=name,
                  ForceDelete=True)
        self.call("elbv2", "DeleteTargetGroup", TargetGroupArn=n["tg"])

    # --- IAM -----------------------------------------------------------------------------

    def iam(self):
        name, policy = "cluster", "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
        role = self.call("iam", "CreateRole", RoleName=name, AssumeRolePolicyDocument=ROLE_POLICY,
                         Tags=[{"Key": "team", "Value": "x"}])["Role"]["Arn"]
        self.call("iam", "GetRole", RoleName=name)
        self.call("iam", "ListRoles")
        self.call("iam", "TagRole", RoleName=name, Tags=[{"Key": "env", "Value": "dev"}])
        self.call("iam", "UntagRole", RoleName=name, TagKeys=["env"])
        self.call("iam", "ListRoleTags", RoleName=name)
        self.call("iam", "UpdateAssumeRolePolicy", RoleName=name, PolicyDocument=ROLE_POLICY)
        self.call("iam", "AttachRolePolicy", RoleName=name, PolicyArn=policy)
        self.call("iam", "ListAttachedRolePolicies", RoleName=name)
        self.clients["iam"].put_role_policy(RoleName=name, PolicyName="inline",
                                            PolicyDocument=INLINE_POLICY)
        self.call("iam", "ListRolePolicies", RoleName=name)
        self.call("iam", "DeleteRolePolicy", RoleName=name, PolicyName="inline")
        self.call("iam", "CreateInstanceProfile", InstanceProfileName="nodes")
        self.call("iam", "AddRoleToInstanceProfile", InstanceProfileName="nodes", RoleName=name)
        self.call("iam", "GetInstanceProfile", InstanceProfileName="nodes")
        self.call("iam", "ListInstanceProfiles")
        self.call("iam", "ListInstanceProfilesForRole", RoleName=name)
        self.call("iam", "RemoveRoleFromInstanceProfile", InstanceProfileName="nodes",
                  RoleName=name)
        self.call("iam", "DeleteInstanceProfile", InstanceProfileName="nodes")
        self.call("iam", "DetachRolePolicy", RoleName=name, PolicyArn=policy)
        self.clients["iam"].create_role(RoleName="gone", AssumeRolePolicyDocument=ROLE_POLICY)
        self.call("iam", "DeleteRole", RoleName="gone")
        self.oidc_provider()
        return role

    def oidc_provider(self):
        arn = self.call("iam", "CreateOpenIDConnectProvider",
                        Url="https://oidc.eks.us-east-1.amazonaws.com/id/CONFORMANCE",
                        ClientIDList=["sts.amazonaws.com"],
                        Tags=[{"Key": "team", "Value": "x"}])["OpenIDConnectProviderArn"]
        self.call("iam", "ListOpenIDConnectProviders")
        self.call("iam", "TagOpenIDConnectProvider", OpenIDConnectProviderArn=arn,
                  Tags=[{"Key": "env", "Value": "dev"}])
        self.call("iam", "UntagOpenIDConnectProvider", OpenIDConnectProviderArn=arn,
                  TagKeys=["env"])
        self.call("iam", "AddClientIDToOpenIDConnectProvider", OpenIDConnectProviderArn=arn,
                  ClientID="other")
        self.call("iam", "RemoveClientIDFromOpenIDConnectProvider",
                  OpenIDConnectProviderArn=arn, ClientID="other")
        self.call("iam", "GetOpenIDConnectProvider", OpenIDConnectProviderArn=arn)
        self.call("iam", "DeleteOpenIDConnectProvider", OpenIDConnectProviderArn=arn)

    # --- EKS -----------------------------------------------------------------------------

    def eks(self, n, template, role):
        c = "demo"
        self.call("eks", "CreateCluster", name=c, version="1.34", roleArn=role,
                  resourcesVpcConfig={"subnetIds": n["subnets"]},
                  accessConfig={"authenticationMode": "API_AND_CONFIG_MAP"})
        cluster = self.call("eks", "DescribeCluster", name=c)["cluster"]
        update = self.call("eks", "UpdateClusterConfig", name=c,
                           accessConfig={"authenticationMode": "API"})["update"]
        self.call("eks", "DescribeUpdate", name=c, updateId=update["id"])
        logging = self.call("eks", "UpdateClusterConfig", name=c, logging={"clusterLogging": [
            {"types": ["audit"], "enabled": True}]})["update"]
        self.wait_update(c, logging["id"])
        self.call("eks", "TagResource", resourceArn=cluster["arn"], tags={"team": "x"})
        self.call("eks", "UntagResource", resourceArn=cluster["arn"], tagKeys=["team"])
        self.call("eks", "CreateNodegroup", clusterName=c, nodegroupName="ng", nodeRole=role,
                  subnets=n["subnets"], launchTemplate={"id": template, "version": "1"},
                  scalingConfig={"minSize": 1, "maxSize": 3, "desiredSize": 1})
        self.call("eks", "ListNodegroups", clusterName=c)
        self.call("eks", "DescribeNodegroup", clusterName=c, nodegroupName="ng")
        config = self.call("eks", "UpdateNodegroupConfig", clusterName=c, nodegroupName="ng",
                           scalingConfig={"minSize": 1, "maxSize": 3, "desiredSize": 2})
        self.wait_update(c, config["update"]["id"], nodegroup="ng")
        version = self.call("eks", "UpdateNodegroupVersion", clusterName=c, nodegroupName="ng",
                            launchTemplate={"id": template, "version": "2"})
        self.wait_update(c, version["update"]["id"], nodegroup="ng")
        self.call("eks", "ListUpdates", name=c, nodegroupName="ng")
        upgrade = self.call("eks", "UpdateClusterVersion", name=c, version="1.35")
        self.wait_update(c, upgrade["update"]["id"])
        self.call("eks", "ListUpdates", name=c)
        self.access_entries(c, role)
        self.call("eks", "DeleteNodegroup", clusterName=c, nodegroupName="ng")
        self.until(lambda: not self.call("eks", "ListNodegroups", clusterName=c)["nodegroups"])
        self.call("eks", "DeleteCluster", name=c)

    def wait_update(self, cluster, update, nodegroup=None):
        extra = {"nodegroupName": nodegroup} if nodegroup else {}
        self.until(lambda: self.call("eks", "DescribeUpdate", name=cluster, updateId=update,
                                     **extra)["update"]["status"] == "Successful")

    def access_entries(self, c, role):
        policy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
        self.call("eks", "CreateAccessEntry", clusterName=c, principalArn=role,
                  kubernetesGroups=["ops"], tags={"team": "x"})
        self.call("eks", "DescribeAccessEntry", clusterName=c, principalArn=role)
        self.call("eks", "ListAccessEntries", clusterName=c)
        self.call("eks", "UpdateAccessEntry", clusterName=c, principalArn=role,
                  kubernetesGroups=["dev"])
        self.call("eks", "AssociateAccessPolicy", clusterName=c, principalArn=role,
                  policyArn=policy, accessScope={"type": "namespace", "namespaces": ["a"]})
        self.call("eks", "ListAssociatedAccessPolicies", clusterName=c, principalArn=role)
        self.call("eks", "DisassociateAccessPolicy", clusterName=c, principalArn=role,
                  policyArn=policy)
        self.call("eks", "DeleteAccessEntry", clusterName=c, principalArn=role)

    # --- CloudFormation, DynamoDB, SSM ---------------------------------------------------

    def cloudformation(self):
        s = "net"
        made = self.call("cloudformation", "CreateChangeSet", StackName=s, ChangeSetName="one",
                         ChangeSetType="CREATE", TemplateBody=STACK)
        self.call("cloudformation", "DescribeChangeSet", StackName=s, ChangeSetName=made["Id"])
        self.call("cloudformation", "ExecuteChangeSet", StackName=s, ChangeSetName=made["Id"])
        self.call("cloudformation", "DescribeStacks", StackName=s)
        self.call("cloudformation", "DescribeStackEvents", StackName=s)
        self.call("cloudformation", "CreateChangeSet", StackName=s, ChangeSetName="two",
                  ChangeSetType="UPDATE", TemplateBody=STACK_2)
        self.call("cloudformation", "DeleteChangeSet", StackName=s, ChangeSetName="two")
        self.call("cloudformation", "DeleteStack", StackName=s)

    def logs(self):
        name = "/aws/eks/conformance/cluster"
        self.call("logs", "CreateLogGroup", logGroupName=name, tags={"team": "x"})
        self.call("logs", "PutRetentionPolicy", logGroupName=name, retentionInDays=30)
        groups = self.call("logs", "DescribeLogGroups", logGroupNamePrefix="/aws/eks/conformance/",
                           limit=50)["logGroups"]
        self.assertEqual([g.get("retentionInDays") for g in groups], [30])
        arn = groups[0]["logGroupArn"]
        self.call("logs", "TagResource", resourceArn=arn, tags={"env": "y"})
        self.call("logs", "UntagResource", resourceArn=arn, tagKeys=["team"])
        tags = self.call("logs", "ListTagsForResource", resourceArn=arn)["tags"]
        self.assertEqual(tags, {"env": "y"})
        self.call("logs", "DeleteRetentionPolicy", logGroupName=name)
        self.call("logs", "DeleteLogGroup", logGroupName=name)

    def dynamodb(self):
        t = "eksform-locks"
        self.call("dynamodb", "CreateTable", TableName=t, BillingMode="PAY_PER_REQUEST",
                  KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                  AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
        self.call("dynamodb", "DescribeTable", TableName=t)
        key = {"id": {"S": "demo"}}
        self.call("dynamodb", "PutItem", TableName=t, Item=dict(key, owner={"S": "me"}),
                  ConditionExpression="attribute_not_exists(id)")
        self.call("dynamodb", "GetItem", TableName=t, Key=key, ConsistentRead=True)
        self.call("dynamodb", "UpdateItem", TableName=t, Key=key,
                  UpdateExpression="SET #o = :o", ExpressionAttributeNames={"#o": "owner"},
                  ExpressionAttributeValues={":o": {"S": "you"}})
        self.call("dynamodb", "DeleteItem", TableName=t, Key=key)

    def ssm(self):
        # eksform reads public parameters (AMI ids); moto has few: one is put first.
        self.clients.setdefault("ssm", self.client("ssm")).put_parameter(
            Name="/eksform/test/image_id", Value="ami-ekslinux", Type="String")
        self.call("ssm", "GetParameter", Name="/eksform/test/image_id")


if __name__ == "__main__":
    unittest.main()
