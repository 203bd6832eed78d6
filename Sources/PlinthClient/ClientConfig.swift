import Foundation
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOSSL
import PlinthJSON
import Yams

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a kubeconfig says about reaching the API: the current context's server, TLS settings and
/// credentials (token, token file or client certificate).
public struct ClientConfig: Sendable {
    public var server: String
    public var tls: TLSConfiguration
    public var authorization: String?

    public init(server: String, tls: TLSConfiguration, authorization: String?) {
        self.server = server
        self.tls = tls
        self.authorization = authorization
    }

    public static func load(path: String) throws -> ClientConfig {
        guard let bytes = readFile(path) else { throw ClientError("cannot read kubeconfig \(path)") }
        guard let root = try Yams.compose(yaml: String(decoding: bytes, as: UTF8.self)) else {
            throw ClientError("kubeconfig \(path) is empty")
        }

        func named(_ list: String, _ name: String?) -> Node? {
            let entries = root[list]?.array() ?? []
            if let name { return entries.first { $0["name"]?.string == name } }
            return entries.first
        }

        // The current context names the cluster and user; without one, a lone context (or else the
        // first cluster and the first user) is used.
        var clusterName: String?
        var userName: String?
        let current = root["current-context"]?.string ?? ""
        if !current.isEmpty {
            guard let ctx = named("contexts", current) else {
                throw ClientError("kubeconfig \(path): current-context \"\(current)\" is not among its contexts")
            }
            clusterName = ctx["context"]?["cluster"]?.string
            userName = ctx["context"]?["user"]?.string
        } else if let contexts = root["contexts"]?.array(), contexts.count == 1 {
            clusterName = contexts[0]["context"]?["cluster"]?.string
            userName = contexts[0]["context"]?["user"]?.string
        }

        guard let clusterEntry = named("clusters", clusterName), let cluster = clusterEntry["cluster"] else {
            throw ClientError("kubeconfig \(path): no cluster \(clusterName.map { "\"\($0)\"" } ?? "")")
        }
        guard var server = cluster["server"]?.string, !server.isEmpty else {
            throw ClientError("kubeconfig \(path): the cluster has no server")
        }
        while server.hasSuffix("/") { server.removeLast() }

        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca = cluster["certificate-authority-data"]?.string, !ca.isEmpty {
            guard let pem = base64Decode(ca) else { throw ClientError("kubeconfig: bad certificate-authority-data") }
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(pem))
        } else if let caFile = cluster["certificate-authority"]?.string, !caFile.isEmpty {
            guard let pem = readFile(caFile) else { throw ClientError("cannot read certificate-authority \(caFile)") }
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(pem))
        }
        if cluster["insecure-skip-tls-verify"]?.bool == true {
            tls.certificateVerification = .none
        }
        if let sni = cluster["tls-server-name"]?.string, !sni.isEmpty {
            _ = sni  // AsyncHTTPClient verifies against the URL's host; tls-server-name is not supported.
        }

        var authorization: String?
        if let userEntry = named("users", userName), let user = userEntry["user"] {
            if let token = user["token"]?.string, !token.isEmpty {
                authorization = "Bearer " + token
            } else if let file = user["tokenFile"]?.string, let bytes = readFile(file) {
                let token = String(decoding: bytes, as: UTF8.self).filter { !$0.isWhitespace }
                if !token.isEmpty { authorization = "Bearer " + token }
            }
            var certPEM: [UInt8]?
            var keyPEM: [UInt8]?
            if let d = user["client-certificate-data"]?.string, !d.isEmpty { certPEM = base64Decode(d) }
            else if let f = user["client-certificate"]?.string, !f.isEmpty { certPEM = readFile(f) }
            if let d = user["client-key-data"]?.string, !d.isEmpty { keyPEM = base64Decode(d) }
            else if let f = user["client-key"]?.string, !f.isEmpty { keyPEM = readFile(f) }
            if let certPEM, let keyPEM {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(certPEM).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: keyPEM, format: .pem))
            }
        }
        return ClientConfig(server: server, tls: tls, authorization: authorization)
    }
}
