"""EC2 (moto_ext/ec2.py): a deleted NAT gateway releases its address (a gateway recreated with the
same address is accepted), client tokens, launch template versions from a source version."""

import base64

from moto_ext.tests.support import LauncherTest


class NatGatewayAddresses(LauncherTest):
    def setUp(self):
        self.ec2 = self.client("ec2")
        vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        self.subnet = self.ec2.create_subnet(
            VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
        self.eip = self.ec2.allocate_address(Domain="vpc")["AllocationId"]

    def create(self):
        out = self.ec2.create_nat_gateway(SubnetId=self.subnet, AllocationId=self.eip)
        return out["NatGateway"]["NatGatewayId"]

    def association(self):
        out = self.ec2.describe_addresses(AllocationIds=[self.eip])
        self.assertConforms("ec2", "DescribeAddresses", out)
        return out["Addresses"][0].get("AssociationId")

    def test_a_deleted_gateway_lets_its_address_go(self):
        first = self.create()
        self.assertIsNotNone(self.association())
        self.ec2.delete_nat_gateway(NatGatewayId=first)
        self.assertIsNone(self.association())
        second = self.create()
        self.assertNotEqual(first, second)
        self.assertIsNotNone(self.association())

    def test_a_live_gateway_keeps_its_address(self):
        self.create()
        with self.assertRaises(self.ec2.exceptions.ClientError) as refused:
            self.create()
        self.assertEqual(refused.exception.response["Error"]["Code"], "Resource.AlreadyAssociated")


class ClientTokens(LauncherTest):
    def setUp(self):
        self.ec2 = self.client("ec2")
        self.vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]

    def test_a_create_resent_with_its_token_answers_the_first_resource(self):
        token = self.id()[-60:]
        first = self.ec2.create_route_table(VpcId=self.vpc, ClientToken=token)
        self.assertConforms("ec2", "CreateRouteTable", first)
        again = self.ec2.create_route_table(VpcId=self.vpc, ClientToken=token)
        self.assertEqual(again["RouteTable"]["RouteTableId"], first["RouteTable"]["RouteTableId"])
        tables = self.ec2.describe_route_tables(
            Filters=[{"Name": "vpc-id", "Values": [self.vpc]}])["RouteTables"]
        self.assertEqual(len(tables), 2)  # the VPC's main table and this one

    def test_a_token_sent_with_other_parameters_is_refused(self):
        token = self.id()[-60:]
        self.ec2.create_launch_template(LaunchTemplateName="a", ClientToken=token,
                                        LaunchTemplateData={"ImageId": "ami-1"})
        with self.assertRaises(self.ec2.exceptions.ClientError) as refused:
            self.ec2.create_launch_template(LaunchTemplateName="b", ClientToken=token,
                                            LaunchTemplateData={"ImageId": "ami-1"})
        self.assertEqual(refused.exception.response["Error"]["Code"],
                         "IdempotentParameterMismatch")

    def test_without_a_token_every_create_makes_a_resource(self):
        one = self.ec2.create_route_table(VpcId=self.vpc)["RouteTable"]["RouteTableId"]
        two = self.ec2.create_route_table(VpcId=self.vpc)["RouteTable"]["RouteTableId"]
        self.assertNotEqual(one, two)


class LaunchTemplateVersions(LauncherTest):
    def test_a_version_starts_from_its_source_and_keeps_user_data_decoded(self):
        ec2 = self.client("ec2")
        template = ec2.create_launch_template(
            LaunchTemplateName="lt", LaunchTemplateData={
                "ImageId": "ami-1", "InstanceType": "t3.small"})["LaunchTemplate"]
        user_data = base64.b64encode(b"#!/bin/sh\necho 2\n").decode()
        out = ec2.create_launch_template_version(
            LaunchTemplateId=template["LaunchTemplateId"], SourceVersion="1",
            LaunchTemplateData={"ImageId": "ami-2", "UserData": user_data})
        self.assertConforms("ec2", "CreateLaunchTemplateVersion", out)
        version = out["LaunchTemplateVersion"]
        self.assertEqual(version["VersionNumber"], 2)
        self.assertEqual(version["LaunchTemplateData"]["InstanceType"], "t3.small")
        self.assertEqual(version["LaunchTemplateData"]["ImageId"], "ami-2")
        described = ec2.describe_launch_template_versions(
            LaunchTemplateId=template["LaunchTemplateId"], Versions=["2"])
        self.assertConforms("ec2", "DescribeLaunchTemplateVersions", described)
        data = described["LaunchTemplateVersions"][0]["LaunchTemplateData"]
        self.assertEqual(data["UserData"], user_data)


class MissingNatGateway(LauncherTest):
    def test_deleting_a_missing_gateway_is_not_found(self):
        ec2 = self.client("ec2")
        with self.assertRaises(ec2.exceptions.ClientError) as refused:
            ec2.delete_nat_gateway(NatGatewayId="nat-0123456789abcdef0")
        self.assertEqual(refused.exception.response["Error"]["Code"], "NatGatewayNotFound")
