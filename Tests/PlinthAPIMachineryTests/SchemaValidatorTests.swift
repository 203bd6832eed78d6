import PlinthAPIMachinery
import PlinthJSON
import Testing

/// Custom resource schemas: the errors users see (worded as kube-apiserver words them) and defaults.
@Suite("structural schema validation and defaulting")
struct SchemaValidatorTests {
    let spec: JSON = [
        "type": "object", "required": ["color"],
        "properties": [
            "replicas": ["type": "integer", "minimum": 0, "maximum": 10, "default": 1],
            "color": ["type": "string", "enum": ["red", "blue"]],
            "name": ["type": "string", "pattern": "^[a-z]+$", "maxLength": 5, "minLength": 2],
            "ports": ["type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                      "items": ["type": "object", "properties": ["name": ["type": "string"], "port": ["type": "integer"]]]],
            "tags": ["type": "array", "maxItems": 2, "x-kubernetes-list-type": "set", "items": ["type": "string"]],
            "size": ["x-kubernetes-int-or-string": true],
            "extra": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
            "nested": ["type": "object", "default": [:], "properties": ["depth": ["type": "integer", "default": 3]]],
        ],
    ]

    func messages(_ value: JSON) -> [String] {
        SchemaValidator.validate(value, schema: spec, path: "spec").map(\.description)
    }

    @Test func validObjectsPass() {
        #expect(messages(["color": "red", "replicas": 3, "name": "abc", "size": "10%", "extra": ["any": ["thing": 1]]]).isEmpty)
        #expect(messages(["color": "blue", "size": 4, "tags": ["a", "b"], "ports": [["name": "a"], ["name": "b"]]]).isEmpty)
    }

    @Test func typeErrorsNameTheJSONType() {
        #expect(messages(["color": "red", "replicas": "x"]) == [#"spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string""#])
        #expect(messages(["color": "red", "replicas": 1.5]) == [#"spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number""#])
        #expect(messages(["color": "red", "size": true]) == [#"spec.size: Invalid value: "boolean": spec.size in body must be of type integer,string: "boolean""#])
    }

    @Test func requiredEnumPatternAndBounds() {
        #expect(messages(["replicas": 1]) == ["spec.color: Required value"])
        #expect(messages(["color": "green"]) == [#"spec.color: Unsupported value: "green": supported values: "red", "blue""#])
        #expect(messages(["color": "red", "name": "ABC"]) == [#"spec.name: Invalid value: "ABC": spec.name in body should match '^[a-z]+$'"#])
        #expect(messages(["color": "red", "name": "abcdefg"]) == ["spec.name: Too long: may not be more than 5 bytes"])
        #expect(messages(["color": "red", "name": "a"]) == [#"spec.name: Invalid value: "a": spec.name in body should be at least 2 chars long"#])
        #expect(messages(["color": "red", "replicas": 20]) == ["spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal to 10"])
        #expect(messages(["color": "red", "replicas": -1]) == ["spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0"])
        #expect(messages(["color": "red", "tags": ["a", "b", "c"]]) == ["spec.tags: Too many: 3: must have at most 2 items"])
    }

    @Test func listTypesRefuseDuplicates() {
        #expect(messages(["color": "red", "tags": ["a", "a"]]) == [#"spec.tags[1]: Duplicate value: "a""#])
        #expect(messages(["color": "red", "ports": [["name": "a", "port": 1], ["name": "a", "port": 2]]])
                == [#"spec.ports[1]: Duplicate value: map[string]interface {}{"name":"a"}"#])
    }

    @Test func defaultsFillMissingAndNonNullableNullFields() {
        let object: JSON = ["spec": ["color": "red", "replicas": .null]]
        let root: JSON = ["type": "object", "properties": ["spec": spec]]
        let defaulted = SchemaDefaulter.apply(object, schema: root)
        #expect(defaulted[path: ["spec", "replicas"]] == 1)
        #expect(defaulted[path: ["spec", "nested", "depth"]] == 3)
        // Present values are kept.
        #expect(SchemaDefaulter.apply(["spec": ["color": "red", "replicas": 7]], schema: root)[path: ["spec", "replicas"]] == 7)
    }
}
