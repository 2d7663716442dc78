"""EKS for the local endpoint: what moto (5.2.5) lacks or answers unlike EKS, for the calls
eksform makes.

Added, in the API's shapes and errors:

- Access entries (moto has none): CreateAccessEntry, DescribeAccessEntry, ListAccessEntries,
  UpdateAccessEntry, DeleteAccessEntry, AssociateAccessPolicy, DisassociateAccessPolicy and
  ListAssociatedAccessPolicies, with tags at creation and through the entry's ARN. Entries live
  on moto's cluster objects: per account and region, gone with their cluster and with
  POST /moto-api/reset. ResourceNotFoundException for an unknown cluster, entry or policy,
  ResourceInUseException for a duplicate principal, InvalidParameterException for groups or a
  username on EC2 entries.
- A cluster's accessConfig (moto drops it): stored by CreateCluster, moved forward only by
  UpdateClusterConfig (InvalidRequestException backwards, as EKS), reported by DescribeCluster
  (EKS's defaults when none was sent); such an update is answered Successful at once and found
  by DescribeUpdate and ListUpdates.
- Tags on access entries and nodegroups through TagResource, UntagResource and
  ListTagsForResource (moto tags clusters only).
- Updates (moto answers UpdateNodegroupVersion, ListUpdates and a nodegroup's DescribeUpdate with
  HTTP 404, and forgets the update UpdateNodegroupConfig answers with):
  - UpdateNodegroupVersion (launch template version, or Kubernetes and release version) answers
    an update InProgress of type VersionUpdate and puts the nodegroup in UPDATING; after
    EKSFORM_MOTO_EKS_UPDATE_SECONDS (default 1) the update is Successful and the nodegroup
    ACTIVE on the new version, or, when the new launch template version's image does not
    exist, Failed with a NodeCreationFailure error and the nodegroup ACTIVE on its old version.
    A nodegroup that is not ACTIVE refuses with ResourceInUseException, a launch template other
    than the nodegroup's with InvalidParameterException, as EKS does.
  - UpdateNodegroupConfig answers an update InProgress of type ConfigUpdate (its parameters in
    EKS's types) and puts the nodegroup in UPDATING until it is Successful.
  - UpdateClusterVersion moves a cluster one minor version up: an update InProgress of type
    VersionUpdate (params Version and PlatformVersion), the cluster UPDATING until the update
    is Successful and the cluster ACTIVE on the new version. A cluster that is not ACTIVE
    refuses with ResourceInUseException; a version that is not the next minor with
    InvalidParameterException.
  - DescribeUpdate finds any of them (with nodegroupName: the nodegroup's); ListUpdates lists
    either a cluster's or a nodegroup's, paged.
- Control-plane logging: CreateCluster keeps its `logging` as EKS shows it (the enabled types,
  then the disabled ones) and makes the log group /aws/eks/NAME/cluster when a type is enabled,
  as EKS does when it first sends logs; UpdateClusterConfig with `logging` (an update moto
  forgets, answering with the cluster) answers an update InProgress of type LoggingUpdate, the
  cluster UPDATING until it is Successful with the new types; a request that changes nothing,
  names an unknown log type or also changes another setting is refused with
  InvalidParameterException, as EKS does.
- Transitional states: CreateCluster and CreateNodegroup answer CREATING, and the object stays so
  for EKSFORM_MOTO_EKS_STATE_SECONDS (default 1) before it is ACTIVE; DeleteCluster and
  DeleteNodegroup leave it DELETING (still described and listed, still counted against deleting
  its cluster) for as long before it is gone. Objects CloudFormation makes are ACTIVE at once.
- CreateNodegroup keeps its updateConfig (moto drops it); ListNodegroups of a missing cluster is
  ResourceNotFoundException (moto: HTTP 500).

Updates and states advance whenever an EKS request arrives. moto's managed nodegroups have no
instances, so a version update changes the nodegroup's record only.

How: `Eks` subclasses moto's EKS response class (each override calls moto's handler where moto
has one), and `install()` points every EKS route at it and adds the routes moto lacks. moto's
own classes are not changed.
"""

