/// Renders values the way Go's fmt and encoding/json do inside apimachinery error messages, so
/// that selector and validation errors read exactly like kube-apiserver's.
public enum GoStringFormat {
    /// Go's `%q` (strconv.Quote): double-quoted, with `"` and `\` escaped, C escapes for the
    /// usual control characters, `\xNN` for other ASCII controls and `\uNNNN`/`\UNNNNNNNN` for
    /// non-printable scalars; printable non-ASCII is kept as is.
    public static func quote(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x07: out += "\\a"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x0B: out += "\\v"
            case 0x20...0x7E: out.unicodeScalars.append(scalar)
            case 0..<0x20, 0x7F: out += "\\x" + hex(v, width: 2)
            default:
                if isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else if v < 0x10000 {
                    out += "\\u" + hex(v, width: 4)
                } else {
                    out += "\\U" + hex(v, width: 8)
                }
            }
        }
        out += "\""
        return out
    }

    /// Go's `unicode.IsPrint` for non-ASCII scalars: letters, marks, numbers, punctuation and
    /// symbols (spaces other than U+0020 are not printable).
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    private static func hex(_ v: UInt32, width: Int) -> String {
        let digits = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Go's `json.Marshal` of a string (HTML-safe escaping of `<`, `>`, `&`, U+2028, U+2029).
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x3C, 0x3E, 0x26, 0x2028, 0x2029, 0..<0x20:
                out += "\\u" + hex(scalar.value, width: 4)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }

    /// Go's `json.Marshal` of a `[]string`; `nil` renders as `null`.
    static func jsonStringArray(_ values: [String]?) -> String {
        guard let values else { return "null" }
        return "[" + values.map(jsonString).joined(separator: ",") + "]"
    }

    /// `field.Invalid(path, value, detail).Error()`: `path: Invalid value: <value>: detail`, where
    /// `renderedValue` is already formatted (quoted string, JSON array, …).
    static func invalid(_ path: String, renderedValue: String, _ detail: String) -> String {
        var s = path + ": Invalid value: " + renderedValue
        if !detail.isEmpty { s += ": " + detail }
        return s
    }

    /// `utilerrors.NewAggregate(errs).Error()`: one message alone, several de-duplicated inside
    /// brackets and separated by ", ".
    static func aggregate(_ messages: [String]) -> String {
        if messages.count == 1 { return messages[0] }
        var seen: Set<String> = []
        var unique: [String] = []
        for m in messages where seen.insert(m).inserted { unique.append(m) }
        if unique.count == 1 { return unique[0] }
        return "[" + unique.joined(separator: ", ") + "]"
    }
}
