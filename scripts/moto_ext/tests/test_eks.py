"""EKS (moto_ext/eks.py): nodegroup and cluster updates, CREATING/DELETING states, tags of
nodegroups, access entries and accessConfig, each answer checked against botocore's model."""

import time
import unittest

from moto_ext.tests.support import LauncherTest

UPDATE = 0.3


class NodegroupUpdates(LauncherTest):
    # Creates settle at the next request: these tests are about updates.
    SETTINGS = {"EKSFORM_MOTO_EKS_UPDATE_SECONDS": str(UPDATE),
                "EKSFORM_MOTO_EKS_STATE_SECONDS": "0"}

    def setUp(self):
        self.ec2, self.eks = self.client("ec2"), self.client("eks")
        self.cluster = self.id().rsplit(".", 1)[-1][:40]
        vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = self.ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        role = "arn:aws:iam::123456789012:role/nodes"
        self.eks.create_cluster(name=self.cluster, roleArn=role,
                                resourcesVpcConfig={"subnetIds": [subnet]})
        template = self.ec2.create_launch_template(
            LaunchTemplateName=self.cluster, LaunchTemplateData={"ImageId": "ami-ekslinux"})
        self.template = template["LaunchTemplate"]["LaunchTemplateId"]
        self.eks.create_nodegroup(
            clusterName=self.cluster, nodegroupName="ng", nodeRole=role, subnets=[subnet],
            launchTemplate={"id": self.template, "version": "1"})

    def new_version(self, image="ami-ekslinux"):
        self.ec2.create_launch_template_version(
            LaunchTemplateId=self.template, LaunchTemplateData={"ImageId": image})

    def nodegroup(self):
        out = self.eks.describe_nodegroup(clusterName=self.cluster, nodegroupName="ng")
        self.assertConforms("eks", "DescribeNodegroup", out)
        return out["nodegroup"]

    def describe(self, update_id):
        out = self.eks.describe_update(name=self.cluster, nodegroupName="ng", updateId=update_id)
        self.assertConforms("eks", "DescribeUpdate", out)
        return out["update"]

    def update_version(self):
        out = self.eks.update_nodegroup_version(
            clusterName=self.cluster, nodegroupName="ng",
            launchTemplate={"id": self.template, "version": "2"})
        self.assertConforms("eks", "UpdateNodegroupVersion", out)
        return out["update"]

    def wait_end(self, update_id):
        deadline = time.time() + 10
        while time.time() < deadline:
            update = self.describe(update_id)
            if update["status"] != "InProgress":
                return update
            time.sleep(UPDATE / 3)
        self.fail("the update did not end")

    def test_a_version_update_rolls_the_nodegroup_through_updating(self):
        self.new_version()
        update = self.update_version()
        self.assertEqual((update["status"], update["type"]), ("InProgress", "VersionUpdate"))
        self.assertIn({"type": "LaunchTemplateVersion", "value": "2"}, update["params"])
        self.assertEqual(self.nodegroup()["status"], "UPDATING")
        with self.assertRaises(self.eks.exceptions.ResourceInUseException):
            self.update_version()
        done = self.wait_end(update["id"])
        self.assertEqual(done["status"], "Successful")
        nodegroup = self.nodegroup()
        self.assertEqual((nodegroup["status"], nodegroup["launchTemplate"]["version"]),
                         ("ACTIVE", "2"))
        listed = self.eks.list_updates(name=self.cluster, nodegroupName="ng")
        self.assertConforms("eks", "ListUpdates", listed)
        self.assertEqual(listed["updateIds"], [update["id"]])

    def test_a_version_whose_image_is_missing_fails_and_keeps_the_old_one(self):
        self.new_version(image="ami-0123456789abcdef0")
        update = self.update_version()
        done = self.wait_end(update["id"])
        self.assertEqual(done["status"], "Failed")
        self.assertEqual(done["errors"][0]["errorCode"], "NodeCreationFailure")
        self.assertIn("ami-0123456789abcdef0", done["errors"][0]["errorMessage"])
        nodegroup = self.nodegroup()
        self.assertEqual((nodegroup["status"], nodegroup["launchTemplate"]["version"]),
                         ("ACTIVE", "1"))

    def test_another_launch_template_is_refused_and_config_updates_are_listed(self):
        other = self.ec2.create_launch_template(
            LaunchTemplateName=self.cluster + "-other",
            LaunchTemplateData={"ImageId": "ami-ekslinux"})["LaunchTemplate"]["LaunchTemplateId"]
        with self.assertRaises(self.eks.exceptions.InvalidParameterException):
            self.eks.update_nodegroup_version(
                clusterName=self.cluster, nodegroupName="ng",
                launchTemplate={"id": other, "version": "1"})
        config = self.eks.update_nodegroup_config(
            clusterName=self.cluster, nodegroupName="ng",
            scalingConfig={"minSize": 1, "maxSize": 3, "desiredSize": 2})
        self.assertConforms("eks", "UpdateNodegroupConfig", config)
        config = config["update"]
        self.assertEqual((config["status"], config["type"]), ("InProgress", "ConfigUpdate"))
        self.assertIn({"type": "DesiredSize", "value": "2"}, config["params"])
        self.assertEqual(self.nodegroup()["status"], "UPDATING")
        self.assertEqual(self.wait_end(config["id"])["status"], "Successful")
        self.assertEqual(self.nodegroup()["status"], "ACTIVE")
        listed = self.eks.list_updates(name=self.cluster, nodegroupName="ng", maxResults=1)
        self.assertEqual(listed["updateIds"], [config["id"]])
        with self.assertRaises(self.eks.exceptions.ResourceNotFoundException):
            self.describe("no-such-update")


