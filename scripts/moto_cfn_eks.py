"""CloudFormation's `AWS::EKS::AccessEntry` and `AWS::EKS::Nodegroup` for the local endpoint.

moto's CloudFormation skips both types (reports them complete and makes nothing). These models make
them in moto's EKS: access entries in the access-entry model of `moto_server.py` (with their
AccessPolicies associated and tags), nodegroups through moto's EKS backend (scaling, labels, taints,
tags, launch template, instance types, capacity type, subnets, node role, update config). moto's
CloudFormation calls a model's update for a resource whose template changed (also for a change
set), so both update in place what AWS updates in place and replace the rest, and both delete.
Test infrastructure only: tests and the demo use it, the product never does.
"""

from moto.core.common_models import CloudFormationModel
from moto.eks import models

# The launcher module (`moto_server.py`): its access-entry model and EKS errors. Set by install().
access = None


def install(launcher):
    """Registers both types with moto's CloudFormation (subclassing its model base does that)."""
    global access
    access = launcher
    cfn_eks_access_entry()
    cfn_eks_nodegroup()


def cfn_entry_policies(entry, props):
    """The entry's associated policies become exactly the template's AccessPolicies."""
    old = entry.policies
    entry.policies = {}
    for p in props.get("AccessPolicies") or []:
        scope = p.get("AccessScope") or {}
        arn = p["PolicyArn"]
        entry.policies[arn] = {
            "policyArn": arn,
            "accessScope": {"type": scope.get("Type"), "namespaces": scope.get("Namespaces") or []},
            "associatedAt": old[arn]["associatedAt"] if arn in old else access.now(),
            "modifiedAt": access.now(),
        }


def cfn_eks_access_entry():
    """`AWS::EKS::AccessEntry` in moto's CloudFormation, made in the access-entry model above with
    its AccessPolicies associated, as AWS's handler does. Ref is `cluster|principal` as in AWS.
    Changing the cluster, principal or type replaces the entry (AWS does too); groups, username,
    policies and tags change in place."""
    class EksAccessEntry(CloudFormationModel):
        __module__ = "moto.eks.models"
        REPLACING = ("ClusterName", "PrincipalArn", "Type")

        def __init__(self, cluster, entry):
            self.cluster, self.entry = cluster, entry

        @staticmethod
        def cloudformation_type():
            return "AWS::EKS::AccessEntry"

        @staticmethod
        def cloudformation_name_type():
            return None

        @classmethod
        def has_cfn_attr(cls, attr):
            return attr == "AccessEntryArn"

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
            props = cloudformation_json["Properties"]
            cluster = models.eks_backends[account_id][region_name].clusters.get(props["ClusterName"])
            if cluster is None:
                raise access.not_found("No cluster found for name: {}.".format(props["ClusterName"]))
            if not hasattr(cluster, "access_entries"):
                cluster.access_entries = {}
            principal, kind = props["PrincipalArn"], props.get("Type") or "STANDARD"
            groups, username = props.get("KubernetesGroups"), props.get("Username")
            access.check_ec2(kind, groups, username)
            if principal in cluster.access_entries:
                raise access.in_use("The specified access entry resource is already in use on this cluster.")
            entry = access.Entry(cluster, principal, kind, groups, username, access.cfn_tags(props))
            cfn_entry_policies(entry, props)
            cluster.access_entries[principal] = entry
            return cls(cluster, entry)

        @classmethod
        def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
            props = cloudformation_json["Properties"]
            entry = original_resource.entry
            was = {"ClusterName": entry.cluster_name, "PrincipalArn": entry.principal_arn, "Type": entry.type}
            if any((props.get(k) or ("STANDARD" if k == "Type" else None)) != was[k] for k in cls.REPLACING):
                original_resource.delete(account_id, region_name)
                return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
            access.check_ec2(entry.type, props.get("KubernetesGroups"), props.get("Username"))
            entry.kubernetes_groups = sorted(props.get("KubernetesGroups") or [])
            entry.username = props.get("Username") or access.Entry.default_username(entry.principal_arn, entry.type)
            entry.tags = access.cfn_tags(props)
            cfn_entry_policies(entry, props)
            entry.modified_at = access.now()
            return original_resource

        def delete(self, account_id, region_name):
            getattr(self.cluster, "access_entries", {}).pop(self.entry.principal_arn, None)

        @property
        def physical_resource_id(self):
            return "{}|{}".format(self.entry.cluster_name, self.entry.principal_arn)

        def get_cfn_attribute(self, attribute_name):
            return self.entry.access_entry_arn

    return EksAccessEntry


