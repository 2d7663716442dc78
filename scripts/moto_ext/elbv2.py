"""ELBv2 creates sent twice, for the local endpoint: moto (5.2.5) never finds a listener already on
a port (it looks the port up among listener ARNs) nor a load balancer already of a name (it
looks it up by a fresh random ARN), so a create resent after its answer was lost makes a
second one, which AWS never does.

ELBv2's documented behaviour (CreateLoadBalancer, CreateListener): the calls are idempotent;
sent again with the same settings they succeed and answer the existing resource; a name or port
already used with other settings fails with `DuplicateLoadBalancerName` or `DuplicateListener`.
This module gives moto exactly that, nothing else (its CreateTargetGroup already refuses a
taken name with `DuplicateTargetGroupName`).
"""

from moto.elbv2.exceptions import DuplicateListenerError, DuplicateLoadBalancerName
from moto.elbv2.models import ELBv2Backend, FakeAction


def same_settings(listener, protocol, certificate, actions):
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
        and lb.scheme == scheme
        and lb.type == (lb_type or "application")
    )


def install():
    install_load_balancers()
    create = ELBv2Backend.create_listener

    def create_listener(self, load_balancer_arn, protocol, port, ssl_policy, certificate, actions,
                        alpn_policy=None, tags=None):
        balancer = self.load_balancers.get(load_balancer_arn)
        for listener in (balancer.listeners.values() if balancer else []):
            if str(listener.port) == str(port):
                if same_settings(listener, protocol, certificate, actions):
                    return listener
                raise DuplicateListenerError()
        return create(self, load_balancer_arn, protocol, port, ssl_policy, certificate, actions,
                      alpn_policy, tags)

    ELBv2Backend.create_listener = create_listener


def install_load_balancers():
    create = ELBv2Backend.create_load_balancer

    def create_load_balancer(self, name, security_groups, subnet_ids, subnet_mappings=None,
                             scheme="internet-facing", loadbalancer_type=None,
                             ip_address_type="ipv4", tags=None):
        for lb in self.load_balancers.values():
            if lb.name == name:
                if not subnet_mappings and same_balancer(
                    lb, security_groups, subnet_ids, scheme, loadbalancer_type
                ):
                    return lb
                raise DuplicateLoadBalancerName()
        return create(self, name, security_groups, subnet_ids, subnet_mappings, scheme,
                      loadbalancer_type, ip_address_type, tags)

    ELBv2Backend.create_load_balancer = create_load_balancer
