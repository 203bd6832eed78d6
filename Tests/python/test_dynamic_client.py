"""The official Python `kubernetes` client's dynamic client against Plinth.

Run from the package root with the virtualenv `scripts/python-env` makes:

    KUBECONFIG=/path/to/admin.kubeconfig .build/python/bin/python -m pytest -q Tests/python

`KUBECONFIG` names the server; `PLINTH_TEST_NAMESPACE_PREFIX` (default "py") starts every
namespace and API group these tests create, so runs against a shared server do not collide.
Every test creates what it needs under unique names and deletes it afterwards. The expected
results are those of the upstream kube-apiserver (1.33).
"""

import json
import os
import time
import uuid

import pytest
from kubernetes import config, dynamic
from kubernetes.client.exceptions import ApiException
from kubernetes.dynamic.exceptions import NotFoundError

PREFIX = os.environ.get("PLINTH_TEST_NAMESPACE_PREFIX", "py")
PARTIAL_LIST_ACCEPT = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"


def unique(name):
    return f"{name}-{uuid.uuid4().hex[:6]}"


def wait_for(what, probe, timeout=10.0, interval=0.1):
    """Calls `probe` until it returns something truthy (or `timeout` seconds pass)."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            result = probe()
            if result:
                return result
        except Exception as e:  # noqa: BLE001 - reported below if it never succeeds
            last_error = e
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what} (last error: {last_error!r})")
        time.sleep(interval)


def as_dict(obj):
    return obj.to_dict() if hasattr(obj, "to_dict") else obj


def managed_fields(obj):
    return as_dict(obj)["metadata"].get("managedFields") or []


def entry(obj, manager, operation):
    """The managedFields entry of `manager` for `operation`, or None."""
    for e in managed_fields(obj):
        if e.get("manager") == manager and e.get("operation") == operation:
            return e
    return None


def owners_of(obj, *path):
    """The managers whose fieldsV1 set holds the field at `path` (e.g. "f:data", "f:k")."""
    owners = []
    for e in managed_fields(obj):
        node = e.get("fieldsV1") or {}
        for part in path:
            if not isinstance(node, dict) or part not in node:
                break
            node = node[part]
        else:
            owners.append(e["manager"])
    return owners


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="session")
def api_client():
    kubeconfig = os.environ.get("KUBECONFIG")
    if not kubeconfig:
        pytest.fail("KUBECONFIG must name the kubeconfig of the server under test")
    client = config.new_client_from_config(config_file=kubeconfig)
    yield client
    client.close()


@pytest.fixture(scope="session")
def discovery_cache(tmp_path_factory):
    # The dynamic client caches discovery in a file; one per run, never a stale one in /tmp.
    return str(tmp_path_factory.mktemp("discovery") / "cache.json")


@pytest.fixture
def dyn(api_client, discovery_cache):
    return dynamic.DynamicClient(api_client, cache_file=discovery_cache)


@pytest.fixture
def namespace(dyn):
    namespaces = dyn.resources.get(api_version="v1", kind="Namespace")
    name = unique(PREFIX)
    created = namespaces.create(body={"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    assert created.metadata.name == name
    yield name
    try:
        namespaces.delete(name=name)
    except NotFoundError:
        pass


@pytest.fixture
def configmaps(dyn):
    return dyn.resources.get(api_version="v1", kind="ConfigMap")


WIDGET_SCHEMA = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "properties": {
                "color": {"type": "string"},
                "size": {"type": "integer", "default": 3},
                "tags": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
}


class CRDs:
    """Creates CustomResourceDefinitions (unique group per definition) and deletes them at the end."""

    def __init__(self, dyn):
        self.dyn = dyn
        self.definitions = dyn.resources.get(api_version="apiextensions.k8s.io/v1", kind="CustomResourceDefinition")
        self.created = []

    def create(self, kind, plural, scope):
        group = f"{uuid.uuid4().hex[:8]}.{PREFIX}.plinth.test"
        name = f"{plural}.{group}"
        body = {
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": name},
            "spec": {
                "group": group,
                "scope": scope,
                "names": {"plural": plural, "singular": kind.lower(), "kind": kind, "listKind": kind + "List"},
                "versions": [{"name": "v1", "served": True, "storage": True,
                              "schema": {"openAPIV3Schema": WIDGET_SCHEMA}}],
            },
        }
        created = self.definitions.create(body=body)
        self.created.append(name)
        assert created.kind == "CustomResourceDefinition"
        assert created.metadata.name == name
        assert created.spec.scope == scope

        def established():
            conditions = as_dict(self.definitions.get(name=name)).get("status", {}).get("conditions") or []
            return any(c["type"] == "Established" and c["status"] == "True" for c in conditions)

        wait_for(f"CRD {name} to be Established", established)

        api_version = f"{group}/v1"

        def discovered():
            # A miss invalidates the client's discovery cache and asks the server again.
            self.dyn.resources.invalidate_cache()
            return self.dyn.resources.get(api_version=api_version, kind=kind)

        resource = wait_for(f"{kind} ({api_version}) to be discoverable", discovered)
        assert resource.namespaced == (scope == "Namespaced")
        assert resource.name == plural
        return resource

    def delete_all(self):
        for name in self.created:
            try:
                self.definitions.delete(name=name)
            except NotFoundError:
                pass


@pytest.fixture
def crds(dyn):
    c = CRDs(dyn)
    yield c
    c.delete_all()


def widget(api_version, kind, name, namespace=None, **spec):
    metadata = {"name": name, "labels": {"suite": "python"}}
    if namespace:
        metadata["namespace"] = namespace
    return {"apiVersion": api_version, "kind": kind, "metadata": metadata, "spec": spec}


# ---------------------------------------------------------------------------------------------
# Custom resources through the dynamic client


def exercise_custom_resources(resource, namespace=None):
    """create / get / list / merge patch / delete of one custom resource kind."""
    api_version, kind = resource.group_version, resource.kind
    ns = {"namespace": namespace} if namespace else {}
    name = unique("w")

    # Create: the schema default fills spec.size, unknown fields are pruned.
    body = widget(api_version, kind, name, namespace, color="red", extra="pruned")
    body["bogus"] = {"also": "pruned"}
    created = as_dict(resource.create(body=body, **ns))
    assert created["apiVersion"] == api_version
    assert created["kind"] == kind
    assert created["metadata"]["name"] == name
    if namespace:
        assert created["metadata"]["namespace"] == namespace
    else:
        assert "namespace" not in created["metadata"]
    assert created["metadata"]["uid"]
    assert created["metadata"]["resourceVersion"]
    assert created["metadata"]["creationTimestamp"]
    assert created["metadata"]["generation"] == 1
    assert created["metadata"]["labels"] == {"suite": "python"}
    assert created["spec"] == {"color": "red", "size": 3}
    assert "bogus" not in created

    # Get returns what was stored.
    got = as_dict(resource.get(name=name, **ns))
    assert got["spec"] == {"color": "red", "size": 3}
    assert "bogus" not in got
    assert got["metadata"]["uid"] == created["metadata"]["uid"]
    assert got["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]

    # A second object to list; an explicit value wins over the default.
    other = unique("w")
    resource.create(body=widget(api_version, kind, other, namespace, color="green", size=7), **ns)

    listed = as_dict(resource.get(label_selector="suite=python", **ns))
    assert listed["kind"] == kind + "List"
    assert listed["apiVersion"] == api_version
    assert listed["metadata"]["resourceVersion"]
    by_name = {item["metadata"]["name"]: item for item in listed["items"]}
    assert {name, other} <= set(by_name)
    assert by_name[name]["spec"] == {"color": "red", "size": 3}
    assert by_name[other]["spec"] == {"color": "green", "size": 7}
    # Items of a custom resource list carry their own apiVersion and kind.
    assert by_name[other]["apiVersion"] == api_version
    assert by_name[other]["kind"] == kind

    # Merge patch: changes color, adds tags, keeps the defaulted size; unknown fields pruned.
    patched = as_dict(resource.patch(
        body={"spec": {"color": "blue", "tags": ["a", "b"], "extra": 1}, "metadata": {"labels": {"patched": "yes"}}},
        name=name, content_type="application/merge-patch+json", **ns))
    assert patched["spec"] == {"color": "blue", "size": 3, "tags": ["a", "b"]}
    assert patched["metadata"]["labels"] == {"suite": "python", "patched": "yes"}
    assert patched["metadata"]["generation"] == 2
    assert int(patched["metadata"]["resourceVersion"]) > int(created["metadata"]["resourceVersion"])

    # Merge patch with null removes the field; the default comes back for size.
    patched = as_dict(resource.patch(body={"spec": {"size": None, "tags": None}}, name=name,
                                     content_type="application/merge-patch+json", **ns))
    assert patched["spec"] == {"color": "blue", "size": 3}

    assert as_dict(resource.get(name=name, **ns))["spec"] == {"color": "blue", "size": 3}

    # Delete: custom resources answer with a Success Status naming what was deleted.
    deleted = as_dict(resource.delete(name=name, **ns))
    assert deleted["kind"] == "Status"
    assert deleted["status"] == "Success"
    assert deleted["details"]["name"] == name
    assert deleted["details"]["group"] == resource.group
    assert deleted["details"]["kind"] == resource.name
    assert deleted["details"]["uid"] == created["metadata"]["uid"]
    with pytest.raises(NotFoundError) as missing:
        resource.get(name=name, **ns)
    assert missing.value.status == 404
    status = json.loads(missing.value.body)
    assert status["reason"] == "NotFound"
    assert status["message"] == f'{resource.name}.{resource.group} "{name}" not found'

    resource.delete(name=other, **ns)
    remaining = as_dict(resource.get(label_selector="suite=python", **ns))["items"]
    assert [i["metadata"]["name"] for i in remaining if i["metadata"]["name"] in (name, other)] == []


def test_namespaced_custom_resources(dyn, crds, namespace):
    gadgets = crds.create("Gadget", "gadgets", "Namespaced")
    exercise_custom_resources(gadgets, namespace)

    # A namespaced kind needs a namespace; across namespaces it lists everything.
    name = unique("g")
    gadgets.create(body=widget(gadgets.group_version, "Gadget", name, namespace, color="x"), namespace=namespace)
    everywhere = as_dict(gadgets.get())
    assert [i["metadata"]["namespace"] for i in everywhere["items"] if i["metadata"]["name"] == name] == [namespace]
    gadgets.delete(name=name, namespace=namespace)


def test_cluster_scoped_custom_resources(dyn, crds):
    fixtures = crds.create("Fixture", "fixtures", "Cluster")
    exercise_custom_resources(fixtures)


# ---------------------------------------------------------------------------------------------
# PartialObjectMetadataList


def partial_list(dyn, path):
    return as_dict(dyn.request("get", path, header_params={"Accept": PARTIAL_LIST_ACCEPT}))


def check_partial_list(listed, names):
    assert listed["kind"] == "PartialObjectMetadataList"
    assert listed["apiVersion"] == "meta.k8s.io/v1"
    assert listed["metadata"]["resourceVersion"]
    items = {item["metadata"]["name"]: item for item in listed["items"]}
    assert set(names) <= set(items)
    for name in names:
        item = items[name]
        assert item["kind"] == "PartialObjectMetadata"
        assert item["apiVersion"] == "meta.k8s.io/v1"
        assert item["metadata"]["uid"]
        assert item["metadata"]["resourceVersion"]
        assert item["metadata"]["labels"] == {"suite": "python"}
        # Only type and object metadata: no data, spec or status.
        assert set(item) == {"kind", "apiVersion", "metadata"}


def test_partial_object_metadata_list_of_configmaps(dyn, configmaps, namespace):
    names = [unique("cm"), unique("cm")]
    for name in names:
        configmaps.create(namespace=namespace, body={
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "labels": {"suite": "python"}},
            "data": {"big": "x" * 1000},
        })
    listed = partial_list(dyn, f"/api/v1/namespaces/{namespace}/configmaps")
    check_partial_list(listed, names)


def test_partial_object_metadata_list_of_custom_resources(dyn, crds, namespace):
    gadgets = crds.create("Gizmo", "gizmos", "Namespaced")
    names = [unique("g"), unique("g")]
    for name in names:
        gadgets.create(body=widget(gadgets.group_version, "Gizmo", name, namespace, color="c"), namespace=namespace)
    listed = partial_list(dyn, f"/apis/{gadgets.group_version}/namespaces/{namespace}/gizmos")
    check_partial_list(listed, names)
    assert len(listed["items"]) == 2
    for name in names:
        gadgets.delete(name=name, namespace=namespace)


# ---------------------------------------------------------------------------------------------
# Server-side apply


def test_server_side_apply_dry_run_creates_nothing(dyn, crds, namespace):
    gadgets = crds.create("Sprocket", "sprockets", "Namespaced")
    name = unique("s")
    body = widget(gadgets.group_version, "Sprocket", name, namespace, color="teal")
    applied = as_dict(gadgets.server_side_apply(body=body, name=name, namespace=namespace,
                                                field_manager="py-test", dry_run="All"))
    assert applied["metadata"]["name"] == name
    assert applied["metadata"]["namespace"] == namespace
    assert applied["spec"] == {"color": "teal", "size": 3}
    e = entry(applied, "py-test", "Apply")
    assert e is not None, f"no Apply entry for py-test in managedFields: {managed_fields(applied)}"
    assert e["apiVersion"] == gadgets.group_version
    assert e["fieldsType"] == "FieldsV1"
    assert "f:color" in e["fieldsV1"]["f:spec"]
    assert "f:labels" in e["fieldsV1"]["f:metadata"]

    # Nothing was stored.
    with pytest.raises(NotFoundError):
        gadgets.get(name=name, namespace=namespace)


def test_server_side_apply_dry_run_changes_nothing(dyn, configmaps, namespace):
    name = unique("cm")
    created = as_dict(configmaps.create(namespace=namespace, field_manager="py-creator", body={
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"a": "1"},
    }))
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": namespace},
            "data": {"b": "2"}}
    applied = as_dict(configmaps.server_side_apply(body=body, name=name, namespace=namespace,
                                                   field_manager="py-test", dry_run="All"))
    assert applied["data"] == {"a": "1", "b": "2"}
    e = entry(applied, "py-test", "Apply")
    assert e is not None, f"no Apply entry for py-test in managedFields: {managed_fields(applied)}"
    assert e["fieldsType"] == "FieldsV1"
    assert e["fieldsV1"]["f:data"] == {"f:b": {}}
    assert entry(applied, "py-creator", "Update") is not None

    # The stored object is unchanged.
    got = as_dict(configmaps.get(name=name, namespace=namespace))
    assert got["data"] == {"a": "1"}
    assert got["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]
    assert entry(got, "py-test", "Apply") is None
    assert [e["manager"] for e in managed_fields(got)] == ["py-creator"]


def test_server_side_apply_creates_and_updates_custom_resources(crds):
    # Apply without managedFields assertions: creates (201), then updates in place (200), with
    # the schema's defaults filled in on both paths.
    fixtures = crds.create("Bracket", "brackets", "Cluster")
    name = unique("b")
    body = widget(fixtures.group_version, "Bracket", name, color="red")
    response = fixtures.server_side_apply(body=body, name=name, field_manager="py-test", serialize=False)
    assert response.status == 201
    created = json.loads(response.data)
    assert created["spec"] == {"color": "red", "size": 3}
    assert created["metadata"]["generation"] == 1
    stored = as_dict(fixtures.get(name=name))
    assert stored["spec"] == {"color": "red", "size": 3}
    assert stored["metadata"]["uid"] == created["metadata"]["uid"]

    body = widget(fixtures.group_version, "Bracket", name, color="blue", size=5)
    response = fixtures.server_side_apply(body=body, name=name, field_manager="py-test", serialize=False)
    assert response.status == 200
    updated = json.loads(response.data)
    assert updated["spec"] == {"color": "blue", "size": 5}
    assert updated["metadata"]["uid"] == created["metadata"]["uid"]
    assert updated["metadata"]["generation"] == 2
    assert as_dict(fixtures.get(name=name))["spec"] == {"color": "blue", "size": 5}
    fixtures.delete(name=name)


def test_server_side_apply_rejects_unknown_fields(crds, configmaps, namespace):
    # Unlike create, update and the other patches, which drop fields the schema does not
    # declare, an apply configuration must fit the schema: kube-apiserver answers
    # "failed to create typed patch object (...): .spec.extra: field not declared in schema"
    # (an error Status, today with code 500 - kubernetes/kubernetes#139253) and stores nothing.
    gadgets = crds.create("Cog", "cogs", "Namespaced")
    cog = widget(gadgets.group_version, "Cog", unique("c"), namespace, color="red")
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": unique("cm"), "namespace": namespace},
          "data": {"k": "v"}}
    cases = [
        (gadgets, cog, {**cog, "spec": {"color": "red", "extra": "x"}}, ".spec.extra"),
        (configmaps, cm, {**cm, "bogus": "x"}, ".bogus"),
    ]
    for resource, valid, invalid, field in cases:
        name = valid["metadata"]["name"]

        def rejected(dry_run):
            with pytest.raises(ApiException) as failure:
                resource.server_side_apply(body=invalid, name=name, namespace=namespace, field_manager="py-test",
                                           dry_run=dry_run)
            assert failure.value.status >= 400
            status = json.loads(failure.value.body)
            assert status["kind"] == "Status"
            assert f"{field}: field not declared in schema" in status["message"]

        # Creating: nothing is stored.
        for dry_run in ("All", None):
            rejected(dry_run)
            with pytest.raises(NotFoundError):
                resource.get(name=name, namespace=namespace)

        # Updating: nothing changes.
        created = as_dict(resource.create(body=valid, namespace=namespace))
        for dry_run in ("All", None):
            rejected(dry_run)
            got = as_dict(resource.get(name=name, namespace=namespace))
            assert got["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]


def test_patch_options_are_validated(configmaps, namespace):
    name = unique("cm")
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": "v"}}

    # An apply patch must name its field manager.
    with pytest.raises(ApiException) as failure:
        configmaps.server_side_apply(body=body, name=name, namespace=namespace)
    assert failure.value.status == 422
    status = json.loads(failure.value.body)
    assert status["reason"] == "Invalid"
    assert status["message"] == 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'
    assert status["details"]["group"] == "meta.k8s.io"
    assert status["details"]["kind"] == "PatchOptions"
    assert status["details"]["causes"] == [
        {"reason": "FieldValueRequired", "message": "Required value: is required for apply patch", "field": "fieldManager"}]
    with pytest.raises(NotFoundError):
        configmaps.get(name=name, namespace=namespace)

    # force belongs to apply patches only.
    configmaps.create(namespace=namespace, body=body)
    with pytest.raises(ApiException) as failure:
        configmaps.patch(body={"data": {"k": "w"}}, name=name, namespace=namespace,
                         content_type="application/merge-patch+json", force_conflicts=True)
    assert failure.value.status == 422
    status = json.loads(failure.value.body)
    assert status["reason"] == "Invalid"
    assert status["message"] == 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch'
    assert as_dict(configmaps.get(name=name, namespace=namespace))["data"] == {"k": "v"}


def apply_conflicts(resource, body_for, namespace=None):
    """Apply by one manager, a conflicting apply by another (409), then forced (200)."""
    ns = {"namespace": namespace} if namespace else {}
    name = body_for("first")["metadata"]["name"]
    first = as_dict(resource.server_side_apply(body=body_for("first"), name=name, field_manager="py-a", **ns))
    assert entry(first, "py-a", "Apply") is not None, f"managedFields: {managed_fields(first)}"
    stored = as_dict(resource.get(name=name, **ns))
    assert stored["metadata"]["uid"] == first["metadata"]["uid"]

    with pytest.raises(ApiException) as conflict:
        resource.server_side_apply(body=body_for("second"), name=name, field_manager="py-b", **ns)
    assert conflict.value.status == 409
    status = json.loads(conflict.value.body)
    assert status["kind"] == "Status"
    assert status["reason"] == "Conflict"
    assert "py-a" in status["message"]
    causes = status.get("details", {}).get("causes") or []
    assert causes and all(c["reason"] == "FieldManagerConflict" for c in causes), causes
    # Nothing changed.
    unchanged = as_dict(resource.get(name=name, **ns))
    assert unchanged["metadata"]["resourceVersion"] == stored["metadata"]["resourceVersion"]

    forced = as_dict(resource.server_side_apply(body=body_for("second"), name=name, field_manager="py-b",
                                                force_conflicts=True, **ns))
    assert int(forced["metadata"]["resourceVersion"]) > int(stored["metadata"]["resourceVersion"])
    assert entry(forced, "py-b", "Apply") is not None, f"managedFields: {managed_fields(forced)}"
    return name, forced


def test_server_side_apply_conflicts_on_configmap(configmaps, namespace):
    name = unique("cm")

    def body_for(value):
        return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": value}}

    _, forced = apply_conflicts(configmaps, body_for, namespace)
    assert forced["data"] == {"k": "second"}
    assert owners_of(forced, "f:data", "f:k") == ["py-b"]
    got = as_dict(configmaps.get(name=name, namespace=namespace))
    assert got["data"] == {"k": "second"}
    assert owners_of(got, "f:data", "f:k") == ["py-b"]


def test_server_side_apply_conflicts_on_custom_resource(crds):
    fixtures = crds.create("Widget", "widgets", "Cluster")
    name = unique("w")

    def body_for(value):
        return widget(fixtures.group_version, "Widget", name, color=value)

    _, forced = apply_conflicts(fixtures, body_for)
    assert forced["spec"] == {"color": "second", "size": 3}
    assert owners_of(forced, "f:spec", "f:color") == ["py-b"]

    # py-b is now color's only owner: applying without it removes it.
    body = widget(fixtures.group_version, "Widget", name)
    del body["spec"]
    reapplied = as_dict(fixtures.server_side_apply(body=body, name=name, field_manager="py-b"))
    assert "color" not in reapplied.get("spec", {})
    fixtures.delete(name=name)
