/// A resource amount such as `500m`, `1.5Gi` or `1e3`, with the semantics of Kubernetes'
/// `resource.Quantity`.
///
/// The value is exact: a count of nano-units (10^-9). Parsing rounds anything finer away from
/// zero (`0.1n` becomes `1n`), so a request for "a little" never becomes nothing. The notation
/// the text used (decimal SI, binary SI or decimal exponent) is remembered and used again when
/// printing, and `description` is the canonical form kube-apiserver emits (`1024Mi` prints as
/// `1Gi`, `1.5` as `1500m`). Equality, hashing and ordering look at the value only.
///
/// Values are limited to what fits in 128 bits of nano-units (about ±1.7e29); upstream has no
/// such limit, so larger text is rejected as non-numeric rather than silently truncated, and
/// arithmetic saturates at the limit instead of trapping.
public struct Quantity: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The notation a quantity prints in; parsing remembers the one its text used.
    public enum Format: String, Sendable, Hashable {
        /// Powers of 1000: `n`, `u`, `m`, none, `k`, `M`, `G`, `T`, `P`, `E`.
        case decimalSI = "DecimalSI"
        /// Powers of 1024: `Ki`, `Mi`, `Gi`, `Ti`, `Pi`, `Ei`.
        case binarySI = "BinarySI"
        /// A power-of-ten exponent: `1e3`, `5e-3`.
        case decimalExponent = "DecimalExponent"
    }

    /// Text that is not a quantity; `message` is worded as upstream words it, so it can go
    /// into a validation error unchanged.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String

        public init(_ message: String) { self.message = message }

        public var description: String { message }

        /// The text does not have the shape of a number followed by a suffix (upstream `ErrFormatWrong`).
        public static let formatWrong = ParseError(
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
        /// The suffix is not one of the known units or exponents (upstream `ErrSuffix`).
        public static let suffix = ParseError("unable to parse quantity's suffix")
        /// The number cannot be represented (upstream `ErrNumeric`; here: out of range).
        public static let numeric = ParseError("unable to parse numeric part of quantity")
    }

    /// The exact value in nano-units (10^-9).
    let nanos: Int128

    /// The notation used by `description`.
    public let format: Format

    /// The parsed text, kept when upstream keeps it: it then prints exactly as written (`+1`,
    /// `01`, `1E3`, and also `1.001`, kubernetes/kubernetes#138165).
    private let text: String?

    /// Zero, in decimal SI.
    public static let zero = Quantity(nanos: 0, format: .decimalSI)

    init(nanos: Int128, format: Format) {
        self.init(nanos: nanos, format: format, text: nil)
    }

    private init(nanos: Int128, format: Format, text: String?) {
        self.nanos = nanos
        self.format = format
        self.text = text
    }

    /// `value` whole units, printed in `format`.
    public init(value: Int64, format: Format) {
        self.init(nanos: Int128(value) * Self.nanosPerUnit, format: format)
    }

    /// `milli` thousandths of a unit, printed in `format` (binary SI falls back to decimal SI
    /// for amounts that are not whole units, as upstream does).
    public init(milli: Int64, format: Format) {
        self.init(nanos: Int128(milli) * 1_000_000, format: format)
    }

    /// Parses `string`, or returns nil if it is not a quantity.
    public init?(_ string: String) {
        guard let q = try? Quantity.parse(string) else { return nil }
        self = q
    }

    // MARK: - Accessors

    /// Whether the value is zero.
    public var isZero: Bool { nanos == 0 }

    /// The value in whole units, rounded away from zero (upstream `Value()`); saturates at the
    /// bounds of `Int64`.
    public var value: Int64 { Self.scaled(nanos, by: Self.nanosPerUnit) }

    /// The value in thousandths, rounded away from zero (upstream `MilliValue()`); saturates at
    /// the bounds of `Int64`.
    public var milliValue: Int64 { Self.scaled(nanos, by: 1_000_000) }

    /// The same amount with the opposite sign, in the same format.
    public var negated: Quantity { Quantity(nanos: -nanos, format: format) }

    // MARK: - Arithmetic

    /// The sum; it takes the left format unless the left side is zero (as upstream `Add`).
    public static func + (lhs: Quantity, rhs: Quantity) -> Quantity {
        let (sum, overflow) = lhs.nanos.addingReportingOverflow(rhs.nanos)
        return Quantity(nanos: overflow ? saturated(negative: rhs.nanos < 0) : clamp(sum),
                        format: lhs.isZero ? rhs.format : lhs.format)
    }

    /// The difference; it takes the left format unless the left side is zero (as upstream `Sub`).
    public static func - (lhs: Quantity, rhs: Quantity) -> Quantity {
        let (difference, overflow) = lhs.nanos.subtractingReportingOverflow(rhs.nanos)
        return Quantity(nanos: overflow ? saturated(negative: rhs.nanos > 0) : clamp(difference),
                        format: lhs.isZero ? rhs.format : lhs.format)
    }

    /// The product with a whole number, in the left format.
    public static func * (lhs: Quantity, rhs: Int64) -> Quantity {
        let (product, overflow) = lhs.nanos.multipliedReportingOverflow(by: Int128(rhs))
        return Quantity(nanos: overflow ? saturated(negative: (lhs.nanos < 0) != (rhs < 0)) : clamp(product),
                        format: lhs.format)
    }

    public static func += (lhs: inout Quantity, rhs: Quantity) { lhs = lhs + rhs }

    public static func -= (lhs: inout Quantity, rhs: Quantity) { lhs = lhs - rhs }

    // MARK: - Equality and order (value only)

    public static func == (lhs: Quantity, rhs: Quantity) -> Bool { lhs.nanos == rhs.nanos }

    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.nanos < rhs.nanos }

    public func hash(into hasher: inout Hasher) { hasher.combine(nanos) }

    // MARK: - Printing

    /// The text upstream `String()` returns: the parsed text when upstream keeps it, otherwise
    /// the canonical form.
    public var description: String { text ?? canonicalString }

    /// The canonical form: the largest suffix (or exponent) that loses no precision and leaves
    /// no fractional digits. Binary SI amounts below 1024 in magnitude or not whole units print
    /// in decimal SI.
    var canonicalString: String {
        if nanos == 0 { return "0" }
        var format = self.format
        if format == .binarySI {
            let limit = 1024 * Self.nanosPerUnit
            if (nanos > -limit && nanos < limit) || nanos % Self.nanosPerUnit != 0 {
                format = .decimalSI
            }
        }
        if format == .binarySI {
            var mantissa = nanos / Self.nanosPerUnit
            var power = 0
            // Past `Ei` upstream prints the mantissa with no suffix (a wrong value); keep `Ei` instead.
            while power < 6 && mantissa % 1024 == 0 {
                mantissa /= 1024
                power += 1
            }
            return "\(mantissa)" + ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][power]
        }
        var mantissa = nanos
        var exponent = -9
        while mantissa % 10 == 0 {
            mantissa /= 10
            exponent += 1
        }
        // Lower the exponent to a multiple of three; the factors come from those just removed.
        while exponent % 3 != 0 {
            mantissa *= 10
            exponent -= 1
        }
        if format == .decimalExponent {
            return exponent == 0 ? "\(mantissa)" : "\(mantissa)e\(exponent)"
        }
        // Past `E` upstream prints the mantissa with no suffix (a wrong value); keep `E` instead.
        while exponent > 18 {
            mantissa *= 10
            exponent -= 1
        }
        let suffixes = ["n", "u", "m", "", "k", "M", "G", "T", "P", "E"]
        return "\(mantissa)" + suffixes[(exponent + 9) / 3]
    }

    // MARK: - Parsing

    /// Parses text such as `100m`, `1.5Gi`, `-2e3` or `.5` the way upstream `ParseQuantity` does.
    public static func parse(_ s: String) throws(ParseError) -> Quantity {
        let bytes = Array(s.utf8)
        if bytes.isEmpty { throw ParseError.formatWrong }
        let parts = try split(bytes)
        guard let (base, exponent, parsedFormat) = interpret(suffix: parts.suffix) else {
            throw ParseError.suffix
        }
        var format = parsedFormat

        // value = digits × 10^(exponent − fraction digits) [× 2^exponent for binary], in nano-units.
        var digits = (parts.integer + parts.fraction).map { $0 &- asciiZero }
        var power10 = 9 - Int64(parts.fraction.count)
        if base == 2 {
            digits = multiply(digits, byPowerOfTwo: Int(exponent))
        } else {
            power10 += Int64(exponent)
        }

        let integerCount = power10 >= 0 ? digits.count : Int(max(0, Int64(digits.count) + power10))
        var magnitude: Int128 = 0
        var overflow = false
        for digit in digits[..<integerCount] {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(Int128(digit))
            if o1 || o2 { overflow = true; break }
            magnitude = next
        }
        if !overflow && magnitude != 0 && power10 > 0 {
            // Stops within a few dozen steps: a non-zero value overflows quickly.
            for _ in 0..<power10 {
                let (next, o) = magnitude.multipliedReportingOverflow(by: 10)
                if o { overflow = true; break }
                magnitude = next
            }
        }
        if !overflow && digits[integerCount...].contains(where: { $0 != 0 }) {
            // Round a fraction of a nano-unit away from zero, as upstream does.
            let (next, o) = magnitude.addingReportingOverflow(1)
            if o { overflow = true } else { magnitude = next }
        }

        if format == .binarySI {
            // Upstream caps binary amounts at 2^63-1 units.
            if overflow || magnitude > maxBinaryNanos { magnitude = maxBinaryNanos }
            if magnitude > 0 && magnitude < nanosPerUnit { format = .decimalSI }
        } else if overflow {
            throw ParseError.numeric
        }

        let text = keepsText(parts, exponent: exponent, format: parsedFormat) ? s : nil
        return Quantity(nanos: parts.negative ? -magnitude : magnitude, format: format, text: text)
    }

    /// The pieces of quantity text: sign, integer digits without leading zeros, fraction digits
    /// and the raw suffix.
    private struct Parts {
        var negative = false
        var integer: ArraySlice<UInt8> = []
        var fraction: ArraySlice<UInt8> = []
        var suffix: ArraySlice<UInt8> = []
    }

    /// Splits text as upstream's scanner does, which is more lenient than its documented
    /// regular expression: `.`, `1.` and a bare sign are numbers.
    private static func split(_ b: [UInt8]) throws(ParseError) -> Parts {
        var parts = Parts()
        let end = b.count
        var pos = 0
        if b[0] == UInt8(ascii: "-") {
            parts.negative = true
            pos = 1
        } else if b[0] == UInt8(ascii: "+") {
            pos = 1
        }
        while pos < end && b[pos] == asciiZero { pos += 1 }
        if pos == end { return parts }

        let integerStart = pos
        while pos < end && isDigit(b[pos]) { pos += 1 }
        parts.integer = b[integerStart..<pos]
        if pos < end && b[pos] == UInt8(ascii: ".") {
            pos += 1
            let fractionStart = pos
            while pos < end && isDigit(b[pos]) { pos += 1 }
            parts.fraction = b[fractionStart..<pos]
        }

        let suffixStart = pos
        while pos < end && suffixLetters.contains(b[pos]) { pos += 1 }
        if pos < end && (b[pos] == UInt8(ascii: "-") || b[pos] == UInt8(ascii: "+")) { pos += 1 }
        while pos < end && isDigit(b[pos]) { pos += 1 }
        if pos < end { throw ParseError.formatWrong }
        parts.suffix = b[suffixStart..<end]
        return parts
    }

    /// The base (10 or 2), exponent and format a suffix stands for, or nil if it is unknown.
    private static func interpret(suffix: ArraySlice<UInt8>) -> (base: Int, exponent: Int32, format: Format)? {
        let s = String(decoding: suffix, as: UTF8.self)
        switch s {
        case "": return (10, 0, .decimalSI)
        case "n": return (10, -9, .decimalSI)
        case "u": return (10, -6, .decimalSI)
        case "m": return (10, -3, .decimalSI)
        case "k": return (10, 3, .decimalSI)
        case "M": return (10, 6, .decimalSI)
        case "G": return (10, 9, .decimalSI)
        case "T": return (10, 12, .decimalSI)
        case "P": return (10, 15, .decimalSI)
        case "E": return (10, 18, .decimalSI)
        case "Ki": return (2, 10, .binarySI)
        case "Mi": return (2, 20, .binarySI)
        case "Gi": return (2, 30, .binarySI)
        case "Ti": return (2, 40, .binarySI)
        case "Pi": return (2, 50, .binarySI)
        case "Ei": return (2, 60, .binarySI)
        default:
            guard s.utf8.count > 1, let first = s.utf8.first,
                  first == UInt8(ascii: "e") || first == UInt8(ascii: "E"),
                  let exponent = Int64(s.dropFirst())
            else { return nil }
            // Upstream narrows the parsed 64-bit exponent to 32 bits the same way.
            return (10, Int32(truncatingIfNeeded: exponent), .decimalExponent)
        }
    }

    /// Whether upstream keeps the parsed text as the printed form: it does when its fast path
    /// sees a value already in canonical shape, judging by the digits as written.
    private static func keepsText(_ parts: Parts, exponent: Int32, format: Format) -> Bool {
        let integer: ArraySlice<UInt8> = parts.integer.isEmpty ? [asciiZero] : parts.integer
        switch format {
        case .binarySI:
            guard parts.fraction.isEmpty,
                  14 - integer.count - 3 * Int(exponent / 10) >= 0 else { return false }
            let value = integer.reduce(Int64(0)) { $0 * 10 + Int64($1 &- asciiZero) }
            return value & 7 != 0
        case .decimalSI, .decimalExponent:
            let shifted = integer + parts.fraction
            let scale = Int64(exponent) - Int64(parts.fraction.count)
            return 18 - shifted.count >= 0 && scale >= -9 && scale % 3 == 0
                && !shifted.reversed().starts(with: [asciiZero, asciiZero, asciiZero])
                && shifted.first != asciiZero
        }
    }

    /// Decimal digits (most significant first) times 2^power, exactly; power is at most 60.
    private static func multiply(_ digits: [UInt8], byPowerOfTwo power: Int) -> [UInt8] {
        let factor = UInt64(1) << UInt64(power)
        var reversed: [UInt8] = []
        reversed.reserveCapacity(digits.count + 19)
        var carry: UInt64 = 0
        // Each step stays below 10 × 2^60, which fits in 64 bits.
        for digit in digits.reversed() {
            let t = UInt64(digit) * factor + carry
            reversed.append(UInt8(t % 10))
            carry = t / 10
        }
        while carry > 0 {
            reversed.append(UInt8(carry % 10))
            carry /= 10
        }
        return reversed.reversed()
    }

    // MARK: - Helpers

    private static let nanosPerUnit: Int128 = 1_000_000_000
    private static let maxBinaryNanos = Int128(Int64.max) * nanosPerUnit
    private static let asciiZero = UInt8(ascii: "0")
    private static let suffixLetters = Set("eEinumkKMGTP".utf8)

    private static func isDigit(_ c: UInt8) -> Bool { c >= asciiZero && c <= UInt8(ascii: "9") }

    /// `nanos / divisor` rounded away from zero, clamped to `Int64`.
    private static func scaled(_ nanos: Int128, by divisor: Int128) -> Int64 {
        var (quotient, remainder) = nanos.quotientAndRemainder(dividingBy: divisor)
        if remainder > 0 { quotient += 1 } else if remainder < 0 { quotient -= 1 }
        return Int64(clamping: quotient)
    }

    /// Keeps values symmetric (never `Int128.min`) so negation cannot trap.
    private static func clamp(_ n: Int128) -> Int128 { n == .min ? -.max : n }

    private static func saturated(negative: Bool) -> Int128 { negative ? -.max : .max }
}
