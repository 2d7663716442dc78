"""IAM for the local endpoint: moto (5.2.5) lacks AddClientIDToOpenIDConnectProvider and
RemoveClientIDFromOpenIDConnectProvider, which change an OpenID Connect provider's audiences in
place. As in IAM, both are idempotent (adding an audience the provider has, or removing one it
lacks, succeeds and changes nothing), a provider holds at most 100 audiences (LimitExceeded) of
at most 255 characters (InvalidInput), and an unknown provider is NoSuchEntity (moto's own check).
Everything else is moto's.

How: `Iam` subclasses moto's IAM response class with the two operations, and `install()` points
the service's routes at it. moto's own classes are not changed.
"""
from moto.core.responses import EmptyResult
from moto.iam import urls
from moto.iam.exceptions import InvalidInput, LimitExceededException
from moto.iam.responses import IamResponse

MAX_AUDIENCES = 100
MAX_AUDIENCE_LENGTH = 255


class Iam(IamResponse):
    """moto's IAM handlers, with an OpenID Connect provider's audiences changed in place."""

    def _provider_and_audience(self):
        provider = self.backend.get_open_id_connect_provider(
            self._get_param("OpenIDConnectProviderArn"))
        audience = self._get_param("ClientID") or ""
        if not 1 <= len(audience) <= MAX_AUDIENCE_LENGTH:
            raise InvalidInput(
                f"1 validation error detected: Value '{audience}' at 'clientID' failed to "
                f"satisfy constraint: Member must have length between 1 and {MAX_AUDIENCE_LENGTH}")
        return provider, audience

    def add_client_id_to_open_id_connect_provider(self):
        provider, audience = self._provider_and_audience()
        if audience not in provider.client_id_list:
            if len(provider.client_id_list) >= MAX_AUDIENCES:
                raise LimitExceededException(
                    f"Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {MAX_AUDIENCES}")
            provider.client_id_list.append(audience)
        return EmptyResult()

    def remove_client_id_from_open_id_connect_provider(self):
        provider, audience = self._provider_and_audience()
        if audience in provider.client_id_list:
            provider.client_id_list.remove(audience)
        return EmptyResult()


def install():
    for path in list(urls.url_paths):
        urls.url_paths[path] = Iam.dispatch
