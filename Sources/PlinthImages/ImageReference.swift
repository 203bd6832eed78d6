/// An image name as pods and `plinth image` write it, normalised the way Docker and containerd
/// do: `busybox` is `docker.io/library/busybox:latest`; `localhost:5000/app@sha256:…` keeps its
/// registry and digest.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// The registry host (with port): `docker.io`, `127.0.0.1:5000`.
    public var registry: String
    /// The repository path within the registry: `library/busybox`.
    public var repository: String
    public var tag: String?
    public var digest: String?

    public init(_ text: String) throws(ImageError) {
        var rest = Substring(text)
        guard !rest.isEmpty, !rest.contains(where: \.isWhitespace) else {
            throw ImageError("invalid reference format: \"\(text)\"")
        }
        if let at = rest.firstIndex(of: "@") {
            let d = String(rest[rest.index(after: at)...])
            guard d.hasPrefix("sha256:"), d.count == 71, d.dropFirst(7).allSatisfy(\.isHexDigit) else {
                throw ImageError("invalid reference format: \"\(text)\" (digest must be sha256:<64 hex>)")
            }
            digest = d
            rest = rest[..<at]
        }
        let lastSlash = rest.lastIndex(of: "/")
        let nameStart = lastSlash.map { rest.index(after: $0) } ?? rest.startIndex
        if let colon = rest[nameStart...].lastIndex(of: ":") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else { throw ImageError("invalid reference format: \"\(text)\"") }
        if parts.count > 1, parts[0].contains(".") || parts[0].contains(":") || parts[0] == "localhost" {
            registry = parts[0]
            repository = parts.dropFirst().joined(separator: "/")
        } else {
            registry = "docker.io"
            repository = parts.count == 1 ? "library/" + parts[0] : parts.joined(separator: "/")
        }
        if registry == "index.docker.io" { registry = "docker.io" }
        if let tag, tag.isEmpty || tag.count > 128 { throw ImageError("invalid reference format: \"\(text)\" (bad tag)") }
        guard repository.allSatisfy({ $0.isLowercase || $0.isNumber || "._-/".contains($0) }) else {
            throw ImageError("invalid reference format: repository name must be lowercase: \"\(text)\"")
        }
        if tag == nil && digest == nil { tag = "latest" }
    }

    /// What the manifest is fetched by: the digest when there is one, else the tag.
    public var manifestReference: String { digest ?? tag ?? "latest" }

    /// The full normalised name: `docker.io/library/busybox:latest`.
    public var description: String {
        var s = registry + "/" + repository
        if let tag { s += ":" + tag }
        if let digest { s += "@" + digest }
        return s
    }
}
