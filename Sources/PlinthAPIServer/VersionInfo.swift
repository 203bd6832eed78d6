import PlinthJSON

/// What `/version` reports: Kubernetes 1.33 compatibility, Plinth's own build in gitVersion.
public enum VersionInfo {
    public static let plinthVersion = "0.1.0"
    public static let kubernetesMinor = "33"

    public static var json: JSON {
        var o = JSONObject()
        o.appendUnchecked("major", "1")
        o.appendUnchecked("minor", .string(kubernetesMinor))
        o.appendUnchecked("gitVersion", .string("v1.\(kubernetesMinor).0-plinth.\(plinthVersion)"))
        o.appendUnchecked("gitCommit", "")
        o.appendUnchecked("gitTreeState", "clean")
        o.appendUnchecked("buildDate", "2026-11-21T00:00:00Z")
        o.appendUnchecked("goVersion", "swift6.3")
        o.appendUnchecked("compiler", "swiftc")
        #if arch(arm64)
        o.appendUnchecked("platform", "linux/arm64")
        #else
        o.appendUnchecked("platform", "linux/amd64")
        #endif
        return .object(o)
    }
}