import datetime
import json
import os
import uuid
from urllib.parse import unquote

from moto.core.responses import ActionResult, EmptyResult
from moto.eks import urls
from moto.eks.exceptions import (
    InvalidParameterException,
    InvalidRequestException,
    ResourceInUseException,
    ResourceNotFoundException,
)
from moto.eks.responses import EKSResponse

CLUSTER = "{0}/clusters/(?P<name>[^/]+)"
ENTRIES = CLUSTER + "/access-entries"
ENTRY = ENTRIES + "/(?P<principalArn>arn:.+?)"
POLICIES = ENTRY + "/access-policies"
# The routes moto lacks. Longest first: the server tries routes in order.
ROUTES = [
    POLICIES + "/(?P<policyArn>arn:.+)$",
    POLICIES + "$",
    ENTRY + "$",
    ENTRIES + "$",
    CLUSTER + "/node-groups/(?P<nodegroupName>[^/]+)/update-version$",
    CLUSTER + "/updates/(?P<updateId>[^/]+)$",
    CLUSTER + "/updates$",
]
MODES = ["CONFIG_MAP", "API_AND_CONFIG_MAP", "API"]
EC2_TYPES = ("EC2_LINUX", "EC2_WINDOWS")
NOT_ACTIVE = "Nodegroup cannot be updated as it is currently not in Active State"


def update_seconds():
    """How long an update stays InProgress (a launcher setting)."""
    return float(os.environ.get("EKSFORM_MOTO_EKS_UPDATE_SECONDS", "1"))


def state_seconds():
    """How long a cluster or nodegroup stays CREATING or DELETING (a launcher setting)."""
    return float(os.environ.get("EKSFORM_MOTO_EKS_STATE_SECONDS", "1"))


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def later():
    return now() + datetime.timedelta(seconds=state_seconds())


# --- errors, in EKS's shapes -----------------------------------------------------------------


def not_found(message, cluster=None, nodegroup=None):
    return ResourceNotFoundException(
        clusterName=cluster, nodegroupName=nodegroup, fargateProfileName=None,
        addonName=None, message=message)


def in_use(message, cluster=None, nodegroup=None):
    return ResourceInUseException(
        clusterName=cluster, nodegroupName=nodegroup, addonName=None, message=message)


def invalid(message, cluster=None, nodegroup=None):
    return InvalidParameterException(
        clusterName=cluster, nodegroupName=nodegroup, fargateProfileName=None,
        addonName=None, message=message)


# --- access entries --------------------------------------------------------------------------


class Entry:
    """One access entry, as DescribeAccessEntry shows it, with its associated policies."""

    def __init__(self, cluster, principal, kind, groups, username, tags):
        self.cluster_name = cluster.name
        self.principal_arn = principal
        self.type = kind
        self.kubernetes_groups = sorted(groups or [])
        self.username = username or self.default_username(principal, kind)
        self.tags = dict(tags or {})
        # The cluster's ARN with `access-entry` for `cluster`, then the principal's resource.
        self.access_entry_arn = "{}/{}".format(
            cluster.arn.replace(":cluster/", ":access-entry/", 1), principal.split(":", 5)[-1])
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


def entries_of(cluster):
    """The cluster's access entries by principal (kept on moto's cluster object)."""
    if not hasattr(cluster, "access_entries"):
        cluster.access_entries = {}
    return cluster.access_entries


def check_ec2(kind, groups, username):
    if kind in EC2_TYPES and (groups or username):
        raise invalid("kubernetesGroups and username cannot be set for type {}".format(kind))


def add_entry(cluster, principal, kind, groups, username, tags):
    """A new entry on the cluster, refused as EKS refuses it."""
    check_ec2(kind, groups, username)
    if principal in entries_of(cluster):
        raise in_use("The specified access entry resource is already in use on this cluster.")
    entry = Entry(cluster, principal, kind, groups, username, tags)
    entries_of(cluster)[principal] = entry
    return entry