class Lifecycle(LauncherTest):
    SETTINGS = {"EKSFORM_MOTO_EKS_STATE_SECONDS": str(UPDATE)}

    def setUp(self):
        self.eks = self.client("eks")

    def status(self, nodegroup=None):
        eks = self.eks
        if nodegroup:
            out = eks.describe_nodegroup(clusterName="life", nodegroupName=nodegroup)
            self.assertConforms("eks", "DescribeNodegroup", out)
            return out["nodegroup"]["status"]
        out = eks.describe_cluster(name="life")
        self.assertConforms("eks", "DescribeCluster", out)
        return out["cluster"]["status"]

    def until_not(self, status, nodegroup=None):
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                now = self.status(nodegroup)
            except self.eks.exceptions.ResourceNotFoundException:
                return None
            if now != status:
                return now
            time.sleep(UPDATE / 3)
        self.fail(f"still {status}")

    def test_clusters_and_nodegroups_are_creating_then_active_and_deleting_then_gone(self):
        eks, ec2 = self.eks, self.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        role = "arn:aws:iam::123456789012:role/x"
        created = eks.create_cluster(name="life", roleArn=role,
                                     resourcesVpcConfig={"subnetIds": [subnet]})
        self.assertConforms("eks", "CreateCluster", created)
        self.assertEqual(created["cluster"]["status"], "CREATING")
        self.assertEqual(self.status(), "CREATING")
        self.assertEqual(self.until_not("CREATING"), "ACTIVE")
        made = eks.create_nodegroup(clusterName="life", nodegroupName="ng", nodeRole=role,
                                    subnets=[subnet])
        self.assertEqual(made["nodegroup"]["status"], "CREATING")
        self.assertEqual(self.until_not("CREATING", "ng"), "ACTIVE")
        gone = eks.delete_nodegroup(clusterName="life", nodegroupName="ng")
        self.assertConforms("eks", "DeleteNodegroup", gone)
        self.assertEqual(gone["nodegroup"]["status"], "DELETING")
        self.assertEqual(eks.list_nodegroups(clusterName="life")["nodegroups"], ["ng"])
        with self.assertRaises(eks.exceptions.ResourceInUseException):
            eks.delete_cluster(name="life")
        self.assertIsNone(self.until_not("DELETING", "ng"))
        self.assertEqual(eks.delete_cluster(name="life")["cluster"]["status"], "DELETING")
        self.assertEqual(eks.delete_cluster(name="life")["cluster"]["status"], "DELETING")
        self.assertIsNone(self.until_not("DELETING"))
        self.assertEqual(eks.list_clusters()["clusters"], [])


