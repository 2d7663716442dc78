"""CloudFormation (moto_ext/cloudformation.py): template properties moto drops reach the
resources, the EKS types are made in EKS and updated in place or replaced, and an error while
applying a property fails the stack instead of being hidden."""

import json
import time

from moto_ext.tests.support import LauncherTest

ROLE_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})
PRINCIPAL = "arn:aws:iam::123456789012:role/admin"
ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"


def template(groups=("a",), desired=1, managed="arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
             associated=True):
    tags = [{"Key": "team", "Value": "x"}]
    resources = {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {
            "CidrBlock": "10.0.0.0/16", "EnableDnsHostnames": True}},
        "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {
            "VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.1.0/24",
            "AvailabilityZone": "us-east-1a", "MapPublicIpOnLaunch": "true"}},
        "Gateway": {"Type": "AWS::EC2::InternetGateway", "Properties": {"Tags": tags}},
        "Table": {"Type": "AWS::EC2::RouteTable", "Properties": {
            "VpcId": {"Ref": "Vpc"}, "Tags": tags}},
        "Association": {"Type": "AWS::EC2::SubnetRouteTableAssociation", "Properties": {
            "SubnetId": {"Ref": "Subnet"}, "RouteTableId": {"Ref": "Table"}}},
        "Nodes": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "GroupDescription": "nodes", "VpcId": {"Ref": "Vpc"}}},
        "Control": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "GroupDescription": "control plane", "VpcId": {"Ref": "Vpc"}}},
        "FromControl": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
            "GroupId": {"Ref": "Nodes"}, "SourceSecurityGroupId": {"Ref": "Control"},
            "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
            "Description": "from the control plane"}},
        "Role": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": json.loads(ROLE_POLICY),
            "ManagedPolicyArns": [managed]}},
        "Cluster": {"Type": "AWS::EKS::Cluster", "Properties": {
            "Name": "cfn", "Version": "1.34", "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
            "ResourcesVpcConfig": {"SubnetIds": [{"Ref": "Subnet"}]},
            "AccessConfig": {"AuthenticationMode": "API"}}},
        "Entry": {"Type": "AWS::EKS::AccessEntry", "Properties": {
            "ClusterName": {"Ref": "Cluster"}, "PrincipalArn": PRINCIPAL,
            "KubernetesGroups": list(groups),
            "AccessPolicies": [{"PolicyArn": ADMIN, "AccessScope": {"Type": "cluster"}}]}},
        "Group": {"Type": "AWS::EKS::Nodegroup", "Properties": {
            "ClusterName": {"Ref": "Cluster"}, "NodegroupName": "ng",
            "NodeRole": {"Fn::GetAtt": ["Role", "Arn"]}, "Subnets": [{"Ref": "Subnet"}],
            "ScalingConfig": {"MinSize": 0, "MaxSize": 3, "DesiredSize": desired},
            "UpdateConfig": {"MaxUnavailable": 1}, "Tags": {"team": "x"}}},
    }
    if not associated:
        del resources["Association"]
    return json.dumps({"Resources": resources, "Outputs": {
        "Endpoint": {"Value": {"Fn::GetAtt": ["Cluster", "Endpoint"]}},
        "EntryArn": {"Value": {"Fn::GetAtt": ["Entry", "AccessEntryArn"]}},
    }})


