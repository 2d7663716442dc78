"""A launcher (scripts/moto_server.py) on a free loopback port for one test class, boto3
clients for it, and a check of answers against botocore's service model (the shapes the real
API answers with; see shapes.py): the parsed answer and the body as sent. Set
EKSFORM_MOTO_LOG=path to keep the launcher's log (its tracebacks of HTTP 500s) in a file."""

import os
import socket
import subprocess
import sys
import time
import unittest
import urllib.request

import boto3
import botocore.session

from moto_ext.tests import shapes

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
        log = os.environ.get("EKSFORM_MOTO_LOG")
        cls.log = open(log, "a") if log else subprocess.DEVNULL
        cls.server = subprocess.Popen(
            [sys.executable, os.path.join(SCRIPTS, "moto_server.py"),
             "-H", "127.0.0.1", "-p", str(cls.port)],
            env=env, stdout=cls.log, stderr=cls.log)
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
        if cls.log is not subprocess.DEVNULL:
            cls.log.close()

    def client(self, service):
        """A boto3 client of the launcher that keeps the body of each answer it parses."""
        client = boto3.client(
            service, endpoint_url=f"http://127.0.0.1:{self.port}", region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing")
        client.meta.events.register("before-parse", self.keep_body)
        return client

    def keep_body(self, operation_model, response_dict, **_):
        self.bodies = getattr(self, "bodies", {})
        key = (operation_model.service_model.service_name, operation_model.name)
        self.bodies[key] = response_dict.get("body")

    def problems(self, service, operation, answer):
        """The answer's problems against the operation's output shape (see shapes.py): the
        parsed answer, and the body of the last answer to that operation."""
        model = MODELS.get_service_model(service).operation_model(operation)
        body = getattr(self, "bodies", {}).get((service, operation))
        found = shapes.parsed(model.output_shape, answer) + shapes.raw(model, body)
        return [operation + p for p in found]

    def assertConforms(self, service, operation, answer):
        """The answer is one the API could give: see `problems`."""
        self.assertEqual(self.problems(service, operation, answer), [],
                         f"{service} {operation}: {answer}")

