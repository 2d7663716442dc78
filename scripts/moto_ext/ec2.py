"""EC2 client tokens for the local endpoint: moto (5.2.5) ignores `ClientToken`, so a create resent
after its answer was lost makes a second resource where EC2 returns the first.

EC2's documented idempotency (Ensuring idempotency in Amazon EC2 API requests): a request with a
client token already used by the same account answers the original request's result when its
parameters are the same, and fails with `IdempotentParameterMismatch` when they differ. This
module gives the creates eksform sends with a token exactly that: CreateNatGateway,
CreateRouteTable, CreateLaunchTemplate and CreateLaunchTemplateVersion. Tokens live on the
account's and region's EC2 backend, so they go with POST /moto-api/reset like everything else.
Nothing else about these calls changes.

DeleteNatGateway also releases the gateway's Elastic IP association, as EC2 does once the
gateway is deleted: moto (5.2.5) keeps it, so a NAT gateway recreated with the same Elastic IP
(a replacement that keeps its public address) was refused with `Resource.AlreadyAssociated`.
"""

from moto.ec2.exceptions import EC2ClientError
from moto.ec2.responses import EC2Response

CREATES = [
    "create_nat_gateway",
    "create_route_table",
    "create_launch_template",
    "create_launch_template_version",
]


def request_parameters(response):
    """The request's parameters without the ones that differ between two sends of it."""
    return {k: v for k, v in response.querystring.items() if k not in ("ClientToken",)}


def idempotent(name, create):
    def call(self):
        token = self._get_param("ClientToken")
        if not token:
            return create(self)
        # On the backend object: one per account and region, replaced by a reset.
        seen = self.ec2_backend.__dict__.setdefault("_eksform_client_tokens", {})
        key = (name, token)
        params = request_parameters(self)
        if key in seen:
            first_params, result = seen[key]
            if first_params != params:
                raise EC2ClientError(
                    "IdempotentParameterMismatch",
                    f"The client token {token} was already used with different parameters.",
                )
            return result
        result = create(self)
        seen[key] = (params, result)
        return result

    return call


def delete_nat_gateway_releasing_its_address(delete):
    def call(self, nat_gateway_id):
        nat = delete(self, nat_gateway_id)
        for address in getattr(nat, "address_set", []):
            ip = address.get("publicIp")
            eip = next(iter(self.address_by_ip([ip], fail_if_not_found=False) or []), None) if ip else None
            if eip is not None and eip.eni is getattr(nat, "_eni", None):
                self.disassociate_address(address=ip)
        return nat

    return call


def install():
    from moto.ec2.models.nat_gateways import NatGatewayBackend

    NatGatewayBackend.delete_nat_gateway = delete_nat_gateway_releasing_its_address(
        NatGatewayBackend.delete_nat_gateway
    )
    for name in CREATES:
        setattr(EC2Response, name, idempotent(name, getattr(EC2Response, name)))
