/// The string-format validators of apimachinery (`pkg/util/validation`, `pkg/api/validate/content`,
/// `pkg/api/validation`), with their exact messages.
///
/// Every function returns the list of problems as upstream words them; an empty list means valid.
/// Callers wrap each message in a field error (`metadata.name: Invalid value: "Foo": <message>`).
///
/// Lengths are counted in UTF-8 bytes, as Go's `len` does. Wording follows Kubernetes 1.35+:
/// object-name checks (`pkg/util/validation`) say "must be no more than N characters", while
/// label keys and values (now `pkg/api/validate/content`) say "must be no more than N bytes".
/// The regular expressions are implemented as hand-written byte checks (they run on every write
/// and on every selector parse).
public enum NameValidation {
    public static let dns1123LabelMaxLength = 63
    public static let dns1123SubdomainMaxLength = 253
    public static let dns1035LabelMaxLength = 63
    public static let qualifiedNameMaxLength = 63
    public static let labelValueMaxLength = 63
    /// `TotalAnnotationSizeLimitB`: the sum of the lengths of all annotation keys and values.
    public static let totalAnnotationSizeLimit = 256 * (1 << 10)

    // MARK: - Regular expressions and messages (as upstream spells them)

    public static let dns1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
    public static let dns1123SubdomainFormat = dns1123LabelFormat + "(\\." + dns1123LabelFormat + ")*"
    public static let dns1035LabelFormat = "[a-z]([-a-z0-9]*[a-z0-9])?"
    public static let qualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
    public static let labelValueFormat = "(" + qualifiedNameFormat + ")?"
    public static let cIdentifierFormat = "[A-Za-z_][A-Za-z0-9_]*"

    static let dns1123LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
    static let dns1123SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
    static let dns1035LabelMessage = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character"
    static let qualifiedNameMessage = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
    static let labelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
    static let cIdentifierMessage = "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'"

    /// `validation.MaxLenError` (object names): "must be no more than N characters".
    public static func maxLengthMessage(_ n: Int) -> String { "must be no more than \(n) characters" }
    /// `content.MaxLenError` (label keys and values): "must be no more than N bytes".
    public static func maxBytesMessage(_ n: Int) -> String { "must be no more than \(n) bytes" }
    public static let emptyMessage = "must be non-empty"

    /// `RegexError`: `msg (e.g. 'a',  or 'b', regex used for validation is 're')` — the double
    /// space after each comma is upstream's.
    public static func regexMessage(_ message: String, _ regex: String, examples: [String] = []) -> String {
        if examples.isEmpty { return message + " (regex used for validation is '" + regex + "')" }
        var s = message + " (e.g. "
        for (i, e) in examples.enumerated() {
            if i > 0 { s += " or " }
            s += "'" + e + "', "
        }
        return s + "regex used for validation is '" + regex + "')"
    }

    // MARK: - DNS names

    /// `IsDNS1123Label`: namespaces and most label-like names (max 63).
    public static func dns1123Label(_ value: String) -> [String] {
        var errs: [String] = []
        let n = value.utf8.count
        if n > dns1123LabelMaxLength { errs.append(maxLengthMessage(dns1123LabelMaxLength)) }
        if !isDNS1123Label(value) {
            if isDNS1123Subdomain(value) {
                errs.append("must not contain dots")
            } else {
                errs.append(regexMessage(dns1123LabelMessage, dns1123LabelFormat, examples: ["my-name", "123-abc"]))
            }
        }
        return errs
    }

    /// `IsDNS1123Subdomain`: the name rule of most resources (max 253).
    public static func dns1123Subdomain(_ value: String) -> [String] {
        dns1123Subdomain(value, lengthMessage: maxLengthMessage)
    }

    static func dns1123Subdomain(_ value: String, lengthMessage: (Int) -> String) -> [String] {
        var errs: [String] = []
        if value.utf8.count > dns1123SubdomainMaxLength { errs.append(lengthMessage(dns1123SubdomainMaxLength)) }
        if !isDNS1123Subdomain(value) {
            errs.append(regexMessage(dns1123SubdomainMessage, dns1123SubdomainFormat, examples: ["example.com"]))
        }
        return errs
    }

    /// `IsDNS1035Label`: service names (max 63, must start with a letter).
    public static func dns1035Label(_ value: String) -> [String] {
        var errs: [String] = []
        if value.utf8.count > dns1035LabelMaxLength { errs.append(maxLengthMessage(dns1035LabelMaxLength)) }
        if !isDNS1035Label(value) {
            errs.append(regexMessage(dns1035LabelMessage, dns1035LabelFormat, examples: ["my-name", "abc-123"]))
        }
        return errs
    }

    /// Whether `value` matches `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$` (length not checked).
    public static func isDNS1123Label(_ value: String) -> Bool {
        withBytes(value) { isDNS1123LabelBytes($0) }
    }

