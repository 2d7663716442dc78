"""Instance refreshes and launches from launch template versions (moto_ext/autoscaling.py):
every operation eksform uses from that module, checked against botocore's model."""

import base64
import time
import unittest

from moto_ext.tests.support import LauncherTest

STEP = 0.4


class InstanceRefreshes(LauncherTest):
    SETTINGS = {"EKSFORM_MOTO_REFRESH_STEP_SECONDS": str(STEP)}

    def setUp(self):
        self.ec2, self.asg, self.elb = (
            self.client("ec2"), self.client("autoscaling"), self.client("elbv2"))
        vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        self.subnet = self.ec2.create_subnet(
            VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
        self.tg = self.elb.create_target_group(
            Name=f"tg{abs(hash(self.id())) % 10**8}", Protocol="HTTP",
            Port=30080, VpcId=vpc, TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]
        self.name = self.id().rsplit(".", 1)[-1]
        template = self.ec2.create_launch_template(
            LaunchTemplateName=self.name, LaunchTemplateData={
                "ImageId": "ami-ekslinux", "InstanceType": "t3.medium",
                "UserData": base64.b64encode(b"#!/bin/sh\necho 1\n").decode()})
        self.template = template["LaunchTemplate"]["LaunchTemplateId"]
        self.asg.create_auto_scaling_group(
            AutoScalingGroupName=self.name, MinSize=4, MaxSize=4, DesiredCapacity=4,
            LaunchTemplate={"LaunchTemplateId": self.template, "Version": "1"},
            VPCZoneIdentifier=self.subnet, TargetGroupARNs=[self.tg])

    def new_version(self, image="ami-ekslinux"):
        """A version with new user data from version 1 (SourceVersion), the group moved to it."""
        out = self.ec2.create_launch_template_version(
            LaunchTemplateId=self.template, SourceVersion="1",
            LaunchTemplateData={"ImageId": image,
                                "UserData": base64.b64encode(b"#!/bin/sh\necho 2\n").decode()})
        self.assertConforms("ec2", "CreateLaunchTemplateVersion", out)
        data = out["LaunchTemplateVersion"]["LaunchTemplateData"]
        self.assertEqual(data["InstanceType"], "t3.medium")  # from the source version
        self.asg.update_auto_scaling_group(
            AutoScalingGroupName=self.name,
            LaunchTemplate={"LaunchTemplateId": self.template, "Version": "2"})

    def group(self):
        out = self.asg.describe_auto_scaling_groups(AutoScalingGroupNames=[self.name])
        self.assertConforms("autoscaling", "DescribeAutoScalingGroups", out)
        return out["AutoScalingGroups"][0]

    def versions(self):
        return sorted(i["LaunchTemplate"]["Version"] for i in self.group()["Instances"])

    def refresh(self, refresh_id=None):
        kwargs = {"InstanceRefreshIds": [refresh_id]} if refresh_id else {}
        out = self.asg.describe_instance_refreshes(AutoScalingGroupName=self.name, **kwargs)
        self.assertConforms("autoscaling", "DescribeInstanceRefreshes", out)
        return out["InstanceRefreshes"][0]

    def start(self, **preferences):
        out = self.asg.start_instance_refresh(
            AutoScalingGroupName=self.name, Strategy="Rolling",
            Preferences=dict({"SkipMatching": True}, **preferences))
        self.assertConforms("autoscaling", "StartInstanceRefresh", out)
        return out["InstanceRefreshId"]

    def wait_end(self, refresh_id, seconds=20):
        seen = []
        deadline = time.time() + seconds
        while time.time() < deadline:
            r = self.refresh(refresh_id)
            seen.append((r["Status"], r["InstancesToUpdate"]))
            if r["Status"] in ("Successful", "Failed", "Cancelled"):
                return r, seen
            time.sleep(STEP / 4)
        self.fail(f"the refresh did not end: {seen}")

    def test_a_refresh_replaces_old_instances_in_batches_keeping_min_healthy(self):
        old = {i["InstanceId"] for i in self.group()["Instances"]}
        self.assertEqual(self.versions(), ["1"] * 4)
        self.new_version()
        refresh_id = self.start(MinHealthyPercentage=50)
        first = self.refresh(refresh_id)
        self.assertEqual((first["Status"], first["InstancesToUpdate"]), ("Pending", 4))
        self.assertEqual(first["Preferences"]["MinHealthyPercentage"], 50)
        done, seen = self.wait_end(refresh_id)
        self.assertEqual(done["Status"], "Successful", seen)
        self.assertEqual((done["PercentageComplete"], done["InstancesToUpdate"]), (100, 0))
        self.assertIn("EndTime", done)
        # Half of four at a time: two batches, with InProgress and 2 left in between.
        self.assertIn(("InProgress", 2), seen)
        self.assertEqual(self.versions(), ["2"] * 4)
        new = {i["InstanceId"] for i in self.group()["Instances"]}
        self.assertFalse(old & new)
        states = self.ec2.describe_instances(InstanceIds=sorted(old))["Reservations"]
        self.assertEqual({i["State"]["Name"] for r in states for i in r["Instances"]},
                         {"terminated"})
        health = self.elb.describe_target_health(TargetGroupArn=self.tg)
        self.assertEqual({d["Target"]["Id"] for d in health["TargetHealthDescriptions"]}, new)

    def test_one_active_refresh_per_group_and_a_cancel_ends_it(self):
        self.new_version()
        refresh_id = self.start()
        with self.assertRaises(self.asg.exceptions.InstanceRefreshInProgressFault) as caught:
            self.start()
        self.assertEqual(caught.exception.response["Error"]["Code"], "InstanceRefreshInProgress")
        out = self.asg.cancel_instance_refresh(AutoScalingGroupName=self.name)
        self.assertConforms("autoscaling", "CancelInstanceRefresh", out)
        self.assertEqual(out["InstanceRefreshId"], refresh_id)
        self.assertEqual(self.refresh(refresh_id)["Status"], "Cancelling")
        done, seen = self.wait_end(refresh_id)
        self.assertEqual(done["Status"], "Cancelled", seen)
        self.assertIn("StatusReason", done)
        self.assertIn("1", self.versions())
        with self.assertRaises(self.asg.exceptions.ActiveInstanceRefreshNotFoundFault):
            self.asg.cancel_instance_refresh(AutoScalingGroupName=self.name)
        # The latest refresh first.
        again = self.start()
        listed = self.asg.describe_instance_refreshes(AutoScalingGroupName=self.name)
        self.assertEqual([r["InstanceRefreshId"] for r in listed["InstanceRefreshes"]],
                         [again, refresh_id])
        limited = self.asg.describe_instance_refreshes(
            AutoScalingGroupName=self.name, MaxRecords=1)
        self.assertEqual(len(limited["InstanceRefreshes"]), 1)
        self.assertIn("NextToken", limited)

    def test_skip_matching_leaves_instances_on_the_version_and_a_missing_image_fails(self):
        self.new_version(image="ami-0123456789abcdef0")
        self.asg.set_desired_capacity(AutoScalingGroupName=self.name, DesiredCapacity=4)
        refresh_id = self.start(MinHealthyPercentage=75)
        done, seen = self.wait_end(refresh_id)
        self.assertEqual(done["Status"], "Failed", seen)
        self.assertIn("ami-0123456789abcdef0", done["StatusReason"])
        self.assertEqual(self.versions(), ["1"] * 4)

    def test_scaling_out_launches_from_the_group_version_with_user_data(self):
        self.new_version()
        self.asg.update_auto_scaling_group(
            AutoScalingGroupName=self.name, MaxSize=5, DesiredCapacity=5)
        self.assertEqual(self.versions(), ["1", "1", "1", "1", "2"])
        refresh_id = self.start()
        done, _ = self.wait_end(refresh_id)
        # Only the four on version 1 were to update (SkipMatching).
        self.assertEqual(done["Status"], "Successful")
        self.assertEqual(self.versions(), ["2"] * 5)


if __name__ == "__main__":
    unittest.main()
