import PlinthAPIMachinery
import PlinthJSON

/// Options of a DELETE, from its body (a DeleteOptions object) and its query.
public struct DeleteOptions: Sendable {
    public var uid: String?
    public var resourceVersion: String?
    public var dryRun = false
    public var propagationPolicy: String?
    public var gracePeriodSeconds: Int64?
    /// Deprecated `orphanDependents`; `propagationPolicy` wins when both are given.
    public var orphanDependents: Bool?

    public init(propagationPolicy: String? = nil, gracePeriodSeconds: Int64? = nil, uid: String? = nil, resourceVersion: String? = nil) {
        self.propagationPolicy = propagationPolicy
        self.gracePeriodSeconds = gracePeriodSeconds
        self.uid = uid
        self.resourceVersion = resourceVersion
    }

    init(body: [UInt8], query: QueryParameters) throws(APIError) {
        if body.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) {
            let json: JSON
            do { json = try JSON.parse(body) } catch { throw APIError.badRequest("couldn't get version/kind; json parse error: \(error.message)") }
            uid = json[path: ["preconditions", "uid"]]?.stringValue
            resourceVersion = json[path: ["preconditions", "resourceVersion"]]?.stringValue
            dryRun = json["dryRun"]?.arrayValue?.contains("All") == true
            propagationPolicy = json["propagationPolicy"]?.stringValue
            gracePeriodSeconds = json["gracePeriodSeconds"]?.intValue
            orphanDependents = json["orphanDependents"]?.boolValue
        }
        if let p = query["propagationPolicy"] { propagationPolicy = p }
        if let g = query["gracePeriodSeconds"] { gracePeriodSeconds = Int64(g) }
        if let o = query["orphanDependents"] { orphanDependents = o == "true" }
        if let p = propagationPolicy, !["Orphan", "Background", "Foreground"].contains(p) {
            throw APIError(code: 422, reason: "Invalid", message: "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"\(p)\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"")
        }
        if propagationPolicy != nil && orphanDependents != nil {
            throw APIError(code: 422, reason: "Invalid", message: "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Invalid value: \"\(propagationPolicy!)\": orphanDependents and deletionPropagation cannot be both set")
        }
    }
}
