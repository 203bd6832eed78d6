import Testing
import PlinthJSON
@testable import PlinthAPIMachinery

@Suite struct BuiltinOpenAPISchemaTests {
    static let apps = BuiltinOpenAPISchemas.components(group: "apps", version: "v1")
    static let core = BuiltinOpenAPISchemas.components(group: "", version: "v1")

    static func property(_ components: JSONObject, _ schema: String, _ name: String) -> JSON? {
        components[schema]?["properties"]?[name]
    }

    @Test func namesFollowUpstream() {
        #expect(BuiltinOpenAPISchemas.schemaName(group: "apps", version: "v1", kind: "Deployment") == "io.k8s.api.apps.v1.Deployment")
        #expect(BuiltinOpenAPISchemas.schemaName(group: "", version: "v1", kind: "Pod") == "io.k8s.api.core.v1.Pod")
        #expect(BuiltinOpenAPISchemas.schemaName(group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole")
            == "io.k8s.api.rbac.v1.ClusterRole")
        #expect(BuiltinOpenAPISchemas.schemaName(group: "autoscaling", version: "v2", kind: "HorizontalPodAutoscaler")
            == "io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler")
        // Not kinds, other groups, unknown versions.
        #expect(BuiltinOpenAPISchemas.schemaName(group: "apps", version: "v1", kind: "DeploymentSpec") == nil)
        #expect(BuiltinOpenAPISchemas.schemaName(group: "apps.example.com", version: "v1", kind: "Deployment") == nil)
        #expect(BuiltinOpenAPISchemas.schemaName(group: "apps", version: "v1beta1", kind: "Deployment") == nil)
        #expect(BuiltinOpenAPISchemas.components(group: "example.com", version: "v1").isEmpty)
    }

    @Test func kindsCarryTheirGroupVersionKind() throws {
        let deployment = try #require(Self.apps["io.k8s.api.apps.v1.Deployment"])
        #expect(deployment["x-kubernetes-group-version-kind"] == [["group": "apps", "kind": "Deployment", "version": "v1"]])
        #expect(deployment["properties"]?["apiVersion"] == ["type": "string"])
        #expect(deployment["properties"]?["metadata"] == [
            "allOf": [["$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]], "default": [:],
        ])
        let list = try #require(Self.apps["io.k8s.api.apps.v1.DeploymentList"])
        #expect(list["x-kubernetes-group-version-kind"] == [["group": "apps", "kind": "DeploymentList", "version": "v1"]])
        #expect(list["required"] == ["items"])
        // Types of other packages are included, without a kind of this group-version.
        #expect(Self.apps["io.k8s.api.core.v1.PodSpec"]?["x-kubernetes-group-version-kind"] == nil)
    }

    @Test func patchAndListExtensions() {
        let containers = Self.property(Self.apps, "io.k8s.api.core.v1.PodSpec", "containers")
        #expect(containers == [
            "type": "array",
            "items": ["allOf": [["$ref": "#/components/schemas/io.k8s.api.core.v1.Container"]], "default": [:]],
            "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge",
            "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
        ])
        #expect(Self.apps["io.k8s.api.core.v1.PodSpec"]?["required"] == ["containers"])
        let volumes = Self.property(Self.apps, "io.k8s.api.core.v1.PodSpec", "volumes")
        #expect(volumes?["x-kubernetes-patch-strategy"] == "merge,retainKeys")
        let ports = Self.property(Self.apps, "io.k8s.api.core.v1.Container", "ports")
        #expect(ports?["x-kubernetes-list-map-keys"] == ["containerPort", "protocol"])
        #expect(Self.property(Self.apps, "io.k8s.api.core.v1.Container", "args")?["x-kubernetes-list-type"] == "atomic")
        #expect(Self.property(Self.apps, "io.k8s.api.core.v1.PodSpec", "nodeSelector") == [
            "type": "object", "additionalProperties": ["type": "string", "default": ""], "x-kubernetes-map-type": "atomic",
        ])
        // A message field with an extension: the reference moves into allOf.
        #expect(Self.property(Self.apps, "io.k8s.api.apps.v1.DeploymentSpec", "strategy") == [
            "allOf": [["$ref": "#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy"]], "default": [:],
            "x-kubernetes-patch-strategy": "retainKeys",
        ])
        let policy = BuiltinOpenAPISchemas.components(group: "policy", version: "v1")
        #expect(Self.property(policy, "io.k8s.api.policy.v1.PodDisruptionBudgetSpec", "selector") == [
            "allOf": [["$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"]],
            "x-kubernetes-patch-strategy": "replace",
        ])
        #expect(Self.apps["io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"]?["x-kubernetes-map-type"] == "atomic")
        #expect(Self.property(Self.apps, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "finalizers") == [
            "type": "array", "items": ["type": "string", "default": ""],
            "x-kubernetes-patch-strategy": "merge", "x-kubernetes-list-type": "set",
        ])
    }

    @Test func scalarsAndNamedLeafTypes() {
        #expect(Self.property(Self.apps, "io.k8s.api.core.v1.ContainerPort", "containerPort") == [
            "type": "integer", "format": "int32", "default": 0,
        ])
        #expect(Self.property(Self.apps, "io.k8s.api.core.v1.ContainerPort", "hostPort") == ["type": "integer", "format": "int32"])
        #expect(Self.property(Self.apps, "io.k8s.api.apps.v1.DeploymentSpec", "replicas") == ["type": "integer", "format": "int32"])
        #expect(Self.property(Self.core, "io.k8s.api.core.v1.ConfigMap", "binaryData") == [
            "type": "object", "additionalProperties": ["type": "string", "format": "byte"],
        ])
        #expect(Self.property(Self.apps, "io.k8s.api.core.v1.ResourceRequirements", "limits") == [
            "type": "object", "additionalProperties": ["$ref": "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity"],
        ])
        #expect(Self.apps["io.k8s.apimachinery.pkg.api.resource.Quantity"] == ["oneOf": [["type": "string"], ["type": "number"]]])
        #expect(Self.apps["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] == [
            "format": "int-or-string", "oneOf": [["type": "integer"], ["type": "string"]],
        ])
        #expect(Self.apps["io.k8s.apimachinery.pkg.apis.meta.v1.Time"] == ["type": "string", "format": "date-time"])
        #expect(Self.apps["io.k8s.apimachinery.pkg.runtime.RawExtension"] == ["type": "object"])
        // Inline members' fields are the parent's.
        let selector = Self.apps["io.k8s.api.core.v1.ConfigMapKeySelector"]
        #expect(selector?["properties"]?["name"] != nil)
        #expect(selector?["properties"]?["localObjectReference"] == nil)
        #expect(selector?["x-kubernetes-map-type"] == "atomic")
        // A Go slice type (authentication's ExtraValue) is the array itself.
        let auth = BuiltinOpenAPISchemas.components(group: "authentication.k8s.io", version: "v1")
        #expect(Self.property(auth, "io.k8s.api.authentication.v1.UserInfo", "extra") == [
            "type": "object", "additionalProperties": ["type": "array", "items": ["type": "string", "default": ""]],
        ])
    }

    /// Every document is self-contained: each reference resolves within it, and every built-in
    /// kind has its schema.
    @Test func referencesResolveWithinEachDocument() {
        var groupVersions: [(String, String)] = []
        // apiextensions.k8s.io is not in the k8s.io/api tables; its kind has a hand-written schema.
        for r in BuiltinResources.all where r.group != "apiextensions.k8s.io" && !groupVersions.contains(where: { $0 == (r.group, r.version) }) {
            groupVersions.append((r.group, r.version))
        }
        for (group, version) in groupVersions {
            let components = BuiltinOpenAPISchemas.components(group: group, version: version)
            #expect(!components.isEmpty, "\(group)/\(version)")
            var refs: [String] = []
            func collect(_ v: JSON) {
                switch v {
                case .object(let o):
                    if let r = o["$ref"]?.stringValue { refs.append(r) }
                    for e in o.entries { collect(e.value) }
                case .array(let a): a.forEach(collect)
                default: break
                }
            }
            collect(.object(components))
            for r in refs {
                #expect(r.hasPrefix("#/components/schemas/") && components[String(r.dropFirst(21))] != nil, "\(group)/\(version): \(r)")
            }
            for r in BuiltinResources.all where r.group == group && r.version == version {
                let name = BuiltinOpenAPISchemas.schemaName(group: group, version: version, kind: r.kind)
                #expect(name.flatMap { components[$0] } != nil, "\(r.kind)")
            }
        }
    }

    @Test func tableFlagsParse() throws {
        let schema = ProtobufSchema(packages: [("t", """
            A^=atomic 1:x:[s!+%=set 2:y:[@B%name&=map:name,protocol 3:z:@B*#
                4:m:{s=granular 5:n:@B^ 6:o:@B=atomic 7:p:s-
            B 1:name:s!+
            """)])
        let a = try #require(schema.index["t.A"].map { schema.messages[$0] })
        #expect(a.hasTypeMeta && a.structType == "atomic")
        let f = a.fields
        #expect(f[0].repeated && f[0].required && f[0].openAPIRequired && f[0].patchMerge && f[0].patchMergeKey == nil && f[0].listType == "set")
        #expect(f[1].kind == .message(schema.index["t.B"]!) && f[1].patchStrategy == "merge,retainKeys" && f[1].patchMergeKey == "name")
        #expect(f[1].listType == "map" && f[1].listMapKeys == ["name", "protocol"])
        #expect(f[2].pointer && f[2].patchStrategy == "replace")
        #expect(f[3].map && f[3].mapType == "granular")
        #expect(f[4].inline && f[5].mapType == "atomic" && f[6].skip)
    }

    @Test func patchMetaFollowsTheTables() {
        let meta = BuiltinPatchMeta()
        // Tagged upstream, absent from the hand-written table.
        #expect(meta.patchMeta(kind: "Deployment", path: ["spec", "template", "spec", "evictionResponders"]) == .merge(key: "name"))
        #expect(meta.patchMeta(kind: "apps/StatefulSet", path: ["spec", "volumeClaimTemplates", "metadata", "finalizers"]) == .mergeSet)
        #expect(meta.patchMeta(kind: "apps/v1/Deployment", path: ["spec", "template", "spec", "volumes"]) == .merge(key: "name", retainKeys: true))
        #expect(meta.patchMeta(kind: "Deployment", path: ["spec", "strategy"]) == .retainKeysOnly)
        #expect(meta.patchMeta(kind: "policy/PodDisruptionBudget", path: ["spec", "selector"]) == .replace)
        #expect(meta.patchMeta(kind: "Pod", path: ["spec", "tolerations"]) == .none)
        #expect(meta.patchMeta(kind: "core/Pod", path: ["spec", "containers", "env"]) == .merge(key: "name"))
        // Map values: the key is part of the path.
        #expect(meta.patchMeta(kind: "Pod", path: ["metadata", "labels", "app"]) == .none)
        // Kinds not in the tables keep the transcription.
        #expect(meta.patchMeta(kind: "admissionregistration.k8s.io/ValidatingWebhookConfiguration", path: ["webhooks"]) == .merge(key: "name"))
        #expect(meta.patchMeta(kind: "Widget", path: ["metadata", "finalizers"]) == .mergeSet)
    }
}
