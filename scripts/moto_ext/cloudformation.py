"""CloudFormation for the local endpoint: template properties moto (5.2.5) drops and AWS applies,
and the EKS resource types moto's CloudFormation skips.

- Properties applied after moto's handler made the resource: `Tags` on internet gateways,
  Elastic IPs, NAT gateways, route tables, load balancers and target groups; a subnet's
  `MapPublicIpOnLaunch`; a VPC's `EnableDnsHostnames`/`EnableDnsSupport`; subnet route-table
  associations (moto records them but never associates the table with the subnet, and its
  record has no delete: the one added disassociates them, so the table and VPC can go); a role's
  `ManagedPolicyArns` (detached again when the role is deleted); descriptions of rules from another security group (moto keeps those of
  CIDR rules only).
- `AWS::EKS::Cluster` (with its AccessConfig), `AWS::EKS::AccessEntry` (with its AccessPolicies)
  and `AWS::EKS::Nodegroup`, which moto reports complete and makes nothing of: made in moto's
  EKS (entries in `eks.py`'s access-entry model), so that a cluster's template runs, with
  `Fn::GetAtt` of what eksform's templates read. moto calls a model's update for a resource
  whose template changed (also for a change set), so entries and nodegroups update in place
  what AWS updates in place and replace the rest, and all three delete.

How: the EKS types are models of moto's CloudFormation, which registers every subclass of its
model base (`CloudFormationModel`). The dropped properties need one reassignment: moto's
`parsing.parse_and_create_resource`, wrapped to apply them after moto's own creation (and,
where moto's delete of the resource would leave what was applied, to give the created object a
delete that removes it first). A model
per type would not do: moto's model map has one class per type, taken from the base's
subclasses in definition order, so overriding moto's eleven classes would rely on that order
and re-implement their updates and deletes. An error while applying a property is not hidden:
it fails the stack's creation as an error in a handler does on AWS.

Test infrastructure only: tests and the demo use it, the product never does.
"""

from moto.core.common_models import CloudFormationModel
from moto.eks import models

from moto_ext import eks

# The CloudFormation types whose Tags moto's handlers drop, and where the resource's id is.
TAGGED_EC2 = {
    "AWS::EC2::InternetGateway": "id",
    "AWS::EC2::EIP": "allocation_id",
    "AWS::EC2::NatGateway": "id",
    "AWS::EC2::RouteTable": "id",
}
TAGGED_ELBV2 = ("AWS::ElasticLoadBalancingV2::LoadBalancer",
                "AWS::ElasticLoadBalancingV2::TargetGroup")


def tags(props):
    """CloudFormation's tag list as a map."""
    return {t["Key"]: t["Value"] for t in props.get("Tags") or []}


def cfn_bool(value):
    """A template boolean, which may arrive as the string CloudFormation also accepts."""
    return None if value is None else str(value).lower() == "true"


# --- properties moto's handlers drop ---------------------------------------------------------


def apply_dropped(resource, resource_json, account_id, region_name):
    """Applies to a resource moto made what its template says and moto's handler dropped."""
    from moto.ec2.models import ec2_backends

    kind = resource_json.get("Type")
    props = resource_json.get("Properties") or {}
    ec2 = ec2_backends[account_id][region_name]
    # Most types take a tag list; some (AWS::EKS::Nodegroup) take a map and are not handled here.
    given = tags(props) if isinstance(props.get("Tags"), list) else {}
    if kind in TAGGED_EC2 and given:
        ec2.create_tags([getattr(resource, TAGGED_EC2[kind])], given)
    elif kind in TAGGED_ELBV2 and given:
        from moto.elbv2.models import elbv2_backends

        elbv2_backends[account_id][region_name].add_tags(
            [resource.arn], [{"Key": k, "Value": v} for k, v in given.items()])
    elif kind == "AWS::EC2::Subnet" and "MapPublicIpOnLaunch" in props:
        ec2.modify_subnet_attribute(
            resource.id, "map_public_ip_on_launch", cfn_bool(props["MapPublicIpOnLaunch"]))
    elif kind == "AWS::EC2::SubnetRouteTableAssociation":
        associate(ec2, resource)
    elif kind == "AWS::EC2::SecurityGroupIngress":
        describe_group_rule(resource, props)
    elif kind == "AWS::IAM::Role" and props.get("ManagedPolicyArns"):
        attach_managed_policies(resource, resource_json, account_id, region_name)
    elif kind == "AWS::EC2::VPC":
        for key, attr in (("EnableDnsHostnames", "enable_dns_hostnames"),
                          ("EnableDnsSupport", "enable_dns_support")):
            if key in props:
                ec2.modify_vpc_attribute(resource.id, attr, cfn_bool(props[key]))


