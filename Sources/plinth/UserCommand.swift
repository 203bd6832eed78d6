import ArgumentParser
import Foundation
import PlinthAPIServer
import PlinthClient
import PlinthJSON

/// `plinth user add|del|passwd|list`: the built-in user directory (Secrets in plinth-system).
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage the users of the built-in directory (admins only).",
        subcommands: [Add.self, Delete.self, Passwd.self, List.self])

    static let secretsPath = "/api/v1/namespaces/\(UserDirectory.namespace)/secrets"

    static func secret(user: String, hash: String) -> JSON {
        [
            "apiVersion": "v1", "kind": "Secret", "type": .string(UserDirectory.userType),
            "metadata": ["name": .string(UserDirectory.secretName(kind: "user", name: user)), "namespace": .string(UserDirectory.namespace),
                         "labels": ["plinth.dev/directory": "user"]],
            "data": ["username": .string(Data(user.utf8).base64EncodedString()), "passwordHash": .string(Data(hash.utf8).base64EncodedString())],
        ]
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a user; the password comes from $PLINTH_PASSWORD or a prompt.")
        @OptionGroup var connection: AdminConnection
        @Argument(help: "User name, e.g. alice or alice@example.com.") var name: String
        @Option(name: .long, help: "Add the user to this group (repeatable).") var group: [String] = []

        func run() async throws {
            let hash = try PasswordHash.make(try readPassword())
            try await connection.with { client in
                try await client.request(.POST, UserCommand.secretsPath, UserCommand.secret(user: name, hash: hash))
                for g in group { try await GroupCommand.change(client, group: g, add: [name], remove: [], create: true) }
            }
            print("user \(name) added")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "del", abstract: "Delete a user (their tokens stop working within seconds).")
        @OptionGroup var connection: AdminConnection
        @Argument var name: String

        func run() async throws {
            try await connection.with { client in
                try await client.request(.DELETE, UserCommand.secretsPath + "/" + UserDirectory.secretName(kind: "user", name: name))
                for g in try await GroupCommand.groups(client) where g.members.contains(name) {
                    try await GroupCommand.change(client, group: g.name, add: [], remove: [name], create: false)
                }
            }
            print("user \(name) deleted")
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "passwd", abstract: "Set a user's password ($PLINTH_PASSWORD or a prompt).")
        @OptionGroup var connection: AdminConnection
        @Argument var name: String

        func run() async throws {
            let hash = try PasswordHash.make(try readPassword(prompt: "New password: "))
            let patch: JSON = ["data": ["passwordHash": .string(Data(hash.utf8).base64EncodedString())]]
            try await connection.with { client in
                try await client.request(.PATCH, UserCommand.secretsPath + "/" + UserDirectory.secretName(kind: "user", name: name), patch,
                                         contentType: "application/merge-patch+json")
            }
            print("password of \(name) changed")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List users and their groups.")
        @OptionGroup var connection: AdminConnection

        func run() async throws {
            let (users, groups) = try await connection.with { client in
                (try await UserCommand.users(client), try await GroupCommand.groups(client))
            }
            print(pad("NAME", 32) + "GROUPS")
            for u in users {
                let gs = groups.filter { $0.members.contains(u) }.map(\.name)
                print(pad(u, 32) + (gs.isEmpty ? "<none>" : gs.joined(separator: ",")))
            }
        }
    }

    static func users(_ client: APIClient) async throws -> [String] {
        let list = try await client.request(.GET, secretsPath + "?fieldSelector=type%3D" + UserDirectory.userType.replacingOccurrences(of: "/", with: "%2F"))
        return (list["items"]?.arrayValue ?? []).compactMap { decoded($0, "username") }.sorted()
    }

    static func decoded(_ secret: JSON, _ key: String) -> String? {
        secret[path: ["data", key]]?.stringValue.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
    }
}

func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count) }
