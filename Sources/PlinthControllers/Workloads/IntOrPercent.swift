import PlinthJSON

/// An `intstr.IntOrString` field such as `maxSurge` or `maxUnavailable`: a count, or a
/// percentage of a total (upstream's `GetScaledValueFromIntOrPercent`).
public enum IntOrPercent: Sendable, Equatable {
    case count(Int)
    case percent(Int)

    /// Reads `3` or `"25%"` (a plain numeric string counts too, as upstream allows); nil otherwise.
    public init?(_ json: JSON?) {
        if let n = json?.intValue { self = .count(Int(n)); return }
        guard let s = json?.stringValue else { return nil }
        if s.hasSuffix("%"), let p = Int(s.dropLast()) { self = .percent(p); return }
        if let n = Int(s) { self = .count(n); return }
        return nil
    }

    /// The value against `total`, rounding a percentage up or down.
    public func scaled(_ total: Int, roundUp: Bool) -> Int {
        switch self {
        case .count(let n): return n
        case .percent(let p):
            let product = p * total
            return roundUp ? (product + 99) / 100 : product / 100
        }
    }
}
