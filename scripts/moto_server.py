"""The local AWS endpoint for tests, the demo and the benchmark: moto's server plus EKS access entries.

moto (5.2.5) does not model EKS access entries, nor a cluster's accessConfig. This file adds a
faithful minimal model of that one API, nothing else: CreateAccessEntry, DescribeAccessEntry,
ListAccessEntries, UpdateAccessEntry, DeleteAccessEntry, AssociateAccessPolicy,
DisassociateAccessPolicy and ListAssociatedAccessPolicies, with tags at creation and through
the entry ARN; plus accessConfig stored on CreateCluster/UpdateClusterConfig (forward only, as
EKS) and reported by DescribeCluster (EKS's defaults when none was sent), with DescribeUpdate
for those updates. Entries live on moto's cluster objects, so
they are per account and region, go with their cluster, and are cleared by POST /moto-api/reset.
Errors follow EKS: ResourceNotFoundException for an unknown cluster, entry or policy,
ResourceInUseException for a duplicate principal, InvalidParameterException for groups or a
username on EC2 entries.

It also makes moto's CloudFormation apply template properties its handlers drop and AWS applies:
`Tags` on internet gateways, Elastic IPs, NAT gateways, route tables, load balancers and target
groups, a subnet's `MapPublicIpOnLaunch`, a VPC's `EnableDnsHostnames`/`EnableDnsSupport`,
subnet route-table associations, a role's `ManagedPolicyArns`, and descriptions of rules from
another security group (see `cfn_keeps_properties`); and it creates an `AWS::EKS::Cluster` (with
its AccessConfig), an `AWS::EKS::AccessEntry` (with its AccessPolicies) and an `AWS::EKS::Nodegroup` in moto's EKS, which
moto's CloudFormation skips, so that a cluster's template runs (`cfn_eks_cluster` here, the other two
in `moto_cfn_eks.py`).

EC2 client tokens (moto ignores them) and a deleted NAT gateway releasing its Elastic IP come from
`moto_ext/ec2.py`, CreateListener's idempotency
(moto adds a second listener on a port) from `moto_ext/elbv2.py`.
Services' APIs moto lacks otherwise live in `moto_ext/`, one module per service (instance
refreshes and launches from any launch template version: `moto_ext/autoscaling.py`; nodegroup
updates: `moto_ext/eks_updates.py`).

Run with the project's venv python and moto_server's arguments: `-H HOST -p PORT`.
"""

import datetime
import sys
from urllib.parse import unquote

from moto import server
from moto.core.responses import ActionResult, EmptyResult
from moto.eks import models, urls
from moto.eks.exceptions import (
    InvalidParameterException,
    InvalidRequestException,
    ResourceInUseException,
    ResourceNotFoundException,
)
from moto.eks.responses import EKSResponse

BASE = "{0}/clusters/(?P<name>[^/]+)/access-entries"
ENTRY = BASE + "/(?P<principalArn>arn:.+?)"
POLICIES = ENTRY + "/access-policies"
# Longest paths first: flask picks the first route whose regex matches.
PATHS = [
    POLICIES + "/(?P<policyArn>arn:.+)$", POLICIES + "$", ENTRY + "$", BASE + "$",
    # DescribeUpdate, for the access-config updates below only (moto has no updates).
    "{0}/clusters/(?P<name>[^/]+)/updates/(?P<updateId>[^/]+)$",
]
MODES = ["CONFIG_MAP", "API_AND_CONFIG_MAP", "API"]
EC2_TYPES = ("EC2_LINUX", "EC2_WINDOWS")


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def not_found(message):
    return ResourceNotFoundException(
        clusterName=None, nodegroupName=None, fargateProfileName=None, addonName=None,
        message=message,
    )


def in_use(message):
    return ResourceInUseException(
        clusterName=None, nodegroupName=None, addonName=None, message=message
    )


def invalid(message):
    return InvalidParameterException(
        clusterName=None, nodegroupName=None, fargateProfileName=None, addonName=None,
        message=message,
    )


