"""NAT gateways and their Elastic IPs (moto_ext/ec2.py): a deleted gateway releases its
address's association, so a gateway recreated with the same address is accepted."""

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
