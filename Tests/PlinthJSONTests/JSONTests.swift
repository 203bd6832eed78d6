import PlinthJSON
import Testing

@Suite("JSON values")
struct JSONTests {
    @Test func roundTripKeepsOrderAndTypes() throws {
        let text = #"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a","generation":9007199254740993},"data":{"z":"1","a":"2"},"n":1.5,"t":true,"f":false,"x":null,"l":[1,"two",{}]}"#
        let v = try JSON.parse(string: text)
        #expect(v.serializedString() == text)
        #expect(v[path: ["metadata", "generation"]] == .int(9_007_199_254_740_993))  // int64 stays exact
        #expect(v["n"] == .double(1.5))
        #expect(v.objectValue?.keys == ["kind", "apiVersion", "metadata", "data", "n", "t", "f", "x", "l"])
    }

    @Test func objectsCompareWithoutOrder() throws {
        #expect(try JSON.parse(string: #"{"a":1,"b":[1,2]}"#) == JSON.parse(string: #"{"b":[1,2],"a":1}"#))
        #expect(try JSON.parse(string: #"{"a":1}"#) != JSON.parse(string: #"{"a":2}"#))
        #expect(try JSON.parse(string: #"[1,2]"#) != JSON.parse(string: #"[2,1]"#))
    }

    @Test func stringsEscapeLikeGo() throws {
        let v: JSON = .string("quote\" back\\ nl\n tab\t <tag> & \u{01} é 😀")
        let s = v.serializedString()
        #expect(s == #""quote\" back\\ nl\n tab\t \u003ctag\u003e \u0026 \u0001 é 😀""#)
        #expect(try JSON.parse(string: s) == v)
        #expect(try JSON.parse(string: #""\u00e9\ud83d\ude00\/""#) == .string("é😀/"))
    }

    @Test(arguments: [
        ("", "unexpected end of JSON input"),
        ("{", "unexpected end of JSON input"),
        ("x", "invalid character 'x' looking for beginning of value"),
        (#"{"a" 1}"#, "invalid character '1' after object key"),
        (#"{"a":1 "b":2}"#, "invalid character '\"' after object key:value pair"),
        ("[1 2]", "invalid character '2' after array element"),
        ("{1:2}", "invalid character '1' looking for beginning of object key string"),
        ("{} x", "invalid character 'x' after top-level value"),
        ("tru", "unexpected end of JSON input"),
        ("trux", "invalid character 'x' in literal true (expecting 'e')"),
        ("-", "unexpected end of JSON input"),
        ("01", "invalid character '1' after top-level value"),
    ])
    func syntaxErrorsUseGoWording(input: String, message: String) {
        #expect(throws: JSONSyntaxError.self) { try JSON.parse(string: input) }
        do {
            _ = try JSON.parse(string: input)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSON.parse(string: deep) }
    }

    @Test func pathSubscriptsCreateAndRemove() {
        var v: JSON = [:]
        v[path: ["metadata", "labels", "app"]] = "web"
        #expect(v.string("metadata", "labels", "app") == "web")
        v[path: ["metadata", "labels", "app"]] = nil
        #expect(v[path: ["metadata", "labels"]] == .object(JSONObject()))
        v["metadata"] = nil
        #expect(v == [:])
    }

    @Test func numbersPrintCompactly() throws {
        #expect(JSON.int(-42).serializedString() == "-42")
        #expect(JSON.int(Int64.min).serializedString() == "-9223372036854775808")
        #expect(JSON.double(2.0).serializedString() == "2")
        #expect(JSON.double(0.25).serializedString() == "0.25")
        #expect(try JSON.parse(string: "1e3") == .double(1000))
    }
}
