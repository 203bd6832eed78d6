import Foundation

/// Writes the admin kubeconfig: the cluster CA, the server URL and the admin bearer token.
enum Kubeconfig {
    static func write(to path: String, server: String, caPEM: String, token: String) throws {
        let ca = Data(caPEM.utf8).base64EncodedString()
        let text = """
            apiVersion: v1
            kind: Config
            clusters:
            - cluster:
                certificate-authority-data: \(ca)
                server: \(server)
              name: plinth
            contexts:
            - context:
                cluster: plinth
                namespace: default
                user: plinth-admin
              name: plinth
            current-context: plinth
            preferences: {}
            users:
            - name: plinth-admin
              user:
                token: \(token)

            """
        let tmp = path + ".tmp"
        try text.write(toFile: tmp, atomically: false, encoding: .utf8)
        chmod(tmp, 0o600)
        _ = rename(tmp, path)
    }
}
