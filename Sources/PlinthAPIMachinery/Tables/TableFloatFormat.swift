/// Go's `%v` for a float64 (strconv's 'g' with shortest precision): the shortest digits that
/// round-trip, in exponent form when the decimal exponent is below -4 or at least 6
/// ("1e+06", "1.5e-05", "123456.5" → "123456.5", "1234567.5" → "1.2345675e+06").
enum TableFloatFormat {
    static func format(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        if d == 0 { return d.sign == .minus ? "-0" : "0" }
        let (negative, digits, pointPos) = decompose(d)
        let exp = pointPos - 1
        var out = negative ? "-" : ""
        if exp < -4 || exp >= 6 {
            out += String(digits.first!)
            if digits.count > 1 { out += "." + digits.dropFirst() }
            out += exp < 0 ? "e-" : "e+"
            let e = abs(exp)
            out += e < 10 ? "0\(e)" : String(e)
            return out
        }
        if pointPos <= 0 {
            out += "0." + String(repeating: "0", count: -pointPos) + digits
        } else if pointPos >= digits.count {
            out += digits + String(repeating: "0", count: pointPos - digits.count)
        } else {
            let idx = digits.index(digits.startIndex, offsetBy: pointPos)
            out += digits[..<idx] + "." + digits[idx...]
        }
        return out
    }

    /// (sign, significant digits without leading/trailing zeros, position of the decimal point
    /// relative to the first digit) of the shortest representation.
    static func decompose(_ d: Double) -> (Bool, String, Int) {
        let negative = d < 0
        var text = abs(d).description  // e.g. "1234.5", "1e-05", "1.5e+20"
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        var intPart = text
        var fracPart = ""
        if let dot = text.firstIndex(of: ".") {
            intPart = String(text[..<dot])
            fracPart = String(text[text.index(after: dot)...])
        }
        var all = intPart + fracPart
        var point = intPart.count + exponent
        while all.first == "0" { all.removeFirst(); point -= 1 }
        while all.last == "0" { all.removeLast() }
        return (negative, all.isEmpty ? "0" : all, point)
    }
}