class Entry:
    def __init__(self, cluster, principal, kind, groups, username, tags):
        self.cluster_name = cluster.name
        self.principal_arn = principal
        self.type = kind
        self.kubernetes_groups = sorted(groups or [])
        self.username = username or self.default_username(principal, kind)
        self.tags = dict(tags or {})
        # The cluster's ARN with `access-entry` for `cluster`, then the principal's resource.
        self.access_entry_arn = "{}/{}".format(
            cluster.arn.replace(":cluster/", ":access-entry/", 1), principal.split(":", 5)[-1]
        )
        self.created_at = self.modified_at = now()
        self.policies = {}

    @staticmethod
    def default_username(principal, kind):
        # EKS names nodes after the instance and everything else after the principal's ARN.
        if kind in EC2_TYPES:
            return "system:node:{{EC2PrivateDNSName}}"
        return principal

    def view(self):
        return {
            "clusterName": self.cluster_name,
            "principalArn": self.principal_arn,
            "kubernetesGroups": self.kubernetes_groups,
            "accessEntryArn": self.access_entry_arn,
            "createdAt": self.created_at,
            "modifiedAt": self.modified_at,
            "tags": self.tags,
            "username": self.username,
            "type": self.type,
        }


def cluster_of(response):
    name = response._get_param("name")
    cluster = response.eks_backend.clusters.get(name)
    if cluster is None:
        raise not_found("No cluster found for name: {}.".format(name))
    if not hasattr(cluster, "access_entries"):
        cluster.access_entries = {}
    return cluster


def entry_of(response):
    cluster = cluster_of(response)
    principal = unquote(response._get_param("principalArn"))
    entry = cluster.access_entries.get(principal)
    if entry is None:
        raise not_found("The specified principalArn could not be found.")
    return cluster, entry


def check_ec2(kind, groups, username):
    if kind in EC2_TYPES and (groups or username):
        raise invalid("kubernetesGroups and username cannot be set for type {}".format(kind))


def create_access_entry(self):
    cluster = cluster_of(self)
    principal = self._get_param("principalArn")
    kind = self._get_param("type") or "STANDARD"
    groups = self._get_param("kubernetesGroups")
    username = self._get_param("username")
    check_ec2(kind, groups, username)
    if principal in cluster.access_entries:
        raise in_use("The specified access entry resource is already in use on this cluster.")
    entry = Entry(cluster, principal, kind, groups, username, self._get_param("tags"))
    cluster.access_entries[principal] = entry
    return ActionResult({"accessEntry": entry.view()})


def describe_access_entry(self):
    _, entry = entry_of(self)
    return ActionResult({"accessEntry": entry.view()})


def list_access_entries(self):
    cluster = cluster_of(self)
    return ActionResult({"accessEntries": sorted(cluster.access_entries)})


def update_access_entry(self):
    _, entry = entry_of(self)
    groups = self._get_param("kubernetesGroups")
    username = self._get_param("username")
    check_ec2(entry.type, groups, username)
    if groups is not None:
        entry.kubernetes_groups = sorted(groups)
    if username is not None:
        entry.username = username
    entry.modified_at = now()
    return ActionResult({"accessEntry": entry.view()})


def delete_access_entry(self):
    cluster, entry = entry_of(self)
    del cluster.access_entries[entry.principal_arn]
    return EmptyResult()


def associate_access_policy(self):
    cluster, entry = entry_of(self)
    policy = self._get_param("policyArn")
    scope = self._get_param("accessScope") or {}
    if scope.get("type") == "namespace" and not scope.get("namespaces"):
        raise invalid("namespaces must be given for a namespace access scope")
    old = entry.policies.get(policy)
    entry.policies[policy] = {
        "policyArn": policy,
        "accessScope": {"type": scope.get("type"), "namespaces": scope.get("namespaces") or []},
        "associatedAt": old["associatedAt"] if old else now(),
        "modifiedAt": now(),
    }
    return ActionResult({
        "clusterName": cluster.name,
        "principalArn": entry.principal_arn,
        "associatedAccessPolicy": entry.policies[policy],
    })


