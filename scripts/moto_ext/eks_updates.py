"""Nodegroup updates for moto's EKS (UpdateNodegroupVersion, DescribeUpdate, ListUpdates), and
the transitional states EKS shows (CREATING, UPDATING, DELETING) before ACTIVE or gone.

moto (5.2.5) answers UpdateNodegroupVersion, ListUpdates and a nodegroup's DescribeUpdate
with HTTP 404, and forgets the update UpdateNodegroupConfig answers with. This module keeps
each nodegroup's updates, newest first, in the API's shapes:

- UpdateNodegroupVersion (launch template version, or Kubernetes and release version) answers
  an update InProgress of type VersionUpdate and puts the nodegroup in UPDATING; after
  EKSFORM_MOTO_EKS_UPDATE_SECONDS (default 1; a launcher setting, read here only) the update
  is Successful and the nodegroup ACTIVE on the new version, or, when the new launch template
  version's image does not exist, Failed with a NodeCreationFailure error and the nodegroup
  ACTIVE on its old version. A nodegroup that is not ACTIVE refuses with
  ResourceInUseException, a launch template other than the nodegroup's with
  InvalidParameterException, as EKS does.
- UpdateNodegroupConfig answers an update InProgress of type ConfigUpdate (its parameters in
  EKS's types) and puts the nodegroup in UPDATING until it is Successful.
- CreateNodegroup keeps its updateConfig (moto drops it).
- CreateCluster and CreateNodegroup answer CREATING, and the cluster or nodegroup stays so for
  EKSFORM_MOTO_EKS_STATE_SECONDS (default 1) before it is ACTIVE; DeleteCluster and
  DeleteNodegroup leave it DELETING (still described and listed, still counted against
  deleting its cluster) for as long before it is gone. Objects CloudFormation makes are ACTIVE
  at once, as before.
- UpdateClusterVersion moves a cluster one minor version up: an update InProgress of type
  VersionUpdate (params Version and PlatformVersion), the cluster UPDATING until the update is
  Successful after EKSFORM_MOTO_EKS_UPDATE_SECONDS and the cluster ACTIVE on the new version.
  A cluster that is not ACTIVE refuses with ResourceInUseException; a version that is not the
  next minor with InvalidParameterException, as EKS does.
- DescribeUpdate with nodegroupName finds those updates; without it, the cluster's updates go
  to the launcher's own handler (access config). ListUpdates lists either, paged.

Updates advance whenever an EKS request arrives. moto's managed nodegroups have no instances,
so a version update changes the nodegroup's record only.
"""

import datetime
import os
import uuid

from moto.core.responses import ActionResult
from moto.eks import urls
from moto.eks.exceptions import (
    InvalidParameterException,
    ResourceInUseException,
    ResourceNotFoundException,
)
from moto.eks.responses import EKSResponse

PATHS = [
    "{0}/clusters/(?P<name>[^/]+)/node-groups/(?P<nodegroupName>[^/]+)/update-version$",
    "{0}/clusters/(?P<name>[^/]+)/updates$",
]


def update_seconds():
    return float(os.environ.get("EKSFORM_MOTO_EKS_UPDATE_SECONDS", "1"))


def state_seconds():
    return float(os.environ.get("EKSFORM_MOTO_EKS_STATE_SECONDS", "1"))


def later():
    return now() + datetime.timedelta(seconds=state_seconds())


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def not_found(message, cluster=None, nodegroup=None):
    return ResourceNotFoundException(
        clusterName=cluster, nodegroupName=nodegroup, fargateProfileName=None,
        addonName=None, message=message)


def nodegroup_of(response, name_param="name"):
    cluster_name = response._get_param(name_param)
    name = response._get_param("nodegroupName")
    cluster = response.eks_backend.clusters.get(cluster_name)
    if cluster is None:
        raise not_found(f"No cluster found for name: {cluster_name}.", cluster_name)
    nodegroup = cluster.nodegroups.get(name)
    if nodegroup is None:
        raise not_found(f"No node group found for name: {name}.", cluster_name, name)
    if not hasattr(nodegroup, "updates"):
        nodegroup.updates = []
    return cluster, nodegroup


class Update:
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