def policy_view(arn, scope_type, namespaces, old=None):
    """An associated access policy, keeping when it was first associated."""
    return {
        "policyArn": arn,
        "accessScope": {"type": scope_type, "namespaces": namespaces or []},
        "associatedAt": old["associatedAt"] if old else now(),
        "modifiedAt": now(),
    }


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


def tagged_by_arn(backend, arn):
    """The access entry or nodegroup an ARN names (moto tags clusters only), else None."""
    for cluster in backend.clusters.values():
        for entry in getattr(cluster, "access_entries", {}).values():
            if entry.access_entry_arn == arn:
                return entry
        for nodegroup in cluster.nodegroups.values():
            if nodegroup.arn == arn:
                return nodegroup
    return None


# --- updates and transitional states ---------------------------------------------------------


class Update:
    """An EKS update; `finish` applies it once its time has come."""

    def __init__(self, kind, params, status="InProgress", finish=None):
        self.id = str(uuid.uuid4())
        self.kind = kind
        self.params = params
        self.status = status
        self.created = now()
        self.errors = []
        self.finish = finish
        self.ends_at = self.created + datetime.timedelta(seconds=update_seconds())

    def view(self):
        return {"id": self.id, "status": self.status, "type": self.kind,
                "params": self.params, "createdAt": self.created, "errors": self.errors}


def cluster_updates(cluster):
    """A cluster's updates (version and access config), newest first."""
    if not hasattr(cluster, "updates"):
        cluster.updates = []
    return cluster.updates


def nodegroup_updates(nodegroup):
    if not hasattr(nodegroup, "updates"):
        nodegroup.updates = []
    return nodegroup.updates


def advance(backend):
    """Finishes the updates and settles the states whose time has come."""
    for name, cluster in list(backend.clusters.items()):
        finish_due(cluster_updates(cluster))
        for ng_name, nodegroup in list(cluster.nodegroups.items()):
            finish_due(nodegroup_updates(nodegroup))
            settle(nodegroup, lambda: drop_nodegroup(cluster, ng_name))
        settle(cluster, lambda: drop_cluster(backend, name))


def finish_due(updates):
    for update in updates:
        if update.status == "InProgress" and now() >= update.ends_at:
            update.finish(update)


def settle(thing, drop):
    """CREATING becomes ACTIVE, DELETING goes, once the object's time has come."""
    due = getattr(thing, "settles_at", None)
    if due is None or now() < due:
        return
    thing.settles_at = None
    if thing.status == "CREATING":
        thing.status = "ACTIVE"
    elif thing.status == "DELETING":
        drop()


def drop_nodegroup(cluster, name):
    cluster.nodegroups.pop(name, None)
    cluster.nodegroup_count -= 1


def drop_cluster(backend, name):
    backend.clusters.pop(name, None)
    backend.cluster_count -= 1


def creating(thing):
    thing.status, thing.settles_at = "CREATING", later()


# --- control-plane logging -------------------------------------------------------------------

LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"]


def enabled_log_types(logging):
    """The enabled types of a `logging` structure (CreateCluster's, UpdateClusterConfig's or a
    cluster's), in EKS's order."""
    on = set()
    for setup in (logging or {}).get("clusterLogging") or []:
        if setup.get("enabled"):
            on.update(setup.get("types") or [])
        else:
            on.difference_update(setup.get("types") or [])
    return [t for t in LOG_TYPES if t in on]


def logging_view(enabled):
    """A cluster's logging as DescribeCluster shows it: the enabled types, then the others."""
    groups = [{"types": enabled, "enabled": True},
              {"types": [t for t in LOG_TYPES if t not in enabled], "enabled": False}]
    return {"clusterLogging": [g for g in groups if g["types"]]}


def check_log_types(logging, cluster):
    for setup in (logging or {}).get("clusterLogging") or []:
        for t in setup.get("types") or []:
            if t not in LOG_TYPES:
                raise invalid(f"Invalid log type {t}; valid types are {', '.join(LOG_TYPES)}",
                              cluster)