def disassociate_access_policy(self):
    _, entry = entry_of(self)
    policy = unquote(self._get_param("policyArn"))
    if entry.policies.pop(policy, None) is None:
        raise not_found("The specified policyArn is not associated with this access entry.")
    return EmptyResult()


def list_associated_access_policies(self):
    cluster, entry = entry_of(self)
    return ActionResult({
        "clusterName": cluster.name,
        "principalArn": entry.principal_arn,
        "associatedAccessPolicies": [entry.policies[p] for p in sorted(entry.policies)],
    })


def access_config(given, old=None):
    """The cluster's accessConfig: what was sent, else what it had, else EKS's defaults."""
    out = dict(old or {"authenticationMode": "CONFIG_MAP",
                       "bootstrapClusterCreatorAdminPermissions": True})
    if given:
        if given.get("authenticationMode"):
            out["authenticationMode"] = given["authenticationMode"]
        if given.get("bootstrapClusterCreatorAdminPermissions") is not None:
            out["bootstrapClusterCreatorAdminPermissions"] = given[
                "bootstrapClusterCreatorAdminPermissions"]
    return out


def wrap_cluster_calls():
    create, update_config = EKSResponse.create_cluster, EKSResponse.update_cluster_config
    list_nodegroups = EKSResponse.list_nodegroups

    def list_nodegroups_of(self):
        # moto answers a missing cluster with a 500 (KeyError); EKS says ResourceNotFound.
        name = self._get_param("name")
        if name not in self.eks_backend.clusters:
            raise not_found(f"No cluster found for name: {name}.")
        return list_nodegroups(self)

    EKSResponse.list_nodegroups = list_nodegroups_of

    def create_cluster(self):
        result = create(self)
        cluster = self.eks_backend.clusters[self._get_param("name")]
        cluster.access_config = access_config(self._get_param("accessConfig"))
        return result

    def update_cluster_config(self):
        given = self._get_param("accessConfig")
        if given:
            cluster = cluster_of(self)
            old = getattr(cluster, "access_config", None) or access_config(None)
            new_mode = given.get("authenticationMode") or old["authenticationMode"]
            if MODES.index(new_mode) < MODES.index(old["authenticationMode"]):
                raise InvalidRequestException(
                    clusterName=cluster.name, nodegroupName=None, addonName=None,
                    message="Unsupported authentication mode update from {} to {}".format(
                        old["authenticationMode"], new_mode),
                )
            cluster.access_config = access_config(
                {"authenticationMode": new_mode}, old)
            if not self._get_param("resourcesVpcConfig") and not self._get_param("logging"):
                # EKS answers an update to follow with DescribeUpdate; this one is done at once.
                update = {
                    "id": "access-config-{}".format(now().timestamp()),
                    "status": "Successful", "type": "AccessConfigUpdate",
                    "params": [], "createdAt": now(), "errors": [],
                }
                if not hasattr(cluster, "access_updates"):
                    cluster.access_updates = {}
                cluster.access_updates[update["id"]] = update
                return ActionResult({"update": update})
        return update_config(self)

    def describe_update(self):
        cluster = cluster_of(self)
        update = getattr(cluster, "access_updates", {}).get(self._get_param("updateId"))
        if update is None:
            raise not_found("No update found for id: {}.".format(self._get_param("updateId")))
        return ActionResult({"update": update})

    EKSResponse.create_cluster = create_cluster
    EKSResponse.update_cluster_config = update_cluster_config
    EKSResponse.describe_update = describe_update


def entry_by_arn(backend, arn):
    for cluster in backend.clusters.values():
        for entry in getattr(cluster, "access_entries", {}).values():
            if entry.access_entry_arn == arn:
                return entry
    return None


def nodegroup_by_arn(backend, arn):
    for cluster in backend.clusters.values():
        for nodegroup in cluster.nodegroups.values():
            if nodegroup.arn == arn:
                return nodegroup
    return None


