"""Instance refreshes for moto's Auto Scaling, and launches from any launch template version.

moto (5.2.5) has no StartInstanceRefresh, DescribeInstanceRefreshes nor CancelInstanceRefresh
(HTTP 500), and reports every instance as running the template's default version. This module
adds:

- launches that record the template and version each instance was launched from (shown in
  DescribeAutoScalingGroups Instances[].LaunchTemplate, as the group named it at launch);
- instance refreshes in the API's shapes and states: Pending, then InProgress, replacing the
  instances not on the group's launch template version (all of them without SkipMatching) in
  batches that keep MinHealthyPercentage (default 90) of the desired capacity in service, one
  batch per step, then Successful; Cancelling then Cancelled on CancelInstanceRefresh; Failed
  when a replacement cannot launch (its AMI does not exist). Replaced instances are terminated
  and deregistered from the group's target groups; new ones are registered, as moto's own
  launches are. One active refresh per group (InstanceRefreshInProgress).

(CreateLaunchTemplateVersion's UserData and SourceVersion, which such launches need, are EC2's:
`ec2.py`.)

Time: a step lasts EKSFORM_MOTO_REFRESH_STEP_SECONDS (default 1; a launcher setting, read
here only). Checkpoint delays and instance warmup are not waited for beyond one step. Refreshes
advance whenever any Auto Scaling request arrives, so a reader sees the state a refresh running
in the background would have reached. A DesiredConfiguration is refused (not modelled).

How: `AutoScaling` subclasses moto's Auto Scaling response class for the three operations and
the advancing, and `install()` points the service's route at it. Two of moto's model members
are replaced, because no extension point reaches them: `FakeAutoScalingGroup.
replace_autoscaling_group_instances`, which moto's backend calls from every path that launches
instances (create, update, set desired capacity, detach, terminate), so that launches record
their version; and the `InstanceState.launch_template` property, which DescribeAutoScalingGroups
serialises, so that it reports the recorded version (moto's own answer for instances launched
otherwise).
"""

import datetime
import os
import uuid

from moto.autoscaling import models, urls
from moto.autoscaling.exceptions import AutoscalingClientError
from moto.autoscaling.responses import AutoScalingResponse
from moto.core.responses import ActionResult

ACTIVE = ("Pending", "InProgress", "Cancelling")


def step_seconds():
    return float(os.environ.get("EKSFORM_MOTO_REFRESH_STEP_SECONDS", "1"))


def now():
    return datetime.datetime.now(datetime.timezone.utc)


# --- launches --------------------------------------------------------------------------------


def launch(group, count):
    """Launches `count` instances from the group's launch template version and records it on
    each (moto's own launch passes no version and reports the default one)."""
    tags = group.get_propagated_tags()
    tags[models.ASG_NAME_TAG] = group.name
    tags.update(group.instance_tags)
    subnet = group.vpc_zone_identifier.split(",")[0] if group.vpc_zone_identifier else None
    template = group.ec2_launch_template
    spec = None
    if template is not None:
        spec = {"LaunchTemplateId": template.id, "Version": str(resolved_version(group))}
    public_ip = group.launch_config.associate_public_ip_address if group.launch_config else None
    reservation = group.autoscaling_backend.ec2_backend.run_instances(
        group.image_id, count, group.user_data, group.security_groups,
        instance_type=group.instance_type, tags={"instance": tags},
        placement=models.random.choice(group.availability_zones),
        launch_config=group.launch_config, launch_template=spec,
        is_instance_type_default=False, associate_public_ip=public_ip, subnet_id=subnet,
    )
    states = []
    for instance in reservation.instances:
        instance.autoscaling_group = group
        state = models.InstanceState(
            instance, protected_from_scale_in=group.new_instances_protected_from_scale_in)
        if template is not None:
            state.launched_from = {
                "LaunchTemplateId": template.id,
                "LaunchTemplateName": template.name,
                "Version": group.launch_template_version,
            }
            state.launched_number = resolved_version(group)
        group.instance_states.append(state)
        states.append(state)
    return states


def resolved_version(group):
    return group.ec2_launch_template.get_version(group.launch_template_version).number