def associate(ec2, resource):
    """Associates the route table with the subnet, and gives moto's record of the association
    (which has no delete) one that disassociates them, so the stack's route table and VPC can be
    deleted after it, as on AWS."""
    from moto.ec2.exceptions import InvalidAssociationIdError

    association = ec2.associate_route_table(resource.route_table_id, subnet_id=resource.subnet_id)

    def delete(account_id, region_name):
        try:
            ec2.disassociate_route_table(association)
        except InvalidAssociationIdError:
            pass  # already disassociated (by a DisassociateRouteTable call): nothing to undo

    resource.delete = delete


def describe_group_rule(resource, props):
    """The description of a rule from another security group (the object holds the resolved
    values; the template's may be references)."""
    if not (props.get("SourceSecurityGroupId") and props.get("Description")):
        return
    resolved = resource.properties
    for rule in resource.security_group.ingress_rules:
        same = (
            rule.source_group.get("GroupId") == resolved["SourceSecurityGroupId"]
            and str(rule.ip_protocol) == str(resolved["IpProtocol"])
            and str(rule.from_port) == str(resolved.get("FromPort"))
            and str(rule.to_port) == str(resolved.get("ToPort"))
        )
        if same:
            rule.source_group["Description"] = resolved["Description"]


def attach_managed_policies(role, resource_json, account_id, region_name):
    """Attaches the role's ManagedPolicyArns, and gives the role a delete that detaches them
    first (CloudFormation does; moto's delete refuses a role with policies attached)."""
    from moto.iam.models import iam_backends
    from moto.utilities.utils import get_partition

    iam = iam_backends[account_id][get_partition(region_name)]
    arns = resource_json["Properties"]["ManagedPolicyArns"]
    for arn in arns:
        iam.attach_role_policy(arn, role.name)

    def delete(account_id, region_name):
        for arn in arns:
            iam.detach_role_policy(arn, role.name)
        # What moto's stack deletion does for a resource without a delete of its own.
        type(role).delete_from_cloudformation_json(
            role.physical_resource_id, resource_json, account_id, region_name)

    role.delete = delete


def keep_properties():
    """Wraps moto's resource creation so the properties above reach the resource."""
    from moto.cloudformation import parsing

    create = parsing.parse_and_create_resource

    def create_keeping(logical_id, resource_json, resources_map, account_id, region_name):
        resource = create(logical_id, resource_json, resources_map, account_id, region_name)
        if resource is not None:
            apply_dropped(resource, resource_json, account_id, region_name)
        return resource

    parsing.parse_and_create_resource = create_keeping


# --- AWS::EKS::Cluster -----------------------------------------------------------------------


