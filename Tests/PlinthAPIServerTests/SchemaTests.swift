import PlinthAPIMachinery
@testable import PlinthAPIServer
import PlinthJSON
import Testing

/// Unknown-field pruning over the complete built-in schemas, and the OpenAPI documents.
@Suite("schemas and pruning")
struct SchemaTests {
    let catalog = ResourceCatalog(BuiltinResources.all)
    let pruner: UnknownFieldPruner

    init() {
        pruner = UnknownFieldPruner(catalog: catalog)
    }

    func resource(_ group: String, _ plural: String) -> ResourceType {
        catalog.lookup(group: group, version: "v1", plural: plural)!
    }

    static let deployment: JSON = [
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": ["name": "d", "labels": ["a": "b"], "annotations": ["x": "y"],
                     "ownerReferences": [["apiVersion": "v1", "kind": "K", "name": "n", "uid": "u", "controller": true]]],
        "spec": [
            "replicas": 2,
            "selector": ["matchLabels": ["a": "b"], "matchExpressions": [["key": "k", "operator": "In", "values": ["v"]]]],
            "strategy": ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": 1, "maxUnavailable": "25%"]],
            "template": [
                "metadata": ["labels": ["a": "b"]],
                "spec": [
                    "containers": [[
                        "name": "c", "image": "i", "imagePullPolicy": "Always",
                        "ports": [["containerPort": 80, "protocol": "TCP"]],
                        "env": [["name": "A", "valueFrom": ["fieldRef": ["fieldPath": "metadata.name"]]]],
                        "resources": ["limits": ["cpu": "1", "memory": 1024], "requests": ["cpu": 0.5]],
                        "readinessProbe": ["httpGet": ["port": "http", "path": "/"]],
                    ]],
                    "volumes": [["name": "v", "configMap": ["name": "cm", "items": [["key": "k", "path": "p"]]]]],
                    "nodeSelector": ["disk": "ssd"],
                ],
            ],
        ],
        "status": ["replicas": 2, "conditions": [["type": "Available", "status": "True", "lastTransitionTime": "2024-01-01T00:00:00Z"]]],
    ]

    @Test func knownFieldsAreKeptAsTheyAre() {
        let (pruned, unknown) = pruner.prune(Self.deployment, resource("apps", "deployments"))
        #expect(unknown.isEmpty)
        #expect(pruned == Self.deployment)
    }

    @Test func unknownNestedFieldsAreNamedAndDropped() {
        var object = Self.deployment
        object[path: ["spec", "template", "spec", "containers"]] = [
            ["name": "a", "image": "i"],
            ["name": "c", "image": "i", "imagePullPolice": "Always", "ports": [["containerPort": 80, "hostIPP": "x"]]],
        ]
        object[path: ["spec", "template", "spec", "volumes"]] = [["name": "v", "emptyDir": ["medium": "Memory", "sizeLimt": "1Gi"]]]
        object[path: ["spec", "strategy", "rollingUpdate", "maxSurgeX"]] = 1
        object[path: ["metadata", "bogus"]] = "x"
        object["extra"] = true
        let (pruned, unknown) = pruner.prune(object, resource("apps", "deployments"))
        #expect(unknown == [
            "metadata.bogus",
            "spec.strategy.rollingUpdate.maxSurgeX",
            "spec.template.spec.containers[1].imagePullPolice",
            "spec.template.spec.containers[1].ports[0].hostIPP",
            "spec.template.spec.volumes[0].emptyDir.sizeLimt",
            "extra",
        ])
        #expect(pruned[path: ["spec", "template", "spec", "containers"]] == [
            ["name": "a", "image": "i"], ["name": "c", "image": "i", "ports": [["containerPort": 80]]],
        ])
        #expect(pruned[path: ["spec", "template", "spec", "volumes"]] == [["name": "v", "emptyDir": ["medium": "Memory"]]])
        #expect(pruned["extra"] == nil)
        #expect(pruned[path: ["metadata", "labels"]] == ["a": "b"])
    }

    @Test func opaqueValuesAreLeaves() {
        // RawExtension content, FieldsV1, map values of scalars: kept whatever they hold.
        let revision: JSON = [
            "apiVersion": "apps/v1", "kind": "ControllerRevision", "revision": 1,
            "metadata": ["name": "r", "managedFields": [["manager": "m", "fieldsType": "FieldsV1", "fieldsV1": ["f:spec": ["f:x": [:]]]]]],
            "data": ["spec": ["anything": ["goes": true]]],
        ]
        let (pruned, unknown) = pruner.prune(revision, resource("apps", "controllerrevisions"))
        #expect(unknown.isEmpty)
        #expect(pruned == revision)
    }

    @Test func mapValuesOfMessagesAreWalked() {
        let review: JSON = [
            "apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview",
            "spec": ["token": "t", "audiences": ["a"]],
            "status": ["user": ["username": "u", "extra": ["k": ["v"]], "nope": 1]],
        ]
        let r = catalog.lookup(group: "authentication.k8s.io", version: "v1", plural: "tokenreviews")!
        let (_, unknown) = pruner.prune(review, r)
        #expect(unknown == ["status.user.nope"])
    }

    @Test func openAPIAdvertisesStrategicMergeForBuiltinKinds() throws {
        let docs = OpenAPIDocuments(catalog: catalog)
        let index = try JSON.parse(docs.index())
        let url = try #require(index["paths"]?["apis/apps/v1"]?["serverRelativeURL"]?.stringValue)
        #expect(url.hasPrefix("/openapi/v3/apis/apps/v1?hash="))
        let doc = try JSON.parse(try #require(docs.document(for: "apis/apps/v1")).bytes)
        let patch = doc["paths"]?["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]?["patch"]
        let types = patch?["requestBody"]?["content"]?.objectValue?.keys ?? []
        #expect(types.contains("application/strategic-merge-patch+json"))
        #expect(types.contains("application/apply-patch+yaml"))
        let schemas = try #require(doc["components"]?["schemas"])
        let deployment = try #require(schemas["io.k8s.api.apps.v1.Deployment"])
        #expect(deployment["x-kubernetes-group-version-kind"] == [["group": "apps", "kind": "Deployment", "version": "v1"]])
        #expect(deployment["description"]?.stringValue?.isEmpty == false)
        #expect(schemas["io.k8s.api.core.v1.PodSpec"]?["properties"]?["containers"]?["x-kubernetes-patch-merge-key"] == "name")
        #expect(schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Patch"] != nil)
        // The list operation returns the generated list kind.
        let list = doc["paths"]?["/apis/apps/v1/namespaces/{namespace}/deployments"]?["get"]
        #expect(list?["responses"]?["200"]?["content"]?["application/json"]?["schema"]?["$ref"]
            == "#/components/schemas/io.k8s.api.apps.v1.DeploymentList")
    }
}
