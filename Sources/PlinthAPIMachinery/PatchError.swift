import PlinthJSON

/// A patch that could not be decoded or applied.
///
/// `message` is the text of the library kube-apiserver uses for that patch type
/// (gopkg.in/evanphx/json-patch.v4, k8s.io/apimachinery strategicpatch), which is what logs
/// and tests compare against; `apiError` is the `Status` kube-apiserver actually answers with,
/// which for some kinds hides the message behind a generic sentence.
public struct PatchError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// 400: the patch document is not of the patch type's shape.
        case badRequest
        /// 422: a JSON patch operation does not apply to the object.
        case invalid
        /// 413: more operations than kube-apiserver accepts in one JSON patch.
        case tooLarge
        /// 500: errors kube-apiserver passes through without wrapping (most strategic merge
        /// patch errors: a missing merge key, an unknown `$patch`, …).
        case internalError
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    public var code: Int {
        switch kind {
        case .badRequest: 400
        case .invalid: 422
        case .tooLarge: 413
        case .internalError: 500
        }
    }

    /// The Status kube-apiserver returns for this error.
    public var apiError: APIError {
        switch kind {
        case .badRequest:
            return .badRequest(message)
        case .invalid:
            // NewGenericServerResponse(422, …) keeps only its canned sentence, not the library text.
            return APIError(code: 422, reason: "Invalid",
                            message: "the server rejected our request due to an error in our request")
        case .tooLarge:
            return APIError(code: 413, reason: "RequestEntityTooLarge", message: "Request entity too large: \(message)")
        case .internalError:
            // A plain Go error reaches ErrorToAPIStatus: code 500, reason StatusReasonUnknown ("").
            return APIError(code: 500, reason: "", message: message)
        }
    }
}

// MARK: - Go-style rendering for messages

extension PatchError {
    /// The "missing value" sentinel evanphx/json-patch wraps most failures with.
    static let missing = "missing value"
    static let invalidIndex = "invalid index referenced"

    /// Go's `%v` of a decoded JSON value (`map[k:v]` with sorted keys, `[a b]`, `<nil>`), used where
    /// upstream prints maps and slices into messages.
    static func goValue(_ v: JSON) -> String {
        switch v {
        case .null: return "<nil>"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return goFloat(d)
        case .string(let s): return s
        case .array(let a): return "[" + a.map(goValue).joined(separator: " ") + "]"
        case .object(let o):
            let parts = o.entries.sorted { $0.key < $1.key }.map { "\($0.key):\(goValue($0.value))" }
            return "map[" + parts.joined(separator: " ") + "]"
        }
    }

    /// Go's `%v` of a float64 (strconv 'g' with the shortest digits: exponent form when the
    /// decimal exponent is below -4 or at least 6, e.g. `1e+06`, `1.5`, `1e-05`).
    static func goFloat(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        if d == 0 { return d.sign == .minus ? "-0" : "0" }
        // Swift's description has the same shortest round-trip digits; only the layout differs.
        let text = "\(abs(d))"
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let intPart = Array(mantissa[0])
        let fracPart = mantissa.count > 1 ? Array(mantissa[1]) : []
        var digits = intPart + fracPart
        var point = intPart.count + exponent  // digits before the decimal point
        while digits.first == "0" { digits.removeFirst(); point -= 1 }
        while digits.last == "0" { digits.removeLast() }
        if digits.isEmpty { return "0" }
        let sign = d < 0 ? "-" : ""
        let x = point - 1
        if x < -4 || x >= 6 {
            var s = String(digits[0])
            if digits.count > 1 { s += "." + String(digits[1...]) }
            let e = abs(x)
            return sign + s + "e" + (x < 0 ? "-" : "+") + (e < 10 ? "0" : "") + String(e)
        }
        if point <= 0 {
            return sign + "0." + String(repeating: "0", count: -point) + String(digits)
        }
        if point >= digits.count {
            return sign + String(digits) + String(repeating: "0", count: point - digits.count)
        }
        return sign + String(digits[..<point]) + "." + String(digits[point...])
    }

    /// `reflect.TypeOf(v).String()` of a decoded JSON value, for `expected a …, but received a …`.
    static func goTypeName(_ v: JSON?) -> String {
        switch v {
        case nil, .null?: return "%!s(<nil>)"
        case .bool?: return "bool"
        case .int?: return "int64"
        case .double?: return "float64"
        case .string?: return "string"
        case .array?: return "[]interface {}"
        case .object?: return "map[string]interface {}"
        }
    }
}
