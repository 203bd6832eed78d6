import Foundation
import PlinthJSON
import Testing

/// CustomResourceDefinitions as a user meets them through the real kubectl: served at once,
/// validated, defaulted and pruned by their schemas, printed with their columns, scaled, patched,
/// applied server-side, served in several versions and cleaned up when the definition goes.
@Suite("custom resources with kubectl", .plinthServer)
struct CustomResourceTests {
    /// The names of one test's own CRD, unique per test so tests never collide.
    struct Names {
        let suffix: String
        var group: String { "cr-\(suffix).example.com" }
        var plural: String { "widgets\(suffix)" }
        var singular: String { "widget\(suffix)" }
        var kind: String { "Widget\(suffix)" }
        var shortName: String { "wd\(suffix)" }
        var crdName: String { "\(plural).\(group)" }
        var apiVersion: String { "\(group)/v1" }
        /// How kubectl names one object of this kind in its messages (`widgetx.group/name`).
        func ref(_ name: String) -> String { "\(singular).\(group)/\(name)" }

        /// Derived from a namespace made by `makeNamespace` (its random tail).
        init(namespace: String) {
            suffix = String(namespace.split(separator: "-").last ?? "x")
        }
    }

    /// A namespaced CRD using most of what a schema can say.
    func crdYAML(_ n: Names) -> String {
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: \(n.crdName)
        spec:
          group: \(n.group)
          scope: Namespaced
          names:
            plural: \(n.plural)
            singular: \(n.singular)
            kind: \(n.kind)
            listKind: \(n.kind)List
            shortNames: [\(n.shortName)]
            categories: [all]
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {}
              scale:
                specReplicasPath: .spec.replicas
                statusReplicasPath: .status.replicas
                labelSelectorPath: .status.selector
            additionalPrinterColumns:
            - name: Color
              type: string
              jsonPath: .spec.color
            - name: Replicas
              type: integer
              jsonPath: .spec.replicas
            - name: Size
              type: string
              priority: 1
              jsonPath: .spec.size
            - name: Age
              type: date
              jsonPath: .metadata.creationTimestamp
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    description: The desired state of a widget.
                    required: [color]
                    properties:
                      color:
                        type: string
                        description: The colour of the widget.
                        enum: [red, blue]
                      name:
                        type: string
                        maxLength: 5
                        pattern: '^[a-z]+$'
                      replicas:
                        type: integer
                        minimum: 0
                        maximum: 10
                      mode:
                        type: string
                        default: fast
                      size:
                        x-kubernetes-int-or-string: true
                      extra:
                        type: object
                        x-kubernetes-preserve-unknown-fields: true
                      ports:
                        type: array
                        x-kubernetes-list-type: map
                        x-kubernetes-list-map-keys: [name]
                        items:
                          type: object
                          required: [name]
                          properties:
                            name: {type: string}
                            port: {type: integer}
                  status:
                    type: object
                    properties:
                      replicas: {type: integer}
                      selector: {type: string}
                      phase: {type: string}
        """
    }

    /// One custom resource; `spec` is YAML indented by two spaces.
    func widgetYAML(_ n: Names, _ name: String, _ ns: String, spec: String) -> String {
        """
        apiVersion: \(n.apiVersion)
        kind: \(n.kind)
        metadata:
          name: \(name)
          namespace: \(ns)
        spec:
        \(spec)
        """
    }

    /// Applies the CRD and polls `kubectl get <plural>` until it works; returns the seconds from
    /// the end of the apply to the start of the first `get` that worked.
    @discardableResult
    func install(_ s: PlinthServer, _ n: Names, yaml: String? = nil) throws -> TimeInterval {
        let applied = try s.kubectl(["apply", "-f", "-"], stdin: yaml ?? crdYAML(n))
        guard applied.status == 0 else { throw TestFailure("apply CRD \(n.crdName): \(applied.stderr)") }
        let start = Date()
        let deadline = start.addingTimeInterval(10)
        var last = applied
        while Date() < deadline {
            let attempt = Date()
            last = try s.kubectl("get", n.plural, "-A")
            if last.status == 0 { return attempt.timeIntervalSince(start) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestFailure("\(n.plural) not served 10 s after the CRD was applied: \(last.stderr)")
    }

    func json(_ r: CommandResult) throws -> JSON {
        guard r.status == 0 else { throw TestFailure("kubectl failed: \(r.stderr)") }
        return try JSON.parse(Array(r.stdout.utf8))
    }

    func get(_ s: PlinthServer, _ n: Names, _ name: String, _ ns: String, _ extra: String...) throws -> JSON {
        try json(try s.kubectl(["get", n.plural, name, "-n", ns, "-o", "json"] + extra))
    }

    /// The whitespace-separated columns of each output line.
    func rows(_ text: String) -> [[String]] {
        text.split(separator: "\n").map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) }
    }

    @Test func definitionIsServedAtOnceAndEstablished() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("crd")
        let n = Names(namespace: ns)
        let elapsed = try install(s, n)
        #expect(elapsed <= 1.0, "kubectl get \(n.plural) worked \(elapsed) s after the CRD was applied")

        let conditions = try s.kubectl("get", "crd", n.crdName, "-o", "jsonpath={range .status.conditions[*]}{.type}={.status};{end}")
        #expect(conditions.status == 0, "\(conditions.stderr)")
        let pairs = conditions.stdout.split(separator: ";").map(String.init)
        #expect(pairs.contains("Established=True"), "\(conditions.stdout)")
        #expect(pairs.contains("NamesAccepted=True"), "\(conditions.stdout)")
        let accepted = try json(try s.kubectl("get", "crd", n.crdName, "-o", "json"))
        #expect(accepted.string("status", "acceptedNames", "kind") == n.kind)
        #expect(accepted[path: ["status", "acceptedNames", "shortNames"]] == JSON.array([JSON.string(n.shortName)]))
        #expect(accepted[path: ["status", "storedVersions"]] == ["v1"])

        // Discovery lists the new kind with its short name.
        let resources = try s.kubectl("api-resources", "--api-group=\(n.group)")
        #expect(resources.status == 0, "\(resources.stderr)")
        #expect(rows(resources.stdout).contains([n.plural, n.shortName, n.apiVersion, "true", n.kind]), "\(resources.stdout)")

        // explain reads the published schema (OpenAPI may follow the CRD a moment later).
        var explain = try s.kubectl("explain", "\(n.kind).spec")
        let deadline = Date().addingTimeInterval(10)
        while !explain.stdout.contains("color\t<string> -required-") && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            explain = try s.kubectl("explain", "\(n.kind).spec")
        }
        #expect(explain.status == 0, "\(explain.stderr)")
        #expect(explain.stdout.contains("GROUP:      \(n.group)"), "\(explain.stdout)")
        #expect(explain.stdout.contains("KIND:       \(n.kind)"), "\(explain.stdout)")
        #expect(explain.stdout.contains("FIELD: spec <Object>"), "\(explain.stdout)")
        #expect(explain.stdout.contains("The desired state of a widget."), "\(explain.stdout)")
        #expect(explain.stdout.contains("color\t<string> -required-"), "\(explain.stdout)")
        #expect(explain.stdout.contains("The colour of the widget."), "\(explain.stdout)")
        #expect(explain.stdout.contains("replicas\t<integer>"), "\(explain.stdout)")
        #expect(explain.stdout.contains("ports\t<[]Object>"), "\(explain.stdout)")
        #expect(explain.stdout.contains("extra\t<Object>"), "\(explain.stdout)")
        #expect(explain.stdout.contains("mode\t<string>"), "\(explain.stdout)")
        let ports = try s.kubectl("explain", "\(n.plural).spec.ports")
        #expect(ports.stdout.contains("name\t<string> -required-"), "\(ports.stdout)")
        #expect(ports.stdout.contains("port\t<integer>"), "\(ports.stdout)")
    }

    @Test func createFillsDefaultsAndKeepsPreservedFields() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("crdef")
        let n = Names(namespace: ns)
        try install(s, n)
        let created = try s.kubectl(["create", "-f", "-"], stdin: widgetYAML(n, "w1", ns, spec: """
              color: red
              name: abc
              replicas: 2
              size: 50%
              extra: {anything: {goes: [1, 2]}}
              ports: [{name: a, port: 80}, {name: b, port: 81}]
            """))
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("\(n.ref("w1")) created"))
        let got = try get(s, n, "w1", ns)
        #expect(got.string("apiVersion") == n.apiVersion)
        #expect(got.string("kind") == n.kind)
        #expect(got.string("spec", "mode") == "fast", "the schema default is filled in")
        #expect(got.string("spec", "color") == "red")
        #expect(got[path: ["spec", "replicas"]] == 2)
        #expect(got.string("spec", "size") == "50%")
        #expect(got[path: ["spec", "extra"]] == ["anything": ["goes": [1, 2]]])
        #expect(got[path: ["spec", "ports"]] == [["name": "a", "port": 80], ["name": "b", "port": 81]])
        #expect(got[path: ["metadata", "generation"]] == 1)
        #expect(got.string("metadata", "uid")?.count == 36)

        // int-or-string takes an integer as well.
        let intSize = try s.kubectl(["create", "-f", "-"], stdin: widgetYAML(n, "w2", ns, spec: "  color: blue\n  size: 3\n  mode: slow"))
        #expect(intSize.status == 0, "\(intSize.stderr)")
        let second = try get(s, n, "w2", ns)
        #expect(second[path: ["spec", "size"]] == 3)
        #expect(second.string("spec", "mode") == "slow", "a given value is not replaced by the default")
    }

    @Test func unknownFieldsAreRefusedOrPruned() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("crprune")
        let n = Names(namespace: ns)
        try install(s, n)
        let typo = widgetYAML(n, "u", ns, spec: """
              color: blue
              bogus: 1
              extra: {kept: {deep: x}}
              ports: [{name: a, port: 1, zzz: 2}]
            """)
        // kubectl's default, --validate=strict: refused, naming the field.
        let strict = try s.kubectl(["apply", "-f", "-"], stdin: typo)
        #expect(strict.status == 1)
        #expect(strict.stderr.contains(#"strict decoding error: unknown field "spec.bogus""#), "\(strict.stderr)")
        #expect(strict.stderr.contains(#"unknown field "spec.ports[0].zzz""#), "\(strict.stderr)")
        #expect(!strict.stderr.contains("spec.extra"), "fields under x-kubernetes-preserve-unknown-fields are known: \(strict.stderr)")
        #expect(try s.kubectl("get", n.plural, "u", "-n", ns).status == 1, "nothing stored")

        // --validate=false: stored, with the unknown fields pruned.
        let lax = try s.kubectl(["apply", "--validate=false", "-f", "-"], stdin: typo)
        #expect(lax.status == 0, "\(lax.stderr)")
        #expect(lax.stdout.contains("\(n.ref("u")) created"))
        let got = try get(s, n, "u", ns)
        #expect(got[path: ["spec", "bogus"]] == nil)
        #expect(got[path: ["spec", "ports"]] == [["name": "a", "port": 1]])
        #expect(got[path: ["spec", "extra"]] == ["kept": ["deep": "x"]])
        #expect(got.string("spec", "color") == "blue")
    }

    @Test func schemaErrorsNameFieldsAndRules() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("crinv")
        let n = Names(namespace: ns)
        try install(s, n)
        let first = try s.kubectl(["create", "-f", "-"], stdin: widgetYAML(n, "bad", ns, spec: """
              color: green
              name: ABCDEFG
              replicas: "string"
              ports: [{name: a}, {name: a}]
            """))
        #expect(first.status == 1)
        let e1 = first.stderr
        #expect(e1.contains(#"The \#(n.kind) "bad" is invalid"#), "\(e1)")
        #expect(e1.contains(#"spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string""#), "\(e1)")
        #expect(e1.contains(#"spec.color: Unsupported value: "green": supported values: "red", "blue""#), "\(e1)")
        #expect(e1.contains("spec.name: Too long: may not be more than 5 bytes"), "\(e1)")
        #expect(e1.contains(#"spec.ports[1]: Duplicate value: map[string]interface {}{"name":"a"}"#), "\(e1)")

        let second = try s.kubectl(["create", "-f", "-"], stdin: widgetYAML(n, "bad2", ns, spec: "  name: AB\n  replicas: 20"))
        #expect(second.status == 1)
        let e2 = second.stderr
        #expect(e2.contains(#"spec.name: Invalid value: "AB": spec.name in body should match '^[a-z]+$'"#), "\(e2)")
        #expect(e2.contains("spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal to 10"), "\(e2)")
        #expect(e2.contains("spec.color: Required value"), "\(e2)")

        let third = try s.kubectl(["create", "-f", "-"], stdin: widgetYAML(n, "bad3", ns, spec: "  color: red\n  replicas: -1"))
        #expect(third.status == 1)
        #expect(third.stderr.contains("spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0"), "\(third.stderr)")

        // Nothing half-stored.
        let left = try s.kubectl("get", n.plural, "-n", ns, "-o", "name")
        #expect(left.status == 0)
        #expect(left.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(left.stdout)")
    }

    /// `kubectl describe`, a client-side apply that changes the object, and kubectl's move of
    /// that object to server-side apply (its fields pass to the `kubectl` manager, so a field
    /// dropped from the manifest is removed).
    @Test func describeAndClientSideToServerSideApply() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("crcsa")
        let n = Names(namespace: ns)
        try install(s, n)
        let first = try s.kubectl(["apply", "-f", "-"], stdin: widgetYAML(n, "w", ns, spec: "  color: red\n  replicas: 2\n  size: \"3\""))
        #expect(first.status == 0 && first.stdout.contains("created"), "\(first.stdout)\(first.stderr)")
        let again = try s.kubectl(["apply", "-f", "-"], stdin: widgetYAML(n, "w", ns, spec: "  color: blue\n  replicas: 2\n  size: \"3\""))
        #expect(again.status == 0 && again.stdout.contains("configured"), "\(again.stdout)\(again.stderr)")

        let described = try s.kubectl("describe", n.plural, "w", "-n", ns)
        #expect(described.status == 0, "\(described.stderr)")
        for line in ["Name:         w", "Namespace:    \(ns)", "API Version:  \(n.apiVersion)", "Kind:         \(n.kind)"] {
            #expect(described.stdout.contains(line), "describe shows \(line): \(described.stdout)")
        }
        #expect(described.stdout.range(of: #"Spec:\n(\s+\w+:.*\n)*\s+Color:\s+blue"#, options: .regularExpression) != nil, "\(described.stdout)")

        // Server-side apply of the same object without `size`: kubectl migrates the client-side
        // manager's fields to itself, so `size` goes.
        let ssa = try s.kubectl(["apply", "--server-side", "-f", "-"], stdin: widgetYAML(n, "w", ns, spec: "  color: blue\n  replicas: 2"))
        #expect(ssa.status == 0 && ssa.stdout.contains("serverside-applied"), "\(ssa.stdout)\(ssa.stderr)")
        let json = try JSON.parse(Array(try s.kubectl("get", n.plural, "w", "-n", ns, "-o", "json", "--show-managed-fields").stdout.utf8))
        #expect(json[path: ["spec", "size"]] == nil, "size removed: \(json)")
        #expect(json.string("spec", "color") == "blue")
        let managers = (json[path: ["metadata", "managedFields"]]?.arrayValue ?? []).map { ($0.string("manager") ?? "", $0.string("operation") ?? "") }
        #expect(managers.contains { $0 == ("kubectl", "Apply") }, "\(managers)")
        #expect(!managers.contains { $0.0 == "kubectl-client-side-apply" }, "the client-side manager was migrated: \(managers)")
    }

    /// CEL rules (`x-kubernetes-validations`): cross-field checks and immutability, with the
    /// rule's message in kubectl's error; a rule that does not compile refuses the CRD.
    @Test func validationRules() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("crcel")
        let n = Names(namespace: ns)
        let crd = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: \(n.crdName)}
            spec:
              group: \(n.group)
              scope: Namespaced
              names: {plural: \(n.plural), singular: \(n.singular), kind: \(n.kind)}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        x-kubernetes-validations:
                        - {rule: "self.minReplicas <= self.maxReplicas", message: "minReplicas must not exceed maxReplicas"}
                        - {rule: "self.region == oldSelf.region", message: "region is immutable", fieldPath: ".region"}
                        properties:
                          minReplicas: {type: integer}
                          maxReplicas: {type: integer}
                          region: {type: string}
            """
        try install(s, n, yaml: crd)
        func widget(_ name: String, _ minR: Int, _ maxR: Int, _ region: String) -> String {
            widgetYAML(n, name, ns, spec: "  minReplicas: \(minR)\n  maxReplicas: \(maxR)\n  region: \(region)")
        }
        let bad = try s.kubectl(["create", "-f", "-"], stdin: widget("w", 5, 3, "eu"))
        #expect(bad.status == 1)
        #expect(bad.stderr.contains(#"\#(n.kind) "w" is invalid: spec: Invalid value: "object": minReplicas must not exceed maxReplicas"#), "\(bad.stderr)")
        #expect(try s.kubectl(["apply", "-f", "-"], stdin: widget("w", 1, 3, "eu")).status == 0)
        let moved = try s.kubectl(["apply", "-f", "-"], stdin: widget("w", 1, 3, "us"))
        #expect(moved.status == 1)
        #expect(moved.stderr.contains(#"spec.region: Invalid value: "object": region is immutable"#), "\(moved.stderr)")
        #expect(try s.kubectl(["apply", "-f", "-"], stdin: widget("w", 2, 3, "eu")).status == 0)

        let broken = crd.replacingOccurrences(of: "self.minReplicas <= self.maxReplicas", with: "self.minReplicas <=")
            .replacingOccurrences(of: n.crdName, with: "x" + n.crdName).replacingOccurrences(of: "plural: \(n.plural)", with: "plural: x\(n.plural)")
        let refused = try s.kubectl(["apply", "-f", "-"], stdin: broken)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("x-kubernetes-validations[0].rule") && refused.stderr.contains("compilation failed"), "\(refused.stderr)")
    }

    @Test func printerColumnsShortNameAndCategory() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("crcols")
        let n = Names(namespace: ns)
        try install(s, n)
        let created = try s.kubectl(["apply", "-f", "-"], stdin: widgetYAML(n, "w1", ns, spec: "  color: red\n  replicas: 2\n  size: 50%"))
        #expect(created.status == 0, "\(created.stderr)")

        let table = try s.kubectl("get", n.plural, "-n", ns)
        #expect(table.status == 0, "\(table.stderr)")
        let lines = rows(table.stdout)
        #expect(lines.first == ["NAME", "COLOR", "REPLICAS", "AGE"], "the priority-1 column only with -o wide: \(table.stdout)")
        #expect(lines.count == 2, "\(table.stdout)")
        #expect(Array(lines.dropFirst().first?.prefix(3) ?? []) == ["w1", "red", "2"], "\(table.stdout)")
        #expect(table.stdout.range(of: #"w1\s+red\s+2\s+\d+s"#, options: .regularExpression) != nil, "\(table.stdout)")

        let wide = try s.kubectl("get", n.plural, "-n", ns, "-o", "wide")
        let wideLines = rows(wide.stdout)
        #expect(wideLines.first == ["NAME", "COLOR", "REPLICAS", "SIZE", "AGE"], "\(wide.stdout)")
        #expect(Array(wideLines.dropFirst().first?.prefix(4) ?? []) == ["w1", "red", "2", "50%"], "\(wide.stdout)")

        // The short name and the `all` category.
        let short = try s.kubectl("get", n.shortName, "w1", "-n", ns, "-o", "name")
        #expect(short.status == 0, "\(short.stderr)")
        #expect(short.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == n.ref("w1"))
        // Other tests delete their own `all`-category definitions concurrently; kubectl fails
        // when one goes between its discovery and its lists, so such a run is repeated.
        var all = try s.kubectl("get", "all", "-n", ns)
        var tries = 1
        while tries < 5, all.status != 0, all.stderr.contains("the server doesn't have a resource type"),
              !all.stderr.contains("\"\(n.plural)\"") {
            all = try s.kubectl("get", "all", "-n", ns)
            tries += 1
        }
        #expect(all.status == 0, "\(all.stderr)")
        #expect(rows(all.stdout).contains { $0.first == n.ref("w1") }, "\(all.stdout)")
        #expect(all.stdout.range(of: #"NAME\s+COLOR\s+REPLICAS\s+AGE"#, options: .regularExpression) != nil, "\(all.stdout)")
    }

    @Test func mergeAndJSONPatches() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("crpatch")
        let n = Names(namespace: ns)
        try install(s, n)
        #expect(try s.kubectl(["apply", "-f", "-"], stdin: widgetYAML(n, "p", ns, spec: "  color: red\n  replicas: 1\n  extra: {a: 1}")).status == 0)

        let merge = try s.kubectl("patch", n.plural, "p", "-n", ns, "--type=merge", "-p", #"{"spec":{"color":"blue","extra":{"b":{"c":true}}}}"#)
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(merge.stdout.contains("\(n.ref("p")) patched"))
        let jsonPatch = try s.kubectl("patch", n.plural, "p", "-n", ns, "--type=json", "-p",
                                      #"[{"op":"replace","path":"/spec/replicas","value":3},{"op":"add","path":"/spec/ports","value":[{"name":"http","port":80}]}]"#)
        #expect(jsonPatch.status == 0, "\(jsonPatch.stderr)")
        var got = try get(s, n, "p", ns)
        #expect(got.string("spec", "color") == "blue")
        #expect(got[path: ["spec", "replicas"]] == 3)
        #expect(got[path: ["spec", "extra"]] == ["a": 1, "b": ["c": true]])
        #expect(got[path: ["spec", "ports"]] == [["name": "http", "port": 80]])
        #expect(got[path: ["metadata", "generation"]] == 3)

        // A patch is validated like any write.
        let invalid = try s.kubectl("patch", n.plural, "p", "-n", ns, "--type=merge", "-p", #"{"spec":{"color":"green"}}"#)
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains(#"spec.color: Unsupported value: "green": supported values: "red", "blue""#), "\(invalid.stderr)")
        // Custom resources have no strategic merge patch (kubectl's default type).
        let strategic = try s.kubectl("patch", n.plural, "p", "-n", ns, "-p", #"{"spec":{"color":"red"}}"#)
        #expect(strategic.status == 1)
        #expect(strategic.stderr.contains("application/strategic-merge-patch+json is not supported"), "\(strategic.stderr)")
        // Removing a field with merge patch null; a failing JSON-patch test leaves everything as it was.
        #expect(try s.kubectl("patch", n.plural, "p", "-n", ns, "--type=merge", "-p", #"{"spec":{"extra":null}}"#).status == 0)
        let failing = try s.kubectl("patch", n.plural, "p", "-n", ns, "--type=json", "-p", #"[{"op":"replace","path":"/spec/replicas","value":4},{"op":"test","path":"/spec/color","value":"red"}]"#)
        #expect(failing.status == 1)
        got = try get(s, n, "p", ns)
        #expect(got[path: ["spec", "extra"]] == nil)
        #expect(got[path: ["spec", "replicas"]] == 3)
    }

    @Test func scaleSubresource() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("crscale")
        let n = Names(namespace: ns)
        try install(s, n)
        #expect(try s.kubectl(["apply", "-f", "-"], stdin: widgetYAML(n, "w", ns, spec: "  color: red\n  replicas: 1")).status == 0)
        let status = try s.kubectl("patch", n.plural, "w", "-n", ns, "--subresource=status", "--type=merge",
                                   "-p", #"{"status":{"replicas":1,"selector":"app=w"}}"#)
        #expect(status.status == 0, "\(status.stderr)")

        let scaled = try s.kubectl("scale", n.plural, "w", "-n", ns, "--replicas=5")
        #expect(scaled.status == 0, "\(scaled.stderr)")
        #expect(scaled.stdout.contains("\(n.ref("w")) scaled"))
        let got = try get(s, n, "w", ns)
        #expect(got[path: ["spec", "replicas"]] == 5)
        #expect(got[path: ["metadata", "generation"]] == 2)

        let scale = try get(s, n, "w", ns, "--subresource=scale")
        #expect(scale.string("apiVersion") == "autoscaling/v1")
        #expect(scale.string("kind") == "Scale")
        #expect(scale.string("metadata", "name") == "w")
        #expect(scale.string("metadata", "namespace") == ns)
        #expect(scale.string("metadata", "uid") == got.string("metadata", "uid"))
        #expect(scale[path: ["spec", "replicas"]] == 5)
        #expect(scale[path: ["status", "replicas"]] == 1)
        #expect(scale.string("status", "selector") == "app=w")

        // The schema still applies to what scale writes.
        let tooMany = try s.kubectl("scale", n.plural, "w", "-n", ns, "--replicas=11")
        #expect(tooMany.status == 1)
        #expect(tooMany.stderr.contains("spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10"), "\(tooMany.stderr)")
        #expect(try s.kubectl("get", n.plural, "w", "-n", ns, "-o", "jsonpath={.spec.replicas}").stdout == "5")
        // A precondition on the current size, as `kubectl scale --current-replicas` sends it.
        let stale = try s.kubectl("scale", n.plural, "w", "-n", ns, "--current-replicas=2", "--replicas=3")
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("Expected replicas to be 2, was 5"), "\(stale.stderr)")
    }

    @Test func statusSubresource() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("crstatus")
        let n = Names(namespace: ns)
        try install(s, n)
        #expect(try s.kubectl(["apply", "-f", "-"], stdin: widgetYAML(n, "w", ns, spec: "  color: red")).status == 0)
        let before = try get(s, n, "w", ns)

        let patched = try s.kubectl("patch", n.plural, "w", "-n", ns, "--subresource=status", "--type=merge",
                                    "-p", #"{"status":{"phase":"Ready","replicas":2}}"#)
        #expect(patched.status == 0, "\(patched.stderr)")
        #expect(patched.stdout.contains("\(n.ref("w")) patched"))
        var got = try get(s, n, "w", ns)
        #expect(got.string("status", "phase") == "Ready")
        #expect(got[path: ["status", "replicas"]] == 2)
        #expect(got[path: ["metadata", "generation"]] == before[path: ["metadata", "generation"]], "status writes do not bump generation")

        // Status written through the main resource is ignored.
        let main = try s.kubectl("patch", n.plural, "w", "-n", ns, "--type=merge", "-p", #"{"status":{"phase":"Hacked"}}"#)
        #expect(main.status == 0, "\(main.stderr)")
        #expect(main.stdout.contains("patched (no change)"), "\(main.stdout)")
        // Spec written through the status subresource is ignored too.
        let specViaStatus = try s.kubectl("patch", n.plural, "w", "-n", ns, "--subresource=status", "--type=merge", "-p", #"{"spec":{"color":"blue"}}"#)
        #expect(specViaStatus.status == 0, "\(specViaStatus.stderr)")
        got = try get(s, n, "w", ns)
        #expect(got.string("status", "phase") == "Ready")
        #expect(got.string("spec", "color") == "red")
        // The status is validated against its schema.
        let badStatus = try s.kubectl("patch", n.plural, "w", "-n", ns, "--subresource=status", "--type=merge", "-p", #"{"status":{"replicas":"many"}}"#)
        #expect(badStatus.status == 1)
        #expect(badStatus.stderr.contains(#"status.replicas: Invalid value: "string": status.replicas in body must be of type integer: "string""#), "\(badStatus.stderr)")
        let getStatus = try get(s, n, "w", ns, "--subresource=status")
        #expect(getStatus.string("status", "phase") == "Ready")
        #expect(getStatus.string("kind") == n.kind)
    }

    @Test func serverSideApplyAndConflicts() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("crssa")
        let n = Names(namespace: ns)
        try install(s, n)
        func manifest(_ color: String) -> String { widgetYAML(n, "s", ns, spec: "  color: \(color)\n  replicas: 1") }

        let first = try s.kubectl(["apply", "--server-side", "-f", "-"], stdin: manifest("red"))
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("\(n.ref("s")) serverside-applied"))
        let again = try s.kubectl(["apply", "--server-side", "-f", "-"], stdin: manifest("red"))
        #expect(again.status == 0, "\(again.stderr)")
        var got = try get(s, n, "s", ns, "--show-managed-fields")
        #expect(got.string("spec", "mode") == "fast")
        var managers = got[path: ["metadata", "managedFields"]]?.arrayValue ?? []
        #expect(managers.contains { $0.string("manager") == "kubectl" && $0.string("operation") == "Apply" }, "\(managers)")

        // Another manager changing a field kubectl owns: a conflict naming the field.
        let conflict = try s.kubectl(["apply", "--server-side", "--field-manager=other", "-f", "-"], stdin: manifest("blue"))
        #expect(conflict.status != 0)
        #expect(conflict.stderr.contains("conflict"), "\(conflict.stderr)")
        #expect(conflict.stderr.contains("Apply failed with 1 conflict"), "\(conflict.stderr)")
        #expect(conflict.stderr.contains(#"conflict with "kubectl""#), "\(conflict.stderr)")
        #expect(conflict.stderr.contains(".spec.color"), "\(conflict.stderr)")
        #expect(try s.kubectl("get", n.plural, "s", "-n", ns, "-o", "jsonpath={.spec.color}").stdout == "red")

        // Forcing takes the field over.
        let forced = try s.kubectl(["apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", "-"], stdin: manifest("blue"))
        #expect(forced.status == 0, "\(forced.stderr)")
        got = try get(s, n, "s", ns, "--show-managed-fields")
        #expect(got.string("spec", "color") == "blue")
        managers = got[path: ["metadata", "managedFields"]]?.arrayValue ?? []
        let other = managers.first { $0.string("manager") == "other" }
        let mine = managers.first { $0.string("manager") == "kubectl" }
        #expect(other?.string("operation") == "Apply")
        #expect(other?[path: ["fieldsV1", "f:spec", "f:color"]] != nil, "\(managers)")
        #expect(mine?[path: ["fieldsV1", "f:spec", "f:color"]] == nil, "\(managers)")
        #expect(mine?[path: ["fieldsV1", "f:spec", "f:replicas"]] != nil, "\(managers)")
    }

    @Test func twoVersionsServeTheSameObjects() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("crver")
        let n = Names(namespace: ns)
        let group = "cv-\(n.suffix).example.com"
        let plural = "gadgets\(n.suffix)"
        let kind = "Gadget\(n.suffix)"
        func version(_ name: String, storage: Bool) -> String {
            """
              - name: \(name)
                served: true
                storage: \(storage)
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec: {type: object, properties: {size: {type: integer}}}
            """
        }
        let crd = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: \(plural).\(group)
            spec:
              group: \(group)
              scope: Namespaced
              names: {plural: \(plural), singular: gadget\(n.suffix), kind: \(kind)}
              versions:
            \(version("v1", storage: true))
            \(version("v2", storage: false))
            """
        let applied = try s.kubectl(["apply", "-f", "-"], stdin: crd)
        #expect(applied.status == 0, "\(applied.stderr)")
        var served = false
        let deadline = Date().addingTimeInterval(10)
        while !served && Date() < deadline {
            served = try s.kubectl("get", "\(plural).v2.\(group)", "-n", ns).status == 0
            if !served { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(served)

        let created = try s.kubectl(["create", "-f", "-"], stdin: """
            apiVersion: \(group)/v1
            kind: \(kind)
            metadata: {name: g1, namespace: \(ns)}
            spec: {size: 3}
            """)
        #expect(created.status == 0, "\(created.stderr)")
        let v2 = try json(try s.kubectl("get", "\(plural).v2.\(group)", "g1", "-n", ns, "-o", "json"))
        #expect(v2.string("apiVersion") == "\(group)/v2")
        #expect(v2.string("kind") == kind)
        #expect(v2[path: ["spec", "size"]] == 3)
        let v1 = try json(try s.kubectl("get", "\(plural).v1.\(group)", "g1", "-n", ns, "-o", "json"))
        #expect(v1.string("apiVersion") == "\(group)/v1")
        #expect(v1.string("metadata", "uid") == v2.string("metadata", "uid"))

        // Written through v2, stored as v1, read back through v1.
        let viaV2 = try s.kubectl(["create", "-f", "-"], stdin: """
            apiVersion: \(group)/v2
            kind: \(kind)
            metadata: {name: g2, namespace: \(ns)}
            spec: {size: 4}
            """)
        #expect(viaV2.status == 0, "\(viaV2.stderr)")
        let back = try json(try s.kubectl("get", "\(plural).v1.\(group)", "g2", "-n", ns, "-o", "json"))
        #expect(back.string("apiVersion") == "\(group)/v1")
        #expect(back[path: ["spec", "size"]] == 4)
        let stored = try s.kubectl("get", "crd", "\(plural).\(group)", "-o", "jsonpath={.status.storedVersions}")
        #expect(stored.stdout == #"["v1"]"#)
        let versions = try s.kubectl("api-versions")
        #expect(versions.stdout.split(separator: "\n").contains(Substring("\(group)/v1")))
        #expect(versions.stdout.split(separator: "\n").contains(Substring("\(group)/v2")))
    }

    @Test func deletingTheDefinitionRemovesItsObjects() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("crdel")
        let n = Names(namespace: ns)
        try install(s, n)
        for name in ["a", "b"] {
            #expect(try s.kubectl(["apply", "-f", "-"], stdin: widgetYAML(n, name, ns, spec: "  color: red")).status == 0)
        }
        let listed = try s.kubectl("api-resources")
        #expect(rows(listed.stdout).contains { $0.first == n.plural }, "\(listed.stdout)")

        let deleted = try s.kubectl(["delete", "crd", n.crdName, "--timeout=10s"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout.contains(#"customresourcedefinition.apiextensions.k8s.io "\#(n.crdName)" deleted"#))

        var stillListed = true
        let deadline = Date().addingTimeInterval(5)
        while stillListed && Date() < deadline {
            let resources = try s.kubectl("api-resources")
            stillListed = resources.status != 0 || rows(resources.stdout).contains { $0.first == n.plural }
            if stillListed { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(!stillListed, "\(n.plural) gone from kubectl api-resources")
        let missing = try s.kubectl("get", n.plural, "-n", ns)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains(#"the server doesn't have a resource type "\#(n.plural)""#), "\(missing.stderr)")
        let crd = try s.kubectl("get", "crd", n.crdName)
        #expect(crd.stderr.contains(#"customresourcedefinitions.apiextensions.k8s.io "\#(n.crdName)" not found"#), "\(crd.stderr)")

        // The objects went with it: the same definition again starts out empty.
        try install(s, n)
        let empty = try s.kubectl("get", n.plural, "-n", ns, "-o", "name")
        #expect(empty.status == 0, "\(empty.stderr)")
        #expect(empty.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(empty.stdout)")
    }
}