def tagged_by_arn(backend, arn):
    """The access entry or nodegroup an ARN names (moto tags clusters only), else None."""
    return entry_by_arn(backend, arn) or nodegroup_by_arn(backend, arn)


def wrap_tag_calls():
    """Tags on an access entry's or a nodegroup's ARN (EKS tags both; moto only clusters);
    every other ARN goes to moto as before."""
    tag, untag, list_tags = (
        models.EKSBackend.tag_resource,
        models.EKSBackend.untag_resource,
        models.EKSBackend.list_tags_for_resource,
    )

    def tag_resource(self, resource_arn, tags):
        entry = tagged_by_arn(self, resource_arn)
        if entry is None:
            return tag(self, resource_arn, tags)
        entry.tags.update(tags)

    def untag_resource(self, resource_arn, tag_keys):
        entry = tagged_by_arn(self, resource_arn)
        if entry is None:
            return untag(self, resource_arn, tag_keys)
        keys = tag_keys if isinstance(tag_keys, list) else [tag_keys]
        for key in keys:
            entry.tags.pop(key, None)

    def list_tags_for_resource(self, resource_arn):
        entry = tagged_by_arn(self, resource_arn)
        return list_tags(self, resource_arn) if entry is None else dict(entry.tags)

    models.EKSBackend.tag_resource = tag_resource
    models.EKSBackend.untag_resource = untag_resource
    models.EKSBackend.list_tags_for_resource = list_tags_for_resource


# The CloudFormation types whose Tags moto's handlers drop, and where the resource's id is.
CFN_TAGGED_EC2 = {
    "AWS::EC2::InternetGateway": "id",
    "AWS::EC2::EIP": "allocation_id",
    "AWS::EC2::NatGateway": "id",
    "AWS::EC2::RouteTable": "id",
}
CFN_TAGGED_ELBV2 = ("AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancingV2::TargetGroup")


def cfn_apply_dropped(resource, resource_json, account_id, region_name):
    from moto.ec2.models import ec2_backends
    from moto.elbv2.models import elbv2_backends

    kind = resource_json.get("Type")
    props = resource_json.get("Properties") or {}
    # Most types take a tag list; some (AWS::EKS::Nodegroup) take a map and are not handled here.
    tags = cfn_tags(props) if isinstance(props.get("Tags"), list) else {}
    ec2 = ec2_backends[account_id][region_name]
    if kind in CFN_TAGGED_EC2 and tags:
        ec2.create_tags([getattr(resource, CFN_TAGGED_EC2[kind])], tags)
    elif kind in CFN_TAGGED_ELBV2 and tags:
        elbv2_backends[account_id][region_name].add_tags(
            [resource.arn], [{"Key": k, "Value": v} for k, v in tags.items()]
        )
    elif kind == "AWS::EC2::Subnet" and "MapPublicIpOnLaunch" in props:
        flag = str(props["MapPublicIpOnLaunch"]).lower() == "true"
        ec2.modify_subnet_attribute(resource.id, "map_public_ip_on_launch", flag)
    elif kind == "AWS::EC2::SubnetRouteTableAssociation":
        # moto records the association but never associates the route table with the subnet.
        ec2.associate_route_table(resource.route_table_id, subnet_id=resource.subnet_id)
    elif kind == "AWS::EC2::SecurityGroupIngress" and props.get("SourceSecurityGroupId") and props.get("Description"):
        # moto keeps the description of CIDR rules only. The object holds the resolved values.
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
    elif kind == "AWS::IAM::Role" and props.get("ManagedPolicyArns"):
        from moto.iam.models import iam_backends
        from moto.utilities.utils import get_partition

        iam = iam_backends[account_id][get_partition(region_name)]
        for arn in props["ManagedPolicyArns"]:
            iam.attach_role_policy(arn, resource.name)
    elif kind == "AWS::EC2::VPC":
        for key, attr in (("EnableDnsHostnames", "enable_dns_hostnames"), ("EnableDnsSupport", "enable_dns_support")):
            if key in props:
                ec2.modify_vpc_attribute(resource.id, attr, str(props[key]).lower() == "true")


