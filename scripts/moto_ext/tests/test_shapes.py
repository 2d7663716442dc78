"""The answer checks (shapes.py) find what they are for, on answers made up here: no server."""

import datetime
import unittest

import botocore.session

from moto_ext.tests import shapes

MODELS = botocore.session.get_session()


def model(service, operation):
    return MODELS.get_service_model(service).operation_model(operation)


class Parsed(unittest.TestCase):
    def test_a_conforming_answer_has_no_problems(self):
        answer = {"update": {"id": "u", "status": "Successful", "type": "VersionUpdate",
                             "params": [{"type": "Version", "value": "1.35"}],
                             "createdAt": datetime.datetime.now(), "errors": []}}
        self.assertEqual(shapes.parsed(model("eks", "DescribeUpdate").output_shape, answer), [])

    def test_unknown_members_enums_types_and_missing_required_members_are_found(self):
        shape = model("ec2", "DescribeInternetGateways").output_shape
        answer = {"InternetGateways": [{"Attachments": [{"State": "gone", "VpcId": 3}],
                                        "Colour": "red"}]}
        self.assertEqual(sorted(shapes.parsed(shape, answer)), [
            ".InternetGateways[0].Attachments[0].State: 'gone' not one of its enum's 4 values",
            ".InternetGateways[0].Attachments[0].VpcId: 3 is not a string",
            ".InternetGateways[0].Colour: not in the model",
        ])
        required = model("autoscaling", "DescribeAutoScalingGroups").output_shape
        self.assertEqual(shapes.parsed(required, {}), [".AutoScalingGroups: required, missing"])


class Raw(unittest.TestCase):
    def test_json_keys_and_types_are_checked(self):
        body = b'{"update": {"id": "u", "status": "Successful", "colour": "red", "errors": {}}}'
        self.assertEqual(sorted(shapes.raw(model("eks", "DescribeUpdate"), body)), [
            ".update.colour: not in the model", ".update.errors: not an array"])
        self.assertEqual(shapes.raw(model("eks", "DescribeUpdate"), b'{"update": {"id": "u"}}'), [])

    def test_ec2_elements_and_item_wrapping_are_checked(self):
        ok = (b'<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
              b'<requestId>r</requestId><vpcSet><item><vpcId>vpc-1</vpcId>'
              b'<isDefault>false</isDefault></item></vpcSet></DescribeVpcsResponse>')
        self.assertEqual(shapes.raw(model("ec2", "DescribeVpcs"), ok), [])
        bad = ok.replace(b"<item>", b"<member>").replace(b"</item>", b"</member>")
        self.assertEqual(shapes.raw(model("ec2", "DescribeVpcs"), bad),
                         [".vpcSet[0]: <member>, the model wraps items in <item>"])
        odd = ok.replace(b"<isDefault>false", b"<isDefault>no").replace(
            b"<vpcId>", b"<colour>x</colour><vpcId>")
        self.assertEqual(sorted(shapes.raw(model("ec2", "DescribeVpcs"), odd)), [
            ".vpcSet[0].colour: not in the model", ".vpcSet[0].isDefault: 'no' is not a boolean"])

    def test_query_answers_are_read_inside_their_result_element(self):
        ok = (b'<GetRoleResponse><GetRoleResult><Role><RoleName>r</RoleName>'
              b'<MaxSessionDuration>3600</MaxSessionDuration></Role></GetRoleResult>'
              b'<ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></GetRoleResponse>')
        self.assertEqual(shapes.raw(model("iam", "GetRole"), ok), [])
        bad = ok.replace(b"3600", b"an hour")
        self.assertEqual(shapes.raw(model("iam", "GetRole"), bad),
                         [".Role.MaxSessionDuration: 'an hour' is not an integer"])
        unwrapped = ok.replace(b"GetRoleResult", b"Result")
        self.assertEqual(shapes.raw(model("iam", "GetRole"), unwrapped),
                         [": no single <GetRoleResult>"])


if __name__ == "__main__":
    unittest.main()