def ensure_log_group(backend, cluster_name):
    """EKS creates the cluster's log group when it first sends logs there (untagged, no
    retention), unless it exists."""
    from moto.logs.models import logs_backends

    logs = logs_backends[backend.account_id][backend.region_name]
    name = f"/aws/eks/{cluster_name}/cluster"
    if name not in logs.groups:
        logs.create_log_group(name, {})


def image_missing(backend, template_id, version):
    """The image the launch template version names, when it does not exist."""
    from moto.ec2.models import ec2_backends

    ec2 = ec2_backends[backend.account_id][backend.region_name]
    image = ec2.get_launch_template(template_id).get_version(version).image_id
    if image and not ec2.describe_images(filters={"image-id": image}):
        return image
    return None


def version_finish(backend, nodegroup, template, version, release):
    """What a nodegroup version update does when it ends."""
    def finish(update):
        nodegroup.status = "ACTIVE"
        missing = template and image_missing(backend, nodegroup.launch_template["id"],
                                             template.get("version"))
        if missing:
            update.status = "Failed"
            update.errors = [{
                "errorCode": "NodeCreationFailure",
                "errorMessage": f"Instances failed to launch: the image id '[{missing}]' "
                                f"does not exist.",
                "resourceIds": [nodegroup.nodegroup_name],
            }]
            return
        update.status = "Successful"
        if template:
            nodegroup.launch_template["version"] = template["version"]
        if version:
            nodegroup.version = version
        if release:
            nodegroup.release_version = release
        nodegroup.modified_at = now()
    return finish


def check_template(nodegroup, template):
    """Only the version of a nodegroup's launch template may change."""
    mine = nodegroup.launch_template or {}
    name = nodegroup.nodegroup_name
    if not mine:
        raise invalid("The nodegroup was not created with a launch template.", nodegroup=name)
    other_id = template.get("id") and template["id"] != mine.get("id")
    other_name = template.get("name") and template["name"] != mine.get("name")
    if other_id or other_name:
        raise invalid("The launch template of a nodegroup cannot be changed, only its version.",
                      nodegroup=name)


def minor(version):
    major, _, rest = str(version).partition(".")
    return int(major), int(rest.split(".")[0] or 0)


def next_minor(old, new):
    """True when `new` is the minor version after `old`."""
    try:
        (old_major, old_minor), (new_major, new_minor) = minor(old), minor(new)
    except ValueError:
        return False
    return (new_major, new_minor) == (old_major, old_minor + 1)


def config_params(response):
    """UpdateNodegroupConfig's parameters as EKS reports them (moto uses types EKS lacks)."""
    params = []
    scaling = response._get_param("scalingConfig") or {}
    for key, kind in (("minSize", "MinSize"), ("maxSize", "MaxSize"),
                      ("desiredSize", "DesiredSize")):
        if key in scaling:
            params.append({"type": kind, "value": str(scaling[key])})
    for param, add, remove in (("labels", "LabelsToAdd", "LabelsToRemove"),
                               ("taints", "TaintsToAdd", "TaintsToRemove")):
        given = response._get_param(param) or {}
        for key, kind in ((f"addOrUpdate{param.title()}", add), (f"remove{param.title()}", remove)):
            if given.get(key):
                params.append({"type": kind, "value": json.dumps(given[key])})
    config = response._get_param("updateConfig") or {}
    for key, kind in (("maxUnavailable", "MaxUnavailable"),
                      ("maxUnavailablePercentage", "MaxUnavailablePercentage")):
        if key in config:
            params.append({"type": kind, "value": str(config[key])})
    return params


def page(ids, response):
    """One page of ids, with EKS's nextToken and maxResults (default 100)."""
    start = int(response._get_param("nextToken") or 0)
    limit = int(response._get_param("maxResults") or 100)
    out = {"updateIds": ids[start:start + limit]}
    if start + limit < len(ids):
        out["nextToken"] = str(start + limit)
    return out


