import ArgumentParser
import Foundation
import PlinthClient
import PlinthJSON

/// `plinth namespace create|update|describe`: NamespacePolicies from the command line.
struct NamespaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "namespace", abstract: "Create and govern namespaces: limits, object counts, default sizes, access (admins).",
        subcommands: [Create.self, Update.self, Describe.self])

    static let policies = "/apis/plinth.dev/v1alpha1/namespacepolicies"

    /// The policy fields, as flags; only the flags given are set.
    struct PolicyFlags: ParsableArguments {
        @Option(help: "CPU limit of the namespace (sum of container limits), e.g. 4.") var cpu: String?
        @Option(help: "Memory limit, e.g. 8Gi.") var memory: String?
        @Option(help: "Storage limit (sum of claims), e.g. 100Gi.") var storage: String?
        @Option(name: .customLong("storage-class"), help: "A storage class the namespace may use, with an optional limit: NAME or NAME=LIMIT (repeatable).") var storageClass: [String] = []
        @Option(help: "An object-count limit RESOURCE=N, e.g. pods=50 or deployments.apps=10 (repeatable).") var count: [String] = []
        @Option(name: .customLong("default-request"), help: "Default container requests, e.g. cpu=100m,memory=128Mi.") var defaultRequest: String?
        @Option(name: .customLong("default-limit"), help: "Default container limits, e.g. cpu=500m,memory=512Mi.") var defaultLimit: String?
        @Option(help: "User with VIEW (repeatable).") var view: [String] = []
        @Option(help: "User with EDIT (repeatable).") var edit: [String] = []
        @Option(help: "User with OWNER (repeatable).") var owner: [String] = []
        @Option(name: .customLong("view-group"), help: "Group with VIEW (repeatable).") var viewGroup: [String] = []
        @Option(name: .customLong("edit-group"), help: "Group with EDIT (repeatable).") var editGroup: [String] = []
        @Option(name: .customLong("owner-group"), help: "Group with OWNER (repeatable).") var ownerGroup: [String] = []
        @Option(name: .customLong("vm-class"), help: "A VM class VMs here may use (repeatable).") var vmClass: [String] = []
        @Option(name: .customLong("vm-image"), help: "A VM image VMs here may use (repeatable).") var vmImage: [String] = []
        @Flag(help: "Isolate the namespace's network: its pods accept connections only from pods of the same namespace.") var isolated = false

        func pairs(_ s: String, _ flag: String) throws -> JSON {
            var o = JSONObject()
            for part in s.split(separator: ",") {
                let kv = part.split(separator: "=", maxSplits: 1)
                guard kv.count == 2 else { throw ValidationError("--\(flag): expected NAME=VALUE[,NAME=VALUE], got \(s)") }
                o[String(kv[0])] = .string(String(kv[1]))
            }
            return .object(o)
        }

        /// The spec fields these flags set.
        func spec() throws -> JSONObject {
            var spec = JSONObject()
            var limits = JSONObject()
            if let cpu { limits["cpu"] = .string(cpu) }
            if let memory { limits["memory"] = .string(memory) }
            if let storage { limits["storage"] = .string(storage) }
            if !limits.isEmpty { spec["limits"] = .object(limits) }
            if !storageClass.isEmpty {
                spec["storageClasses"] = .array(storageClass.map { sc in
                    let kv = sc.split(separator: "=", maxSplits: 1)
                    return kv.count == 2 ? ["name": .string(String(kv[0])), "limit": .string(String(kv[1]))] : ["name": .string(sc)]
                })
            }
            if !count.isEmpty {
                var counts = JSONObject()
                for c in count {
                    let kv = c.split(separator: "=", maxSplits: 1)
                    guard kv.count == 2, let n = Int64(kv[1]) else { throw ValidationError("--count: expected RESOURCE=N, got \(c)") }
                    counts[String(kv[0])] = .int(n)
                }
                spec["objectCounts"] = .object(counts)
            }
            var defaults = JSONObject()
            if let defaultRequest { defaults["requests"] = try pairs(defaultRequest, "default-request") }
            if let defaultLimit { defaults["limits"] = try pairs(defaultLimit, "default-limit") }
            if !defaults.isEmpty { spec["defaultContainer"] = .object(defaults) }
            var access: [JSON] = []
            for (role, users, groups) in [("VIEW", view, viewGroup), ("EDIT", edit, editGroup), ("OWNER", owner, ownerGroup)] {
                access += users.map { ["role": .string(role), "user": .string($0)] }
                access += groups.map { ["role": .string(role), "group": .string($0)] }
            }
            if !access.isEmpty { spec["access"] = .array(access) }
            if !vmClass.isEmpty { spec["vmClasses"] = .array(vmClass.map { .string($0) }) }
            if !vmImage.isEmpty { spec["vmImages"] = .array(vmImage.map { .string($0) }) }
            if isolated { spec["network"] = ["isolated": true] }
            return spec
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a namespace with its policy.")
        @OptionGroup var connection: AdminConnection
        @Argument var name: String
        @OptionGroup var flags: PolicyFlags

        func run() async throws {
            let policy: JSON = ["apiVersion": "plinth.dev/v1alpha1", "kind": "NamespacePolicy", "metadata": ["name": .string(name)],
                                "spec": .object(try flags.spec())]
            try await connection.with { try await $0.request(.POST, NamespaceCommand.policies, policy) }
            print("namespace \(name) created")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "update", abstract: "Change a namespace's policy: each flag given replaces that setting.")
        @OptionGroup var connection: AdminConnection
        @Argument var name: String
        @OptionGroup var flags: PolicyFlags

        func run() async throws {
            let patch: JSON = ["spec": .object(try flags.spec())]
            try await connection.with {
                try await $0.request(.PATCH, NamespaceCommand.policies + "/" + name, patch, contentType: "application/merge-patch+json")
            }
            print("namespace \(name) updated")
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "describe", abstract: "Show a namespace's policy, quota usage and access.")
        @OptionGroup var connection: AdminConnection
        @Argument var name: String

        func run() async throws {
            let (policy, quota, bindings) = try await connection.with { c in
                (try await c.request(.GET, NamespaceCommand.policies + "/" + name),
                 try? await c.request(.GET, "/api/v1/namespaces/\(name)/resourcequotas/plinth-policy"),
                 try await c.request(.GET, "/apis/rbac.authorization.k8s.io/v1/namespaces/\(name)/rolebindings?labelSelector=plinth.dev%2Fnamespace-policy"))
            }
            let ready = (policy[path: ["status", "conditions"]]?.arrayValue ?? []).first { $0.string("type") == "Ready" }?.string("status") ?? "Unknown"
            print("Namespace:  \(name)")
            print("Ready:      \(ready)")
            if let q = quota {
                print("Quota:")
                print("  " + pad("RESOURCE", 52) + pad("USED", 12) + "HARD")
                for (k, v) in q[path: ["status", "hard"]]?.objectValue ?? q[path: ["spec", "hard"]]?.objectValue ?? JSONObject() {
                    print("  " + pad(k, 52) + pad(q.string("status", "used", k) ?? "-", 12) + (v.stringValue ?? "\(v)"))
                }
            }
            if let d = policy[path: ["spec", "defaultContainer"]] { print("Default container: \(d.serializedString())") }
            print("Access:")
            for b in bindings["items"]?.arrayValue ?? [] {
                let subjects = (b["subjects"]?.arrayValue ?? []).map { "\($0.string("kind") ?? ""):\($0.string("name") ?? "")" }
                print("  " + pad(b.string("metadata", "name") ?? "", 26) + pad(b.string("roleRef", "name") ?? "", 26) + subjects.joined(separator: ", "))
            }
            for (field, label) in [("vmClasses", "VM classes"), ("vmImages", "VM images")] {
                if let list = policy[path: ["spec", field]]?.arrayValue { print("\(label): " + list.compactMap(\.stringValue).joined(separator: ", ")) }
            }
        }
    }
}