class ClusterVersionUpdates(LauncherTest):
    SETTINGS = {"EKSFORM_MOTO_EKS_UPDATE_SECONDS": str(UPDATE),
                "EKSFORM_MOTO_EKS_STATE_SECONDS": "0"}

    def setUp(self):
        ec2, self.eks = self.client("ec2"), self.client("eks")
        self.name = self.id().rsplit(".", 1)[-1][:40]
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        self.eks.create_cluster(name=self.name, version="1.34",
                                roleArn="arn:aws:iam::123456789012:role/cluster",
                                resourcesVpcConfig={"subnetIds": [subnet]})

    def described(self):
        out = self.eks.describe_cluster(name=self.name)
        self.assertConforms("eks", "DescribeCluster", out)
        return out["cluster"]

    def test_a_version_update_runs_then_the_cluster_is_active_on_the_new_version(self):
        self.described()  # settles CREATING
        out = self.eks.update_cluster_version(name=self.name, version="1.35")
        self.assertConforms("eks", "UpdateClusterVersion", out)
        update = out["update"]
        self.assertEqual((update["type"], update["status"]), ("VersionUpdate", "InProgress"))
        self.assertEqual(self.described()["status"], "UPDATING")
        with self.assertRaises(self.eks.exceptions.ResourceInUseException):
            self.eks.update_cluster_version(name=self.name, version="1.36")
        listed = self.eks.list_updates(name=self.name)
        self.assertConforms("eks", "ListUpdates", listed)
        self.assertIn(update["id"], listed["updateIds"])
        deadline = time.time() + 10
        while time.time() < deadline:
            got = self.eks.describe_update(name=self.name, updateId=update["id"])
            self.assertConforms("eks", "DescribeUpdate", got)
            if got["update"]["status"] != "InProgress":
                break
            time.sleep(UPDATE / 3)
        self.assertEqual(got["update"]["status"], "Successful")
        cluster = self.described()
        self.assertEqual((cluster["status"], cluster["version"]), ("ACTIVE", "1.35"))

    def test_only_the_next_minor_version_is_accepted(self):
        self.described()
        for version in ("1.36", "1.33", "1.34"):
            with self.assertRaises(self.eks.exceptions.InvalidParameterException):
                self.eks.update_cluster_version(name=self.name, version=version)

    def test_a_nodegroup_keeps_the_update_config_it_was_created_with(self):
        self.eks.create_nodegroup(
            clusterName=self.name, nodegroupName="ng",
            nodeRole="arn:aws:iam::123456789012:role/nodes",
            subnets=self.described()["resourcesVpcConfig"]["subnetIds"],
            updateConfig={"maxUnavailablePercentage": 50})
        ng = self.eks.describe_nodegroup(clusterName=self.name, nodegroupName="ng")
        self.assertConforms("eks", "DescribeNodegroup", ng)
        self.assertEqual(ng["nodegroup"]["updateConfig"], {"maxUnavailablePercentage": 50})

    def test_a_nodegroup_takes_tags(self):
        arn = self.eks.create_nodegroup(
            clusterName=self.name, nodegroupName="ng",
            nodeRole="arn:aws:iam::123456789012:role/nodes",
            subnets=self.described()["resourcesVpcConfig"]["subnetIds"],
            tags={"team": "a"})["nodegroup"]["nodegroupArn"]
        self.eks.tag_resource(resourceArn=arn, tags={"team": "b", "env": "x"})
        self.eks.untag_resource(resourceArn=arn, tagKeys=["env"])
        listed = self.eks.list_tags_for_resource(resourceArn=arn)
        self.assertConforms("eks", "ListTagsForResource", listed)
        self.assertEqual(listed["tags"], {"team": "b"})
        ng = self.eks.describe_nodegroup(clusterName=self.name, nodegroupName="ng")
        self.assertEqual(ng["nodegroup"]["tags"], {"team": "b"})