class EksCluster(CloudFormationModel):
    """`AWS::EKS::Cluster`, made in moto's EKS backend, so `Fn::GetAtt` of Endpoint,
    CertificateAuthorityData and Arn works. Its AccessConfig is stored as CreateCluster's is.
    It goes with its stack (there is no update: a template's cluster is made once)."""

    # moto's model base names the service after the defining module.
    __module__ = "moto.eks.models"

    def __init__(self, cluster):
        self.cluster = cluster

    @staticmethod
    def cloudformation_type():
        return "AWS::EKS::Cluster"

    @staticmethod
    def cloudformation_name_type():
        return "Name"

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr in ("Endpoint", "CertificateAuthorityData", "Arn")

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                        region_name, **kwargs):
        props = cloudformation_json["Properties"]
        vpc = props.get("ResourcesVpcConfig") or {}
        network = props.get("KubernetesNetworkConfig") or {}
        cluster = models.eks_backends[account_id][region_name].create_cluster(
            name=props.get("Name") or resource_name,
            role_arn=props["RoleArn"],
            resources_vpc_config={
                "subnetIds": vpc.get("SubnetIds", []),
                "securityGroupIds": vpc.get("SecurityGroupIds", []),
                "endpointPublicAccess": vpc.get("EndpointPublicAccess", True),
                "endpointPrivateAccess": vpc.get("EndpointPrivateAccess", False),
            },
            version=props.get("Version"),
            kubernetes_network_config={"serviceIpv4Cidr": network.get("ServiceIpv4Cidr")},
            tags=tags(props),
        )
        given = props.get("AccessConfig") or {}
        cluster.access_config = eks.access_config({
            "authenticationMode": given.get("AuthenticationMode"),
            "bootstrapClusterCreatorAdminPermissions": cfn_bool(
                given.get("BootstrapClusterCreatorAdminPermissions")),
        })
        return cls(cluster)

    def delete(self, account_id, region_name):
        # Refused while nodegroups remain: moto's stack deletion tries again after them.
        models.eks_backends[account_id][region_name].delete_cluster(self.cluster.name)

    @property
    def physical_resource_id(self):
        return self.cluster.name

    def get_cfn_attribute(self, attribute_name):
        if attribute_name == "Endpoint":
            return self.cluster.endpoint
        if attribute_name == "CertificateAuthorityData":
            return self.cluster.certificate_authority["data"]
        return self.cluster.arn


# --- AWS::EKS::AccessEntry -------------------------------------------------------------------


def entry_policies(entry, props):
    """The entry's associated policies become exactly the template's AccessPolicies."""
    old = entry.policies
    entry.policies = {}
    for p in props.get("AccessPolicies") or []:
        scope = p.get("AccessScope") or {}
        arn = p["PolicyArn"]
        entry.policies[arn] = eks.policy_view(
            arn, scope.get("Type"), scope.get("Namespaces"), old.get(arn))


class EksAccessEntry(CloudFormationModel):
    """`AWS::EKS::AccessEntry`, made in `eks.py`'s access-entry model with its AccessPolicies
    associated, as AWS's handler does. Ref is `cluster|principal` as in AWS. Changing the
    cluster, principal or type replaces the entry (AWS does too); groups, username, policies and
    tags change in place."""

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
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                        region_name, **kwargs):
        props = cloudformation_json["Properties"]
        name = props["ClusterName"]
        cluster = models.eks_backends[account_id][region_name].clusters.get(name)
        if cluster is None:
            raise eks.not_found(f"No cluster found for name: {name}.", name)
        entry = eks.add_entry(
            cluster, props["PrincipalArn"], props.get("Type") or "STANDARD",
            props.get("KubernetesGroups"), props.get("Username"), tags(props))
        entry_policies(entry, props)
        return cls(cluster, entry)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name,
                                        cloudformation_json, account_id, region_name):
        props = cloudformation_json["Properties"]
        entry = original_resource.entry
        was = {"ClusterName": entry.cluster_name, "PrincipalArn": entry.principal_arn,
               "Type": entry.type}
        if any((props.get(k) or ("STANDARD" if k == "Type" else None)) != was[k]
               for k in cls.REPLACING):
            original_resource.delete(account_id, region_name)
            return cls.create_from_cloudformation_json(
                new_resource_name, cloudformation_json, account_id, region_name)
        eks.check_ec2(entry.type, props.get("KubernetesGroups"), props.get("Username"))
        entry.kubernetes_groups = sorted(props.get("KubernetesGroups") or [])
        entry.username = props.get("Username") or eks.Entry.default_username(
            entry.principal_arn, entry.type)
        entry.tags = tags(props)
        entry_policies(entry, props)
        entry.modified_at = eks.now()
        return original_resource

    def delete(self, account_id, region_name):
        getattr(self.cluster, "access_entries", {}).pop(self.entry.principal_arn, None)

    @property
    def physical_resource_id(self):
        return "{}|{}".format(self.entry.cluster_name, self.entry.principal_arn)

    def get_cfn_attribute(self, attribute_name):
        return self.entry.access_entry_arn