# --- the response class ----------------------------------------------------------------------


class Eks(EKSResponse):
    """moto's EKS handlers plus the above; every route of EKS points here after install()."""

    def call_action(self):
        advance(self.eks_backend)
        return super().call_action()

    # lookups

    def cluster(self, param="name"):
        name = self._get_param(param)
        cluster = self.eks_backend.clusters.get(name)
        if cluster is None:
            raise not_found(f"No cluster found for name: {name}.", name)
        return cluster

    def nodegroup(self):
        cluster = self.cluster()
        name = self._get_param("nodegroupName")
        nodegroup = cluster.nodegroups.get(name)
        if nodegroup is None:
            raise not_found(f"No node group found for name: {name}.", cluster.name, name)
        return cluster, nodegroup

    def entry(self):
        cluster = self.cluster()
        principal = unquote(self._get_param("principalArn"))
        entry = entries_of(cluster).get(principal)
        if entry is None:
            raise not_found("The specified principalArn could not be found.")
        return cluster, entry

    # clusters

    def create_cluster(self):
        logging = self._get_param("logging")
        check_log_types(logging, self._get_param("name"))
        result = super().create_cluster()
        cluster = self.eks_backend.clusters[self._get_param("name")]
        cluster.access_config = access_config(self._get_param("accessConfig"))
        # moto keeps the request's logging as sent; EKS shows both groups and makes the log group.
        enabled = enabled_log_types(logging)
        cluster.logging = logging_view(enabled)
        if enabled:
            ensure_log_group(self.eks_backend, cluster.name)
        creating(cluster)
        return result

    def delete_cluster(self):
        name = self._get_param("name")
        cluster = self.eks_backend.clusters.get(name)
        if cluster is not None and cluster.status == "DELETING":
            return ActionResult({"cluster": cluster})
        result = super().delete_cluster()
        # moto forgets the cluster at once; EKS shows it DELETING for a while.
        self.eks_backend.clusters[name] = cluster
        self.eks_backend.cluster_count += 1
        cluster.status, cluster.settles_at = "DELETING", later()
        return result

    def update_cluster_config(self):
        if self._get_param("logging"):
            if self._get_param("resourcesVpcConfig") or self._get_param("accessConfig"):
                raise invalid("Only one type of update can be allowed.", self._get_param("name"))
            return self.update_logging()
        given = self._get_param("accessConfig")
        if not given:
            return super().update_cluster_config()
        cluster = self.cluster()
        old = getattr(cluster, "access_config", None) or access_config(None)
        new_mode = given.get("authenticationMode") or old["authenticationMode"]
        if MODES.index(new_mode) < MODES.index(old["authenticationMode"]):
            raise InvalidRequestException(
                clusterName=cluster.name, nodegroupName=None, addonName=None,
                message="Unsupported authentication mode update from {} to {}".format(
                    old["authenticationMode"], new_mode))
        cluster.access_config = access_config({"authenticationMode": new_mode}, old)
        if self._get_param("resourcesVpcConfig") or self._get_param("logging"):
            return super().update_cluster_config()
        # EKS answers an update to follow with DescribeUpdate; this one is done at once.
        update = Update("AccessConfigUpdate", [], status="Successful")
        cluster_updates(cluster).insert(0, update)
        return ActionResult({"update": update.view()})

    def update_logging(self):
        """UpdateClusterConfig with `logging` (moto answers it with the cluster, not an update):
        an update InProgress of type LoggingUpdate, the cluster UPDATING until it is Successful
        with the new types; the log group is made when a type is enabled."""
        cluster = self.cluster()
        if cluster.status != "ACTIVE":
            raise in_use(f"Cluster is in {cluster.status} state; an update needs ACTIVE",
                         cluster.name)
        logging = self._get_param("logging")
        check_log_types(logging, cluster.name)
        current = enabled_log_types(cluster.logging)
        on = set(current)
        for setup in logging.get("clusterLogging") or []:
            types = set(setup.get("types") or [])
            on = on | types if setup.get("enabled") else on - types
        wanted = [t for t in LOG_TYPES if t in on]
        if wanted == current:
            raise invalid("No changes needed for the logging config provided", cluster.name)

        def finish(update):
            update.status, cluster.logging, cluster.status = (
                "Successful", logging_view(wanted), "ACTIVE")
            if wanted:
                ensure_log_group(self.eks_backend, cluster.name)

        params = [{"type": "ClusterLogging", "value": json.dumps(logging_view(wanted))}]
        update = Update("LoggingUpdate", params, finish=finish)
        cluster_updates(cluster).insert(0, update)
        cluster.status = "UPDATING"
        return ActionResult({"update": update.view()})

    def update_cluster_version(self):
        cluster = self.cluster()
        if cluster.status != "ACTIVE":
            raise in_use(f"Cluster is in {cluster.status} state; an update needs ACTIVE",
                         cluster.name)
        version = self._get_param("version")
        if not next_minor(cluster.version, version):
            raise invalid(
                f"Unsupported Kubernetes minor version update from {cluster.version} to {version}",
                cluster.name)

        def finish(update):
            update.status, cluster.version, cluster.status = "Successful", version, "ACTIVE"

        params = [{"type": "Version", "value": version},
                  {"type": "PlatformVersion", "value": "eks.1"}]
        update = Update("VersionUpdate", params, finish=finish)
        cluster_updates(cluster).insert(0, update)
        cluster.status = "UPDATING"
        return ActionResult({"update": update.view()})

    # nodegroups

    def list_nodegroups(self):
        self.cluster()  # moto answers a missing cluster with HTTP 500
        return super().list_nodegroups()

    def create_nodegroup(self):
        result = super().create_nodegroup()
        _, nodegroup = self.nodegroup()
        # moto drops CreateNodegroup's updateConfig (EKS keeps it; its default is maxUnavailable 1).
        given = self._get_param("updateConfig")
        if given:
            nodegroup.update_config = given
        creating(nodegroup)
        return result

    def delete_nodegroup(self):
        cluster = self.eks_backend.clusters.get(self._get_param("name"))
        name = self._get_param("nodegroupName")
        nodegroup = cluster.nodegroups.get(name) if cluster is not None else None
        if nodegroup is not None and nodegroup.status == "DELETING":
            return ActionResult({"nodegroup": nodegroup})
        result = super().delete_nodegroup()
        cluster.nodegroups[name] = nodegroup
        cluster.nodegroup_count += 1
        nodegroup.status, nodegroup.settles_at = "DELETING", later()
        return result

    def update_nodegroup_config(self):
        cluster, nodegroup = self.nodegroup()
        if nodegroup.status != "ACTIVE":
            raise in_use(NOT_ACTIVE, cluster.name, nodegroup.nodegroup_name)
        super().update_nodegroup_config()

        def finish(update):
            update.status, nodegroup.status = "Successful", "ACTIVE"

        update = Update("ConfigUpdate", config_params(self), finish=finish)
        nodegroup_updates(nodegroup).insert(0, update)
        nodegroup.status = "UPDATING"
        return ActionResult({"update": update.view()})

    def update_nodegroup_version(self):
        cluster, nodegroup = self.nodegroup()
        if nodegroup.status != "ACTIVE":
            raise in_use(NOT_ACTIVE, cluster.name, nodegroup.nodegroup_name)
        template = self._get_param("launchTemplate")
        version, release = self._get_param("version"), self._get_param("releaseVersion")
        params = []
        if template:
            check_template(nodegroup, template)
            template = {"version": str(template.get("version") or "$Default")}
            params += [{"type": "LaunchTemplateName", "value": nodegroup.launch_template["name"]},
                       {"type": "LaunchTemplateVersion", "value": template["version"]}]
        if version:
            params.append({"type": "Version", "value": version})
        if release:
            params.append({"type": "ReleaseVersion", "value": release})
        finish = version_finish(self.eks_backend, nodegroup, template, version, release)
        update = Update("VersionUpdate", params, finish=finish)
        nodegroup_updates(nodegroup).insert(0, update)
        nodegroup.status = "UPDATING"
        return ActionResult({"update": update.view()})

    # updates

    def describe_update(self):
        if self._get_param("nodegroupName"):
            updates = nodegroup_updates(self.nodegroup()[1])
        else:
            updates = cluster_updates(self.cluster())
        wanted = self._get_param("updateId")
        for update in updates:
            if update.id == wanted:
                return ActionResult({"update": update.view()})
        raise not_found(f"No update found for id: {wanted}.")

    def list_updates(self):
        if self._get_param("nodegroupName"):
            updates = nodegroup_updates(self.nodegroup()[1])
        else:
            updates = cluster_updates(self.cluster())
        return ActionResult(page([u.id for u in updates], self))

    # access entries

    def create_access_entry(self):
        cluster = self.cluster()
        entry = add_entry(
            cluster, self._get_param("principalArn"), self._get_param("type") or "STANDARD",
            self._get_param("kubernetesGroups"), self._get_param("username"),
            self._get_param("tags"))
        return ActionResult({"accessEntry": entry.view()})

    def describe_access_entry(self):
        _, entry = self.entry()
        return ActionResult({"accessEntry": entry.view()})

    def list_access_entries(self):
        return ActionResult({"accessEntries": sorted(entries_of(self.cluster()))})

    def update_access_entry(self):
        _, entry = self.entry()
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
        cluster, entry = self.entry()
        del entries_of(cluster)[entry.principal_arn]
        return EmptyResult()

    def associate_access_policy(self):
        cluster, entry = self.entry()
        policy = self._get_param("policyArn")
        scope = self._get_param("accessScope") or {}
        if scope.get("type") == "namespace" and not scope.get("namespaces"):
            raise invalid("namespaces must be given for a namespace access scope")
        entry.policies[policy] = policy_view(
            policy, scope.get("type"), scope.get("namespaces"), entry.policies.get(policy))
        return ActionResult({
            "clusterName": cluster.name,
            "principalArn": entry.principal_arn,
            "associatedAccessPolicy": entry.policies[policy],
        })

    def disassociate_access_policy(self):
        _, entry = self.entry()
        policy = unquote(self._get_param("policyArn"))
        if entry.policies.pop(policy, None) is None:
            raise not_found("The specified policyArn is not associated with this access entry.")
        return EmptyResult()

    def list_associated_access_policies(self):
        cluster, entry = self.entry()
        return ActionResult({
            "clusterName": cluster.name,
            "principalArn": entry.principal_arn,
            "associatedAccessPolicies": [entry.policies[p] for p in sorted(entry.policies)],
        })

    # tags of access entries and nodegroups; every other ARN goes to moto

    def tag_resource(self):
        tagged = tagged_by_arn(self.eks_backend, self._extract_arn_from_path())
        if tagged is None:
            return super().tag_resource()
        tagged.tags.update(self._get_param("tags") or {})
        return EmptyResult()

    def untag_resource(self):
        tagged = tagged_by_arn(self.eks_backend, self._extract_arn_from_path())
        if tagged is None:
            return super().untag_resource()
        keys = self._get_param("tagKeys")
        for key in keys if isinstance(keys, list) else [keys]:
            tagged.tags.pop(key, None)
        return EmptyResult()

    def list_tags_for_resource(self):
        tagged = tagged_by_arn(self.eks_backend, self._extract_arn_from_path())
        if tagged is None:
            return super().list_tags_for_resource()
        return ActionResult({"tags": dict(tagged.tags)})


def install():
    """Points moto's EKS routes at `Eks` and adds the routes moto lacks after them. The route
    table is moto's registry of a service's handlers: the server builds its routes from it when
    the first EKS request arrives."""
    for path in list(urls.url_paths) + ROUTES:
        urls.url_paths[path] = Eks.dispatch