    /// Whether `value` matches the DNS-1123 subdomain regex (length not checked).
    public static func isDNS1123Subdomain(_ value: String) -> Bool {
        withBytes(value) { bytes in
            if bytes.isEmpty { return false }
            var start = bytes.startIndex
            var i = start
            while i < bytes.endIndex {
                if bytes[i] == UInt8(ascii: ".") {
                    if !isDNS1123LabelBytes(bytes[start..<i]) { return false }
                    start = i + 1
                }
                i += 1
            }
            return isDNS1123LabelBytes(bytes[start..<bytes.endIndex])
        }
    }

    /// Whether `value` matches `^[a-z]([-a-z0-9]*[a-z0-9])?$` (length not checked).
    public static func isDNS1035Label(_ value: String) -> Bool {
        withBytes(value) { bytes in
            guard let first = bytes.first, isLowerAlpha(first) else { return false }
            return isDNS1123LabelBytes(bytes)
        }
    }

    // MARK: - Path segments

    /// `IsPathSegmentName`: names that become one URL path segment or storage key segment.
    /// Does not check emptiness or length (upstream doesn't either).
    public static func pathSegmentName(_ value: String) -> [String] {
        if value == "." { return ["may not be '.'"] }
        if value == ".." { return ["may not be '..'"] }
        return pathSegmentPrefix(value)
    }

    /// `IsPathSegmentPrefix`: the checks for a prefix (generateName) of such a name.
    public static func pathSegmentPrefix(_ value: String) -> [String] {
        var hasSlash = false, hasPercent = false
        for b in value.utf8 {
            if b == UInt8(ascii: "/") { hasSlash = true } else if b == UInt8(ascii: "%") { hasPercent = true }
        }
        var errs: [String] = []
        if hasSlash { errs.append("may not contain '/'") }
        if hasPercent { errs.append("may not contain '%'") }
        return errs
    }

    // MARK: - Object names

    /// The name rules resources use (`ValidateNameFunc`s of apimachinery and kubernetes).
    public enum NameRule: Sendable, Hashable {
        /// `NameIsDNSSubdomain`: most resources.
        case dns1123Subdomain
        /// `NameIsDNSLabel`: namespaces, and a few others.
        case dns1123Label
        /// `NameIsDNS1035Label`: services.
        case dns1035Label
        /// `path.ValidatePathSegmentName`: RBAC roles and bindings and other free-form names.
        case pathSegment
    }

    /// Validates an object name (or, with `prefix: true`, a `generateName` prefix) by `rule`.
    /// As upstream, a prefix ending in '-' has its tail masked before the DNS checks (a random
    /// suffix will follow it).
    public static func name(_ name: String, rule: NameRule, prefix: Bool = false) -> [String] {
        switch rule {
        case .pathSegment:
            return prefix ? pathSegmentPrefix(name) : pathSegmentName(name)
        case .dns1123Subdomain:
            return dns1123Subdomain(prefix ? maskTrailingDash(name) : name)
        case .dns1123Label:
            return dns1123Label(prefix ? maskTrailingDash(name) : name)
        case .dns1035Label:
            return dns1035Label(prefix ? maskTrailingDash(name) : name)
        }
    }

    /// Upstream's `maskTrailingDash`: replaces the last *two* bytes with "a" when the name ends
    /// in '-' (sic: `name[:len(name)-2] + "a"`).
    static func maskTrailingDash(_ name: String) -> String {
        let bytes = Array(name.utf8)
        guard bytes.count > 1, bytes.last == UInt8(ascii: "-") else { return name }
        return String(decoding: bytes[0..<(bytes.count - 2)], as: UTF8.self) + "a"
    }

    // MARK: - Labels and annotations

