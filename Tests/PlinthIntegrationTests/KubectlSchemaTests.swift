import Foundation
import PlinthJSON
import Testing

/// kubectl over the complete OpenAPI v3 schemas: explain of nested fields, strategic merge
/// patches computed from the schemas, strict validation of nested fields.
@Suite("kubectl and the OpenAPI schemas", .plinthServer)
struct KubectlSchemaTests {
    func deploymentYAML(_ ns: String, image: String, env: String, typo: String = "") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: \(ns)}
        spec:
          selector: {matchLabels: {app: web}}
          strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 25%}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: app
                image: \(image)
                ports: [{containerPort: 80}]
                env: [\(env)]
                resources: {limits: {cpu: 500m}}\(typo)
              - name: sidecar
                image: busybox:1.36
                command: [sleep, infinity]
        """
    }

    @Test func explainNestedFields() throws {
        let s = try sharedServer()
        let ports = try s.kubectl("explain", "deployment.spec.template.spec.containers.ports")
        #expect(ports.status == 0, "\(ports.stderr)")
        #expect(ports.stdout.contains("FIELD: ports <[]ContainerPort>"), "\(ports.stdout)")
        #expect(ports.stdout.contains("containerPort\t<integer> -required-"), "\(ports.stdout)")
        let surge = try s.kubectl("explain", "deployment.spec.strategy.rollingUpdate.maxSurge")
        #expect(surge.stdout.contains("<IntOrString>"), "\(surge.stdout)")
        let recursive = try s.kubectl("explain", "pod.spec", "--recursive")
        #expect(recursive.status == 0)
        #expect(recursive.stdout.contains("limits\t<map[string]Quantity>"))
    }

    @Test func applyMergesContainersByName() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("smp")
        let created = try s.kubectl(["apply", "-f", "-"], stdin: deploymentYAML(ns, image: "nginx:1.25", env: "{name: A, value: '1'}"))
        #expect(created.status == 0, "\(created.stderr)")
        // Manually added to the live object: a three-way merge keeps it.
        let patched = try s.kubectl("patch", "deploy", "web", "-n", ns, "-p",
                                    #"{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","env":[{"name":"LIVE","value":"x"}]}]}}}}"#)
        #expect(patched.status == 0, "\(patched.stderr)")
        let changed = try s.kubectl(["apply", "-f", "-"],
                                    stdin: deploymentYAML(ns, image: "nginx:1.27", env: "{name: A, value: '1'}, {name: B, value: '2'}"))
        #expect(changed.status == 0)
        #expect(changed.stdout.contains("deployment.apps/web configured"))
        #expect(changed.stderr.isEmpty, "no warnings: \(changed.stderr)")
        let got = try JSON.parse(Array(try s.kubectl("get", "deploy", "web", "-n", ns, "-o", "json").stdout.utf8))
        let containers = got[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
        #expect(containers.map { $0.string("name") } == ["app", "sidecar"])
        #expect(containers.first?.string("image") == "nginx:1.27")
        #expect(containers.first?["env"] == [["name": "A", "value": "1"], ["name": "B", "value": "2"]])
        #expect(containers.last?["env"] == [["name": "LIVE", "value": "x"]])
        #expect(containers.first?["ports"]?.arrayValue?.first?["containerPort"] == 80)
    }

    @Test func strictValidationNamesNestedFields() throws {
        let s = try sharedServer()
        let ns = try s.makeNamespace("strict")
        let typo = deploymentYAML(ns, image: "nginx", env: "", typo: "\n        imagePullPolice: Always")
        let r = try s.kubectl(["apply", "-f", "-"], stdin: typo)
        #expect(r.status == 1)
        #expect(r.stderr.contains(#"strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolice""#), "\(r.stderr)")
    }
}
