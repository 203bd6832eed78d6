import Foundation
import PlinthJSON
import Testing

/// The real kubectl against a real server: what users type, what they see.
@Suite("kubectl against plinth", .plinthServer)
struct KubectlTests {
    func configMapYAML(_ name: String, _ ns: String, data: String = "k: v", labels: String = "tier: a") -> String {
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: \(name)
          namespace: \(ns)
          labels: {\(labels)}
        data:
          \(data)
        """
    }

    func deploymentYAML(_ name: String, _ ns: String, replicas: Int = 2, image: String = "busybox:1.36") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: \(name)
          namespace: \(ns)
          labels: {app: \(name)}
        spec:
          replicas: \(replicas)
          selector: {matchLabels: {app: \(name)}}
          template:
            metadata: {labels: {app: \(name)}}
            spec:
              containers:
              - name: main
                image: \(image)
                env: [{name: A, value: "1"}]
        """
    }

    @Test func getNamespacesAndDefaults() throws {
        let s = try sharedServer()
        let r = try s.kubectl("get", "ns")
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("NAME") == true && lines.first?.contains("STATUS") == true && lines.first?.contains("AGE") == true)
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            #expect(lines.contains { $0.hasPrefix(ns + " ") && $0.contains("Active") }, "namespace \(ns) listed as Active")
        }
        let svc = try s.kubectl("get", "svc", "kubernetes", "-n", "default", "-o", "jsonpath={.spec.ports[0].port}")
        #expect(svc.stdout == "443")
        // Every namespace gets a default ServiceAccount.
        let ns = try s.makeNamespace("sa")
        var found = false
        for _ in 0..<50 where !found {
            found = try s.kubectl("get", "sa", "default", "-n", ns).status == 0
            if !found { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(found)
    }

    @Test func getInEveryFormat() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("get")
        #expect(try s.kubectl(["apply", "-f", "-"], stdin: configMapYAML("one", ns, data: "color: blue")).status == 0)
        #expect(try s.kubectl(["apply", "-f", "-"], stdin: deploymentYAML("web", ns)).status == 0)

        let table = try s.kubectl("get", "cm", "-n", ns)
        #expect(table.status == 0)
        #expect(table.stdout.range(of: #"NAME\s+DATA\s+AGE"#, options: .regularExpression) != nil)
        #expect(table.stdout.range(of: #"\bone\s+1\s+\d+s"#, options: .regularExpression) != nil)

        let yaml = try s.kubectl("get", "cm", "one", "-n", ns, "-o", "yaml")
        #expect(yaml.stdout.contains("color: blue"))
        #expect(yaml.stdout.contains("kind: ConfigMap"))
        #expect(yaml.stdout.contains("resourceVersion:"))

        let json = try JSON.parse(Array(try s.kubectl("get", "cm", "one", "-n", ns, "-o", "json").stdout.utf8))
        #expect(json.string("data", "color") == "blue")
        #expect(json.string("metadata", "namespace") == ns)
        #expect(json.string("metadata", "uid")?.count == 36)

        let jp = try s.kubectl("get", "cm", "-n", ns, "-o", "jsonpath={.items[*].metadata.name}")
        #expect(jp.stdout == "one")

        let wide = try s.kubectl("get", "deploy", "-n", ns, "-o", "wide")
        #expect(wide.stdout.range(of: #"NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR"#, options: .regularExpression) != nil)
        #expect(wide.stdout.range(of: #"web\s+0/2\s+[02]\s+0\s+\S+\s+main\s+busybox:1.36\s+app=web"#, options: .regularExpression) != nil)

        let missing = try s.kubectl("get", "cm", "nope", "-n", ns)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains(#"Error from server (NotFound): configmaps "nope" not found"#))

        let describe = try s.kubectl("describe", "cm", "one", "-n", ns)
        #expect(describe.status == 0)
        #expect(describe.stdout.range(of: #"Name:\s+one"#, options: .regularExpression) != nil)
        #expect(describe.stdout.range(of: #"Namespace:\s+\#(ns)"#, options: .regularExpression) != nil)
        #expect(describe.stdout.contains("color:"))
        let describeDeploy = try s.kubectl("describe", "deploy", "web", "-n", ns)
        #expect(describeDeploy.stdout.range(of: #"Replicas:\s+2 desired"#, options: .regularExpression) != nil)
    }

    @Test func createReplaceAndConflicts() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("create")
        let yaml = configMapYAML("c", ns)
        let first = try s.kubectl(["create", "-f", "-"], stdin: yaml)
        #expect(first.status == 0)
        #expect(first.stdout.contains("configmap/c created"))
        let again = try s.kubectl(["create", "-f", "-"], stdin: yaml)
        #expect(again.status == 1)
        #expect(again.stderr.contains(#"configmaps "c" already exists"#))
        #expect(again.stderr.contains("AlreadyExists"))

        let replaced = try s.kubectl(["replace", "-f", "-"], stdin: configMapYAML("c", ns, data: "k: replaced"))
        #expect(replaced.status == 0)
        #expect(replaced.stdout.contains("configmap/c replaced"))
        #expect(try s.kubectl("get", "cm", "c", "-n", ns, "-o", "jsonpath={.data.k}").stdout == "replaced")

        // A stale resourceVersion is a conflict with the upstream message.
        var stale = try JSON.parse(Array(try s.kubectl("get", "cm", "c", "-n", ns, "-o", "json").stdout.utf8))
        #expect(try s.kubectl("label", "cm", "c", "-n", ns, "bump=1").status == 0)
        stale[path: ["data", "k"]] = "stale"
        let conflict = try s.kubectl(["replace", "-f", "-"], stdin: stale.serializedString())
        #expect(conflict.status == 1)
        #expect(conflict.stderr.contains(#"Operation cannot be fulfilled on configmaps "c": the object has been modified; please apply your changes to the latest version and try again"#))
    }

    @Test func applyCreateChangeReapply() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("apply")
        let created = try s.kubectl(["apply", "-f", "-"], stdin: deploymentYAML("app", ns, replicas: 1))
        #expect(created.stdout.contains("deployment.apps/app created"))
        let unchanged = try s.kubectl(["apply", "-f", "-"], stdin: deploymentYAML("app", ns, replicas: 1))
        #expect(unchanged.stdout.contains("deployment.apps/app unchanged"))
        let changed = try s.kubectl(["apply", "-f", "-"], stdin: deploymentYAML("app", ns, replicas: 3, image: "busybox:1.37"))
        #expect(changed.status == 0)
        #expect(changed.stdout.contains("deployment.apps/app configured"))
        #expect(changed.stderr.isEmpty, "no warnings: \(changed.stderr)")
        let got = try JSON.parse(Array(try s.kubectl("get", "deploy", "app", "-n", ns, "-o", "json").stdout.utf8))
        #expect(got[path: ["spec", "replicas"]] == 3)
        #expect(got[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["image"] == "busybox:1.37")
        #expect(got[path: ["metadata", "generation"]] == 2)
        // Defaults clients rely on are filled in.
        #expect(got.string("spec", "strategy", "type") == "RollingUpdate")
        #expect(got[path: ["spec", "revisionHistoryLimit"]] == 10)
        #expect(got[path: ["spec", "progressDeadlineSeconds"]] == 600)
        #expect(got[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["terminationMessagePath"] == "/dev/termination-log")
        #expect(got.string("spec", "template", "spec", "restartPolicy") == "Always")
        #expect(got.string("spec", "template", "spec", "dnsPolicy") == "ClusterFirst")
    }

    @Test func serverSideApplyCreatesAndUpdates() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("ssa")
        let first = try s.kubectl(["apply", "--server-side", "-f", "-"], stdin: configMapYAML("s", ns, data: "k: one"))
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("configmap/s serverside-applied"))
        let second = try s.kubectl(["apply", "--server-side", "-f", "-"], stdin: configMapYAML("s", ns, data: "k: two"))
        #expect(second.stdout.contains("configmap/s serverside-applied"))
        #expect(try s.kubectl("get", "cm", "s", "-n", ns, "-o", "jsonpath={.data.k}").stdout == "two")
    }

    @Test func editThroughEditor() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("edit")
        #expect(try s.kubectl(["apply", "-f", "-"], stdin: configMapYAML("e", ns, data: "k: before")).status == 0)
        let r = try s.kubectl(["edit", "cm", "e", "-n", ns], env: ["KUBE_EDITOR": "sed -i s/before/after/", "EDITOR": "sed -i s/before/after/"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("configmap/e edited"))
        #expect(try s.kubectl("get", "cm", "e", "-n", ns, "-o", "jsonpath={.data.k}").stdout == "after")
    }

    @Test func patchAllThreeTypes() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("patch")
        #expect(try s.kubectl(["apply", "-f", "-"], stdin: deploymentYAML("p", ns)).status == 0)
        // Strategic merge: containers merge by name, env by name.
        let smp = try s.kubectl("patch", "deploy", "p", "-n", ns, "-p",
                                #"{"spec":{"template":{"spec":{"containers":[{"name":"main","env":[{"name":"B","value":"2"}]}]}}}}"#)
        #expect(smp.status == 0, "\(smp.stderr)")
        #expect(smp.stdout.contains("deployment.apps/p patched"))
        let env = try s.kubectl("get", "deploy", "p", "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].env[*].name}")
        #expect(env.stdout == "B A" || env.stdout == "A B")
        #expect(try s.kubectl("get", "deploy", "p", "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].image}").stdout == "busybox:1.36")

        let merge = try s.kubectl("patch", "deploy", "p", "-n", ns, "--type", "merge", "-p", #"{"metadata":{"labels":{"patched":"merge"}}}"#)
        #expect(merge.status == 0)
        let json = try s.kubectl("patch", "deploy", "p", "-n", ns, "--type", "json", "-p", #"[{"op":"replace","path":"/spec/replicas","value":7}]"#)
        #expect(json.status == 0)
        let got = try JSON.parse(Array(try s.kubectl("get", "deploy", "p", "-n", ns, "-o", "json").stdout.utf8))
        #expect(got.string("metadata", "labels", "patched") == "merge")
        #expect(got[path: ["spec", "replicas"]] == 7)

        let failing = try s.kubectl("patch", "deploy", "p", "-n", ns, "--type", "json", "-p", #"[{"op":"test","path":"/spec/replicas","value":1}]"#)
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("The request is invalid: the server rejected our request due to an error in our request"))
        let noChange = try s.kubectl("patch", "deploy", "p", "-n", ns, "--type", "merge", "-p", #"{"spec":{"replicas":7}}"#)
        #expect(noChange.stdout.contains("patched (no change)"))
    }

    @Test func labelAnnotateScale() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("label")
        #expect(try s.kubectl(["apply", "-f", "-"], stdin: deploymentYAML("l", ns)).status == 0)
        #expect(try s.kubectl("label", "deploy", "l", "-n", ns, "team=x").stdout.contains("deployment.apps/l labeled"))
        let clash = try s.kubectl("label", "deploy", "l", "-n", ns, "team=y")
        #expect(clash.status == 1)
        #expect(clash.stderr.contains("already has a value (x)"))
        #expect(try s.kubectl("label", "deploy", "l", "-n", ns, "team=y", "--overwrite").status == 0)
        #expect(try s.kubectl("annotate", "deploy", "l", "-n", ns, "note=hello").stdout.contains("annotated"))
        let shown = try s.kubectl("get", "deploy", "l", "-n", ns, "--show-labels")
        #expect(shown.stdout.contains("team=y"))
        #expect(try s.kubectl("get", "deploy", "l", "-n", ns, "-o", "jsonpath={.metadata.annotations.note}").stdout == "hello")

        let scaled = try s.kubectl("scale", "deploy", "l", "-n", ns, "--replicas=4")
        #expect(scaled.stdout.contains("deployment.apps/l scaled"))
        #expect(try s.kubectl("get", "deploy", "l", "-n", ns, "-o", "jsonpath={.spec.replicas}").stdout == "4")
        let scale = try JSON.parse(Array(try s.kubectl("get", "--raw", "/apis/apps/v1/namespaces/\(ns)/deployments/l/scale").stdout.utf8))
        #expect(scale.string("kind") == "Scale")
        #expect(scale[path: ["spec", "replicas"]] == 4)
        #expect(scale.string("status", "selector") == "app=l")
    }

    @Test func deleteAllAndBySelector() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("delete")
        for (i, tier) in ["a", "a", "b"].enumerated() {
            #expect(try s.kubectl(["apply", "-f", "-"], stdin: configMapYAML("d\(i)", ns, labels: "tier: \(tier)")).status == 0)
        }
        let bySelector = try s.kubectl("delete", "cm", "-n", ns, "-l", "tier=a")
        #expect(bySelector.stdout.contains(#"configmap "d0" deleted"#) && bySelector.stdout.contains(#"configmap "d1" deleted"#))
        #expect(try s.kubectl("get", "cm", "-n", ns, "-o", "name").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "configmap/d2")
        let all = try s.kubectl("delete", "cm", "--all", "-n", ns)
        #expect(all.stdout.contains(#"configmap "d2" deleted"#))
        let none = try s.kubectl("get", "cm", "-n", ns)
        #expect(none.stderr.contains("No resources found in \(ns) namespace."))
        let missing = try s.kubectl("delete", "cm", "ghost", "-n", ns)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains(#"configmaps "ghost" not found"#))
    }

    @Test func waitAndRolloutStatus() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("rollout")
        #expect(try s.kubectl(["apply", "-f", "-"], stdin: deploymentYAML("r", ns, replicas: 2)).status == 0)
        let notYet = try s.kubectl("rollout", "status", "deploy/r", "-n", ns, "--timeout=1s")
        #expect(notYet.status == 1)
        // No host takes these pods (every test host is tainted), so the rollout waits; scaled to
        // zero, the deployment controller finishes it.
        #expect(notYet.stdout.contains("Waiting for deployment \"r\" rollout to finish"), "\(notYet.stdout)")
        #expect(try s.kubectl("scale", "deploy/r", "-n", ns, "--replicas=0").status == 0)
        let done = try s.kubectl("rollout", "status", "deploy/r", "-n", ns, "--timeout=20s")
        #expect(done.status == 0, "\(done.stdout)\(done.stderr)")
        #expect(done.stdout.contains(#"deployment "r" successfully rolled out"#))
        let table = try s.kubectl("get", "deploy", "r", "-n", ns)
        #expect(table.stdout.range(of: #"r\s+0/0\s+0\s+0"#, options: .regularExpression) != nil, "\(table.stdout)")

        let waited = try s.kubectl("wait", "--for=condition=Available", "deploy/r", "-n", ns, "--timeout=10s")
        #expect(waited.status == 0)
        #expect(waited.stdout.contains("deployment.apps/r condition met"))
        let waitDelete = try s.kubectl("wait", "--for=delete", "deploy/r", "-n", ns, "--timeout=1s")
        #expect(waitDelete.status == 1)
        #expect(try s.kubectl("delete", "deploy", "r", "-n", ns).status == 0)
        let gone = try s.kubectl("wait", "--for=delete", "deploy/r", "-n", ns, "--timeout=5s")
        #expect(gone.status == 0 || gone.stderr.contains("not found"))
    }

    @Test func getWatchSeesChanges() async throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("watch")
        #expect(try s.kubectl(["apply", "-f", "-"], stdin: configMapYAML("w0", ns)).status == 0)
        let watch = try s.startKubectl(["get", "cm", "-n", ns, "-w", "--output-watch-events"])
        defer { watch.stop() }
        // Change things only once the watch has listed what exists.
        #expect(try await watch.waitForOutput(matching: #"ADDED\s+w0"#, timeout: 20), "\(watch.output)")
        #expect(try s.kubectl(["apply", "-f", "-"], stdin: configMapYAML("w1", ns)).status == 0)
        #expect(try s.kubectl("label", "cm", "w1", "-n", ns, "x=y").status == 0)
        #expect(try s.kubectl("delete", "cm", "w1", "-n", ns).status == 0)
        #expect(try await watch.waitForOutput(matching: #"DELETED\s+w1"#, timeout: 20), "\(watch.output)")
        let out = watch.output
        #expect(out.range(of: #"ADDED\s+w1"#, options: .regularExpression) != nil, "\(out)")
        #expect(out.range(of: #"MODIFIED\s+w1"#, options: .regularExpression) != nil, "\(out)")
    }

    @Test func discoveryExplainAndIdentity() throws {
        let s = try sharedServer()
        let resources = try s.kubectl("api-resources")
        #expect(resources.status == 0)
        #expect(resources.stdout.range(of: #"deployments\s+deploy\s+apps/v1\s+true\s+Deployment"#, options: .regularExpression) != nil)
        #expect(resources.stdout.range(of: #"namespaces\s+ns\s+v1\s+false\s+Namespace"#, options: .regularExpression) != nil)
        let versions = try s.kubectl("api-versions")
        for gv in ["v1", "apps/v1", "batch/v1", "coordination.k8s.io/v1", "rbac.authorization.k8s.io/v1", "networking.k8s.io/v1"] {
            #expect(versions.stdout.split(separator: "\n").contains(Substring(gv)), "api-versions lists \(gv)")
        }
        let explain = try s.kubectl("explain", "configmap")
        #expect(explain.status == 0, "\(explain.stderr)")
        #expect(explain.stdout.contains("KIND:       ConfigMap") || explain.stdout.contains("KIND:     ConfigMap"))
        #expect(explain.stdout.contains("data\t<map[string]string>"))
        let explainField = try s.kubectl("explain", "deployment.spec")
        #expect(explainField.status == 0, "\(explainField.stderr)")
        let version = try s.kubectl("version", "-o", "json")
        let v = try JSON.parse(Array(version.stdout.utf8))
        #expect(v.string("serverVersion", "minor") == "33")
    }

    @Test func unknownFieldsFollowFieldValidation() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("fv")
        let typo = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: t\n  namespace: \(ns)\n  labelz: {a: b}\ndata: {k: v}\nextra: 1\n"
        // kubectl's default, --validate=strict: refused with the upstream message.
        let strict = try s.kubectl(["apply", "-f", "-"], stdin: typo)
        #expect(strict.status == 1)
        #expect(strict.stderr.contains(#"strict decoding error: unknown field "extra", unknown field "metadata.labelz""#), "\(strict.stderr)")
        // --validate=warn: stored without the unknown fields, and the user is warned.
        let warn = try s.kubectl(["apply", "--validate=warn", "-f", "-"], stdin: typo)
        #expect(warn.status == 0)
        #expect(warn.stderr.contains(#"unknown field "extra""#))
        let stored = try JSON.parse(Array(try s.kubectl("get", "cm", "t", "-n", ns, "-o", "json").stdout.utf8))
        #expect(stored["extra"] == nil)
        #expect(stored[path: ["metadata", "labelz"]] == nil)
        #expect(stored.string("data", "k") == "v")
    }

    /// kubectl's typed clients send protobuf bodies; the generators and auth commands use them.
    @Test func typedClientCommands() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("typed")
        let cm = try s.kubectl("create", "configmap", "settings", "-n", ns, "--from-literal=mode=fast", "--from-literal=level=3")
        #expect(cm.stdout.contains("configmap/settings created"), "\(cm.stderr)")
        let data = try JSON.parse(Array(try s.kubectl("get", "cm", "settings", "-n", ns, "-o", "json").stdout.utf8))
        #expect(data["data"] == ["level": "3", "mode": "fast"])
        let secret = try s.kubectl("create", "secret", "generic", "creds", "-n", ns, "--from-literal=password=s3cret")
        #expect(secret.status == 0)
        #expect(try s.kubectl("get", "secret", "creds", "-n", ns, "-o", "jsonpath={.data.password}").stdout == "czNjcmV0")
        #expect(try s.kubectl("get", "secret", "creds", "-n", ns, "-o", "jsonpath={.type}").stdout == "Opaque")
        let deploy = try s.kubectl("create", "deployment", "api", "-n", ns, "--image=busybox:1.36", "--replicas=0")
        #expect(deploy.stdout.contains("deployment.apps/api created"))
        #expect(try s.kubectl("get", "deploy", "api", "-n", ns, "-o", "jsonpath={.spec.replicas}").stdout == "0")
        let job = try s.kubectl("create", "job", "once", "-n", ns, "--image=busybox:1.36", "--", "true")
        #expect(job.stdout.contains("job.batch/once created"))
        #expect(try s.kubectl("get", "job", "once", "-n", ns, "-o", "jsonpath={.spec.template.spec.restartPolicy}").stdout == "Never")

        let svc = try s.kubectl("create", "service", "nodeport", "web", "-n", ns, "--tcp=80:8080")
        #expect(svc.stdout.contains("service/web created"), "\(svc.stderr)")
        let created = try JSON.parse(Array(try s.kubectl("get", "svc", "web", "-n", ns, "-o", "json").stdout.utf8))
        let ip = created.string("spec", "clusterIP") ?? ""
        #expect(ip.hasPrefix("10.") && ip != "10.96.0.1", "a ClusterIP from the service range: \(ip)")
        let nodePort = created[path: ["spec", "ports"]]?.arrayValue?.first?["nodePort"]?.intValue ?? 0
        #expect((30000...32767).contains(nodePort))
        #expect(try s.kubectl("label", "svc", "web", "-n", ns, "tier=front").status == 0)
        #expect(try s.kubectl("get", "svc", "web", "-n", ns, "-o", "jsonpath={.spec.clusterIP}").stdout == ip)

        let whoami = try s.kubectl("auth", "whoami")
        #expect(whoami.stdout.range(of: #"Username\s+plinth-admin"#, options: .regularExpression) != nil, "\(whoami.stderr)")
        #expect(whoami.stdout.contains("system:masters"))
        let canI = try s.kubectl("auth", "can-i", "delete", "deployments", "-n", ns)
        #expect(canI.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "yes")
        #expect(canI.status == 0)
    }

    @Test func badInputGetsUpstreamErrors() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("bad")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plinth-bad-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func post(_ body: String, path: String) throws -> CommandResult {
            let f = dir.appendingPathComponent("body-\(UUID().uuidString.prefix(6)).json")
            try body.write(to: f, atomically: true, encoding: .utf8)
            return try s.kubectl("create", "--raw", path, "-f", f.path)
        }
        let cms = "/api/v1/namespaces/\(ns)/configmaps"
        let malformed = try post(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}"#, path: cms)
        #expect(malformed.status == 1)
        #expect(malformed.stderr.contains("BadRequest") || malformed.stderr.contains("json parse error"))
        let badName = try post(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Bad_Name"}}"#, path: cms)
        #expect(badName.stderr.contains(#"ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain"#))
        let noName = try post(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}"#, path: cms)
        #expect(noName.stderr.contains("metadata.name: Required value: name or generateName is required"))
        let noNamespace = try post(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}"#, path: "/api/v1/namespaces/missing-ns/configmaps")
        #expect(noNamespace.stderr.contains(#"namespaces "missing-ns" not found"#))
        let wrongVersion = try post(#"{"apiVersion":"v2","kind":"ConfigMap","metadata":{"name":"x"}}"#, path: cms)
        #expect(wrongVersion.stderr.contains("does not match the expected API version"))
        let big = String(repeating: "a", count: 3 * 1024 * 1024 + 10)
        let tooLarge = try post(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"k":"\#(big)"}}"#, path: cms)
        #expect(tooLarge.status == 1)
        #expect(tooLarge.stderr.contains("Request entity too large") || tooLarge.stderr.contains("RequestEntityTooLarge"))
        let unknownParam = try s.kubectl("get", "--raw", "\(cms)?bogus=1")
        #expect(unknownParam.stderr.contains("unknown query parameter"))
        let badSelector = try s.kubectl("get", "cm", "-n", ns, "-l", "a in")
        #expect(badSelector.status == 1)
        #expect(badSelector.stderr.contains("unable to parse requirement"))
        // Nothing half-written: only valid requests left objects behind.
        let left = try s.kubectl("get", "cm", "-n", ns, "-o", "name")
        #expect(left.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        // generateName gets a random suffix.
        let generated = try post(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"gen-"}}"#, path: cms)
        let genObj = try JSON.parse(Array(generated.stdout.utf8))
        #expect(genObj.string("metadata", "name")?.hasPrefix("gen-") == true)
        #expect(genObj.string("metadata", "name")?.count == 9)
    }
}
