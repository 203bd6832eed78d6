import ArgumentParser
import Foundation
import PlinthAPIServer
import PlinthClient
import PlinthJSON

/// `plinth group add|del|add-member|remove-member|list`: groups of the built-in directory.
struct GroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group", abstract: "Manage the groups of the built-in directory (admins only).",
        subcommands: [Add.self, Delete.self, AddMember.self, RemoveMember.self, List.self])

    struct Group { var name: String; var members: [String] }

    static func path(_ name: String) -> String { UserCommand.secretsPath + "/" + UserDirectory.secretName(kind: "group", name: name) }

    static func secret(_ name: String, members: [String]) -> JSON {
        [
            "apiVersion": "v1", "kind": "Secret", "type": .string(UserDirectory.groupType),
            "metadata": ["name": .string(UserDirectory.secretName(kind: "group", name: name)), "namespace": .string(UserDirectory.namespace),
                         "labels": ["plinth.dev/directory": "group"]],
            "data": ["name": .string(Data(name.utf8).base64EncodedString()),
                     "members": .string(Data(members.joined(separator: "\n").utf8).base64EncodedString())],
        ]
    }

    static func groups(_ client: APIClient) async throws -> [Group] {
        let list = try await client.request(.GET, UserCommand.secretsPath + "?fieldSelector=type%3D" + UserDirectory.groupType.replacingOccurrences(of: "/", with: "%2F"))
        return (list["items"]?.arrayValue ?? []).compactMap { s in
            UserCommand.decoded(s, "name").map { Group(name: $0, members: (UserCommand.decoded(s, "members") ?? "").split(separator: "\n").map(String.init)) }
        }.sorted { $0.name < $1.name }
    }

    /// Adds and removes members with a read-modify-write guarded by resourceVersion (retried on conflict).
    static func change(_ client: APIClient, group: String, add: [String], remove: [String], create: Bool) async throws {
        for _ in 0..<5 {
            let (status, current) = try await client.send(.GET, path(group))
            if status == 404 {
                guard create else { throw ClientError("group \(group) not found") }
                let (s, body) = try await client.send(.POST, UserCommand.secretsPath, body: secret(group, members: add).serialized())
                if s == 409 { continue }
                guard (200..<300).contains(s) else { throw ClientError(body.string("message") ?? "HTTP \(s)") }
                return
            }
            var members = (UserCommand.decoded(current, "members") ?? "").split(separator: "\n").map(String.init)
            members.removeAll { remove.contains($0) }
            for m in add where !members.contains(m) { members.append(m) }
            var next = secret(group, members: members)
            next[path: ["metadata", "resourceVersion"]] = current[path: ["metadata", "resourceVersion"]]
            let (s, body) = try await client.send(.PUT, path(group), body: next.serialized())
            if s == 409 { continue }
            guard (200..<300).contains(s) else { throw ClientError(body.string("message") ?? "HTTP \(s)") }
            return
        }
        throw ClientError("group \(group) kept changing; try again")
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Create a group.")
        @OptionGroup var connection: AdminConnection
        @Argument var name: String
        @Option(name: .long, help: "A member (repeatable).") var member: [String] = []
        func run() async throws {
            try await connection.with { try await $0.request(.POST, UserCommand.secretsPath, GroupCommand.secret(name, members: member)) }
            print("group \(name) added")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "del", abstract: "Delete a group.")
        @OptionGroup var connection: AdminConnection
        @Argument var name: String
        func run() async throws {
            try await connection.with { try await $0.request(.DELETE, GroupCommand.path(name)) }
            print("group \(name) deleted")
        }
    }

    struct AddMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-member", abstract: "Add users to a group.")
        @OptionGroup var connection: AdminConnection
        @Argument var group: String
        @Argument var users: [String]
        func run() async throws {
            try await connection.with { try await GroupCommand.change($0, group: group, add: users, remove: [], create: false) }
        }
    }

    struct RemoveMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove-member", abstract: "Remove users from a group.")
        @OptionGroup var connection: AdminConnection
        @Argument var group: String
        @Argument var users: [String]
        func run() async throws {
            try await connection.with { try await GroupCommand.change($0, group: group, add: [], remove: users, create: false) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List groups and their members.")
        @OptionGroup var connection: AdminConnection
        func run() async throws {
            let groups = try await connection.with { try await GroupCommand.groups($0) }
            print(pad("NAME", 32) + "MEMBERS")
            for g in groups { print(pad(g.name, 32) + (g.members.isEmpty ? "<none>" : g.members.joined(separator: ","))) }
        }
    }
}