class ClusterLogging(LauncherTest):
    SETTINGS = {"EKSFORM_MOTO_EKS_UPDATE_SECONDS": str(UPDATE),
                "EKSFORM_MOTO_EKS_STATE_SECONDS": "0"}

    def setUp(self):
        ec2, self.eks, self.logs = self.client("ec2"), self.client("eks"), self.client("logs")
        self.name = self.id().rsplit(".", 1)[-1][:40]
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        self.subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]

    def create(self, **logging):
        self.eks.create_cluster(name=self.name, version="1.35",
                                roleArn="arn:aws:iam::123456789012:role/cluster",
                                resourcesVpcConfig={"subnetIds": [self.subnet]}, **logging)
        return self.described()

    def described(self):
        out = self.eks.describe_cluster(name=self.name)
        self.assertConforms("eks", "DescribeCluster", out)
        return out["cluster"]

    def log_groups(self):
        out = self.logs.describe_log_groups(logGroupNamePrefix=f"/aws/eks/{self.name}/")
        return [g["logGroupName"] for g in out["logGroups"]]

    def wait(self, update):
        deadline = time.time() + 10
        while time.time() < deadline:
            got = self.eks.describe_update(name=self.name, updateId=update["id"])
            self.assertConforms("eks", "DescribeUpdate", got)
            if got["update"]["status"] != "InProgress":
                return got["update"]
            time.sleep(UPDATE / 3)
        self.fail("the update did not end")

    def test_a_cluster_created_with_logging_shows_both_groups_and_has_its_log_group(self):
        cluster = self.create(logging={"clusterLogging": [
            {"types": ["audit", "api"], "enabled": True}]})
        self.assertEqual(cluster["logging"]["clusterLogging"], [
            {"types": ["api", "audit"], "enabled": True},
            {"types": ["authenticator", "controllerManager", "scheduler"], "enabled": False}])
        self.assertEqual(self.log_groups(), [f"/aws/eks/{self.name}/cluster"])

    def test_a_cluster_without_logging_has_no_log_group(self):
        cluster = self.create()
        self.assertEqual(cluster["logging"]["clusterLogging"], [
            {"types": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
             "enabled": False}])
        self.assertEqual(self.log_groups(), [])

    def test_a_logging_update_runs_then_the_cluster_logs_the_new_types(self):
        self.create()
        out = self.eks.update_cluster_config(name=self.name, logging={"clusterLogging": [
            {"types": ["audit", "scheduler"], "enabled": True},
            {"types": ["api"], "enabled": False}]})
        self.assertConforms("eks", "UpdateClusterConfig", out)
        update = out["update"]
        self.assertEqual((update["type"], update["status"]), ("LoggingUpdate", "InProgress"))
        self.assertEqual(self.described()["status"], "UPDATING")
        self.assertEqual(self.wait(update)["status"], "Successful")
        cluster = self.described()
        self.assertEqual(cluster["status"], "ACTIVE")
        self.assertEqual(cluster["logging"]["clusterLogging"][0],
                         {"types": ["audit", "scheduler"], "enabled": True})
        self.assertEqual(self.log_groups(), [f"/aws/eks/{self.name}/cluster"])
        # Turning every type off leaves the log group (EKS never deletes it).
        update = self.eks.update_cluster_config(name=self.name, logging={"clusterLogging": [
            {"types": ["audit", "scheduler"], "enabled": False}]})["update"]
        self.wait(update)
        self.assertEqual(self.described()["logging"]["clusterLogging"],
                         [{"types": ["api", "audit", "authenticator", "controllerManager",
                                     "scheduler"], "enabled": False}])
        self.assertEqual(self.log_groups(), [f"/aws/eks/{self.name}/cluster"])

    def test_an_update_that_changes_nothing_or_names_an_unknown_type_is_refused(self):
        self.create(logging={"clusterLogging": [{"types": ["audit"], "enabled": True}]})
        with self.assertRaises(self.eks.exceptions.InvalidParameterException):
            self.eks.update_cluster_config(name=self.name, logging={"clusterLogging": [
                {"types": ["audit"], "enabled": True}]})
        with self.assertRaises(self.eks.exceptions.InvalidParameterException):
            self.eks.update_cluster_config(name=self.name, logging={"clusterLogging": [
                {"types": ["kubelet"], "enabled": True}]})
        with self.assertRaises(self.eks.exceptions.InvalidParameterException):
            self.eks.update_cluster_config(
                name=self.name, accessConfig={"authenticationMode": "API"},
                logging={"clusterLogging": [{"types": ["api"], "enabled": True}]})
        self.assertEqual(self.described()["status"], "ACTIVE")


