"""ELBv2 creates sent twice, for the local endpoint: moto (5.2.5) never finds a listener already on
a port (it looks the port up among listener ARNs) nor a load balancer already of a name (it
looks it up by a fresh random ARN), so a create resent after its answer was lost makes a
second one, which AWS never does.

ELBv2's documented behaviour (CreateLoadBalancer, CreateListener): the calls are idempotent;
sent again with the same settings they succeed and answer the existing resource; a name or port
already used with other settings fails with `DuplicateLoadBalancerName` or `DuplicateListener`.
This module gives moto exactly that, nothing else (its CreateTargetGroup already refuses a
taken name with `DuplicateTargetGroupName`). CloudFormation's creates are not affected.

How: `Elbv2` subclasses moto's ELBv2 response class, and `install()` points the route ELB and
ELBv2 share at `by_version`, which sends ELBv2's requests (by their API version, as moto's own
dispatcher does) to it. moto's own classes are not changed.
"""

from moto.core.responses import ActionResult
from moto.elb.responses import ELBResponse
from moto.elb import urls as elb_urls
from moto.elbv2 import urls as elbv2_urls
from moto.elbv2.exceptions import DuplicateListenerError, DuplicateLoadBalancerName
from moto.elbv2.models import FakeAction
from moto.elbv2.responses import ELBV2Response

ELB_VERSION, ELBV2_VERSION = "2012-06-01", "2015-12-01"


def same_listener(listener, protocol, certificate, actions):
    wanted = [FakeAction(dict(a)).data for a in actions]
    return (
        listener.protocol == (protocol or "").upper()
        and listener.certificate == certificate
        and [a.data for a in listener.default_actions] == wanted
    )


def same_balancer(lb, security_groups, subnet_ids, scheme, lb_type):
    return (
        sorted(lb.security_groups or []) == sorted(security_groups or [])
        and sorted(s.id for s in lb.subnets) == sorted(subnet_ids or [])
        and (lb.scheme or "internet-facing") == (scheme or "internet-facing")
        and lb.type == (lb_type or "application")
    )


class Elbv2(ELBV2Response):
    """moto's ELBv2 handlers with idempotent creates."""

    def create_load_balancer(self):
        params = self._get_params()
        for lb in self.elbv2_backend.load_balancers.values():
            if lb.name != params.get("Name"):
                continue
            if not params.get("SubnetMappings") and same_balancer(
                lb, params.get("SecurityGroups"), params.get("Subnets"), params.get("Scheme"),
                params.get("Type"),
            ):
                return ActionResult({"LoadBalancers": [lb]})
            raise DuplicateLoadBalancerName()
        return super().create_load_balancer()

    def create_listener(self):
        params = self._get_params()
        balancer = self.elbv2_backend.load_balancers.get(params.get("LoadBalancerArn"))
        certificates = params.get("Certificates") or []
        certificate = certificates[0].get("CertificateArn") if certificates else None
        for listener in balancer.listeners.values() if balancer else []:
            if str(listener.port) != str(params.get("Port")):
                continue
            if same_listener(listener, params.get("Protocol"), certificate,
                             params.get("DefaultActions") or []):
                return ActionResult({"Listeners": [listener]})
            raise DuplicateListenerError()
        return super().create_listener()


def by_version(request, *args, **kwargs):
    """ELB's and ELBv2's shared route, by the request's API version (as moto's dispatcher)."""
    version = request.values.get("Version")
    if version == ELBV2_VERSION:
        return Elbv2.dispatch(request, *args, **kwargs)
    if version == ELB_VERSION:
        return ELBResponse.dispatch(request, *args, **kwargs)
    return 400, {}, f"Unknown ELB API version: {version}"


def install():
    """Points the shared route at `by_version`, in ELB's route table (the server serves both APIs'
    host from the first service whose host pattern matches: ELB) and in ELBv2's."""
    for urls in (elb_urls, elbv2_urls):
        for path in list(urls.url_paths):
            urls.url_paths[path] = by_version
