import Testing
@testable import PlinthAPIMachinery

private let subdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
private let labelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
private let dns1035Message = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
private let nameRegex = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
private let valueRegex = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

@Suite struct NameValidationTests {
    @Test(arguments: ["a", "ab", "a-b", "0", "a.b", "a.b-c.d", "example.com", "1.2.3", String(repeating: "a", count: 253)])
    func dns1123SubdomainValid(_ s: String) {
        #expect(NameValidation.dns1123Subdomain(s) == [])
        #expect(NameValidation.isDNS1123Subdomain(s))
    }

    @Test(arguments: ["", "A", "a_b", "-a", "a-", ".a", "a.", "a..b", "a.-b", "é", "a b", "a/b"])
    func dns1123SubdomainInvalid(_ s: String) {
        #expect(NameValidation.dns1123Subdomain(s) == [subdomainMessage])
    }

    @Test func dns1123SubdomainLength() {
        #expect(NameValidation.dns1123Subdomain(String(repeating: "a", count: 254)) == ["must be no more than 253 characters"])
        #expect(NameValidation.dns1123Subdomain(String(repeating: "A", count: 254)) == ["must be no more than 253 characters", subdomainMessage])
    }

    @Test func dns1123Label() {
        #expect(NameValidation.dns1123Label("kube-system") == [])
        #expect(NameValidation.dns1123Label("123") == [])
        #expect(NameValidation.dns1123Label(String(repeating: "a", count: 63)) == [])
        #expect(NameValidation.dns1123Label(String(repeating: "a", count: 64)) == ["must be no more than 63 characters"])
        #expect(NameValidation.dns1123Label("a.b") == ["must not contain dots"])
        #expect(NameValidation.dns1123Label("Abc") == [labelMessage])
        #expect(NameValidation.dns1123Label("") == [labelMessage])
        #expect(NameValidation.dns1123Label("a-") == [labelMessage])
    }

    @Test func dns1035Label() {
        #expect(NameValidation.dns1035Label("my-svc") == [])
        #expect(NameValidation.dns1035Label("a1") == [])
        #expect(NameValidation.dns1035Label("1abc") == [dns1035Message])
        #expect(NameValidation.dns1035Label("a.b") == [dns1035Message])
        #expect(NameValidation.dns1035Label("") == [dns1035Message])
        #expect(NameValidation.dns1035Label(String(repeating: "a", count: 64)) == ["must be no more than 63 characters"])
    }

    @Test func pathSegmentNames() {
        #expect(NameValidation.pathSegmentName("system:controller:foo") == [])
        #expect(NameValidation.pathSegmentName("") == [])
        #expect(NameValidation.pathSegmentName(".") == ["may not be '.'"])
        #expect(NameValidation.pathSegmentName("..") == ["may not be '..'"])
        #expect(NameValidation.pathSegmentName("...") == [])
        #expect(NameValidation.pathSegmentName("a/b") == ["may not contain '/'"])
        #expect(NameValidation.pathSegmentName("a%b/c") == ["may not contain '/'", "may not contain '%'"])
        #expect(NameValidation.pathSegmentPrefix(".") == [])
    }

    @Test func objectNameRules() {
        #expect(NameValidation.name("web", rule: .dns1123Subdomain) == [])
        #expect(NameValidation.name("Web", rule: .dns1123Subdomain) == [subdomainMessage])
        // generateName prefixes may end in '-': upstream masks the tail before checking.
        #expect(NameValidation.name("web-", rule: .dns1123Subdomain, prefix: true) == [])
        #expect(NameValidation.name("web-", rule: .dns1123Label, prefix: true) == [])
        #expect(NameValidation.name("web-", rule: .dns1123Subdomain) == [subdomainMessage])
        #expect(NameValidation.name("-", rule: .dns1123Subdomain, prefix: true) == [subdomainMessage])
        #expect(NameValidation.maskTrailingDash("abc-") == "aba")
        #expect(NameValidation.name("1svc", rule: .dns1035Label) == [dns1035Message])
        #expect(NameValidation.name("a:b", rule: .pathSegment) == [])
        #expect(NameValidation.name("..", rule: .pathSegment) == ["may not be '..'"])
        #expect(NameValidation.name("..", rule: .pathSegment, prefix: true) == [])
    }

    @Test func qualifiedNames() {
        for ok in ["a", "A", "MyName", "my.name", "123-abc", "a_b", "example.com/MyName", "k8s.io/a-b_c.d", String(repeating: "a", count: 63)] {
            #expect(NameValidation.qualifiedName(ok) == [], "\(ok)")
        }
        #expect(NameValidation.qualifiedName("") == ["name part must be non-empty", "name part " + nameRegex])
        #expect(NameValidation.qualifiedName("_a") == ["name part " + nameRegex])
        #expect(NameValidation.qualifiedName("a-") == ["name part " + nameRegex])
        #expect(NameValidation.qualifiedName(String(repeating: "a", count: 64)) == ["name part must be no more than 63 bytes"])
        #expect(NameValidation.qualifiedName("/a") == ["prefix part must be non-empty"])
        #expect(NameValidation.qualifiedName("example.com/") == ["name part must be non-empty", "name part " + nameRegex])
        #expect(NameValidation.qualifiedName("Example.com/a") == ["prefix part " + subdomainMessage])
        #expect(NameValidation.qualifiedName(String(repeating: "a", count: 254) + "/a") == ["prefix part must be no more than 253 bytes"])
        #expect(NameValidation.qualifiedName("a/b/c") == ["a valid label key " + nameRegex + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"])
    }

    @Test func labelValues() {
        for ok in ["", "a", "MyValue", "my_value", "12345", "a.b-c_d", String(repeating: "v", count: 63)] {
            #expect(NameValidation.labelValue(ok) == [], "\(ok)")
            #expect(NameValidation.isLabelValue(ok))
        }
        #expect(NameValidation.labelValue("-a") == [valueRegex])
        #expect(NameValidation.labelValue("a b") == [valueRegex])
        #expect(NameValidation.labelValue("a/b") == [valueRegex])
        #expect(NameValidation.labelValue(String(repeating: "v", count: 64)) == ["must be no more than 63 bytes"])
        #expect(NameValidation.labelValue(String(repeating: "v", count: 63) + "-") == ["must be no more than 63 bytes", valueRegex])
        #expect(!NameValidation.isLabelValue(String(repeating: "v", count: 64)))
    }

    @Test func annotations() {
        #expect(NameValidation.annotationKey("Example.COM/Some-Key") == [])
        #expect(NameValidation.annotationKey("a b") == ["name part " + nameRegex])
        #expect(NameValidation.annotationsSize(["ab": "cde", "f": ""]) == 6)
        let big = String(repeating: "x", count: NameValidation.totalAnnotationSizeLimit)
        #expect(!NameValidation.annotations(["k": String(big.dropFirst())]).tooLong)
        let r = NameValidation.annotations(["k": big, "bad key": ""])
        #expect(r.tooLong)
        #expect(r.keyErrors.map(\.key) == ["bad key"])
        #expect(NameValidation.annotationsTooLongDetail == "may not be more than 262144 bytes")
    }

    @Test func cIdentifiers() {
        #expect(NameValidation.cIdentifier("MY_NAME") == [])
        #expect(NameValidation.cIdentifier("_x1") == [])
        #expect(NameValidation.cIdentifier("1x") == ["a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')"])
    }
}
