"""CloudWatch Logs through the launcher: the log group calls eksform makes, and DescribeLogGroups'
pages as the model has them (no null token)."""

import json
import urllib.request

from moto_ext.tests.support import LauncherTest


class LogGroups(LauncherTest):
    def setUp(self):
        self.logs = self.client("logs")

    def raw_describe(self, **params):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/", data=json.dumps(params).encode(),
            headers={"X-Amz-Target": "Logs_20140328.DescribeLogGroups",
                     "Content-Type": "application/x-amz-json-1.1",
                     "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/logs/"
                                      "aws4_request, SignedHeaders=host, Signature=x"})
        with urllib.request.urlopen(request) as answer:
            return json.loads(answer.read())

    def test_the_last_page_has_no_token_and_the_pages_hold_every_group(self):
        for i in range(3):
            self.logs.create_log_group(logGroupName=f"/aws/eks/pages/{i}")
        first = self.raw_describe(logGroupNamePrefix="/aws/eks/pages/", limit=2)
        self.assertEqual(len(first["logGroups"]), 2)
        self.assertIsInstance(first["nextToken"], str)
        last = self.raw_describe(logGroupNamePrefix="/aws/eks/pages/", limit=2,
                                 nextToken=first["nextToken"])
        self.assertEqual(len(last["logGroups"]), 1)
        self.assertNotIn("nextToken", last)
        out = self.logs.describe_log_groups(logGroupNamePrefix="/aws/eks/pages/")
        self.assertConforms("logs", "DescribeLogGroups", out)

    def test_a_group_keeps_its_tags_and_retention(self):
        name = "/aws/eks/tagged/cluster"
        self.logs.create_log_group(logGroupName=name, tags={"eksform.io/cluster": "tagged"})
        self.logs.put_retention_policy(logGroupName=name, retentionInDays=14)
        group = self.logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]
        self.assertEqual(group["retentionInDays"], 14)
        tags = self.logs.list_tags_for_resource(resourceArn=group["logGroupArn"])["tags"]
        self.assertEqual(tags, {"eksform.io/cluster": "tagged"})
        with self.assertRaises(self.logs.exceptions.ResourceAlreadyExistsException):
            self.logs.create_log_group(logGroupName=name)
        self.logs.delete_log_group(logGroupName=name)
        with self.assertRaises(self.logs.exceptions.ResourceNotFoundException):
            self.logs.delete_log_group(logGroupName=name)