# --- AWS::EKS::Nodegroup ---------------------------------------------------------------------


def nodegroup_args(props):
    """A template's AWS::EKS::Nodegroup properties as moto's create_nodegroup arguments."""
    sc = props.get("ScalingConfig") or {}
    lt = props.get("LaunchTemplate")
    return {
        "cluster_name": props["ClusterName"],
        "nodegroup_name": props["NodegroupName"],
        "node_role": props["NodeRole"],
        "subnets": list(props.get("Subnets") or []),
        "scaling_config": {k: int(sc[c]) for k, c in (
            ("minSize", "MinSize"), ("maxSize", "MaxSize"), ("desiredSize", "DesiredSize"))
            if c in sc},
        "disk_size": props.get("DiskSize"),
        "instance_types": props.get("InstanceTypes"),
        "ami_type": props.get("AmiType"),
        "labels": dict(props.get("Labels") or {}),
        "taints": taints(props),
        # The template's Tags is a map here, not a list.
        "tags": dict(props.get("Tags") or {}),
        # GetAtt of LatestVersionNumber may arrive as a number; EKS reports a string.
        "launch_template": {k: str(lt[c]) for k, c in (
            ("id", "Id"), ("name", "Name"), ("version", "Version")) if c in lt} if lt else None,
        "capacity_type": props.get("CapacityType"),
        "version": props.get("Version"),
        "release_version": props.get("ReleaseVersion"),
    }


def taints(props):
    return [{"key": t["Key"], "value": t.get("Value"), "effect": t["Effect"]}
            for t in props.get("Taints") or []]


def update_config(props):
    u = props.get("UpdateConfig") or {}
    out = {k: int(u[c]) for k, c in (("maxUnavailable", "MaxUnavailable"),
                                      ("maxUnavailablePercentage", "MaxUnavailablePercentage"))
           if c in u}
    return out or None


def launch_template_identity(props):
    """The launch template a nodegroup names, without its version."""
    return {k: v for k, v in (props.get("LaunchTemplate") or {}).items() if k != "Version"}


class EksNodegroup(CloudFormationModel):
    """`AWS::EKS::Nodegroup`, made through moto's EKS backend. moto's create_nodegroup drops the
    update config, so it is set on the object. Scaling, labels, taints, tags, update config and
    the launch template version change in place, as in AWS; anything else replaces the group."""

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
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                        region_name, **kwargs):
        props = dict(cloudformation_json["Properties"])
        props.setdefault("NodegroupName", resource_name)
        backend = models.eks_backends[account_id][region_name]
        nodegroup = backend.create_nodegroup(**nodegroup_args(props))
        nodegroup.update_config = update_config(props)
        return cls(nodegroup, props)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name,
                                        cloudformation_json, account_id, region_name):
        props = dict(cloudformation_json["Properties"])
        props.setdefault("NodegroupName", original_resource.nodegroup.nodegroup_name)
        old = original_resource.props
        replace = any(props.get(k) != old.get(k)
                      for k in set(props) | set(old) if k not in cls.IN_PLACE)
        if replace or launch_template_identity(props) != launch_template_identity(old):
            original_resource.delete(account_id, region_name)
            return cls.create_from_cloudformation_json(
                new_resource_name, cloudformation_json, account_id, region_name)
        ng, args = original_resource.nodegroup, nodegroup_args(props)
        ng.scaling_config = args["scaling_config"] or ng.scaling_config
        ng.labels, ng.taints, ng.tags = args["labels"], args["taints"], args["tags"]
        ng.launch_template = args["launch_template"]
        ng.update_config = update_config(props)
        ng.modified_at = eks.now()
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


def install():
    """The EKS types registered themselves when this module was imported; this wraps creation."""
    keep_properties()
