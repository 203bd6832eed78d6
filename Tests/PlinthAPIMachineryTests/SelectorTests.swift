import Testing
import PlinthJSON
@testable import PlinthAPIMachinery

@Suite struct SelectorTests {
    // MARK: - Label selectors: parsing

    @Test(arguments: [
        "x=a", "x=a,y=b,z=c", "", "x!=a", "x!=a,y=b", "x=", "x=,z=", "!x", "x>1", "x>1,z<5",
        "x", "x in (a)", "x notin (a,b)", "x in ()", "x in (,a)", "x==a", "notin=in",
    ])
    func labelSelectorRoundTrips(_ s: String) throws {
        let sel = try LabelSelector.parse(s)
        #expect(sel.description == s)
    }

    @Test func labelSelectorWhitespaceAndCanonicalForm() throws {
        #expect(try LabelSelector.parse("x= ,z= ").description == "x=,z=")
        #expect(try LabelSelector.parse(" x = a , y in ( c , b ) ,\t!z\n").description == "x=a,y in (b,c),!z")
        // Sorted by key, values sorted and de-duplicated.
        #expect(try LabelSelector.parse("z=1,a=2").description == "a=2,z=1")
        #expect(try LabelSelector.parse("k in (b,a,b)").requirements[0].values == ["a", "b"])
        #expect(try LabelSelector.parse("x in (a,,b)").requirements[0].values == ["", "a", "b"])
        #expect(try LabelSelector.parse("x in (a,)").requirements[0].values == ["", "a"])
        // "in"/"notin" are values (and keys) where an identifier is expected.
        #expect(try LabelSelector.parse("x in (in,notin)").requirements[0].values == ["in", "notin"])
        #expect(try LabelSelector.parse("in").requirements[0].operator == .exists)
        #expect(try LabelSelector.parse("example.com/tier=web").requirements[0].key == "example.com/tier")
    }

    @Test func labelSelectorOperators() throws {
        let ops = try LabelSelector.parse("a=1,b==2,c!=3,d in (4),e notin (5),f,!g,h>6,i<7").requirements.map(\.operator)
        #expect(ops == [.equals, .doubleEquals, .notEquals, .in, .notIn, .exists, .doesNotExist, .greaterThan, .lessThan])
        #expect(try LabelSelector.parse("").isEverything)
        #expect(try LabelSelector.parse("  ").isEverything)
        #expect(!(try LabelSelector.parse("a").isEverything))
    }