def advance(backend):
    for name, cluster in list(backend.clusters.items()):
        for update in getattr(cluster, "version_updates", []):
            if update.status == "InProgress" and now() >= update.ends_at:
                update.finish(update)
        for ng_name, nodegroup in list(cluster.nodegroups.items()):
            for update in getattr(nodegroup, "updates", []):
                if update.status == "InProgress" and now() >= update.ends_at:
                    update.finish(update)
            settle(nodegroup, lambda: drop_nodegroup(cluster, ng_name))
        settle(cluster, lambda: drop_cluster(backend, name))


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


def wrap_lifecycle():
    """CREATING and DELETING for a while, on the API's create and delete calls only."""
    create_cluster, delete_cluster = EKSResponse.create_cluster, EKSResponse.delete_cluster
    create_nodegroup = EKSResponse.create_nodegroup
    delete_nodegroup = EKSResponse.delete_nodegroup

    def creating(thing):
        thing.status, thing.settles_at = "CREATING", later()

    def create_cluster_(self):
        result = create_cluster(self)
        creating(self.eks_backend.clusters[self._get_param("name")])
        return result

    def create_nodegroup_(self):
        result = create_nodegroup(self)
        _, nodegroup = nodegroup_of(self)
        # moto drops CreateNodegroup's updateConfig (EKS keeps it; its default is maxUnavailable 1).
        given = self._get_param("updateConfig")
        if given:
            nodegroup.update_config = given
        creating(nodegroup)
        return result

    def delete_cluster_(self):
        name = self._get_param("name")
        cluster = self.eks_backend.clusters.get(name)
        if cluster is not None and cluster.status == "DELETING":
            return ActionResult({"cluster": cluster})
        result = delete_cluster(self)
        self.eks_backend.clusters[name] = cluster
        self.eks_backend.cluster_count += 1
        cluster.status, cluster.settles_at = "DELETING", later()
        return result

    def delete_nodegroup_(self):
        cluster = self.eks_backend.clusters.get(self._get_param("name"))
        name = self._get_param("nodegroupName")
        nodegroup = cluster.nodegroups.get(name) if cluster is not None else None
        if nodegroup is not None and nodegroup.status == "DELETING":
            return ActionResult({"nodegroup": nodegroup})
        result = delete_nodegroup(self)
        cluster.nodegroups[name] = nodegroup
        cluster.nodegroup_count += 1
        nodegroup.status, nodegroup.settles_at = "DELETING", later()
        return result

    EKSResponse.create_cluster = create_cluster_
    EKSResponse.delete_cluster = delete_cluster_
    EKSResponse.create_nodegroup = create_nodegroup_
    EKSResponse.delete_nodegroup = delete_nodegroup_


def image_missing(backend, template_id, version):
    """The image the launch template version names, when it does not exist."""
    from moto.ec2.models import ec2_backends

    ec2 = ec2_backends[backend.account_id][backend.region_name]
    template = ec2.get_launch_template(template_id)
    image = template.get_version(version).image_id
    if image and not ec2.describe_images(filters={"image-id": image}):
        return image
    return None


def version_finish(backend, nodegroup, template, version, release):
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
    mine = nodegroup.launch_template or {}
    if not mine:
        raise InvalidParameterException(
            clusterName=None, nodegroupName=nodegroup.nodegroup_name,
            fargateProfileName=None, addonName=None,
            message="The nodegroup was not created with a launch template.")
    other_id = template.get("id") and template["id"] != mine.get("id")
    other_name = template.get("name") and template["name"] != mine.get("name")
    if other_id or other_name:
        raise InvalidParameterException(
            clusterName=None, nodegroupName=nodegroup.nodegroup_name,
            fargateProfileName=None, addonName=None,
            message="The launch template of a nodegroup cannot be changed, only its version.")


def update_nodegroup_version(self):
    cluster, nodegroup = nodegroup_of(self)
    if nodegroup.status != "ACTIVE":
        raise ResourceInUseException(
            clusterName=cluster.name, nodegroupName=nodegroup.nodegroup_name, addonName=None,
            message="Nodegroup cannot be updated as it is currently not in Active State")
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
    nodegroup.updates.insert(0, update)
    nodegroup.status = "UPDATING"
    return ActionResult({"update": update.view()})


def minor(version):
    major, _, rest = str(version).partition(".")
    return int(major), int(rest.split(".")[0] or 0)


