import Testing
@testable import PlinthAPIMachinery

@Suite struct QuantityTests {
    // MARK: - Parsing and printing

    /// Text that is already canonical prints unchanged (upstream TestQuantityString "expect" column).
    @Test(arguments: [
        "1Ki", "1Mi", "1Gi", "1Ti", "6Ki", "8Ki", "300Mi", "1001Gi", "1536Mi", "1023Ki", "5", "1025",
        "500m", "100m", "1500m", "1G", "1m", "80m", "1080m", "300M", "1T", "1234567M", "1234567m", "3k",
        "12E", "0", "1n", "80n", "1080n", "1u", "80u", "1080u",
        "1e9", "1e-3", "1e-9", "80e-3", "300e6", "1e12", "1e3", "3e3",
        "-1Gi", "-1023Ki", "-500m", "-1e-3", "-3k",
    ])
    func canonicalTextRoundTrips(_ s: String) throws {
        #expect(try Quantity.parse(s).description == s)
    }

    /// Non-canonical text prints in canonical form (upstream TestQuantityString "alternate" column,
    /// TestQuantityParseEmit, and the values of TestQuantityParse).
    @Test(arguments: [
        // Binary SI: the largest suffix that keeps a whole number.
        ("1024Mi", "1Gi"), ("307200Ki", "300Mi"), ("1025024Mi", "1001Gi"), ("1024Gi", "1Ti"),
        ("1048576Ki", "1Gi"), ("0.5Mi", "512Ki"), ("0.5Gi", "512Mi"), ("1.5Gi", "1536Mi"),
        // Binary SI below 1024 or with a fraction falls back to decimal SI.
        (".001Ki", "1024m"), (".000001Ki", "1024u"), (".000000001Ki", "1024n"), (".000000000001Ki", "2n"),
        ("100.035Ki", "102435840m"), ("0.05Gi", "53687091200m"), ("0.025Ti", "27487790694400m"),
        // Upstream caps binary SI at 2^63-1 units.
        ("9Ei", "9223372036854775807"), ("9223372036854775807Ki", "9223372036854775807"),
        // Decimal SI: exponent a multiple of three, no fractional digits.
        ("5000m", "5"), ("1000m", "1"), ("2000", "2k"), ("0.5", "500m"), ("1.5", "1500m"), ("1.08", "1080m"),
        ("1080000000n", "1080m"), ("1000M", "1G"), ("0.001T", "1G"), ("1000u", "1m"), ("0.1m", "100u"),
        ("0.0005k", "500m"), (".0001k", "100m"), ("1.5k", "1500"), ("7.1234567M", "7123456700m"),
        ("2.5P", "2500T"), ("1.01E", "1010P"), ("00", "0"), (".", "0"), ("1.0", "1"), ("1.0G", "1G"),
        ("0Ki", "0"), ("0.0", "0"), ("-0", "0"),
        // Decimal exponent.
        (".001e12", "1e9"), ("0.001e0", "1e-3"), ("1000e-12", "1e-9"), ("1.2e3", "1200"), ("1.3E+6", "1300e3"),
        ("1.40e9", "1400e6"), ("1.7E18", "1700e15"), ("1e14", "100e12"),
        // Fractions below a nano-unit round away from zero.
        ("3.001n", "4n"), ("1.1E-9", "2e-9"), ("0.0000000001", "1n"), ("0.0000000005", "1n"),
        ("0.00000012345", "124n"), ("0.00000012354", "124n"), ("0.9n", "1n"), ("0.5e-9", "1e-9"),
        // Negative numbers.
        ("-1024Mi", "-1Gi"), ("-0.5", "-500m"), ("-1.5Gi", "-1536Mi"), ("-0.5Gi", "-512Mi"), ("-1000m", "-1"),
        ("-2000", "-2k"), ("-.001Ki", "-1024m"), ("-.000000000001Ki", "-2n"), ("-3.001n", "-4n"),
        ("-9Ei", "-9223372036854775807"), ("+1000m", "1"), ("+1.5", "1500m"), ("01024Mi", "1Gi"),
    ])
    func parsePrintsCanonically(_ input: String, _ expected: String) throws {
        #expect(try Quantity.parse(input).description == expected)
    }

