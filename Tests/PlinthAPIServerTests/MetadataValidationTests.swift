import PlinthAPIMachinery
@testable import PlinthAPIServer
import PlinthJSON
import Testing

/// Finalizers and owner references are checked on every write, with upstream's messages.
@Suite("finalizer and owner reference validation")
struct MetadataValidationTests {
    let configMaps = ResourceCatalog(BuiltinResources.all).lookup(group: "", version: "v1", plural: "configmaps")!

    func message(_ meta: JSON) -> String? {
        do {
            try ObjectValidator.validateCreate(configMaps, ["metadata": meta], name: "a")
            return nil
        } catch {
            return error.message
        }
    }

    @Test func finalizerNames() {
        #expect(message(["name": "a", "finalizers": ["example.com/keep", "kubernetes"]]) == nil)
        #expect(message(["name": "a", "finalizers": ["bad name"]])?.contains(#"metadata.finalizers: Invalid value: "bad name": name part must consist of alphanumeric characters"#) == true)
        #expect(message(["name": "a", "finalizers": ["orphan", "foregroundDeletion"]])
                == #"ConfigMap "a" is invalid: metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set"#)
    }

    @Test func ownerReferences() {
        let ok: JSON = ["apiVersion": "apps/v1", "kind": "Deployment", "name": "d", "uid": "u1", "controller": true]
        #expect(message(["name": "a", "ownerReferences": [ok]]) == nil)
        #expect(message(["name": "a", "ownerReferences": [["apiVersion": "apps/v1", "kind": "Deployment", "name": "d"]]])
                == #"ConfigMap "a" is invalid: metadata.ownerReferences.uid: Invalid value: "": uid must not be empty"#)
        let second: JSON = ["apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "r", "uid": "u2", "controller": true]
        #expect(message(["name": "a", "ownerReferences": [ok, second]])?
            .hasSuffix(#"Only one reference can have Controller set to true. Found "true" in references for Deployment/d and ReplicaSet/r"#) == true)
    }
}
