import PlinthAPIMachinery
import PlinthJSON
import Testing

private func json(_ text: String) -> JSON {
    do { return try JSON.parse(string: text) } catch { fatalError("bad test JSON: \(error) in \(text)") }
}

private func jsonPatch(_ patch: String, _ doc: String) throws(PatchError) -> JSON {
    try JSONPatch.apply(json(patch), to: json(doc))
}

private func jsonPatchError(_ patch: String, _ doc: String) -> PatchError? {
    do {
        _ = try JSONPatch.apply(json(patch), to: json(doc))
        return nil
    } catch {
        return error
    }
}

private func smp(_ patch: String, _ doc: String, kind: String) throws(PatchError) -> JSON {
    try StrategicMergePatch.apply(json(patch), to: json(doc), meta: BuiltinPatchMeta(), kind: kind)
}

private func smpError(_ patch: String, _ doc: String, kind: String) -> PatchError? {
    do {
        _ = try StrategicMergePatch.apply(json(patch), to: json(doc), meta: BuiltinPatchMeta(), kind: kind)
        return nil
    } catch {
        return error
    }
}

// MARK: - JSON patch

@Suite struct JSONPatchTests {
    @Test func addMemberAndArrayElements() throws {
        let out = try jsonPatch("""
            [{"op":"add","path":"/data/b","value":"2"},
             {"op":"add","path":"/list/1","value":"x"},
             {"op":"add","path":"/list/-","value":"end"},
             {"op":"add","path":"/list/-1","value":"last"}]
            """, #"{"data":{"a":"1"},"list":["p","q"]}"#)
        #expect(out == json(#"{"data":{"a":"1","b":"2"},"list":["p","x","q","end","last"]}"#))
    }

    @Test func addWithoutValueAddsNull() throws {
        #expect(try jsonPatch(#"[{"op":"add","path":"/a"}]"#, "{}") == json(#"{"a":null}"#))
    }

    @Test func removeMemberAndElement() throws {
        let out = try jsonPatch(#"[{"op":"remove","path":"/data/a"},{"op":"remove","path":"/list/0"}]"#,
                                #"{"data":{"a":"1","b":"2"},"list":[1,2]}"#)
        #expect(out == json(#"{"data":{"b":"2"},"list":[2]}"#))
    }

    @Test func removeMissingKeyFails() {
        let e = jsonPatchError(#"[{"op":"remove","path":"/data/x"}]"#, #"{"data":{}}"#)
        #expect(e?.message == "error in remove for path: '/data/x': Unable to remove nonexistent key: x: missing value")
        #expect(e?.code == 422)
    }

    @Test func removeMissingParentFails() {
        let e = jsonPatchError(#"[{"op":"remove","path":"/nope/x"}]"#, "{}")
        #expect(e?.message == #"remove operation does not apply: doc is missing path: "/nope/x": missing value"#)
    }

    @Test func replaceExistingAndMissingKey() throws {
        let out = try jsonPatch(#"[{"op":"replace","path":"/a","value":2},{"op":"replace","path":"/b","value":3}]"#,
                                #"{"a":1}"#)
        // json-patch v4 (kube-apiserver) lets replace of a missing object key act as add.
        #expect(out == json(#"{"a":2,"b":3}"#))
    }

    @Test func replaceMissingPathOrIndexFails() {
        #expect(jsonPatchError(#"[{"op":"replace","path":"/data/x","value":1}]"#, "{}")?.message
            == "replace operation does not apply: doc is missing path: /data/x: missing value")
        #expect(jsonPatchError(#"[{"op":"replace","path":"/list/5","value":1}]"#, #"{"list":[0]}"#)?.message
            == "replace operation does not apply: doc is missing key: /list/5: missing value")
    }

    @Test func moveAndCopy() throws {
        let out = try jsonPatch("""
            [{"op":"move","from":"/a/x","path":"/b/y"},
             {"op":"copy","from":"/b/y","path":"/c"}]
            """, #"{"a":{"x":[1]},"b":{}}"#)
        #expect(out == json(#"{"a":{},"b":{"y":[1]},"c":[1]}"#))
    }

    @Test func moveFromMissingKeyFails() {
        #expect(jsonPatchError(#"[{"op":"move","from":"/a/x","path":"/b"}]"#, #"{"a":{}}"#)?.message
            == "error in move for path: 'x': Unable to remove nonexistent key: x: missing value")
    }

    @Test func testOperation() throws {
        let doc = #"{"x":{"a":[1,"s"]},"n":null}"#
        #expect(try jsonPatch(#"[{"op":"test","path":"/x","value":{"a":[1,"s"]}}]"#, doc) == json(doc))
        #expect(try jsonPatch(#"[{"op":"test","path":"/n","value":null}]"#, doc) == json(doc))
        #expect(try jsonPatch(#"[{"op":"test","path":"/missing","value":null}]"#, doc) == json(doc))
        let e = jsonPatchError(#"[{"op":"test","path":"/x","value":"other"}]"#, doc)
        #expect(e?.message == "testing value /x failed: test failed")
        #expect(e?.code == 422)
        #expect(e?.apiError.message == "the server rejected our request due to an error in our request")
        #expect(e?.apiError.reason == "Invalid")
    }

    @Test func pointerEscapes() throws {
        let out = try jsonPatch(#"[{"op":"add","path":"/metadata/annotations/example.com~1a~0b","value":"v"}]"#,
                                #"{"metadata":{"annotations":{}}}"#)
        #expect(out == json(#"{"metadata":{"annotations":{"example.com/a~b":"v"}}}"#))
    }

    @Test func badArrayIndex() {
        #expect(jsonPatchError(#"[{"op":"add","path":"/l/9","value":1}]"#, #"{"l":[]}"#)?.message
            == "error in add for path: '/l/9': Unable to access invalid index: 9: invalid index referenced")
        #expect(jsonPatchError(#"[{"op":"add","path":"/l/x","value":1}]"#, #"{"l":[]}"#)?.message
            == #"error in add for path: '/l/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax"#)
    }

    @Test func invalidPatchDocument() {
        let e = jsonPatchError(#"{"op":"add","path":"/a","value":1}"#, "{}")
        #expect(e?.message == "json: cannot unmarshal object into Go value of type jsonpatch.Patch")
        #expect(e?.code == 400)
        #expect(e?.apiError.reason == "BadRequest")
        #expect(jsonPatchError("[1]", "{}")?.message == "json: cannot unmarshal number into Go value of type jsonpatch.Operation")
    }

    @Test func unknownOperation() {
        #expect(jsonPatchError(#"[{"op":"foo","path":"/a"}]"#, "{}")?.message == "Unexpected kind: foo")
        #expect(jsonPatchError(#"[{"path":"/a"}]"#, "{}")?.message == "Unexpected kind: unknown")
    }

    @Test func missingPathField() {
        #expect(jsonPatchError(#"[{"op":"replace","value":1}]"#, "{}")?.message
            == "replace operation failed to decode path: operation missing path field: missing value")
    }
}

// MARK: - Merge patch

@Suite struct MergePatchTests {
    @Test func nullDeletesAndObjectsMerge() {
        let out = MergePatch.apply(json(#"{"metadata":{"labels":{"a":null,"c":"3"}},"spec":{"x":null}}"#),
                                       to: json(#"{"metadata":{"labels":{"a":"1","b":"2"}},"spec":{"x":1,"y":2}}"#))
        #expect(out == json(#"{"metadata":{"labels":{"b":"2","c":"3"}},"spec":{"y":2}}"#))
    }

    @Test func arraysAndScalarsReplace() {
        let out = MergePatch.apply(json(#"{"list":[{"a":1,"b":null}],"s":{"k":"v","n":null}}"#),
                                       to: json(#"{"list":[1,2,3],"s":"old"}"#))
        // Nulls inside inserted values are pruned, as upstream does.
        #expect(out == json(#"{"list":[{"a":1}],"s":{"k":"v"}}"#))
    }

    @Test func nonObjectPatchIsTheResult() {
        #expect(MergePatch.apply(json(#"[{"a":null}]"#), to: json(#"{"a":1}"#)) == json("[{}]"))
        #expect(MergePatch.apply(json(#"{"a":{"b":null,"c":1}}"#), to: json(#"{"a":"s"}"#)) == json(#"{"a":{"c":1}}"#))
    }
}

// MARK: - Strategic merge patch

@Suite struct StrategicMergePatchTests {
    static let deployment = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","finalizers":["a"]},
         "spec":{"replicas":1,"template":{"metadata":{"labels":{"app":"x"}},"spec":{
           "containers":[
             {"name":"app","image":"app:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
              "ports":[{"containerPort":80,"protocol":"TCP"}]},
             {"name":"side","image":"side:1"}],
           "tolerations":[{"key":"k1","operator":"Exists"}]}}},
         "status":{"conditions":[{"type":"Available","status":"False"},{"type":"Progressing","status":"True"}]}}
        """

    @Test func containersMergeByName() throws {
        let out = try smp(#"{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"app:2"},{"name":"new","image":"n:1"}]}}}}"#,
                          Self.deployment, kind: "apps/Deployment")
        let containers = out[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
        // Upstream order: patch items in patch order, each server-only item kept after the
        // patch items that preceded it in the original (so new items land before it).
        #expect(containers.map { $0.string("name") } == ["app", "new", "side"])
        #expect(containers[0].string("image") == "app:2")
        #expect(containers[0]["env"]?.arrayValue?.count == 2)  // untouched fields stay
        #expect(containers[2].string("image") == "side:1")
    }

    @Test func deleteDirectiveInList() throws {
        let out = try smp(#"{"spec":{"template":{"spec":{"containers":[{"name":"side","$patch":"delete"}]}}}}"#,
                          Self.deployment, kind: "Deployment")
        #expect(out[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.map { $0.string("name") } == ["app"])
    }

    @Test func replaceDirectiveInList() throws {
        let out = try smp(#"{"spec":{"template":{"spec":{"containers":[{"name":"only","image":"o"},{"$patch":"replace"}]}}}}"#,
                          Self.deployment, kind: "Deployment")
        #expect(out[path: ["spec", "template", "spec", "containers"]] == json(#"[{"name":"only","image":"o"}]"#))
    }

    @Test func envMergesInsideContainer() throws {
        let out = try smp(#"{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"B","value":"20"},{"name":"C","value":"3"},{"name":"A","$patch":"delete"}]}]}}}}"#,
                          Self.deployment, kind: "Deployment")
        let env = out[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["env"]
        #expect(env == json(#"[{"name":"B","value":"20"},{"name":"C","value":"3"}]"#))
    }

    @Test func portsMergeByContainerPort() throws {
        let out = try smp(#"{"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[{"containerPort":443}]}]}}}}"#,
                          Self.deployment, kind: "Deployment")
        let ports = out[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["ports"]
        // New elements come before server-only ones, as upstream orders them.
        #expect(ports == json(#"[{"containerPort":443},{"containerPort":80,"protocol":"TCP"}]"#))
    }

    @Test func finalizersMergeAsSet() throws {
        let out = try smp(#"{"metadata":{"finalizers":["b","a"]}}"#, Self.deployment, kind: "Deployment")
        #expect(out[path: ["metadata", "finalizers"]] == json(#"["b","a"]"#))  // patch order wins
        let removed = try smp(#"{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}"#, Self.deployment, kind: "Deployment")
        #expect(removed[path: ["metadata", "finalizers"]] == json("[]"))
        #expect(removed["metadata"]?.objectValue?.keys.contains { $0.hasPrefix("$") } == false)
    }

    @Test func listWithoutMergeKeyIsReplaced() throws {
        let out = try smp(#"{"spec":{"template":{"spec":{"tolerations":[{"key":"k2","operator":"Exists"}]}}}}"#,
                          Self.deployment, kind: "Deployment")
        #expect(out[path: ["spec", "template", "spec", "tolerations"]] == json(#"[{"key":"k2","operator":"Exists"}]"#))
    }

    @Test func conditionsMergeByType() throws {
        let out = try smp(#"{"status":{"conditions":[{"type":"Available","status":"True"},{"type":"ReplicaFailure","status":"False"}]}}"#,
                          Self.deployment, kind: "apps/Deployment")
        #expect(out[path: ["status", "conditions"]] == json("""
            [{"type":"Available","status":"True"},{"type":"ReplicaFailure","status":"False"},
             {"type":"Progressing","status":"True"}]
            """))
    }

    @Test func nullDeletesKey() throws {
        let out = try smp(#"{"spec":{"replicas":null},"metadata":{"labels":{"n":"1","gone":null}}}"#,
                          Self.deployment, kind: "Deployment")
        #expect(out[path: ["spec", "replicas"]] == nil)
        #expect(out[path: ["metadata", "labels"]] == json(#"{"n":"1"}"#))
    }

    @Test func objectDirectives() throws {
        let replaced = try smp(#"{"spec":{"template":{"metadata":{"$patch":"replace","labels":{"b":"2"}}}}}"#,
                               Self.deployment, kind: "Deployment")
        #expect(replaced[path: ["spec", "template", "metadata"]] == json(#"{"labels":{"b":"2"}}"#))
        let deleted = try smp(#"{"spec":{"template":{"metadata":{"$patch":"delete"}}}}"#, Self.deployment, kind: "Deployment")
        #expect(deleted[path: ["spec", "template", "metadata"]] == json("{}"))
        let e = smpError(#"{"spec":{"template":{"metadata":{"$patch":"merge"}}}}"#, Self.deployment, kind: "Deployment")
        #expect(e?.message == "unknown patch type: merge in map: map[$patch:merge]")
    }

    @Test func retainKeys() throws {
        let doc = #"{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}"#
        let out = try smp(#"{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}"#, doc, kind: "Deployment")
        #expect(out == json(#"{"spec":{"strategy":{"type":"Recreate"}}}"#))
        #expect(smpError(#"{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{}}}}"#, doc, kind: "Deployment")?.code == 400)
    }

    @Test func setElementOrder() throws {
        let out = try smp("""
            {"spec":{"template":{"spec":{
              "$setElementOrder/containers":[{"name":"side"},{"name":"app"}],
              "containers":[{"name":"app","image":"app:3"}]}}}}
            """, Self.deployment, kind: "Deployment")
        let containers = out[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
        #expect(containers.map { $0.string("name") } == ["side", "app"])
        #expect(containers[1].string("image") == "app:3")
        #expect(out[path: ["spec", "template", "spec"]]?.objectValue?.keys.contains { $0.hasPrefix("$") } == false)
    }

    @Test func missingMergeKey() {
        let e = smpError(#"{"spec":{"template":{"spec":{"containers":[{"image":"nginx"}]}}}}"#, Self.deployment, kind: "Deployment")
        #expect(e?.message == "map: map[image:nginx] does not contain declared merge key: name")
        #expect(e?.code == 500)
    }

    @Test func directivesDoNotLeakIntoNewValues() throws {
        let out = try smp(#"{"spec":{"template":{"spec":{"containers":[{"name":"n","$setElementOrder/env":[{"name":"X"}],"env":[{"name":"X","value":null}]}]}}}}"#,
                          Self.deployment, kind: "Deployment")
        let added = out[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first
        #expect(added == json(#"{"name":"n","env":[{"name":"X"}]}"#))
        // A new key whose object carries `$patch` is dropped (upstream's removeDirectives) …
        let dropped = try smp(#"{"spec":{"template":{"spec":{"affinity":{"$patch":"replace","nodeAffinity":{}}}}}}"#,
                              Self.deployment, kind: "Deployment")
        #expect(dropped[path: ["spec", "template", "spec", "affinity"]] == nil)
        // … while inside an appended element only the directive key goes (Go decoding ignores it).
        let kept = try smp(#"{"spec":{"template":{"spec":{"containers":[{"name":"n","resources":{"$patch":"replace","limits":{"cpu":"1"}}}]}}}}"#,
                           Self.deployment, kind: "Deployment")
        #expect(kept[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first
            == json(#"{"name":"n","resources":{"limits":{"cpu":"1"}}}"#))
    }

    @Test func podAndServiceAndCronJobPaths() throws {
        let pod = try smp(#"{"spec":{"containers":[{"name":"c","image":"b"}]}}"#,
                          #"{"spec":{"containers":[{"name":"c","image":"a","args":["x"]}]}}"#, kind: "Pod")
        #expect(pod == json(#"{"spec":{"containers":[{"name":"c","image":"b","args":["x"]}]}}"#))
        let svc = try smp(#"{"spec":{"ports":[{"port":443,"name":"https"}]}}"#,
                          #"{"spec":{"ports":[{"port":80,"name":"http"}]}}"#, kind: "Service")
        #expect(svc == json(#"{"spec":{"ports":[{"port":443,"name":"https"},{"port":80,"name":"http"}]}}"#))
        let cron = try smp(#"{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"b"}]}}}}}}"#,
                           #"{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"a"},{"name":"d"}]}}}}}}"#,
                           kind: "batch/CronJob")
        #expect(cron[path: ["spec", "jobTemplate", "spec", "template", "spec", "containers"]]
            == json(#"[{"name":"c","image":"b"},{"name":"d"}]"#))
    }

    @Test func unknownKindsStillMergeMetadata() throws {
        let out = try smp(#"{"metadata":{"ownerReferences":[{"uid":"2","name":"b"}]},"data":{"k":"v"}}"#,
                          #"{"metadata":{"ownerReferences":[{"uid":"1","name":"a"}]},"data":{"j":"w"}}"#, kind: "ConfigMap")
        #expect(out == json(#"{"metadata":{"ownerReferences":[{"uid":"2","name":"b"},{"uid":"1","name":"a"}]},"data":{"j":"w","k":"v"}}"#))
    }

    @Test func builtinTable() {
        let m = BuiltinPatchMeta()
        #expect(m.patchMeta(kind: "apps/StatefulSet", path: ["spec", "template", "spec", "initContainers"]) == .merge(key: "name"))
        #expect(m.patchMeta(kind: "Pod", path: ["spec", "containers", "volumeMounts"]) == .merge(key: "mountPath"))
        #expect(m.patchMeta(kind: "Pod", path: ["spec", "tolerations"]) == .none)
        #expect(m.patchMeta(kind: "Pod", path: ["spec", "volumes"]).mergeKey == "name")
        #expect(m.patchMeta(kind: "Node", path: ["status", "addresses"]) == .merge(key: "type"))
        #expect(m.patchMeta(kind: "Secret", path: ["metadata", "finalizers"]) == .mergeSet)
        #expect(m.patchMeta(kind: "example.com/Deployment", path: ["spec", "template", "spec", "containers"]) == .none)
        #expect(BuiltinPatchMeta.isBuiltin(group: "apps", kind: "Deployment"))
        #expect(BuiltinPatchMeta.isBuiltin(group: "", kind: "ConfigMap"))
        #expect(!BuiltinPatchMeta.isBuiltin(group: "example.com", kind: "Widget"))
    }

    /// The test schema upstream's strategicpatch tests use.
    struct MergingListMeta: PatchMetaProvider {
        func patchMeta(kind: String, path: [String]) -> PatchMeta {
            switch path.last {
            case "mergingList": .merge(key: "name")
            case "mergingIntList": .mergeSet
            default: .none
            }
        }
    }

    /// Ordering cases taken from upstream's patch_test.go.
    @Test(arguments: [
        (#"{"mergingList":[{"name":1},{"name":2,"value":"b"},{"name":3}]}"#,
         #"{"mergingList":[{"name":3,"value":"c"},{"name":1,"value":"a"}]}"#,
         #"{"mergingList":[{"name":2,"value":"b"},{"name":3,"value":"c"},{"name":1,"value":"a"}]}"#),
        (#"{"mergingIntList":[1,2,3]}"#, #"{"mergingIntList":[3,1]}"#, #"{"mergingIntList":[2,3,1]}"#),
        (#"{"mergingList":[{"name":1,"other":"a"},{"name":2},{"name":9},{"name":3},{"name":4}]}"#,
         #"{"$setElementOrder/mergingList":[{"name":2},{"name":1},{"name":4},{"name":3}]}"#,
         #"{"mergingList":[{"name":2},{"name":1,"other":"a"},{"name":9},{"name":4},{"name":3}]}"#),
        (#"{"mergingList":[{"name":1},{"name":2},{"name":7},{"name":9},{"name":8},{"name":3},{"name":4}]}"#,
         #"{"$setElementOrder/mergingList":[{"name":2},{"name":1},{"name":4},{"name":3}]}"#,
         #"{"mergingList":[{"name":2},{"name":1},{"name":7},{"name":9},{"name":8},{"name":4},{"name":3}]}"#),
        (#"{"mergingList":[{"name":1,"other":"a"},{"name":2,"value":2,"other":"b"}]}"#,
         #"{"$setElementOrder/mergingList":[{"name":1},{"name":4},{"name":2},{"name":3}],"mergingList":[{"name":4,"value":4},{"name":3,"value":3}]}"#,
         #"{"mergingList":[{"name":1,"other":"a"},{"name":4,"value":4},{"name":2,"value":2,"other":"b"},{"name":3,"value":3}]}"#),
        (#"{"mergingIntList":[1,2,3]}"#, #"{"$deleteFromPrimitiveList/mergingIntList":[2],"mergingIntList":[4]}"#,
         #"{"mergingIntList":[4,1,3]}"#),
    ])
    func upstreamOrdering(original: String, patch: String, expected: String) throws {
        let out = try StrategicMergePatch.apply(json(patch), to: json(original), meta: MergingListMeta(), kind: "Test")
        #expect(out == json(expected))
    }

    @Test func patchMustBeAnObject() {
        #expect(smpError("[]", "{}", kind: "Pod")?.message == "json: cannot unmarshal array into Go value of type map[string]interface {}")
    }
}
