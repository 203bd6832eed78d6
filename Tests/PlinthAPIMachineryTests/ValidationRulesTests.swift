import PlinthAPIMachinery
import PlinthJSON
import Testing

/// `x-kubernetes-validations`: CEL rules on custom resources, with kube-apiserver's messages.
@Suite("CEL validation rules")
struct ValidationRulesTests {
    let spec: JSON = [
        "type": "object",
        "x-kubernetes-validations": [
            ["rule": "self.minReplicas <= self.maxReplicas", "message": "minReplicas must not exceed maxReplicas"],
            ["rule": "!has(self.mode) || self.mode in ['fast', 'slow']"],
            ["rule": "self.name == oldSelf.name", "message": "name is immutable", "fieldPath": ".name"],
        ],
        "properties": [
            "minReplicas": ["type": "integer"], "maxReplicas": ["type": "integer"], "mode": ["type": "string"], "name": ["type": "string"],
            "tags": ["type": "array", "items": ["type": "string"],
                     "x-kubernetes-validations": [["rule": "self.all(t, t.startsWith('x-')) && size(self) <= 3", "message": "tags start with x-, at most 3"]]],
        ],
    ]

    func messages(_ v: JSON, old: JSON? = nil) -> [String] {
        ValidationRules.validate(v, old: old, schema: spec, path: "spec").map(\.description)
    }

    @Test func rulesThatHoldPass() {
        #expect(messages(["minReplicas": 1, "maxReplicas": 3, "mode": "fast", "name": "a", "tags": ["x-a"]]).isEmpty)
        #expect(messages(["minReplicas": 1, "maxReplicas": 1, "name": "a"], old: ["name": "a"]).isEmpty)
    }

    @Test func failingRulesReportTheirMessageOrTheRule() {
        #expect(messages(["minReplicas": 5, "maxReplicas": 3, "name": "a"]) == [#"spec: Invalid value: "object": minReplicas must not exceed maxReplicas"#])
        #expect(messages(["minReplicas": 1, "maxReplicas": 3, "mode": "medium", "name": "a"])
                == [#"spec: Invalid value: "object": failed rule: !has(self.mode) || self.mode in ['fast', 'slow']"#])
        #expect(messages(["minReplicas": 1, "maxReplicas": 3, "name": "a", "tags": ["x-a", "b"]])
                == [#"spec.tags: Invalid value: "array": tags start with x-, at most 3"#])
    }

    @Test func transitionRulesOnlyOnUpdate() {
        #expect(messages(["minReplicas": 1, "maxReplicas": 3, "name": "b"]).isEmpty)
        #expect(messages(["minReplicas": 1, "maxReplicas": 3, "name": "b"], old: ["name": "a"])
                == [#"spec.name: Invalid value: "object": name is immutable"#])
    }

    @Test func rulesThatDoNotCompileAreRefused() {
        let bad: JSON = ["type": "object", "x-kubernetes-validations": [["rule": "self.a >"], ["rule": "nosuch(self.a)"]]]
        let errors = ValidationRules.compileErrors(bad, path: "spec.versions[0].schema.openAPIV3Schema")
        #expect(errors.count == 2)
        #expect(errors.first?.field == "spec.versions[0].schema.openAPIV3Schema.x-kubernetes-validations[0].rule")
        #expect(errors.last?.detail.contains("undeclared reference to 'nosuch'") == true)
    }
}
