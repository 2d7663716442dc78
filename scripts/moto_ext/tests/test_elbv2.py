"""ELBv2 (moto_ext/elbv2.py): CreateLoadBalancer and CreateListener sent again with the same
settings answer the existing resource; with other settings they are refused."""

from moto_ext.tests.support import LauncherTest


class IdempotentCreates(LauncherTest):
    def setUp(self):
        ec2, self.elb = self.client("ec2"), self.client("elbv2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        self.subnets = [
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24",
                              AvailabilityZone=f"us-east-1{z}")["Subnet"]["SubnetId"]
            for i, z in ((1, "a"), (2, "b"))]
        self.name = f"lb{abs(hash(self.id())) % 10**8}"
        self.tg = self.elb.create_target_group(
            Name=self.name, Protocol="HTTP", Port=80, VpcId=vpc,
            TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]

    def balancer(self, **kwargs):
        out = self.elb.create_load_balancer(
            Name=self.name, Subnets=kwargs.get("subnets", self.subnets),
            Scheme=kwargs.get("scheme", "internal"), Type="application")
        self.assertConforms("elbv2", "CreateLoadBalancer", out)
        return out["LoadBalancers"][0]["LoadBalancerArn"]

    def listener(self, lb, port=80, protocol="HTTP"):
        out = self.elb.create_listener(
            LoadBalancerArn=lb, Protocol=protocol, Port=port,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": self.tg}])
        self.assertConforms("elbv2", "CreateListener", out)
        return out["Listeners"][0]["ListenerArn"]

    def test_a_balancer_sent_again_is_the_same_and_other_settings_are_refused(self):
        first = self.balancer()
        self.assertEqual(self.balancer(), first)
        self.assertEqual(len(self.elb.describe_load_balancers()["LoadBalancers"]), 1)
        with self.assertRaises(self.elb.exceptions.DuplicateLoadBalancerNameException):
            self.balancer(scheme="internet-facing")

    def test_a_listener_sent_again_is_the_same_and_other_settings_are_refused(self):
        lb = self.balancer()
        first = self.listener(lb)
        self.assertEqual(self.listener(lb), first)
        listeners = self.elb.describe_listeners(LoadBalancerArn=lb)["Listeners"]
        self.assertEqual([x["ListenerArn"] for x in listeners], [first])
        with self.assertRaises(self.elb.exceptions.DuplicateListenerException):
            self.listener(lb, protocol="HTTPS")
        self.assertNotEqual(self.listener(lb, port=8080), first)