    /// Upstream keeps the text as written when its fast path judges the digits already canonical
    /// (at most 18 digits, exponent a multiple of three after the decimal point is moved, no
    /// leading zero or trailing "000"; for binary SI a count not divisible by 8), so a sign, leading
    /// zeros, a decimal point or an exponent spelling survive. (The decimal-point cases are
    /// kubernetes/kubernetes#138165, open upstream.)
    @Test(arguments: [
        "+1", "01", "0100m", "+1Ki", "03Ki", "1E3", "1e0", "1e+3", "-01",
        "1.001", "100.035k", "7.123456M", "6.987654321G", "1.", "1.G", "-1.500M",
    ])
    func keptTextPrintsAsWritten(_ s: String) throws {
        #expect(try Quantity.parse(s).description == s)
    }

    @Test func arithmeticDropsKeptText() throws {
        #expect((try Quantity.parse("+1") + .zero).description == "1")
        #expect(try Quantity.parse("1e0").negated.description == "-1")
        #expect(try Quantity.parse("01") * 1 == Quantity(value: 1, format: .decimalSI))
        #expect((try Quantity.parse("01") * 1).description == "1")
    }

    @Test func formatIsRemembered() throws {
        #expect(try Quantity.parse("1k").format == .decimalSI)
        #expect(try Quantity.parse("1e3").format == .decimalExponent)
        #expect(try Quantity.parse("1Ki").format == .binarySI)
        #expect(try Quantity.parse("0Ki").format == .binarySI)
        #expect(try Quantity.parse("0.5Ki").format == .binarySI)
        // Binary amounts below one unit become decimal SI on parsing.
        #expect(try Quantity.parse("0.000000000001Ki").format == .decimalSI)
        #expect(try Quantity.parse("-0.0005Ki").format == .decimalSI)
    }

    @Test func parsedValues() throws {
        #expect(try Quantity.parse("1Ki").nanos == 1024 * 1_000_000_000)
        #expect(try Quantity.parse("3Ei").nanos == 3 * (Int128(1) << 60) * 1_000_000_000)
        #expect(try Quantity.parse("5n").nanos == 5)
        #expect(try Quantity.parse("0.0000000005").nanos == 1)
        #expect(try Quantity.parse("-0.0000000005").nanos == -1)
        #expect(try Quantity.parse("0.000000000001Ki").nanos == 2)
        #expect(try Quantity.parse("0.05Gi").nanos == 53_687_091_200_000_000)
        #expect(try Quantity.parse("1e29").description == "100e27")
        // Upstream narrows the exponent to 32 bits: 2^32 wraps to 0.
        #expect(try Quantity.parse("1e4294967296").value == 1)
        #expect(Quantity("1.5Gi") == Quantity(value: 1536 * 1024 * 1024, format: .binarySI))
        #expect(Quantity("abc") == nil)
    }

    // MARK: - Errors

    @Test(arguments: ["", " 1", "1 ", "1.1.M", "1+1.0M", "aoeu", "0.1am", "1KiB", "1e1e1", "Non-Numeric", "1,5"])
    func formatErrors(_ s: String) {
        #expect(throws: Quantity.ParseError.formatWrong) { try Quantity.parse(s) }
    }

    @Test(arguments: ["0.1mi", ".5i", "1i", "-3.01i", "-3.01e-", "1K", "1e", "1m5", "--1", "1e99999999999999999999"])
    func suffixErrors(_ s: String) {
        #expect(throws: Quantity.ParseError.suffix) { try Quantity.parse(s) }
    }