def cfn_nodegroup_args(props):
    """A template's AWS::EKS::Nodegroup properties as moto's create_nodegroup arguments."""
    sc = props.get("ScalingConfig") or {}
    lt = props.get("LaunchTemplate")
    return {
        "cluster_name": props["ClusterName"],
        "nodegroup_name": props["NodegroupName"],
        "node_role": props["NodeRole"],
        "subnets": list(props.get("Subnets") or []),
        "scaling_config": {k: int(sc[c]) for k, c in (
            ("minSize", "MinSize"), ("maxSize", "MaxSize"), ("desiredSize", "DesiredSize")) if c in sc},
        "disk_size": props.get("DiskSize"),
        "instance_types": props.get("InstanceTypes"),
        "ami_type": props.get("AmiType"),
        "labels": dict(props.get("Labels") or {}),
        "taints": cfn_taints(props),
        # The template's Tags is a map here, not a list.
        "tags": dict(props.get("Tags") or {}),
        # GetAtt of LatestVersionNumber may arrive as a number; EKS reports a string.
        "launch_template": {k: str(lt[c]) for k, c in (("id", "Id"), ("name", "Name"), ("version", "Version"))
                            if c in lt} if lt else None,
        "capacity_type": props.get("CapacityType"),
        "version": props.get("Version"),
        "release_version": props.get("ReleaseVersion"),
    }


def cfn_taints(props):
    return [{"key": t["Key"], "value": t.get("Value"), "effect": t["Effect"]} for t in props.get("Taints") or []]


def cfn_update_config(props):
    u = props.get("UpdateConfig") or {}
    out = {k: int(u[c]) for k, c in (("maxUnavailable", "MaxUnavailable"),
                                      ("maxUnavailablePercentage", "MaxUnavailablePercentage")) if c in u}
    return out or None


def cfn_eks_nodegroup():
    """`AWS::EKS::Nodegroup` in moto's CloudFormation, made through moto's EKS backend. moto's
    create_nodegroup drops the update config, so it is set on the object. Scaling, labels,
    taints, tags, update config and the launch template version change in place, as in AWS;
    anything else replaces the group."""
    class EksNodegroup(CloudFormationModel):
        __module__ = "moto.eks.models"
        IN_PLACE = ("ScalingConfig", "Labels", "Taints", "Tags", "UpdateConfig", "LaunchTemplate")

        def __init__(self, nodegroup, props):
            self.nodegroup, self.props = nodegroup, props

        @staticmethod
        def cloudformation_type():
            return "AWS::EKS::Nodegroup"

        @staticmethod
        def cloudformation_name_type():
            return "NodegroupName"

        @classmethod
        def has_cfn_attr(cls, attr):
            return attr in ("Arn", "ClusterName", "NodegroupName")

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
            props = dict(cloudformation_json["Properties"])
            props.setdefault("NodegroupName", resource_name)
            backend = models.eks_backends[account_id][region_name]
            nodegroup = backend.create_nodegroup(**cfn_nodegroup_args(props))
            nodegroup.update_config = cfn_update_config(props)
            return cls(nodegroup, props)

        @classmethod
        def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
            props = dict(cloudformation_json["Properties"])
            props.setdefault("NodegroupName", original_resource.nodegroup.nodegroup_name)
            old = original_resource.props
            lt_id = lambda p: {k: v for k, v in (p.get("LaunchTemplate") or {}).items() if k != "Version"}
            replace = any(props.get(k) != old.get(k) for k in set(props) | set(old) if k not in cls.IN_PLACE)
            if replace or lt_id(props) != lt_id(old):
                original_resource.delete(account_id, region_name)
                return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
            ng, args = original_resource.nodegroup, cfn_nodegroup_args(props)
            ng.scaling_config = args["scaling_config"] or ng.scaling_config
            ng.labels, ng.taints, ng.tags = args["labels"], args["taints"], args["tags"]
            ng.launch_template = args["launch_template"]
            ng.update_config = cfn_update_config(props)
            ng.modified_at = access.now()
            original_resource.props = props
            return original_resource

        def delete(self, account_id, region_name):
            backend = models.eks_backends[account_id][region_name]
            backend.delete_nodegroup(self.nodegroup.cluster_name, self.nodegroup.nodegroup_name)

        @property
        def physical_resource_id(self):
            # AWS's Ref of a nodegroup is `cluster/nodegroup`.
            return "{}/{}".format(self.nodegroup.cluster_name, self.nodegroup.nodegroup_name)

        def get_cfn_attribute(self, attribute_name):
            if attribute_name == "Arn":
                return self.nodegroup.arn
            if attribute_name == "ClusterName":
                return self.nodegroup.cluster_name
            return self.nodegroup.nodegroup_name

    return EksNodegroup
