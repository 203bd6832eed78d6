"""End-to-end tests of the official Python `kubernetes` client against pods that really run, in
the manner of the client's own e2e tests: a pod from the image `busybox` (a short name, resolved
through the host's docker.io mirror) created, read until it runs, listed, exec'd into (text,
binary output, exit codes) and deleted; a pod's ports reached through port-forward (data both
ways, a refused port's error); Deployment, DaemonSet and Job round trips through the
typed APIs, each waiting for the controller to report its pods.

Needs a host that runs containers: the runc host agent test starts one and runs these tests with
`PLINTH_E2E_NAMESPACE` set, and `PLINTH_E2E_NODE_SELECTOR` / `PLINTH_E2E_TOLERATION` (`key=value`)
naming the host's label and taint; without a namespace they are skipped.
"""

import gzip
import os
import time
import uuid

import pytest
from kubernetes import client, config
from kubernetes.client.rest import ApiException
from kubernetes.stream import portforward, stream

NAMESPACE = os.environ.get("PLINTH_E2E_NAMESPACE")
NODE_SELECTOR = os.environ.get("PLINTH_E2E_NODE_SELECTOR")
TOLERATION = os.environ.get("PLINTH_E2E_TOLERATION")

pytestmark = pytest.mark.skipif(not NAMESPACE, reason="PLINTH_E2E_NAMESPACE names no namespace with a host")


def short_uuid():
    return str(uuid.uuid4())[-12:]


def wait_for(what, check, timeout=90):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.5)
    pytest.fail(f"timed out after {timeout} s waiting for {what} (last: {last!r})")


def placement():
    """The pod spec fields that put a pod on the test's host."""
    spec = {}
    if NODE_SELECTOR:
        key, value = NODE_SELECTOR.split("=", 1)
        spec["nodeSelector"] = {key: value}
    if TOLERATION:
        key, value = TOLERATION.split("=", 1)
        spec["tolerations"] = [{"key": key, "operator": "Equal", "value": value, "effect": "NoSchedule"}]
    return spec


def pod_spec(command, restart="Always"):
    spec = {"containers": [{"name": "sleep", "image": "busybox", "command": ["/bin/sh", "-c", command]}],
            "restartPolicy": restart, "terminationGracePeriodSeconds": 1}
    spec.update(placement())
    return spec


@pytest.fixture(scope="module")
def api():
    config.load_kube_config()
    return client.ApiClient()


def test_pod_apis(api):
    core = client.CoreV1Api(api)
    name = "busybox-test-" + short_uuid()
    manifest = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                "spec": pod_spec("while true; do date; sleep 5; done")}
    created = core.create_namespaced_pod(body=manifest, namespace=NAMESPACE)
    assert created.metadata.name == name
    assert created.status.phase == "Pending"

    def running():
        pod = core.read_namespaced_pod(name=name, namespace=NAMESPACE)
        assert pod.metadata.name == name and pod.status.phase in ("Pending", "Running")
        return pod if pod.status.phase == "Running" else None
    pod = wait_for(f"pod {name} Running", running)
    assert pod.spec.node_name and pod.status.container_statuses[0].ready
    assert pod.status.container_statuses[0].image_id

    out = stream(core.connect_get_namespaced_pod_exec, name, NAMESPACE,
                 command=["/bin/sh", "-c", "for i in $(seq 1 3); do date; done"],
                 stderr=False, stdin=False, stdout=True, tty=False)
    assert isinstance(out, str) and len(out.splitlines()) == 3

    zipped = stream(core.connect_get_namespaced_pod_exec, name, NAMESPACE,
                    command=["/bin/sh", "-c", "echo -n 'This is a test string' | gzip"],
                    stderr=False, stdin=False, stdout=True, tty=False, binary=True)
    assert gzip.decompress(zipped) == b"This is a test string"

    resp = stream(core.connect_get_namespaced_pod_exec, name, NAMESPACE, command=["/bin/sh", "-c", "exit 7"],
                  stderr=True, stdin=False, stdout=True, tty=False, _preload_content=False)
    resp.run_forever(timeout=10)
    assert resp.returncode == 7
    resp.close()

    assert any(p.metadata.name == name for p in core.list_pod_for_all_namespaces().items)
    core.delete_namespaced_pod(name=name, namespace=NAMESPACE, body=client.V1DeleteOptions())

    def gone():
        try:
            core.read_namespaced_pod(name=name, namespace=NAMESPACE)
            return False
        except ApiException as e:
            return e.status == 404
    wait_for(f"pod {name} deleted", gone)