    @Test func errorMessages() {
        #expect(Quantity.ParseError.formatWrong.description
            == "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
        #expect(Quantity.ParseError.suffix.description == "unable to parse quantity's suffix")
    }

    /// Beyond 128 bits of nano-units (upstream would keep growing) parsing fails instead of truncating.
    @Test(arguments: ["1e30", "-1e30", "1000000000000000000000000000000", "200000000000000000000P"])
    func outOfRange(_ s: String) {
        #expect(throws: Quantity.ParseError.numeric) { try Quantity.parse(s) }
    }

    // MARK: - Construction

    @Test(arguments: [
        (Int64(1), Quantity.Format.decimalSI, "1m"), (1000, .decimalSI, "1"), (1_234_000, .decimalSI, "1234"),
        (1024, .binarySI, "1024m"), (1_048_576, .binarySI, "1048576m"), (1500, .binarySI, "1500m"),
        (1_000_000, .decimalExponent, "1e3"), (0, .binarySI, "0"), (-1500, .decimalSI, "-1500m"),
    ])
    func milliInit(_ milli: Int64, _ format: Quantity.Format, _ expected: String) throws {
        let q = Quantity(milli: milli, format: format)
        #expect(q.description == expected)
        #expect(q.milliValue == milli)
        #expect(try Quantity.parse(q.description) == q)
    }

    @Test(arguments: [
        (Int64(1), Quantity.Format.decimalSI, "1"), (1000, .decimalSI, "1k"), (1_234_000, .decimalSI, "1234k"),
        (1024, .binarySI, "1Ki"), (1_048_576, .binarySI, "1Mi"), (1_572_864, .binarySI, "1536Ki"),
        (1_000_000, .decimalExponent, "1e6"), (5, .binarySI, "5"), (1025, .binarySI, "1025"),
        (1000, .binarySI, "1k"), (-1000, .binarySI, "-1k"), (-1024, .binarySI, "-1Ki"), (2048, .binarySI, "2Ki"),
    ])
    func valueInit(_ value: Int64, _ format: Quantity.Format, _ expected: String) throws {
        let q = Quantity(value: value, format: format)
        #expect(q.description == expected)
        #expect(q.value == value)
        #expect(try Quantity.parse(q.description) == q)
    }

    // MARK: - Scaled values

    @Test(arguments: [
        ("1", Int64(1000)), ("1.5", 1500), ("100m", 100), ("0.0001", 1), ("-0.0001", -1), ("1n", 1),
        ("1Ki", 1_024_000), ("0", 0), ("1E", .max), ("-1E", .min),
    ])
    func milliValue(_ s: String, _ expected: Int64) throws {
        #expect(try Quantity.parse(s).milliValue == expected)
    }

    @Test(arguments: [
        ("1.5", Int64(2)), ("-1.5", -2), ("1Gi", 1_073_741_824), ("100m", 1), ("999m", 1), ("-100m", -1),
        ("1k", 1000), ("1e-9", 1), ("0", 0), ("12E", .max), ("-12E", .min),
    ])
    func value(_ s: String, _ expected: Int64) throws {
        #expect(try Quantity.parse(s).value == expected)
    }

    // MARK: - Arithmetic

    @Test func addAndSubtract() throws {
        let q = { (s: String) throws -> Quantity in try Quantity.parse(s) }
        #expect((try q("1") + q("500m")).description == "1500m")
        #expect((try q("10") + q("1e1")).description == "20")
        #expect((try q("1Gi") + q("1Gi")).description == "2Gi")
        #expect((try q("1Gi") - q("512Mi")).description == "512Mi")
        #expect((try q("1Gi") + q("1")).description == "1073741825")
        #expect((try q("1") - q("1Gi")).description == "-1073741823")
        #expect((Quantity(value: 10, format: .binarySI) - Quantity(value: 1, format: .decimalSI)).format == .binarySI)
        #expect((Quantity(value: 10, format: .decimalSI) - Quantity(value: 1, format: .binarySI)).format == .decimalSI)
        var total = Quantity.zero
        total += try q("250m")
        total += try q("1")
        total -= try q("500m")
        #expect(total.description == "750m")
    }

