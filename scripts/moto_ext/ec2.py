"""EC2 for the local endpoint: what moto (5.2.5) lacks or answers unlike EC2, for the calls
eksform makes.

- Client tokens (moto ignores `ClientToken`, so a create resent after its answer was lost makes
  a second resource where EC2 returns the first). EC2's documented idempotency (Ensuring
  idempotency in Amazon EC2 API requests): a request with a client token already used by the
  same account answers the original request's result when its parameters are the same, and
  fails with `IdempotentParameterMismatch` when they differ. Given to the creates eksform sends
  with a token: CreateNatGateway, CreateRouteTable, CreateLaunchTemplate and
  CreateLaunchTemplateVersion. Tokens live on the account's and region's EC2 backend, so they
  go with POST /moto-api/reset like everything else.
- DeleteNatGateway releases the gateway's Elastic IP association, as EC2 does once the gateway
  is deleted: moto keeps it, so a NAT gateway recreated with the same Elastic IP (a replacement
  that keeps its public address) was refused with `Resource.AlreadyAssociated`. A gateway that
  does not exist is `NatGatewayNotFound` (moto: HTTP 500).
- CreateLaunchTemplateVersion decodes UserData as CreateLaunchTemplate does (moto keeps it
  base64-encoded, and an Auto Scaling launch from that version then fails with HTTP 500) and
  starts from SourceVersion's data when one is given (moto ignores it); the given data
  overrides it key by key.

How: `Ec2` subclasses moto's EC2 response class (each override calls moto's handler), and
`install()` points EC2's route at it. moto's own classes are not changed.
"""

from moto.core.responses import ActionResult
from moto.ec2 import urls
from moto.ec2.exceptions import EC2ClientError
from moto.ec2.responses import EC2Response
from moto.ec2.utils import parse_user_data


def request_parameters(response):
    """The request's parameters without the ones that differ between two sends of it."""
    return {k: v for k, v in response.querystring.items() if k != "ClientToken"}


def once(response, name, create):
    """`create()`'s answer, or the answer to the first request with the same client token."""
    token = response._get_param("ClientToken")
    if not token:
        return create()
    # On the backend object: one per account and region, replaced by a reset.
    seen = response.ec2_backend.__dict__.setdefault("_eksform_client_tokens", {})
    key = (name, token)
    params = request_parameters(response)
    if key in seen:
        first_params, result = seen[key]
        if first_params != params:
            raise EC2ClientError(
                "IdempotentParameterMismatch",
                f"The client token {token} was already used with different parameters.")
        return result
    result = create()
    seen[key] = (params, result)
    return result


def release_address(backend, nat):
    """Disassociates the Elastic IPs a deleted NAT gateway held."""
    for address in getattr(nat, "address_set", []):
        ip = address.get("publicIp")
        eip = next(iter(backend.address_by_ip([ip], fail_if_not_found=False) or []), None) if ip else None
        if eip is not None and eip.eni is getattr(nat, "_eni", None):
            backend.disassociate_address(address=ip)


class Ec2(EC2Response):
    """moto's EC2 handlers plus the above; EC2's route points here after install()."""

    def create_nat_gateway(self):
        return once(self, "create_nat_gateway", super().create_nat_gateway)

    def create_route_table(self):
        return once(self, "create_route_table", super().create_route_table)

    def create_launch_template(self):
        return once(self, "create_launch_template", super().create_launch_template)

    def create_launch_template_version(self):
        return once(self, "create_launch_template_version", self.new_template_version)

    def delete_nat_gateway(self):
        nat_id = self._get_param("NatGatewayId")
        nat = self.ec2_backend.nat_gateways.get(nat_id)
        if nat is None:
            # moto fails on a missing gateway with HTTP 500.
            raise EC2ClientError("NatGatewayNotFound", f"The Nat Gateway {nat_id} was not found")
        result = super().delete_nat_gateway()
        release_address(self.ec2_backend, nat)
        return result

    def new_template_version(self):
        """CreateLaunchTemplateVersion with UserData decoded and SourceVersion's data as the base."""
        template_id = self._get_param("LaunchTemplateId")
        if template_id:
            template = self.ec2_backend.get_launch_template(template_id)
        else:
            template = self.ec2_backend.get_launch_template_by_name(
                self._get_param("LaunchTemplateName"))
        data = self._get_param("LaunchTemplateData", {})
        if "UserData" in data:
            data["UserData"] = parse_user_data(self._get_param("LaunchTemplateData.UserData"))
        source = self._get_param("SourceVersion")
        if source:
            base = dict(template.get_version(source).data)
            base.update(data)
            data = base
        self.error_on_dryrun()
        version = template.create_version(data, self._get_param("VersionDescription"))
        return ActionResult({
            "LaunchTemplateVersion": {
                "CreateTime": version.create_time,
                "CreatedBy": f"arn:{self.partition}:iam::{self.current_account}:root",
                "DefaultVersion": template.is_default(version),
                "LaunchTemplateData": version.data,
                "LaunchTemplateId": template.id,
                "LaunchTemplateName": template.name,
                "VersionDescription": version.description,
                "VersionNumber": version.number,
            },
        })


def install():
    """Points EC2's routes (moto's registry of the service's handlers) at `Ec2`."""
    for path in list(urls.url_paths):
        urls.url_paths[path] = Ec2.dispatch