def test_port_forward(api):
    """The client's port-forward (the v4 channel protocol): each port's first message names it,
    bytes go both ways, and a port nothing listens on reports the agent's error."""
    core = client.CoreV1Api(api)
    name = "port-forward-" + short_uuid()
    manifest = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                "spec": pod_spec("mkdir -p /www && echo -n hello from the pod > /www/index.html && exec httpd -f -p 8080 -h /www")}
    core.create_namespaced_pod(body=manifest, namespace=NAMESPACE)
    wait_for(f"pod {name} Running",
             lambda: core.read_namespaced_pod(name=name, namespace=NAMESPACE).status.phase == "Running")

    def fetch():
        pf = portforward(core.connect_get_namespaced_pod_portforward, name, NAMESPACE, ports="8080,7777")
        web = pf.socket(8080)
        web.setblocking(True)
        web.sendall(b"GET /index.html HTTP/1.0\r\n\r\n")
        reply = b""
        while True:
            chunk = web.recv(65536)
            if not chunk:
                break
            reply += chunk
        web.close()
        pf.socket(7777).close()
        deadline = time.time() + 10
        while pf.error(7777) is None and time.time() < deadline:
            time.sleep(0.1)
        error = pf.error(7777)
        pf.close()
        return reply, error
    # httpd may not listen yet when the container has just started.
    reply, error = wait_for("httpd to answer through port-forward", lambda: (lambda r: r if r[0] else None)(fetch()), timeout=30)
    assert reply.startswith(b"HTTP/1.1 200 OK") and reply.endswith(b"hello from the pod"), reply
    assert error and "error forwarding port 7777" in error and "connection refused" in error, error
    core.delete_namespaced_pod(name=name, namespace=NAMESPACE, body=client.V1DeleteOptions())


def test_deployment_round_trip(api):
    apps = client.AppsV1Api(api)
    name = "deployment-" + short_uuid()
    body = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}}, "spec": pod_spec("sleep 3600")}}}
    created = apps.create_namespaced_deployment(body=body, namespace=NAMESPACE)
    assert created.metadata.name == name and created.spec.replicas == 2

    def available(n):
        d = apps.read_namespaced_deployment(name=name, namespace=NAMESPACE)
        return d if (d.status.available_replicas or 0) == n and (d.status.updated_replicas or 0) == n else None
    wait_for(f"deployment {name} available", lambda: available(2))

    patched = apps.patch_namespaced_deployment(name=name, namespace=NAMESPACE, body={"spec": {"replicas": 1}})
    assert patched.spec.replicas == 1
    wait_for(f"deployment {name} scaled to 1", lambda: available(1) and
             len(client.CoreV1Api(api).list_namespaced_pod(NAMESPACE, label_selector=f"app={name}").items) == 1)

    apps.delete_namespaced_deployment(name=name, namespace=NAMESPACE,
                                      body=client.V1DeleteOptions(propagation_policy="Foreground"))
    wait_for(f"pods of {name} gone",
             lambda: not client.CoreV1Api(api).list_namespaced_pod(NAMESPACE, label_selector=f"app={name}").items)


def test_daemon_set_round_trip(api):
    apps = client.AppsV1Api(api)
    name = "daemonset-" + short_uuid()
    body = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": name},
            "spec": {"selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}}, "spec": pod_spec("sleep 3600")}}}
    created = apps.create_namespaced_daemon_set(body=body, namespace=NAMESPACE)
    assert created.metadata.name == name

    def ready():
        ds = apps.read_namespaced_daemon_set(name=name, namespace=NAMESPACE)
        s = ds.status
        return ds if s.desired_number_scheduled >= 1 and s.number_ready == s.desired_number_scheduled else None
    ds = wait_for(f"daemon set {name} ready", ready)
    pods = client.CoreV1Api(api).list_namespaced_pod(NAMESPACE, label_selector=f"app={name}").items
    assert len(pods) == ds.status.desired_number_scheduled
    assert len({p.spec.node_name for p in pods}) == len(pods), "one pod per node"
    assert any(l.metadata.name.startswith(name) for l in apps.list_namespaced_controller_revision(NAMESPACE).items)

    apps.delete_namespaced_daemon_set(name=name, namespace=NAMESPACE, body=client.V1DeleteOptions())
    wait_for(f"pods of {name} gone",
             lambda: not client.CoreV1Api(api).list_namespaced_pod(NAMESPACE, label_selector=f"app={name}").items)


def test_job_round_trip(api):
    batch = client.BatchV1Api(api)
    name = "job-" + short_uuid()
    body = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
            "spec": {"completions": 2, "parallelism": 1, "backoffLimit": 2,
                     "template": {"spec": pod_spec("echo done from $(hostname)", restart="Never")}}}
    created = batch.create_namespaced_job(body=body, namespace=NAMESPACE)
    assert created.metadata.name == name

    def complete():
        job = batch.read_namespaced_job(name=name, namespace=NAMESPACE)
        conditions = {c.type: c.status for c in (job.status.conditions or [])}
        return job if conditions.get("Complete") == "True" else None
    job = wait_for(f"job {name} complete", complete)
    assert job.status.succeeded == 2 and job.status.completion_time is not None

    core = client.CoreV1Api(api)
    pods = core.list_namespaced_pod(NAMESPACE, label_selector=f"job-name={name}").items
    assert len(pods) == 2 and all(p.status.phase == "Succeeded" for p in pods)
    log = core.read_namespaced_pod_log(name=pods[0].metadata.name, namespace=NAMESPACE)
    assert log.startswith("done from ")

    batch.delete_namespaced_job(name=name, namespace=NAMESPACE, body=client.V1DeleteOptions(propagation_policy="Background"))
    wait_for(f"pods of job {name} gone", lambda: not core.list_namespaced_pod(NAMESPACE, label_selector=f"job-name={name}").items)
