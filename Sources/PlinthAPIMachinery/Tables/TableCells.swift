import Foundation
import PlinthJSON

/// Small readers and formatters shared by the printers, each following the upstream helper
/// named in its comment.
enum TableCells {
    // MARK: Reading fields

    /// A string field, "" when absent or not a string (Go's zero value).
    static func str(_ v: JSON?) -> String { v?.stringValue ?? "" }

    /// An integer field, 0 when absent.
    static func int(_ v: JSON?) -> Int64 { v?.intValue ?? 0 }

    /// An array field, empty when absent.
    static func list(_ v: JSON?) -> [JSON] { v?.arrayValue ?? [] }

    /// An object field's entries, empty when absent.
    static func map(_ v: JSON?) -> JSONObject { v?.objectValue ?? JSONObject() }

    /// Whether a pointer field is set (present and not null).
    static func isSet(_ v: JSON?) -> Bool {
        guard let v else { return false }
        return !v.isNull
    }

    /// A scalar rendered as Go's `%v` would render the stored value (strings raw; numbers as
    /// written) — for quantities and similar string-or-number fields.
    static func scalarText(_ v: JSON?) -> String {
        switch v {
        case .string(let s)?: return s
        case .int(let i)?: return String(i)
        case .double(let d)?: return TableFloatFormat.format(d)
        case .bool(let b)?: return b ? "true" : "false"
        default: return ""
        }
    }

    static func name(_ o: JSON) -> JSON { .string(str(o["metadata"]?["name"])) }

    static func age(_ o: JSON, _ now: Date) -> JSON {
        .string(TableTime.since(o["metadata"]?["creationTimestamp"], now: now))
    }

    static func isDeleting(_ o: JSON) -> Bool { isSet(o["metadata"]?["deletionTimestamp"]) }

    // MARK: Formatting

    /// Go's byte-wise string order (sort.Strings).
    static func goLess(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// `labels.FormatLabels`: "k=v,…" sorted by key, "<none>" when empty.
    static func formatLabels(_ v: JSON?) -> String {
        let s = labelsString(v)
        return s.isEmpty ? "<none>" : s
    }

    static func labelsString(_ v: JSON?) -> String {
        let entries = map(v).entries.sorted { goLess($0.key, $1.key) }
        return entries.map { "\($0.key)=\(scalarText($0.value))" }.joined(separator: ",")
    }

    /// `metav1.LabelSelectorAsSelector(sel).String()`; nil when the selector is invalid.
    /// A missing selector selects nothing and an empty one everything: both print as "".
    static func selectorString(_ v: JSON?) -> String? {
        guard let sel = v, !sel.isNull else { return "" }
        var reqs: [(key: String, text: String)] = []
        for e in map(sel["matchLabels"]).entries {
            reqs.append((e.key, "\(e.key)=\(scalarText(e.value))"))
        }
        for expr in list(sel["matchExpressions"]) {
            let key = str(expr["key"])
            let values = list(expr["values"]).map { scalarText($0) }.sorted(by: goLess).joined(separator: ",")
            switch str(expr["operator"]) {
            case "In": reqs.append((key, "\(key) in (\(values))"))
            case "NotIn": reqs.append((key, "\(key) notin (\(values))"))
            case "Exists": reqs.append((key, key))
            case "DoesNotExist": reqs.append((key, "!\(key)"))
            default: return nil
            }
        }
        // Requirements are kept sorted by key (stable here; Go's order among equal keys is unspecified).
        let sorted = reqs.enumerated().sorted { a, b in
            if a.element.key != b.element.key { return goLess(a.element.key, b.element.key) }
            return a.offset < b.offset
        }
        return sorted.map(\.element.text).joined(separator: ",")
    }

    /// `metav1.FormatLabelSelector`: "<none>" when it selects everything or nothing, "<error>"
    /// when invalid.
    static func formatLabelSelector(_ v: JSON?) -> String {
        guard let s = selectorString(v) else { return "<error>" }
        return s.isEmpty ? "<none>" : s
    }

    /// `layoutContainerCells`: container names and images, comma-separated.
    static func containerCells(_ containers: [JSON]) -> (names: String, images: String) {
        (containers.map { str($0["name"]) }.joined(separator: ","),
         containers.map { str($0["image"]) }.joined(separator: ","))
    }

    /// The pod template's containers of a workload (`spec.template.spec.containers`).
    static func templateContainers(_ o: JSON) -> (names: String, images: String) {
        containerCells(list(o["spec"]?["template"]?["spec"]?["containers"]))
    }

    /// `helper.GetAccessModesAsString`: "RWO,ROX,RWX,RWOP" in that fixed order.
    static func accessModes(_ v: JSON?) -> String {
        let modes = Set(list(v).compactMap(\.stringValue))
        var out: [String] = []
        if modes.contains("ReadWriteOnce") { out.append("RWO") }
        if modes.contains("ReadOnlyMany") { out.append("ROX") }
        if modes.contains("ReadWriteMany") { out.append("RWX") }
        if modes.contains("ReadWriteOncePod") { out.append("RWOP") }
        return out.joined(separator: ",")
    }

    /// `net.JoinHostPort`: brackets around hosts containing a colon (IPv6).
    static func joinHostPort(_ host: String, _ port: Int64) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// `listWithMoreString`: the first few items, "+ N more...", "<unset>" when empty.
    static func listWithMore(_ list: [String], more: Bool, count: Int, max: Int) -> String {
        let ret = list.joined(separator: ",")
        if more { return "\(ret) + \(count - max) more..." }
        return ret.isEmpty ? "<unset>" : ret
    }

    /// `printBoolPtr`: "True", "False" or "<unset>".
    static func boolPtr(_ v: JSON?) -> String {
        guard let b = v?.boolValue else { return "<unset>" }
        return b ? "True" : "False"
    }

    /// The IPs and hostnames of load-balancer ingress points, de-duplicated and sorted
    /// (`loadBalancerStatusStringer` in wide mode, which is what the server uses).
    static func loadBalancerIngress(_ v: JSON?) -> String {
        var set = Set<String>()
        for ing in list(v?["ingress"]) {
            let ip = str(ing["ip"])
            if !ip.isEmpty {
                set.insert(ip)
            } else {
                let host = str(ing["hostname"])
                if !host.isEmpty { set.insert(host) }
            }
        }
        return set.sorted(by: goLess).joined(separator: ",")
    }
}