def update_cluster_version(self):
    name = self._get_param("name")
    cluster = self.eks_backend.clusters.get(name)
    if cluster is None:
        raise not_found(f"No cluster found for name: {name}.", name)
    if cluster.status != "ACTIVE":
        raise ResourceInUseException(
            clusterName=name, nodegroupName=None, addonName=None,
            message=f"Cluster is in {cluster.status} state; an update needs ACTIVE")
    version = self._get_param("version")
    try:
        (old_major, old_minor), (new_major, new_minor) = minor(cluster.version), minor(version)
    except ValueError:
        old_major, old_minor, new_major, new_minor = 0, 0, -1, -1
    if (new_major, new_minor) != (old_major, old_minor + 1):
        raise InvalidParameterException(
            clusterName=name, nodegroupName=None, fargateProfileName=None, addonName=None,
            message=f"Unsupported Kubernetes minor version update from {cluster.version} to {version}")

    def finish(update):
        update.status, cluster.version, cluster.status = "Successful", version, "ACTIVE"

    params = [{"type": "Version", "value": version},
              {"type": "PlatformVersion", "value": "eks.1"}]
    update = Update("VersionUpdate", params, finish=finish)
    if not hasattr(cluster, "version_updates"):
        cluster.version_updates = []
    cluster.version_updates.insert(0, update)
    cluster.status = "UPDATING"
    return ActionResult({"update": update.view()})


def config_params(response):
    """UpdateNodegroupConfig's parameters as EKS reports them (moto uses types EKS lacks)."""
    import json

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


def wrap_config_update():
    original = EKSResponse.update_nodegroup_config

    def update_nodegroup_config(self):
        cluster, nodegroup = nodegroup_of(self)
        if nodegroup.status != "ACTIVE":
            raise ResourceInUseException(
                clusterName=cluster.name, nodegroupName=nodegroup.nodegroup_name,
                addonName=None,
                message="Nodegroup cannot be updated as it is currently not in Active State")
        original(self)

        def finish(update):
            update.status, nodegroup.status = "Successful", "ACTIVE"

        update = Update("ConfigUpdate", config_params(self), finish=finish)
        nodegroup.updates.insert(0, update)
        nodegroup.status = "UPDATING"
        return ActionResult({"update": update.view()})

    EKSResponse.update_nodegroup_config = update_nodegroup_config


def wrap_describe_update():
    cluster_updates = EKSResponse.describe_update

    def describe_update(self):
        if not self._get_param("nodegroupName"):
            cluster = self.eks_backend.clusters.get(self._get_param("name"))
            wanted = self._get_param("updateId")
            for update in getattr(cluster, "version_updates", []):
                if update.id == wanted:
                    return ActionResult({"update": update.view()})
            return cluster_updates(self)
        _, nodegroup = nodegroup_of(self)
        wanted = self._get_param("updateId")
        for update in nodegroup.updates:
            if update.id == wanted:
                return ActionResult({"update": update.view()})
        raise not_found(f"No update found for id: {wanted}.")

    EKSResponse.describe_update = describe_update


def list_updates(self):
    if self._get_param("nodegroupName"):
        _, nodegroup = nodegroup_of(self)
        ids = [u.id for u in nodegroup.updates]
    else:
        name = self._get_param("name")
        cluster = self.eks_backend.clusters.get(name)
        if cluster is None:
            raise not_found(f"No cluster found for name: {name}.", name)
        ids = [u.id for u in getattr(cluster, "version_updates", [])]
        ids += list(getattr(cluster, "access_updates", {}))
    start = int(self._get_param("nextToken") or 0)
    limit = int(self._get_param("maxResults") or 100)
    out = {"updateIds": ids[start:start + limit]}
    if start + limit < len(ids):
        out["nextToken"] = str(start + limit)
    return ActionResult(out)


def advancing(call_action):
    def call(self):
        advance(self.eks_backend)
        return call_action(self)
    return call


def install():
    """Call after the launcher's own EKS handlers (DescribeUpdate for cluster updates)."""
    EKSResponse.update_nodegroup_version = update_nodegroup_version
    EKSResponse.update_cluster_version = update_cluster_version
    EKSResponse.list_updates = list_updates
    wrap_describe_update()
    wrap_config_update()
    wrap_lifecycle()
    EKSResponse.call_action = advancing(EKSResponse.call_action)
    for path in PATHS:
        urls.url_paths[path] = urls.response.dispatch
