"""A launcher (scripts/moto_server.py) on a free loopback port for one test class, boto3
clients for it, and a check of answers against botocore's service model (the shapes the real
API answers with): every required member present, every enum value one the API knows."""

import os
import socket
import subprocess
import sys
import time
import unittest
import urllib.request

import boto3
import botocore.session

SCRIPTS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = botocore.session.get_session()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LauncherTest(unittest.TestCase):
    """Starts one launcher for the class, with the settings in `SETTINGS`."""

    SETTINGS = {}

    @classmethod
    def setUpClass(cls):
        cls.port = free_port()
        env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true", **cls.SETTINGS)
        cls.server = subprocess.Popen(
            [sys.executable, os.path.join(SCRIPTS, "moto_server.py"),
             "-H", "127.0.0.1", "-p", str(cls.port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{cls.port}/moto-api/", timeout=1)
                break
            except OSError:
                if time.time() > deadline or cls.server.poll() is not None:
                    raise RuntimeError("the launcher did not start")
                time.sleep(0.1)

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait()

    def client(self, service):
        return boto3.client(
            service, endpoint_url=f"http://127.0.0.1:{self.port}", region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing")

    def assertConforms(self, service, operation, answer):
        """The answer has what the API's output shape requires, in its enums."""
        shape = MODELS.get_service_model(service).operation_model(operation).output_shape
        problems = []
        check(shape, answer, operation, problems)
        self.assertEqual(problems, [], f"{service} {operation}: {answer}")


def check(shape, value, path, problems):
    if shape is None:
        return
    if shape.type_name == "structure":
        if not isinstance(value, dict):
            return problems.append(f"{path}: not a structure")
        for name in getattr(shape, "required_members", []):
            if name not in value:
                problems.append(f"{path}.{name}: required, missing")
        for name, member in value.items():
            if name == "ResponseMetadata":
                continue
            if name not in shape.members:
                problems.append(f"{path}.{name}: not in the model")
            else:
                check(shape.members[name], member, f"{path}.{name}", problems)
    elif shape.type_name == "list":
        for i, item in enumerate(value):
            check(shape.member, item, f"{path}[{i}]", problems)
    elif shape.type_name == "string" and shape.enum and value not in shape.enum:
        problems.append(f"{path}: {value!r} not one of {shape.enum}")
