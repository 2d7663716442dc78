"""IAM through the launcher: an OpenID Connect provider's audiences changed in place, as IAM
does it (idempotent adds and removes, its limits, NoSuchEntity for an unknown provider)."""

from moto_ext.tests.support import LauncherTest

ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/AUDIENCES"


class OidcProviderAudiences(LauncherTest):
    def setUp(self):
        self.iam = self.client("iam")
        self.arn = self.iam.create_open_id_connect_provider(
            Url=ISSUER, ClientIDList=["sts.amazonaws.com"])["OpenIDConnectProviderArn"]
        self.addCleanup(self.iam.delete_open_id_connect_provider,
                        OpenIDConnectProviderArn=self.arn)

    def audiences(self):
        out = self.iam.get_open_id_connect_provider(OpenIDConnectProviderArn=self.arn)
        self.assertConforms("iam", "GetOpenIDConnectProvider", out)
        return out["ClientIDList"]

    def test_audiences_are_added_and_removed_once_each(self):
        for _ in range(2):
            out = self.iam.add_client_id_to_open_id_connect_provider(
                OpenIDConnectProviderArn=self.arn, ClientID="my-app")
            self.assertConforms("iam", "AddClientIDToOpenIDConnectProvider", out)
        self.assertEqual(self.audiences(), ["sts.amazonaws.com", "my-app"])
        for _ in range(2):
            out = self.iam.remove_client_id_from_open_id_connect_provider(
                OpenIDConnectProviderArn=self.arn, ClientID="sts.amazonaws.com")
            self.assertConforms("iam", "RemoveClientIDFromOpenIDConnectProvider", out)
        self.assertEqual(self.audiences(), ["my-app"])

    def test_an_unknown_provider_or_a_bad_audience_is_refused(self):
        missing = self.arn.replace("AUDIENCES", "MISSING")
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.add_client_id_to_open_id_connect_provider(
                OpenIDConnectProviderArn=missing, ClientID="x")
        with self.assertRaises(self.iam.exceptions.NoSuchEntityException):
            self.iam.remove_client_id_from_open_id_connect_provider(
                OpenIDConnectProviderArn=missing, ClientID="x")
        with self.assertRaises(self.iam.exceptions.InvalidInputException):
            self.iam.add_client_id_to_open_id_connect_provider(
                OpenIDConnectProviderArn=self.arn, ClientID="x" * 256)
        for i in range(99):
            self.iam.add_client_id_to_open_id_connect_provider(
                OpenIDConnectProviderArn=self.arn, ClientID=f"app-{i}")
        with self.assertRaises(self.iam.exceptions.LimitExceededException):
            self.iam.add_client_id_to_open_id_connect_provider(
                OpenIDConnectProviderArn=self.arn, ClientID="one-too-many")
        self.assertEqual(len(self.audiences()), 100)