def replace_instances(self, count_needed, propagated_tags):
    # moto's scaling path calls this with the tags it computed; launch() computes the same.
    launch(self, count_needed)


def instance_launch_template(self):
    recorded = getattr(self, "launched_from", None)
    if recorded is not None:
        return dict(recorded)
    return ORIGINAL_LAUNCH_TEMPLATE.fget(self)


ORIGINAL_LAUNCH_TEMPLATE = models.InstanceState.launch_template


# --- instance refreshes ----------------------------------------------------------------------


class Refresh:
    def __init__(self, group, strategy, preferences):
        self.id = str(uuid.uuid4())
        self.group_name = group.name
        self.strategy = strategy or "Rolling"
        self.preferences = preferences
        self.status = "Pending"
        self.reason = None
        self.start_time = now()
        self.end_time = None
        self.next_step = self.start_time + datetime.timedelta(seconds=step_seconds() / 2)
        template = group.ec2_launch_template
        self.target = (template.id, resolved_version(group)) if template else None
        skip = str(preferences.get("SkipMatching", "false")).lower() == "true"
        self.to_update = [
            s.instance.id for s in group.instance_states
            if not (skip and launched_on(s) == self.target)
        ]
        self.total = len(self.to_update)

    @property
    def percentage(self):
        if self.total == 0:
            return 100
        return int(100 * (self.total - len(self.to_update)) / self.total)

    def finish(self, status, reason=None):
        self.status, self.reason, self.end_time = status, reason, now()

    def view(self):
        out = {
            "InstanceRefreshId": self.id,
            "AutoScalingGroupName": self.group_name,
            "Status": self.status,
            "StartTime": self.start_time,
            "PercentageComplete": self.percentage,
            "InstancesToUpdate": len(self.to_update),
            "ProgressDetails": {"LivePoolProgress": {
                "PercentageComplete": self.percentage,
                "InstancesToUpdate": len(self.to_update),
            }},
            "Preferences": self.preferences_view(),
            "Strategy": self.strategy,
        }
        if self.reason:
            out["StatusReason"] = self.reason
        if self.end_time:
            out["EndTime"] = self.end_time
        return out

    def preferences_view(self):
        p = self.preferences
        out = {
            "MinHealthyPercentage": int(p.get("MinHealthyPercentage", 90)),
            "SkipMatching": str(p.get("SkipMatching", "false")).lower() == "true",
        }
        if p.get("CheckpointPercentages"):
            out["CheckpointPercentages"] = [int(x) for x in p["CheckpointPercentages"]]
        for key in ("CheckpointDelay", "InstanceWarmup"):
            if p.get(key) is not None:
                out[key] = int(p[key])
        return out


def launched_on(state):
    recorded = getattr(state, "launched_from", None)
    if recorded is None:
        return None
    return (recorded["LaunchTemplateId"], state.launched_number)


def refreshes_of(backend, name):
    if not hasattr(backend, "instance_refreshes"):
        backend.instance_refreshes = {}
    return backend.instance_refreshes.setdefault(name, [])