    @Test(arguments: [
        ("a in", "unable to parse requirement: found '' expected: '('"),
        ("a in b", "unable to parse requirement: found 'b' expected: '('"),
        ("a in (b", "unable to parse requirement: found '', expected: ',' or ')'"),
        ("a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"),
        ("a in (b,=)", "unable to parse requirement: found '=', expected: ',', or identifier"),
        ("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
        ("a (", "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"),
        ("a=(", "unable to parse requirement: found '(', expected: identifier"),
        ("!", "unable to parse requirement: found '', expected: identifier"),
        ("!=a", "found '!=', expected: !, identifier, or 'end of string'"),
        ("!!a", "unable to parse requirement: found '!', expected: identifier"),
        ("x==a==b", "found '==', expected: ',' or 'end of string'"),
        ("!x=a", "found '=', expected: ',' or 'end of string'"),
        ("x=a b", "found 'b', expected: ',' or 'end of string'"),
        (",a", "found ',', expected: !, identifier, or 'end of string'"),
        (")", "found ')', expected: !, identifier, or 'end of string'"),
        ("a,", "found '', expected: identifier after ','"),
        ("a,,b", "found ',', expected: identifier after ','"),
        ("x<a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"),
        ("x>99999999999999999999", "unable to parse requirement: values[0]: Invalid value: \"99999999999999999999\": for 'Gt', 'Lt' operators, the value must be an integer"),
    ])
    func labelSelectorSyntaxErrors(_ input: String, _ message: String) {
        #expect(throws: SelectorError(message)) { try LabelSelector.parse(input) }
    }

    @Test func labelSelectorValidationErrors() {
        let nameRegex = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
        let valueRegex = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        #expect(throws: SelectorError("unable to parse requirement: <nil>: Invalid value: \"_a\": name part " + nameRegex)) {
            try LabelSelector.parse("_a=b")
        }
        #expect(throws: SelectorError("unable to parse requirement: values[0][x]: Invalid value: \"a||y\": " + valueRegex)) {
            try LabelSelector.parse("x=a||y=b")
        }
        let long = String(repeating: "v", count: 64)
        #expect(throws: SelectorError("unable to parse requirement: values[0][k]: Invalid value: \"\(long)\": must be no more than 63 bytes")) {
            try LabelSelector.parse("k=" + long)
        }
        // Several problems with one requirement are aggregated in brackets.
        #expect(throws: SelectorError("unable to parse requirement: [values[0]: Invalid value: \"-x\": for 'Gt', 'Lt' operators, the value must be an integer, values[0][a]: Invalid value: \"-x\": " + valueRegex + "]")) {
            try LabelSelector.parse("a<-x")
        }
        // Index is into the sorted value set.
        #expect(throws: SelectorError("unable to parse requirement: values[1][k]: Invalid value: \"z-\": " + valueRegex)) {
            try LabelSelector.parse("k in (z-, a)")
        }
    }

    @Test func labelSelectorLexer() {
        func tokens(_ s: String) -> [LabelSelectorParser.Token] {
            var p = LabelSelectorParser(Array(s.utf8))
            var out: [LabelSelectorParser.Token] = []
            while true {
                let t = p.lex().token
                if t == .endOfString { return out }
                out.append(t)
            }
        }
        #expect(tokens("k in ( v1, v2 )") == [.identifier, .in, .openPar, .identifier, .comma, .identifier, .closedPar])
        #expect(tokens("== != (), = notin") == [.doubleEquals, .notEquals, .openPar, .closedPar, .comma, .equals, .notIn])
        #expect(tokens("!k") == [.doesNotExist, .identifier])
        #expect(tokens("k>2,k<1") == [.identifier, .greaterThan, .identifier, .comma, .identifier, .lessThan, .identifier])
        #expect(tokens("!!=") == [.doesNotExist, .notEquals])
        #expect(tokens("a||~b") == [.identifier])
        #expect(tokens("") == [])
    }

    @Test(arguments: [
        ("\rx", true), ("0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)", true), ("x notin\n (abc)", true),
        ("x in (a,,a,,)", true), ("a in (x,y,notin, z,in)", true), ("x notin ( )", true), ("a ", true),
        ("x,,y", false), (",x,y", false), ("x nott in (y)", false), ("a in (xyz),", false),
        ("a in (xyz)b notin ()", false), ("a in (xyz abc)", false), ("a notin(", false), ("a (", false), ("(", false),
    ])
    func labelSelectorValidity(_ input: String, _ valid: Bool) {
        #expect(((try? LabelSelector.parse(input)) != nil) == valid, "\(input)")
    }

    // MARK: - Label selectors: matching

    @Test func labelSelectorMatching() throws {
        func m(_ s: String, _ labels: [String: String]) throws -> Bool { try LabelSelector.parse(s).matches(labels) }
        #expect(try m("", ["x": "y"]))
        #expect(try m("x=y", ["x": "y"]))
        #expect(try m("x=y,z=w", ["x": "y", "z": "w"]))
        #expect(try m("x!=y,z!=w", ["x": "z", "z": "a"]))
        #expect(try m("notin=in", ["notin": "in"]))
        #expect(try m("x", ["x": "z"]))
        #expect(try m("!x", ["y": "z"]))
        #expect(try m("x>1", ["x": "2"]))
        #expect(try m("x<1", ["x": "0"]))
        #expect(try m("x<1", ["x": "-5"]))
        #expect(try m("x in (a,b)", ["x": "b"]))
        #expect(try m("x notin (a,b)", ["x": "c"]))
        #expect(try m("x notin (a,b)", [:]))
        #expect(try m("x!=a", [:]))
        #expect(try m("x=", ["x": ""]))
        #expect(try m("x in ()", ["x": ""]))
        #expect(try !m("x=z", [:]))
        #expect(try !m("x=y", ["x": "z"]))
        #expect(try !m("x=y,z=w", ["x": "w", "z": "w"]))
        #expect(try !m("x!=y,z!=w", ["x": "z", "z": "w"]))
        #expect(try !m("x", ["y": "z"]))
        #expect(try !m("!x", ["x": "z"]))
        #expect(try !m("x>1", ["x": "0"]))
        #expect(try !m("x>1", ["x": "abc"]))
        #expect(try !m("x>1", [:]))
        #expect(try !m("x<1", ["x": "2"]))
        #expect(try !m("x in (a,b)", [:]))
        #expect(try !m("x notin (a,b)", ["x": "a"]))
    }

    @Test func labelSelectorMatchesStoredObjects() throws {
        let obj: JSON = ["metadata": ["name": "p", "labels": ["app": "web", "tier": "front"]]]
        #expect(try LabelSelector.parse("app=web,tier").matches(object: obj))
        #expect(try !LabelSelector.parse("app=web,!tier").matches(object: obj))
        let bare: JSON = ["metadata": ["name": "p"]]
        #expect(try LabelSelector.parse("!app").matches(object: bare))
        #expect(try !LabelSelector.parse("app").matches(object: bare))
        #expect(LabelSelector.everything.matches(object: bare))
        #expect(!LabelSelector.nothing.matches(object: bare))
    }

    @Test func labelSelectorExactMatch() throws {
        let s = try LabelSelector.parse("a=1,b in (2),c in (3,4),d!=5")
        #expect(s.requiresExactMatch("a") == "1")
        #expect(s.requiresExactMatch("b") == "2")
        #expect(s.requiresExactMatch("c") == nil)
        #expect(s.requiresExactMatch("d") == nil)
        #expect(s.requiresExactMatch("e") == nil)
    }

    // MARK: - Label selectors: metav1.LabelSelector JSON

    @Test func labelSelectorFromJSON() throws {
        #expect(try LabelSelector(json: [:]).isEverything)
        #expect(try LabelSelector(json: ["matchLabels": [:], "matchExpressions": []]).isEverything)
        #expect(try LabelSelector(json: .null).isNothing)
        let s = try LabelSelector(json: [
            "matchLabels": ["b": "2", "a": "1"],
            "matchExpressions": [
                ["key": "env", "operator": "In", "values": ["prod", "staging"]],
                ["key": "tier", "operator": "NotIn", "values": ["db"]],
                ["key": "team", "operator": "Exists"],
                ["key": "legacy", "operator": "DoesNotExist"],
            ],
        ])
        #expect(s.description == "a=1,b=2,env in (prod,staging),!legacy,team,tier notin (db)")
        #expect(s.matches(["a": "1", "b": "2", "env": "prod", "team": "x"]))
        #expect(!s.matches(["a": "1", "b": "2", "env": "prod", "team": "x", "legacy": ""]))
        #expect(!s.matches(["a": "1", "b": "2", "env": "dev", "team": "x"]))
        #expect(!s.matches(["a": "1", "b": "2", "env": "prod", "team": "x", "tier": "db"]))
    }

    @Test func labelSelectorJSONErrors() {
        #expect(throws: SelectorError("\"Foo\" is not a valid label selector operator")) {
            try LabelSelector(json: ["matchExpressions": [["key": "a", "operator": "Foo"]]])
        }
        #expect(throws: SelectorError("values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty")) {
            try LabelSelector(json: ["matchExpressions": [["key": "a", "operator": "In"]]])
        }
        #expect(throws: SelectorError("values: Invalid value: [\"x\"]: values set must be empty for exists and does not exist")) {
            try LabelSelector(json: ["matchExpressions": [["key": "a", "operator": "Exists", "values": ["x"]]]])
        }
        #expect(throws: SelectorError("key: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")) {
            try LabelSelector(json: ["matchLabels": ["a/b/c": "x"]])
        }
        #expect(throws: SelectorError.self) { try LabelSelector(json: ["matchLabels": ["a": 1]]) }
        #expect(throws: SelectorError.self) { try LabelSelector(json: "a=b") }
    }

    @Test func labelSelectorFromSet() {
        let s = LabelSelector(matchLabels: ["b": "2", "a": "1"])
        #expect(s.description == "a=1,b=2")
        #expect(s.matches(["a": "1", "b": "2", "c": "3"]))
        #expect(!s.matches(["a": "1"]))
        #expect(LabelSelector(matchLabels: [:]).isEverything)
    }

    @Test func goQuoting() {
        #expect(GoStringFormat.quote("a\"b\\c\n\t\u{1}é") == "\"a\\\"b\\\\c\\n\\t\\x01é\"")
        #expect(GoStringFormat.jsonStringArray(["<a>", "b&"]) == "[\"\\u003ca\\u003e\",\"b\\u0026\"]")
        #expect(GoStringFormat.jsonStringArray(nil) == "null")
        #expect(GoStringFormat.jsonStringArray([]) == "[]")
    }

    // MARK: - Field selectors

    @Test func fieldSelectorParsing() throws {
        let s = try FieldSelector.parse("metadata.name=foo,status.phase!=Running,spec.nodeName==n1")
        // Terms are sorted by their raw text.
        #expect(s.description == "metadata.name=foo,spec.nodeName=n1,status.phase!=Running")
        #expect(s.requirements.map(\.operator) == [.equals, .equals, .notEquals])
        #expect(s.requiresExactMatch("spec.nodeName") == "n1")
        #expect(s.requiresExactMatch("status.phase") == nil)
        #expect(try FieldSelector.parse("").isEverything)
        #expect(try FieldSelector.parse(",,").isEverything)
        #expect(try FieldSelector.parse("=").isEverything)
        // No trimming: whitespace is part of the field and value.
        #expect(try FieldSelector.parse("a = b").requirements == [.init(field: "a ", operator: .equals, value: " b")])
        // Escapes.
        let e = try FieldSelector.parse(#"a=x\,y\=z\\w,b=1"#)
        #expect(e.requirements[0].value == #"x,y=z\w"#)
        #expect(e.description == #"a=x\,y\=z\\w,b=1"#)
        #expect(try FieldSelector.parse("a=").requirements == [.init(field: "a", operator: .equals, value: "")])
    }

    @Test(arguments: [
        ("foo", "invalid selector: 'foo'; can't understand 'foo'"),
        ("a=b,foo", "invalid selector: 'a=b,foo'; can't understand 'foo'"),
        ("a=b=c", "invalid field selector: unescaped character in value: 61"),
        ("a!==c", "invalid field selector: unescaped character in value: 61"),
        (#"a=b\"#, #"invalid field selector: invalid escape sequence: \"#),
        (#"a=\x"#, #"invalid field selector: invalid escape sequence: \x"#),
    ])
    func fieldSelectorErrors(_ input: String, _ message: String) {
        #expect(throws: SelectorError(message)) { try FieldSelector.parse(input) }
    }

    @Test func fieldSelectorMatching() throws {
        let fields = ["metadata.name": "foo", "status.phase": "Running"]
        #expect(try FieldSelector.parse("metadata.name=foo").matches(fields))
        #expect(try FieldSelector.parse("metadata.name==foo,status.phase=Running").matches(fields))
        #expect(try !FieldSelector.parse("metadata.name!=foo").matches(fields))
        #expect(try FieldSelector.parse("status.phase!=Pending").matches(fields))
        // Missing fields read as "".
        #expect(try FieldSelector.parse("spec.nodeName=").matches(fields))
        #expect(try !FieldSelector.parse("spec.nodeName=n1").matches(fields))
        #expect(try FieldSelector.parse("spec.nodeName!=n1").matches(fields))
    }

    @Test func fieldLabelConversion() throws {
        let pods = try FieldSelector.parse("spec.host=n1,status.phase=Running").converted(group: "", version: "v1", kind: "Pod")
        #expect(pods.description == "spec.nodeName=n1,status.phase=Running")

        func reject(_ g: String, _ v: String, _ k: String, _ sel: String, _ msg: String, custom: [String] = []) {
            #expect(throws: SelectorError(msg)) {
                try FieldSelector.parse(sel).converted(group: g, version: v, kind: k, customFields: custom)
            }
        }
        reject("", "v1", "Pod", "foo=bar", "field label not supported: foo")
        reject("", "v1", "Pod", "status.hostIP=1.2.3.4", "field label not supported: status.hostIP")
        reject("", "v1", "Node", "metadata.namespace=x", "field label not supported: metadata.namespace")
        reject("", "v1", "ConfigMap", "data.x=1", "\"data.x\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")
        reject("apps", "v1", "ReplicaSet", "status.replicas=0", "\"status.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")
        reject("batch", "v1", "Job", "status.failed=1", "field label \"status.failed\" not supported for batchv1.Job")
        reject("resource.k8s.io", "v1", "ResourceSlice", "spec.pool=x", "field label not supported for resource.k8s.io/v1, Kind=ResourceSlice: spec.pool")
        reject("example.com", "v1", "Widget", "spec.size=1", "\"spec.size\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"", custom: ["spec.color"])

        #expect(try FieldSelector.parse("metadata.namespace=x").converted(group: "", version: "v1", kind: "ConfigMap").requirements.count == 1)
        #expect(try FieldSelector.parse("spec.color=red").converted(group: "example.com", version: "v1", kind: "Widget", customFields: ["spec.color"]).requirements.count == 1)
        let ev = try FieldSelector.parse("regarding.name=p,reportingController=kubelet").converted(group: "events.k8s.io", version: "v1", kind: "Event")
        #expect(ev.description == "involvedObject.name=p,reportingComponent=kubelet")
        #expect(FieldLabels.supported(group: "", kind: "Secret") == ["metadata.name", "metadata.namespace", "type"])
        #expect(FieldLabels.supported(group: "", kind: "ConfigMap") == ["metadata.name", "metadata.namespace"])
    }

    @Test func fieldValuesOfObjects() throws {
        let pod: JSON = [
            "metadata": ["name": "p1", "namespace": "ns"],
            "spec": ["nodeName": "n1", "restartPolicy": "Always", "schedulerName": "default-scheduler", "serviceAccountName": "default"],
            "status": ["phase": "Running", "podIP": "10.0.0.1", "podIPs": [["ip": "10.0.0.1"], ["ip": "fd00::1"]]],
        ]
        let f = FieldLabels.fieldValues(kind: "Pod", object: pod)
        #expect(f["metadata.name"] == "p1")
        #expect(f["metadata.namespace"] == "ns")
        #expect(f["spec.nodeName"] == "n1")
        #expect(f["spec.hostNetwork"] == "false")
        #expect(f["status.podIP"] == "10.0.0.1")
        #expect(f["status.nominatedNodeName"] == "")
        let sel = try FieldSelector.parse("spec.host=n1,status.phase=Running,spec.hostNetwork=false").converted(group: "", version: "v1", kind: "Pod")
        #expect(sel.matches(f))
        #expect(sel.matches(kind: "Pod", object: pod))
        #expect(try !FieldSelector.parse("spec.nodeName=n2").matches(kind: "Pod", object: pod))
        #expect(FieldLabels.value(of: "status.phase", kind: "Pod", object: pod) == "Running")
        #expect(FieldLabels.value(of: "spec.unschedulable", kind: "Pod", object: pod) == nil)
        // status.podIPs is accepted but never populated, as upstream.
        #expect(try !FieldSelector.parse("status.podIPs=10.0.0.1").converted(group: "", version: "v1", kind: "Pod").matches(f))

        let coreEvent: JSON = [
            "metadata": ["name": "e", "namespace": "ns"],
            "involvedObject": ["kind": "Pod", "name": "p1", "namespace": "ns", "uid": "u1"],
            "reason": "Started", "type": "Normal", "reportingComponent": "kubelet",
        ]
        let ef = FieldLabels.fieldValues(kind: "Event", object: coreEvent)
        #expect(ef["involvedObject.kind"] == "Pod")
        #expect(ef["involvedObject.uid"] == "u1")
        #expect(ef["source"] == "kubelet")
        #expect(ef["involvedObject.fieldPath"] == "")
        let newEvent: JSON = [
            "metadata": ["name": "e", "namespace": "ns"],
            "regarding": ["kind": "Pod", "name": "p1"], "reportingController": "ctrl",
            "deprecatedSource": ["component": "old"], "reason": "X", "type": "Warning",
        ]
        let nf = FieldLabels.fieldValues(group: "events.k8s.io", kind: "Event", object: newEvent)
        #expect(nf["involvedObject.name"] == "p1")
        #expect(nf["reportingComponent"] == "ctrl")
        #expect(nf["source"] == "old")

        #expect(FieldLabels.fieldValues(kind: "Node", object: ["spec": ["unschedulable": true]])["spec.unschedulable"] == "true")
        #expect(FieldLabels.fieldValues(kind: "Node", object: [:])["spec.unschedulable"] == "false")
        #expect(FieldLabels.fieldValues(kind: "Secret", object: ["type": "Opaque"])["type"] == "Opaque")
        #expect(FieldLabels.fieldValues(group: "batch", kind: "Job", object: ["status": ["succeeded": 3]])["status.successful"] == "3")
        #expect(FieldLabels.fieldValues(kind: "ReplicationController", object: [:])["status.replicas"] == "0")
        let w = FieldLabels.fieldValues(group: "example.com", kind: "Widget", object: ["spec": ["color": "red", "size": 3, "on": true]], customFields: ["spec.color", "spec.size", "spec.on", "spec.missing"])
        #expect(w["spec.color"] == "red")
        #expect(w["spec.size"] == "3")
        #expect(w["spec.on"] == "true")
        #expect(w["spec.missing"] == nil)
    }
}