    /// `IsQualifiedName` / `content.IsLabelKey`: label keys, annotation keys (lower-cased first),
    /// finalizers: `[prefix/]name` where prefix is a DNS-1123 subdomain and name ≤ 63 bytes.
    public static func qualifiedName(_ value: String) -> [String] {
        withBytes(value) { bytes in
            var errs: [String] = []
            var slash: Int? = nil
            for i in bytes.indices where bytes[i] == UInt8(ascii: "/") {
                if slash != nil {
                    return ["a valid label key " + regexMessage(qualifiedNameMessage, qualifiedNameFormat, examples: ["MyName", "my.name", "123-abc"])
                        + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
                }
                slash = i
            }
            var name = bytes
            if let slash {
                let prefix = bytes[bytes.startIndex..<slash]
                name = bytes[(slash + 1)..<bytes.endIndex]
                if prefix.isEmpty {
                    errs.append("prefix part " + emptyMessage)
                } else {
                    let prefixString = String(decoding: prefix, as: UTF8.self)
                    for m in dns1123Subdomain(prefixString, lengthMessage: maxBytesMessage) {
                        errs.append("prefix part " + m)
                    }
                }
            }
            if name.isEmpty {
                errs.append("name part " + emptyMessage)
            } else if name.count > qualifiedNameMaxLength {
                errs.append("name part " + maxBytesMessage(qualifiedNameMaxLength))
            }
            if !isQualifiedNameBytes(name) {
                errs.append("name part " + regexMessage(qualifiedNameMessage, qualifiedNameFormat, examples: ["MyName", "my.name", "123-abc"]))
            }
            return errs
        }
    }

    /// Label keys are qualified names.
    public static func labelKey(_ value: String) -> [String] { qualifiedName(value) }

    /// `IsValidLabelValue` / `content.IsLabelValue`: empty, or ≤ 63 bytes of `[-A-Za-z0-9_.]`
    /// starting and ending with an alphanumeric.
    public static func labelValue(_ value: String) -> [String] {
        withBytes(value) { bytes in
            var errs: [String] = []
            if bytes.count > labelValueMaxLength { errs.append(maxBytesMessage(labelValueMaxLength)) }
            if !bytes.isEmpty && !isQualifiedNameBytes(bytes) {
                errs.append(regexMessage(labelValueMessage, labelValueFormat, examples: ["MyValue", "my_value", "12345"]))
            }
            return errs
        }
    }

    /// Fast check: is `value` a valid label value (length and format)?
    public static func isLabelValue(_ value: String) -> Bool {
        withBytes(value) { $0.count <= labelValueMaxLength && ($0.isEmpty || isQualifiedNameBytes($0)) }
    }

    /// Annotation keys: qualified names, case-insensitively (upstream lower-cases before checking).
    public static func annotationKey(_ key: String) -> [String] { qualifiedName(key.lowercased()) }

    /// The total size annotations count against `totalAnnotationSizeLimit`: the byte lengths of
    /// all keys and values.
    public static func annotationsSize<S: Sequence>(_ annotations: S) -> Int where S.Element == (key: String, value: String) {
        var total = 0
        for (k, v) in annotations { total += k.utf8.count + v.utf8.count }
        return total
    }

    public static func annotationsSize(_ annotations: [String: String]) -> Int {
        var total = 0
        for (k, v) in annotations { total += k.utf8.count + v.utf8.count }
        return total
    }

    /// The detail of upstream's error for oversized annotations; the full field error reads
    /// `metadata.annotations: Too long: may not be more than 262144 bytes`.
    public static let annotationsTooLongDetail = "may not be more than \(totalAnnotationSizeLimit) bytes"

    /// `ValidateAnnotations` without field paths: one message per bad key (as `key` → messages)
    /// and whether the total size is over the limit.
    public static func annotations(_ annotations: [String: String]) -> (keyErrors: [(key: String, messages: [String])], tooLong: Bool) {
        var keyErrors: [(key: String, messages: [String])] = []
        for k in annotations.keys.sorted() {
            let m = annotationKey(k)
            if !m.isEmpty { keyErrors.append((k, m)) }
        }
        return (keyErrors, annotationsSize(annotations) > totalAnnotationSizeLimit)
    }

    /// `IsCIdentifier` (format only).
    public static func cIdentifier(_ value: String) -> [String] {
        let ok = withBytes(value) { bytes -> Bool in
            guard let f = bytes.first, isAlpha(f) || f == UInt8(ascii: "_") else { return false }
            for b in bytes where !(isAlnum(b) || b == UInt8(ascii: "_")) { return false }
            return true
        }
        return ok ? [] : [regexMessage(cIdentifierMessage, cIdentifierFormat, examples: ["my_name", "MY_NAME", "MyName"])]
    }

    // MARK: - Byte-level matchers

    @inline(__always) static func isLowerAlpha(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7A }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isAlpha(b) || isDigit(b) }

    /// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
    static func isDNS1123LabelBytes(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return false }
        if !(isLowerAlpha(first) || isDigit(first)) || !(isLowerAlpha(last) || isDigit(last)) { return false }
        for b in bytes where !(isLowerAlpha(b) || isDigit(b) || b == UInt8(ascii: "-")) { return false }
        return true
    }

    /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`
    static func isQualifiedNameBytes(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let first = bytes.first, let last = bytes.last, isAlnum(first), isAlnum(last) else { return false }
        for b in bytes where !(isAlnum(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")) {
            return false
        }
        return true
    }

    /// Runs `body` over the UTF-8 bytes of `s` without copying when the string is native.
    @inline(__always)
    static func withBytes<R>(_ s: String, _ body: (Slice<UnsafeBufferPointer<UInt8>>) -> R) -> R {
        if let r = s.utf8.withContiguousStorageIfAvailable({ body($0[...]) }) { return r }
        var copy = s
        copy.makeContiguousUTF8()
        return copy.utf8.withContiguousStorageIfAvailable { body($0[...]) }!
    }
}