class AccessEntries(LauncherTest):
    SETTINGS = {"EKSFORM_MOTO_EKS_STATE_SECONDS": "0"}
    ROLE = "arn:aws:iam::123456789012:role/admin"
    POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

    def setUp(self):
        ec2, self.eks = self.client("ec2"), self.client("eks")
        self.name = self.id().rsplit(".", 1)[-1][:40]
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        self.eks.create_cluster(
            name=self.name, roleArn="arn:aws:iam::123456789012:role/cluster",
            resourcesVpcConfig={"subnetIds": [subnet]},
            accessConfig={"authenticationMode": "API_AND_CONFIG_MAP"})

    def call(self, operation, **kwargs):
        from botocore import xform_name

        out = getattr(self.eks, xform_name(operation))(**kwargs)
        self.assertConforms("eks", operation, out)
        return out

    def test_an_entry_is_created_described_updated_listed_and_deleted(self):
        made = self.call("CreateAccessEntry", clusterName=self.name, principalArn=self.ROLE,
                         kubernetesGroups=["b", "a"], tags={"team": "x"})["accessEntry"]
        self.assertEqual((made["type"], made["username"], made["kubernetesGroups"]),
                         ("STANDARD", self.ROLE, ["a", "b"]))
        self.assertIn(":access-entry/", made["accessEntryArn"])
        with self.assertRaises(self.eks.exceptions.ResourceInUseException):
            self.eks.create_access_entry(clusterName=self.name, principalArn=self.ROLE)
        self.call("UpdateAccessEntry", clusterName=self.name, principalArn=self.ROLE,
                  kubernetesGroups=["c"], username="admin")
        got = self.call("DescribeAccessEntry", clusterName=self.name,
                        principalArn=self.ROLE)["accessEntry"]
        self.assertEqual((got["kubernetesGroups"], got["username"]), (["c"], "admin"))
        listed = self.call("ListAccessEntries", clusterName=self.name)
        self.assertEqual(listed["accessEntries"], [self.ROLE])
        self.call("DeleteAccessEntry", clusterName=self.name, principalArn=self.ROLE)
        with self.assertRaises(self.eks.exceptions.ResourceNotFoundException):
            self.eks.describe_access_entry(clusterName=self.name, principalArn=self.ROLE)

    def test_ec2_entries_take_no_groups_and_are_named_after_the_node(self):
        node = "arn:aws:iam::123456789012:role/nodes"
        with self.assertRaises(self.eks.exceptions.InvalidParameterException):
            self.eks.create_access_entry(clusterName=self.name, principalArn=node,
                                         type="EC2_LINUX", kubernetesGroups=["x"])
        made = self.call("CreateAccessEntry", clusterName=self.name, principalArn=node,
                         type="EC2_LINUX")["accessEntry"]
        self.assertEqual(made["username"], "system:node:{{EC2PrivateDNSName}}")

    def test_policies_are_associated_listed_and_disassociated(self):
        self.call("CreateAccessEntry", clusterName=self.name, principalArn=self.ROLE)
        with self.assertRaises(self.eks.exceptions.InvalidParameterException):
            self.eks.associate_access_policy(
                clusterName=self.name, principalArn=self.ROLE, policyArn=self.POLICY,
                accessScope={"type": "namespace"})
        out = self.call("AssociateAccessPolicy", clusterName=self.name, principalArn=self.ROLE,
                        policyArn=self.POLICY, accessScope={"type": "cluster"})
        self.assertEqual(out["associatedAccessPolicy"]["policyArn"], self.POLICY)
        listed = self.call("ListAssociatedAccessPolicies", clusterName=self.name,
                           principalArn=self.ROLE)
        self.assertEqual([p["policyArn"] for p in listed["associatedAccessPolicies"]],
                         [self.POLICY])
        self.call("DisassociateAccessPolicy", clusterName=self.name, principalArn=self.ROLE,
                  policyArn=self.POLICY)
        with self.assertRaises(self.eks.exceptions.ResourceNotFoundException):
            self.eks.disassociate_access_policy(
                clusterName=self.name, principalArn=self.ROLE, policyArn=self.POLICY)

    def test_an_entry_takes_tags_through_its_arn(self):
        arn = self.call("CreateAccessEntry", clusterName=self.name, principalArn=self.ROLE,
                        tags={"a": "1"})["accessEntry"]["accessEntryArn"]
        self.call("TagResource", resourceArn=arn, tags={"b": "2"})
        self.call("UntagResource", resourceArn=arn, tagKeys=["a"])
        self.assertEqual(self.call("ListTagsForResource", resourceArn=arn)["tags"], {"b": "2"})

    def test_access_config_moves_forward_only_and_its_update_is_found(self):
        cluster = self.call("DescribeCluster", name=self.name)["cluster"]
        self.assertEqual(cluster["accessConfig"]["authenticationMode"], "API_AND_CONFIG_MAP")
        with self.assertRaises(self.eks.exceptions.InvalidRequestException):
            self.eks.update_cluster_config(
                name=self.name, accessConfig={"authenticationMode": "CONFIG_MAP"})
        update = self.call("UpdateClusterConfig", name=self.name,
                           accessConfig={"authenticationMode": "API"})["update"]
        self.assertEqual((update["type"], update["status"]), ("AccessConfigUpdate", "Successful"))
        found = self.call("DescribeUpdate", name=self.name, updateId=update["id"])["update"]
        self.assertEqual(found["id"], update["id"])
        self.assertIn(update["id"], self.call("ListUpdates", name=self.name)["updateIds"])
        cluster = self.call("DescribeCluster", name=self.name)["cluster"]
        self.assertEqual(cluster["accessConfig"]["authenticationMode"], "API")

    def test_a_cluster_without_access_config_reports_the_defaults(self):
        self.eks.create_cluster(name="plain", roleArn="arn:aws:iam::123456789012:role/cluster",
                                resourcesVpcConfig={"subnetIds": []})
        config = self.call("DescribeCluster", name="plain")["cluster"]["accessConfig"]
        self.assertEqual(config, {"authenticationMode": "CONFIG_MAP",
                                  "bootstrapClusterCreatorAdminPermissions": True})

    def test_unknown_clusters_are_not_found(self):
        for call in (lambda: self.eks.list_nodegroups(clusterName="nope"),
                     lambda: self.eks.list_access_entries(clusterName="nope"),
                     lambda: self.eks.list_updates(name="nope")):
            with self.assertRaises(self.eks.exceptions.ResourceNotFoundException):
                call()


if __name__ == "__main__":
    unittest.main()
