import PlinthAPIMachinery
import PlinthJSON
import Testing

/// Server-side apply and field ownership, on a ConfigMap-like object with an associative list.
@Suite("managed fields and server-side apply")
struct FieldManagerTests {
    let schema: JSON = [
        "type": "object",
        "properties": [
            "metadata": ["type": "object", "properties": ["labels": ["type": "object", "additionalProperties": ["type": "string"]]]],
            "data": ["type": "object", "additionalProperties": ["type": "string"]],
            "ports": ["type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                      "items": ["type": "object", "properties": ["name": ["type": "string"], "port": ["type": "integer"]]]],
        ],
    ]

    func manager(_ now: String = "2026-01-01T00:00:00Z") -> FieldManager {
        FieldManager(shape: ObjectShape(components: [:]), root: schema, apiVersion: "v1", subresource: nil, statusIsSubresource: false, now: now)
    }

    func entries(_ o: JSON) -> [ManagedFieldsEntry] { ManagedFieldsEntry.decode(o[path: ["metadata", "managedFields"]]) ?? [] }

    @Test func createRecordsEveryFieldInFieldsV1() {
        let created = manager().update(live: nil, new: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "a"], "data": ["k": "v"]], manager: "kubectl-create")
        let e = entries(created)
        #expect(e.count == 1)
        #expect(e.first?.manager == "kubectl-create" && e.first?.operation == "Update")
        #expect(e.first?.fields.fieldsV1 == ["f:data": ["f:k": [:], ".": [:]]])
    }

    @Test func applyConflictsWithAnotherManagerUnlessForced() throws {
        let fm = manager()
        let first = try fm.apply(live: nil, config: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "a"], "data": ["k": "v", "j": "w"]],
                                 manager: "one", force: false)
        // Same value: shared ownership, no conflict.
        let shared = try fm.apply(live: first, config: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "a"], "data": ["j": "w"]],
                                  manager: "two", force: false)
        #expect(entries(shared).count == 2)
        do {
            _ = try fm.apply(live: shared, config: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "a"], "data": ["k": "x"]],
                             manager: "two", force: false)
            Issue.record("expected a conflict")
        } catch {
            #expect(error.message == #"Apply failed with 1 conflict: conflict with "one": .data.k"#)
        }
        let forced = try fm.apply(live: shared, config: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "a"], "data": ["k": "x"]],
                                  manager: "two", force: true)
        #expect(forced[path: ["data", "k"]] == "x")
        let one = entries(forced).first { $0.manager == "one" }
        #expect(one?.fields.contains([.field("data"), .field("k")]) == false)
        #expect(one?.fields.contains([.field("data"), .field("j")]) == true)
    }

    @Test func fieldsAnApplierStopsSettingAreRemovedUnlessOthersOwnThem() throws {
        let fm = manager()
        var o = try fm.apply(live: nil, config: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "a"], "data": ["k": "v", "j": "w"],
                                                 "ports": [["name": "a", "port": 1], ["name": "b", "port": 2]]], manager: "one", force: false)
        o = try fm.apply(live: o, config: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "a"], "data": ["k": "v"],
                                           "ports": [["name": "a", "port": 1]]], manager: "one", force: false)
        #expect(o["data"] == ["k": "v"])
        #expect(o["ports"] == [["name": "a", "port": 1]])
        // A field also owned by an Update manager stays.
        o = manager("2026-01-01T00:00:01Z").update(live: o, new: { var n = o; n[path: ["data", "z"]] = "1"; return n }(), manager: "editor")
        o = try fm.apply(live: o, config: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "a"], "data": ["z": "1"]], manager: "one", force: false)
        #expect(o["data"] == ["z": "1"])
    }

    @Test func multipleConflictsListEachField() throws {
        let fm = manager()
        let o = fm.update(live: nil, new: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "a", "labels": ["app": "x"]], "data": ["k": "v"]],
                          manager: "kubectl-client-side-apply")
        do {
            _ = try fm.apply(live: o, config: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "a", "labels": ["app": "y"]], "data": ["k": "w"]],
                             manager: "other", force: false)
            Issue.record("expected conflicts")
        } catch {
            #expect(error.message == "Apply failed with 2 conflicts: conflicts with \"kubectl-client-side-apply\" using v1:\n- .data.k\n- .metadata.labels.app")
        }
    }

    @Test func fieldsV1RoundTripsAssociativeKeys() {
        var set = FieldSet()
        set.insert([.field("ports"), .key(#"{"name":"a"}"#)])
        set.insert([.field("ports"), .key(#"{"name":"a"}"#), .field("port")])
        let json = set.fieldsV1
        #expect(json == ["f:ports": [#"k:{"name":"a"}"#: [".": [:], "f:port": [:]]]])
        #expect(FieldSet(fieldsV1: json) == set)
        #expect(FieldSet.describe([.field("ports"), .key(#"{"name":"a"}"#), .field("port")]) == #".ports[name="a"].port"#)
    }

    /// `{port: 80}` is the same list item as the stored `{port: 80, protocol: TCP}` (the key
    /// field's default), so applying it twice does not duplicate it.
    @Test func missingKeyFieldsTakeTheirDefault() throws {
        let ports: JSON = ["type": "object", "properties": [
            "ports": ["type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["port", "protocol"],
                      "items": ["type": "object", "properties": ["port": ["type": "integer"], "protocol": ["type": "string"]]]],
        ]]
        let fm = FieldManager(shape: ObjectShape(components: [:]), root: ports, apiVersion: "v1", subresource: nil, statusIsSubresource: false, now: "2026-01-01T00:00:00Z")
        let live: JSON = ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "s"], "ports": [["port": 80, "protocol": "TCP"]]]
        let once = try fm.apply(live: live, config: ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "s"], "ports": [["port": 80]]],
                                manager: "m", force: false)
        #expect(once["ports"]?.arrayValue?.count == 1)
    }
}
