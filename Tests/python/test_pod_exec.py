"""The official Python `kubernetes` client's exec (WebSocket, `v4.channel.k8s.io`) against a pod
running on a real host, as its own end-to-end tests use it.

Needs a running pod with a shell: the runc host agent test starts one and runs these tests with
`PLINTH_EXEC_NAMESPACE` and `PLINTH_EXEC_POD` set; without them they are skipped.
"""

import json
import os

import pytest
from kubernetes import client, config
from kubernetes.stream import stream
from kubernetes.stream.ws_client import ERROR_CHANNEL

NAMESPACE = os.environ.get("PLINTH_EXEC_NAMESPACE")
POD = os.environ.get("PLINTH_EXEC_POD")

pytestmark = pytest.mark.skipif(not (NAMESPACE and POD), reason="PLINTH_EXEC_NAMESPACE and PLINTH_EXEC_POD name no pod")


@pytest.fixture(scope="module")
def core():
    config.load_kube_config()
    return client.CoreV1Api()


def test_exec_returns_output(core):
    out = stream(core.connect_get_namespaced_pod_exec, POD, NAMESPACE,
                 command=["/bin/sh", "-c", "for i in 1 2 3; do echo line $i; done"],
                 stderr=False, stdin=False, stdout=True, tty=False)
    assert out == "line 1\nline 2\nline 3\n"


def test_exec_interactive_shell(core):
    resp = stream(core.connect_post_namespaced_pod_exec, POD, NAMESPACE, command=["/bin/sh"],
                  stderr=True, stdin=True, stdout=True, tty=False, _preload_content=False)
    resp.write_stdin("echo test string 1\n")
    assert resp.readline_stdout(timeout=10) == "test string 1"
    resp.write_stdin("echo test string 2 >&2\n")
    assert resp.readline_stderr(timeout=10) == "test string 2"
    resp.write_stdin("exit\n")
    resp.update(timeout=10)
    status = None
    for _ in range(50):
        error = resp.read_channel(ERROR_CHANNEL)
        if error:
            status = json.loads(error)
            break
        resp.update(timeout=1)
    assert status is not None and status["status"] == "Success"
    resp.close()


def test_exec_exit_code(core):
    resp = stream(core.connect_get_namespaced_pod_exec, POD, NAMESPACE, command=["/bin/sh", "-c", "exit 5"],
                  stderr=True, stdin=False, stdout=True, tty=False, _preload_content=False)
    resp.run_forever(timeout=10)
    assert resp.returncode == 5
    resp.close()
