import ArgumentParser
import Foundation
import PlinthClient

/// `--kubeconfig` for commands an admin runs against a server: `$KUBECONFIG`, else the admin
/// kubeconfig `plinth up` wrote under `~/.plinth`.
struct AdminConnection: ParsableArguments {
    @Option(name: .long, help: "Kubeconfig to reach the server with (default: $KUBECONFIG, else ~/.plinth/admin.kubeconfig).")
    var kubeconfig: String?

    var path: String {
        if let kubeconfig { return kubeconfig }
        if let env = ProcessInfo.processInfo.environment["KUBECONFIG"], let first = env.split(separator: ":").first { return String(first) }
        return (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + "/.plinth/admin.kubeconfig"
    }

    /// Runs `body` with a client, shutting it down afterwards.
    func with<T>(_ body: (APIClient) async throws -> T) async throws -> T {
        let client = APIClient(config: try ClientConfig.load(path: path))
        do {
            let out = try await body(client)
            await client.shutdown()
            return out
        } catch {
            await client.shutdown()
            throw error
        }
    }
}

/// A password from `$PLINTH_PASSWORD`, else typed at the terminal without echo.
func readPassword(prompt: String = "Password: ") throws -> String {
    if let p = ProcessInfo.processInfo.environment["PLINTH_PASSWORD"], !p.isEmpty { return p }
    guard let p = getpass(prompt) else { throw ValidationError("no password given (set PLINTH_PASSWORD or run from a terminal)") }
    let s = String(cString: p)
    guard !s.isEmpty else { throw ValidationError("empty password") }
    return s
}