def cfn_bool(value):
    """A template boolean, which may arrive as the string CloudFormation also accepts."""
    return None if value is None else str(value).lower() == "true"


def cfn_eks_cluster():
    """`AWS::EKS::Cluster` in moto's CloudFormation: made in moto's EKS backend (which moto's
    CloudFormation skips), so `Fn::GetAtt` of Endpoint, CertificateAuthorityData and Arn works and
    a whole cluster's template can be executed locally. The class registers itself with moto's
    CloudFormation by subclassing its model base."""
    from moto.core.common_models import CloudFormationModel

    class EksCluster(CloudFormationModel):
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
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
            props = cloudformation_json["Properties"]
            vpc = props.get("ResourcesVpcConfig") or {}
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
                kubernetes_network_config={"serviceIpv4Cidr": (props.get("KubernetesNetworkConfig") or {}).get("ServiceIpv4Cidr")},
                tags={t["Key"]: t["Value"] for t in props.get("Tags") or []},
            )
            # What the API's CreateCluster stores (see wrap_cluster_calls), from the template.
            given = props.get("AccessConfig") or {}
            cluster.access_config = access_config({
                "authenticationMode": given.get("AuthenticationMode"),
                "bootstrapClusterCreatorAdminPermissions": cfn_bool(given.get("BootstrapClusterCreatorAdminPermissions")),
            })
            return cls(cluster)

        @property
        def physical_resource_id(self):
            return self.cluster.name

        def get_cfn_attribute(self, attribute_name):
            if attribute_name == "Endpoint":
                return self.cluster.endpoint
            if attribute_name == "CertificateAuthorityData":
                return self.cluster.certificate_authority["data"]
            return self.cluster.arn

    return EksCluster


def cfn_tags(props):
    """CloudFormation's tag list as EKS's tag map."""
    return {t["Key"]: t["Value"] for t in props.get("Tags") or []}


def cfn_keeps_properties():
    """Wraps moto's CloudFormation resource creation so the properties above reach the resource."""
    from moto.cloudformation import parsing

    original = parsing.parse_and_create_resource

    def create(logical_id, resource_json, resources_map, account_id, region_name):
        resource = original(logical_id, resource_json, resources_map, account_id, region_name)
        if resource is not None:
            try:
                cfn_apply_dropped(resource, resource_json, account_id, region_name)
            except Exception:  # never worse than moto alone
                import traceback

                traceback.print_exc()
        return resource

    parsing.parse_and_create_resource = create


def install():
    cfn_keeps_properties()
    cfn_eks_cluster()
    # The access-entry and nodegroup types live next to this file; they build on this module's
    # access-entry model, handed over as the running module (this file runs as __main__, so
    # importing it by name would load a second copy).
    import moto_cfn_eks
    from moto_ext import autoscaling, eks_updates

    moto_cfn_eks.install(sys.modules[__name__])
    import moto_ext.ec2
    import moto_ext.elbv2

    # Auto Scaling's module replaces CreateLaunchTemplateVersion's handler; EC2's client tokens
    # wrap whatever handler is in place, so they go second.
    autoscaling.install()
    moto_ext.ec2.install()
    moto_ext.elbv2.install()
    for name, fn in [
        ("create_access_entry", create_access_entry),
        ("describe_access_entry", describe_access_entry),
        ("list_access_entries", list_access_entries),
        ("update_access_entry", update_access_entry),
        ("delete_access_entry", delete_access_entry),
        ("associate_access_policy", associate_access_policy),
        ("disassociate_access_policy", disassociate_access_policy),
        ("list_associated_access_policies", list_associated_access_policies),
    ]:
        setattr(EKSResponse, name, fn)
    wrap_cluster_calls()
    wrap_tag_calls()
    eks_updates.install()
    for path in PATHS:
        urls.url_paths[path] = urls.response.dispatch
    # DescribeCluster serialises the cluster object's attributes; a cluster made before any
    # accessConfig was sent still reports EKS's default.
    models.Cluster.access_config = access_config(None)


if __name__ == "__main__":
    install()
    server.main()