class Templates(LauncherTest):
    def setUp(self):
        self.cfn, self.ec2, self.eks = (
            self.client("cloudformation"), self.client("ec2"), self.client("eks"))
        self.iam = self.client("iam")

    def stack(self, name):
        deadline = time.time() + 20
        while time.time() < deadline:
            out = self.cfn.describe_stacks(StackName=name)
            self.assertConforms("cloudformation", "DescribeStacks", out)
            stack = out["Stacks"][0]
            if not stack["StackStatus"].endswith("IN_PROGRESS"):
                return stack
            time.sleep(0.2)
        self.fail("the stack did not settle")

    def resource(self, stack, logical):
        out = self.cfn.describe_stack_resource(StackName=stack, LogicalResourceId=logical)
        return out["StackResourceDetail"]["PhysicalResourceId"]

    def test_dropped_properties_reach_the_resources_and_eks_is_made(self):
        self.cfn.create_stack(StackName="net", TemplateBody=template(),
                              Capabilities=["CAPABILITY_IAM"])
        stack = self.stack("net")
        self.assertEqual(stack["StackStatus"], "CREATE_COMPLETE", stack)
        vpc, subnet = self.resource("net", "Vpc"), self.resource("net", "Subnet")
        table, nodes = self.resource("net", "Table"), self.resource("net", "Nodes")
        gateway = self.resource("net", "Gateway")
        dns = self.ec2.describe_vpc_attribute(VpcId=vpc, Attribute="enableDnsHostnames")
        self.assertTrue(dns["EnableDnsHostnames"]["Value"])
        got = self.ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]
        self.assertTrue(got["MapPublicIpOnLaunch"])
        igw = self.ec2.describe_internet_gateways(InternetGatewayIds=[gateway])
        self.assertIn({"Key": "team", "Value": "x"}, igw["InternetGateways"][0]["Tags"])
        rt = self.ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]
        self.assertIn(subnet, [a.get("SubnetId") for a in rt["Associations"]])
        self.assertIn({"Key": "team", "Value": "x"}, rt["Tags"])
        group = self.ec2.describe_security_groups(GroupIds=[nodes])["SecurityGroups"][0]
        pairs = [p for r in group["IpPermissions"] for p in r["UserIdGroupPairs"]]
        self.assertEqual([p.get("Description") for p in pairs], ["from the control plane"])
        role = self.resource("net", "Role")
        attached = self.iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
        self.assertEqual([p["PolicyName"] for p in attached], ["AmazonEKSClusterPolicy"])
        cluster = self.eks.describe_cluster(name="cfn")["cluster"]
        self.assertConforms("eks", "DescribeCluster", {"cluster": cluster})
        self.assertEqual(cluster["accessConfig"]["authenticationMode"], "API")
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
        self.assertEqual(outputs["Endpoint"], cluster["endpoint"])
        entry = self.eks.describe_access_entry(clusterName="cfn", principalArn=PRINCIPAL)
        self.assertEqual(entry["accessEntry"]["accessEntryArn"], outputs["EntryArn"])
        policies = self.eks.list_associated_access_policies(
            clusterName="cfn", principalArn=PRINCIPAL)["associatedAccessPolicies"]
        self.assertEqual([p["policyArn"] for p in policies], [ADMIN])
        ng = self.eks.describe_nodegroup(clusterName="cfn", nodegroupName="ng")["nodegroup"]
        self.assertEqual((ng["updateConfig"], ng["tags"]), ({"maxUnavailable": 1}, {"team": "x"}))

        # An update changes the entry's groups and the nodegroup's size in place, and removing
        # the association disassociates the route table.
        self.cfn.update_stack(StackName="net", Capabilities=["CAPABILITY_IAM"],
                              TemplateBody=template(groups=("b",), desired=2, associated=False))
        self.assertEqual(self.stack("net")["StackStatus"], "UPDATE_COMPLETE")
        entry = self.eks.describe_access_entry(clusterName="cfn", principalArn=PRINCIPAL)
        self.assertEqual(entry["accessEntry"]["kubernetesGroups"], ["b"])
        ng2 = self.eks.describe_nodegroup(clusterName="cfn", nodegroupName="ng")["nodegroup"]
        self.assertEqual((ng2["scalingConfig"]["desiredSize"], ng2["nodegroupArn"]),
                         (2, ng["nodegroupArn"]))
        rt = self.ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]
        self.assertEqual(rt["Associations"], [])

    def test_the_eks_types_go_with_their_stack(self):
        # moto's own route tables and internet gateways have no delete: this stack has none.
        vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = self.ec2.create_subnet(
            VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        resources = {k: v for k, v in json.loads(template())["Resources"].items()
                     if k in ("Role", "Cluster", "Entry", "Group")}
        resources["Cluster"]["Properties"]["Name"] = "gone"
        resources["Cluster"]["Properties"]["ResourcesVpcConfig"]["SubnetIds"] = [subnet]
        resources["Group"]["Properties"]["Subnets"] = [subnet]
        self.cfn.create_stack(StackName="eks", Capabilities=["CAPABILITY_IAM"],
                              TemplateBody=json.dumps({"Resources": resources}))
        self.assertEqual(self.stack("eks")["StackStatus"], "CREATE_COMPLETE")
        self.assertEqual(self.eks.list_nodegroups(clusterName="gone")["nodegroups"], ["ng"])
        self.assertEqual(
            self.eks.list_access_entries(clusterName="gone")["accessEntries"], [PRINCIPAL])
        self.cfn.delete_stack(StackName="eks")
        self.assertNotIn("gone", self.eks.list_clusters()["clusters"])

    def test_a_property_that_cannot_be_applied_fails_the_stack(self):
        # moto creates a stack's resources within CreateStack: a handler's error is its answer.
        with self.assertRaises(self.iam.exceptions.ClientError) as failed:
            self.cfn.create_stack(
                StackName="bad", Capabilities=["CAPABILITY_IAM"],
                TemplateBody=template(managed="arn:aws:iam::aws:policy/NoSuchPolicy"))
        error = failed.exception.response["Error"]
        self.assertEqual(error["Code"], "NoSuchEntity")
        self.assertIn("NoSuchPolicy", error["Message"])