    /// Adding to or subtracting from zero takes the other side's format (upstream Add/Sub).
    @Test(arguments: ["100m", "1Gi", "1e3"])
    func zeroTakesTheOtherFormat(_ s: String) throws {
        let value = try Quantity.parse(s)
        #expect((value + .zero).description == s)
        #expect((Quantity.zero + value).description == s)
        #expect((value - .zero).description == s)
        #expect((Quantity.zero - value).description == value.negated.description)
        #expect((Quantity.zero - value).description == "-" + s)
    }

    @Test func multiply() throws {
        #expect((try Quantity.parse("500m") * 3).description == "1500m")
        #expect((Quantity(value: 10, format: .decimalSI) * -10).description == "-100")
        #expect((Quantity(value: -50, format: .decimalSI) * -50).description == "2500")
        #expect((try Quantity.parse("1Mi") * 1024).description == "1Gi")
        #expect((try Quantity.parse("1Gi") * 0).description == "0")
        #expect((Quantity(value: .max, format: .decimalSI) * 2).value == .max)
    }

    @Test func negation() throws {
        #expect(try Quantity.parse("1.5Gi").negated.description == "-1536Mi")
        #expect(try Quantity.parse("9.01").negated.description == "-9010m")
        #expect(Quantity.zero.negated.description == "0")
        let q = try Quantity.parse("123.456k")
        #expect(q.negated.negated == q)
        #expect(q.negated != q)
    }

    /// Past the 128-bit range arithmetic saturates rather than trapping.
    @Test func saturation() {
        let big = Quantity(value: .max, format: .decimalSI)
        let huge = big * .max
        #expect(huge.nanos == .max)
        #expect((big * .min).nanos == -.max)
        #expect((huge + big).nanos == .max)
        #expect((huge.negated - big).nanos == -.max)
        #expect((huge.negated - big).negated.nanos == .max)
    }

    /// Where upstream prints a wrong value (no suffix beyond `E`/`Ei`), the largest suffix is kept.
    @Test func largeValuesKeepTheLargestSuffix() throws {
        #expect(try Quantity.parse("1000E").description == "1000E")
        #expect((try Quantity.parse("1E") * 1000).description == "1000E")
        #expect((try Quantity.parse("1Ei") * 1024).description == "1024Ei")
    }

    // MARK: - Comparison

    @Test func comparison() throws {
        let q = { (s: String) throws -> Quantity in try Quantity.parse(s) }
        #expect(try q("0") == q("0"))
        #expect(try q("100m") > q("50m"))
        #expect(try q("50m") < q("100m"))
        #expect(try q("10000T") > q("100Gi"))
        #expect(try q("-1") < q("0"))
        #expect(try q("1n") > q("0"))
        #expect(try q("1Gi") == q("1024Mi"))
        #expect(try q("1000m") == q("1"))
        #expect(try q("+1") == q("1"))
        #expect(Quantity(value: 1024, format: .binarySI) == Quantity(value: 1024, format: .decimalSI))
        #expect(Set(try ["1Gi", "1024Mi", "1073741824", "1.073741824G"].map(q)).count == 1)
        let sorted = try ["1Gi", "1", "500m", "1k", "-2"].map(q).sorted().map(\.description)
        #expect(sorted == ["-2", "500m", "1", "1k", "1Gi"])
    }

    @Test func isZero() throws {
        #expect(try Quantity.parse("0Mi").isZero)
        #expect(try Quantity.parse("-0.0").isZero)
        #expect(try !Quantity.parse("1n").isZero)
        #expect((try Quantity.parse("1Gi") - Quantity.parse("1024Mi")).isZero)
    }
}