def batch_size(group, refresh):
    capacity = group.desired_capacity or len(group.instance_states) or 1
    min_healthy = int(refresh.preferences.get("MinHealthyPercentage", 90))
    # Keep min_healthy% of the capacity in service: the rest may be replaced at once.
    return max(1, (capacity * (100 - min_healthy)) // 100)


def advance(backend):
    for name, refreshes in getattr(backend, "instance_refreshes", {}).items():
        for refresh in refreshes:
            while refresh.status in ACTIVE and now() >= refresh.next_step:
                step(backend, name, refresh)
                refresh.next_step += datetime.timedelta(seconds=step_seconds())


def step(backend, name, refresh):
    group = backend.autoscaling_groups.get(name)
    if refresh.status == "Cancelling":
        return refresh.finish("Cancelled", "Cancelled due to user request.")
    if group is None:
        return refresh.finish("Cancelled", "The Auto Scaling group was deleted.")
    refresh.status = "InProgress"
    present = {s.instance.id for s in group.instance_states}
    refresh.to_update = [i for i in refresh.to_update if i in present]
    if not refresh.to_update:
        return refresh.finish("Successful")
    image = group.image_id
    if not backend.ec2_backend.describe_images(filters={"image-id": image}):
        return refresh.finish("Failed", (
            f"Instance refresh failed: an instance could not be launched from launch template "
            f"{group.ec2_launch_template.id} version {resolved_version(group)}: "
            f"The image id '[{image}]' does not exist."))
    size = batch_size(group, refresh)
    replace(backend, group, refresh.to_update[:size])
    refresh.to_update = refresh.to_update[size:]


def replace(backend, group, instance_ids):
    """Terminates the instances (leaving their target groups) and launches as many again."""
    old = [s for s in group.instance_states if s.instance.id in instance_ids]
    elbv2 = backend.elbv2_backend
    for arn in group.target_group_arns:
        port = elbv2.describe_target_groups(
            target_group_arns=[arn], load_balancer_arn=None, names=None)[0].port
        elbv2.deregister_targets(arn, [{"Id": s.instance.id, "Port": port} for s in old])
    group.instance_states = [s for s in group.instance_states if s not in old]
    backend.ec2_backend.terminate_instances([s.instance.id for s in old])
    launch(group, len(old))
    backend.update_attached_elbs(group.name)
    backend.update_attached_target_groups(group.name)


def group_of(response):
    name = response._get_param("AutoScalingGroupName")
    group = response.autoscaling_backend.autoscaling_groups.get(name)
    if group is None:
        raise AutoscalingClientError(
            "ValidationError", f"AutoScalingGroup name not found - {name}")
    return group


def start_instance_refresh(self):
    group = group_of(self)
    if self._get_param("DesiredConfiguration"):
        raise AutoscalingClientError(
            "ValidationError", "DesiredConfiguration is not modelled by the local endpoint.")
    refreshes = refreshes_of(self.autoscaling_backend, group.name)
    if any(r.status in ACTIVE for r in refreshes):
        raise AutoscalingClientError(
            "InstanceRefreshInProgress",
            "An Instance Refresh is already in progress and blocks the execution of this "
            "Instance Refresh.")
    refresh = Refresh(group, self._get_param("Strategy"), self._get_param("Preferences") or {})
    refreshes.insert(0, refresh)
    return ActionResult({"InstanceRefreshId": refresh.id})


def describe_instance_refreshes(self):
    group = group_of(self)
    ids = self._get_param("InstanceRefreshIds") or []
    found = [r for r in refreshes_of(self.autoscaling_backend, group.name)
             if not ids or r.id in ids]
    limit = int(self._get_param("MaxRecords") or 50)
    start = int(self._get_param("NextToken") or 0)
    page = found[start:start + limit]
    out = {"InstanceRefreshes": [r.view() for r in page]}
    if start + limit < len(found):
        out["NextToken"] = str(start + limit)
    return ActionResult(out)


def cancel_instance_refresh(self):
    group = group_of(self)
    active = [r for r in refreshes_of(self.autoscaling_backend, group.name)
              if r.status in ("Pending", "InProgress")]
    if not active:
        raise AutoscalingClientError(
            "ActiveInstanceRefreshNotFound",
            "No in progress or pending Instance Refresh found for Auto Scaling group "
            f"{group.name}")
    active[0].status = "Cancelling"
    # Instances being replaced finish first: Cancelled after a short while, as on AWS.
    active[0].next_step = now() + datetime.timedelta(seconds=step_seconds() / 2)
    return ActionResult({"InstanceRefreshId": active[0].id})


class AutoScaling(AutoScalingResponse):
    """moto's Auto Scaling handlers plus instance refreshes, advanced before every request."""

    def call_action(self):
        advance(self.autoscaling_backend)
        return super().call_action()

    start_instance_refresh = start_instance_refresh
    describe_instance_refreshes = describe_instance_refreshes
    cancel_instance_refresh = cancel_instance_refresh


def install():
    """Points the service's routes at `AutoScaling`; replaces the two model members (see above)."""
    models.FakeAutoScalingGroup.replace_autoscaling_group_instances = replace_instances
    models.InstanceState.launch_template = property(instance_launch_template)
    for path in list(urls.url_paths):
        urls.url_paths[path] = AutoScaling.dispatch
