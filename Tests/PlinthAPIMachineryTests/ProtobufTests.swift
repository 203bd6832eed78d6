import Testing
import PlinthJSON
@testable import PlinthAPIMachinery

@Suite struct ProtobufTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var about: String
        var hex: String
        var json: String
        init(_ name: String, _ about: String, hex: String, json: String) {
            self.name = name; self.about = about; self.hex = hex; self.json = json
        }
        var testDescription: String { name }
        var bytes: [UInt8] { ProtobufTests.bytes(hex) }
        var expected: JSON { get throws { try JSON.parse(string: json) } }
    }

    static func bytes(_ hex: String) -> [UInt8] {
        let digits = hex.unicodeScalars.filter { $0.properties.isASCIIHexDigit }.map { UInt8($0.value) }
        func value(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : (c | 0x20) - 87 }
        return stride(from: 0, to: digits.count - 1, by: 2).map { value(digits[$0]) << 4 | value(digits[$0 + 1]) }
    }

    /// Request bodies kubectl 1.33.1 sent (captured with -v=9); the expected JSON matches what
    /// `--dry-run=client -o json` prints for the same command, without nulls and empty structs.
    static let kubectlBodies: [Vector] = [
        Vector(
            "configmap", "kubectl create cm a --from-literal=x=1",
            hex: """
                6b 38 73 00 0a 0f 0a 02 76 31 12 09 43 6f 6e 66 69 67 4d 61 70 12 1b 0a 11 0a 01 61 12 00 1a 00
                22 00 2a 00 32 00 38 00 42 00 12 06 0a 01 78 12 01 31 1a 00 22 00
                """,
            json: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"x":"1"}}"#),
        Vector(
            "deployment", "kubectl create deployment web --image=nginx --replicas=0",
            hex: """
                6b 38 73 00 0a 15 0a 07 61 70 70 73 2f 76 31 12 0a 44 65 70 6c 6f 79 6d 65 6e 74 12 ab 01 0a 1f
                0a 03 77 65 62 12 00 1a 00 22 00 2a 00 32 00 38 00 42 00 5a 0a 0a 03 61 70 70 12 03 77 65 62 12
                7a 08 00 12 0c 0a 0a 0a 03 61 70 70 12 03 77 65 62 1a 60 0a 1c 0a 00 12 00 1a 00 22 00 2a 00 32
                00 38 00 42 00 5a 0a 0a 03 61 70 70 12 03 77 65 62 12 40 12 22 0a 05 6e 67 69 6e 78 12 05 6e 67
                69 6e 78 2a 00 42 00 6a 00 72 00 80 01 00 88 01 00 90 01 00 a2 01 00 1a 00 32 00 42 00 4a 00 52
                00 58 00 60 00 68 00 82 01 00 8a 01 00 9a 01 00 c2 01 00 22 02 0a 00 28 00 38 00 1a 0c 08 00 10
                00 18 00 20 00 28 00 38 00 1a 00 22 00
                """,
            json: #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"replicas":0,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx"}]}}}}"#),
        Vector(
            "deployment3", "kubectl create deployment web2 --image=nginx --image=busybox --replicas=3 --port=80",
            hex: """
                6b 38 73 00 0a 15 0a 07 61 70 70 73 2f 76 31 12 0a 44 65 70 6c 6f 79 6d 65 6e 74 12 e5 01 0a 21
                0a 04 77 65 62 32 12 00 1a 00 22 00 2a 00 32 00 38 00 42 00 5a 0b 0a 03 61 70 70 12 04 77 65 62
                32 12 b1 01 08 03 12 0d 0a 0b 0a 03 61 70 70 12 04 77 65 62 32 1a 95 01 0a 1d 0a 00 12 00 1a 00
                22 00 2a 00 32 00 38 00 42 00 5a 0b 0a 03 61 70 70 12 04 77 65 62 32 12 74 12 2e 0a 05 6e 67 69
                6e 78 12 05 6e 67 69 6e 78 2a 00 32 0a 0a 00 10 00 18 50 22 00 2a 00 42 00 6a 00 72 00 80 01 00
                88 01 00 90 01 00 a2 01 00 12 26 0a 07 62 75 73 79 62 6f 78 12 07 62 75 73 79 62 6f 78 2a 00 42
                00 6a 00 72 00 80 01 00 88 01 00 90 01 00 a2 01 00 1a 00 32 00 42 00 4a 00 52 00 58 00 60 00 68
                00 82 01 00 8a 01 00 9a 01 00 c2 01 00 22 02 0a 00 28 00 38 00 1a 0c 08 00 10 00 18 00 20 00 28
                00 38 00 1a 00 22 00
                """,
            json: #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web2","labels":{"app":"web2"}},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web2"}},"template":{"metadata":{"labels":{"app":"web2"}},"spec":{"containers":[{"name":"nginx","image":"nginx","ports":[{"containerPort":80}]},{"name":"busybox","image":"busybox"}]}}}}"#),
        Vector(
            "secret", "kubectl create secret generic s --from-literal=a=b --from-literal=pw=s3cr3t",
            hex: """
                6b 38 73 00 0a 0c 0a 02 76 31 12 06 53 65 63 72 65 74 12 2b 0a 11 0a 01 73 12 00 1a 00 22 00 2a
                00 32 00 38 00 42 00 12 06 0a 01 61 12 01 62 12 0c 0a 02 70 77 12 06 73 33 63 72 33 74 1a 00 1a
                00 22 00
                """,
            json: #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"a":"Yg==","pw":"czNjcjN0"}}"#),
        Vector(
            "secrettls", "kubectl create secret docker-registry reg --docker-server=r.io --docker-username=u --docker-password=p",
            hex: """
                6b 38 73 00 0a 0c 0a 02 76 31 12 06 53 65 63 72 65 74 12 8c 01 0a 13 0a 03 72 65 67 12 00 1a 00
                22 00 2a 00 32 00 38 00 42 00 12 55 0a 11 2e 64 6f 63 6b 65 72 63 6f 6e 66 69 67 6a 73 6f 6e 12
                40 7b 22 61 75 74 68 73 22 3a 7b 22 72 2e 69 6f 22 3a 7b 22 75 73 65 72 6e 61 6d 65 22 3a 22 75
                22 2c 22 70 61 73 73 77 6f 72 64 22 3a 22 70 22 2c 22 61 75 74 68 22 3a 22 64 54 70 77 22 7d 7d
                7d 1a 1e 6b 75 62 65 72 6e 65 74 65 73 2e 69 6f 2f 64 6f 63 6b 65 72 63 6f 6e 66 69 67 6a 73 6f
                6e 1a 00 22 00
                """,
            json: #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"reg"},"data":{".dockerconfigjson":"eyJhdXRocyI6eyJyLmlvIjp7InVzZXJuYW1lIjoidSIsInBhc3N3b3JkIjoicCIsImF1dGgiOiJkVHB3In19fQ=="},"type":"kubernetes.io/dockerconfigjson"}"#),
        Vector(
            "job", "kubectl create job j --image=busybox -- echo hi",
            hex: """
                6b 38 73 00 0a 0f 0a 08 62 61 74 63 68 2f 76 31 12 03 4a 6f 62 12 82 01 0a 11 0a 01 6a 12 00 1a
                00 22 00 2a 00 32 00 38 00 42 00 12 63 32 61 0a 10 0a 00 12 00 1a 00 22 00 2a 00 32 00 38 00 42
                00 12 4d 12 2a 0a 01 6a 12 07 62 75 73 79 62 6f 78 1a 04 65 63 68 6f 1a 02 68 69 2a 00 42 00 6a
                00 72 00 80 01 00 88 01 00 90 01 00 a2 01 00 1a 05 4e 65 76 65 72 32 00 42 00 4a 00 52 00 58 00
                60 00 68 00 82 01 00 8a 01 00 9a 01 00 c2 01 00 1a 08 20 00 28 00 30 00 3a 00 1a 00 22 00
                """,
            json: #"{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},"spec":{"template":{"metadata":{},"spec":{"containers":[{"name":"j","image":"busybox","command":["echo","hi"]}],"restartPolicy":"Never"}}}}"#),
        Vector(
            "cronjob", "kubectl create cronjob cj --image=busybox --schedule='*/1 * * * *' -- echo hi",
            hex: """
                6b 38 73 00 0a 13 0a 08 62 61 74 63 68 2f 76 31 12 07 43 72 6f 6e 4a 6f 62 12 a8 01 0a 12 0a 02
                63 6a 12 00 1a 00 22 00 2a 00 32 00 38 00 42 00 12 8f 01 0a 0b 2a 2f 31 20 2a 20 2a 20 2a 20 2a
                1a 00 2a 7e 0a 12 0a 02 63 6a 12 00 1a 00 22 00 2a 00 32 00 38 00 42 00 12 68 32 66 0a 10 0a 00
                12 00 1a 00 22 00 2a 00 32 00 38 00 42 00 12 52 12 2b 0a 02 63 6a 12 07 62 75 73 79 62 6f 78 1a
                04 65 63 68 6f 1a 02 68 69 2a 00 42 00 6a 00 72 00 80 01 00 88 01 00 90 01 00 a2 01 00 1a 09 4f
                6e 46 61 69 6c 75 72 65 32 00 42 00 4a 00 52 00 58 00 60 00 68 00 82 01 00 8a 01 00 9a 01 00 c2
                01 00 1a 00 1a 00 22 00
                """,
            json: #"{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"cj"},"spec":{"schedule":"*/1 * * * *","jobTemplate":{"metadata":{"name":"cj"},"spec":{"template":{"metadata":{},"spec":{"containers":[{"name":"cj","image":"busybox","command":["echo","hi"]}],"restartPolicy":"OnFailure"}}}}}}"#),
        Vector(
            "service", "kubectl create service clusterip svc --tcp=80:8080",
            hex: """
                6b 38 73 00 0a 0d 0a 02 76 31 12 07 53 65 72 76 69 63 65 12 69 0a 1f 0a 03 73 76 63 12 00 1a 00
                22 00 2a 00 32 00 38 00 42 00 5a 0a 0a 03 61 70 70 12 03 73 76 63 12 42 0a 1b 0a 07 38 30 2d 38
                30 38 30 12 03 54 43 50 18 50 22 07 08 00 10 90 3f 1a 00 28 00 12 0a 0a 03 61 70 70 12 03 73 76
                63 1a 00 22 09 43 6c 75 73 74 65 72 49 50 3a 00 42 00 52 00 5a 00 60 00 68 00 1a 02 0a 00 1a 00
                22 00
                """,
            json: #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc","labels":{"app":"svc"}},"spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080}],"selector":{"app":"svc"},"type":"ClusterIP"}}"#),
        Vector(
            "servicenp", "kubectl create service nodeport np --tcp=8080:http",
            hex: """
                6b 38 73 00 0a 0d 0a 02 76 31 12 07 53 65 72 76 69 63 65 12 6b 0a 1d 0a 02 6e 70 12 00 1a 00 22
                00 2a 00 32 00 38 00 42 00 5a 09 0a 03 61 70 70 12 02 6e 70 12 46 0a 21 0a 09 38 30 38 30 2d 68
                74 74 70 12 03 54 43 50 18 90 3f 22 0a 08 01 10 00 1a 04 68 74 74 70 28 00 12 09 0a 03 61 70 70
                12 02 6e 70 1a 00 22 08 4e 6f 64 65 50 6f 72 74 3a 00 42 00 52 00 5a 00 60 00 68 00 1a 02 0a 00
                1a 00 22 00
                """,
            json: #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"np","labels":{"app":"np"}},"spec":{"ports":[{"name":"8080-http","protocol":"TCP","port":8080,"targetPort":"http"}],"selector":{"app":"np"},"type":"NodePort"}}"#),
        Vector(
            "role", "kubectl create role r --verb=get --verb=list --resource=pods --resource=deployments.apps",
            hex: """
                6b 38 73 00 0a 24 0a 1c 72 62 61 63 2e 61 75 74 68 6f 72 69 7a 61 74 69 6f 6e 2e 6b 38 73 2e 69
                6f 2f 76 31 12 04 52 6f 6c 65 12 48 0a 11 0a 01 72 12 00 1a 00 22 00 2a 00 32 00 38 00 42 00 12
                13 0a 03 67 65 74 0a 04 6c 69 73 74 12 00 1a 04 70 6f 64 73 12 1e 0a 03 67 65 74 0a 04 6c 69 73
                74 12 04 61 70 70 73 1a 0b 64 65 70 6c 6f 79 6d 65 6e 74 73 1a 00 22 00
                """,
            json: #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"r"},"rules":[{"verbs":["get","list"],"apiGroups":[""],"resources":["pods"]},{"verbs":["get","list"],"apiGroups":["apps"],"resources":["deployments"]}]}"#),
        Vector(
            "rolebinding", "kubectl create rolebinding rb --role=r --user=u --serviceaccount=default:sa",
            hex: """
                6b 38 73 00 0a 2b 0a 1c 72 62 61 63 2e 61 75 74 68 6f 72 69 7a 61 74 69 6f 6e 2e 6b 38 73 2e 69
                6f 2f 76 31 12 0b 52 6f 6c 65 42 69 6e 64 69 6e 67 12 83 01 0a 12 0a 02 72 62 12 00 1a 00 22 00
                2a 00 32 00 38 00 42 00 12 26 0a 04 55 73 65 72 12 19 72 62 61 63 2e 61 75 74 68 6f 72 69 7a 61
                74 69 6f 6e 2e 6b 38 73 2e 69 6f 1a 01 75 22 00 12 1f 0a 0e 53 65 72 76 69 63 65 41 63 63 6f 75
                6e 74 12 00 1a 02 73 61 22 07 64 65 66 61 75 6c 74 1a 24 0a 19 72 62 61 63 2e 61 75 74 68 6f 72
                69 7a 61 74 69 6f 6e 2e 6b 38 73 2e 69 6f 12 04 52 6f 6c 65 1a 01 72 1a 00 22 00
                """,
            json: #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"rb"},"subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"u"},{"kind":"ServiceAccount","name":"sa","namespace":"default"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"}}"#),
        Vector(
            "clusterrole", "kubectl create clusterrole cr --verb=get --non-resource-url=/healthz",
            hex: """
                6b 38 73 00 0a 2b 0a 1c 72 62 61 63 2e 61 75 74 68 6f 72 69 7a 61 74 69 6f 6e 2e 6b 38 73 2e 69
                6f 2f 76 31 12 0b 43 6c 75 73 74 65 72 52 6f 6c 65 12 25 0a 12 0a 02 63 72 12 00 1a 00 22 00 2a
                00 32 00 38 00 42 00 12 0f 0a 03 67 65 74 2a 08 2f 68 65 61 6c 74 68 7a 1a 00 22 00
                """,
            json: #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"cr"},"rules":[{"verbs":["get"],"nonResourceURLs":["/healthz"]}]}"#),
        Vector(
            "clusterrolebinding", "kubectl create clusterrolebinding crb --clusterrole=cr --group=g",
            hex: """
                6b 38 73 00 0a 32 0a 1c 72 62 61 63 2e 61 75 74 68 6f 72 69 7a 61 74 69 6f 6e 2e 6b 38 73 2e 69
                6f 2f 76 31 12 12 43 6c 75 73 74 65 72 52 6f 6c 65 42 69 6e 64 69 6e 67 12 6c 0a 13 0a 03 63 72
                62 12 00 1a 00 22 00 2a 00 32 00 38 00 42 00 12 27 0a 05 47 72 6f 75 70 12 19 72 62 61 63 2e 61
                75 74 68 6f 72 69 7a 61 74 69 6f 6e 2e 6b 38 73 2e 69 6f 1a 01 67 22 00 1a 2c 0a 19 72 62 61 63
                2e 61 75 74 68 6f 72 69 7a 61 74 69 6f 6e 2e 6b 38 73 2e 69 6f 12 0b 43 6c 75 73 74 65 72 52 6f
                6c 65 1a 02 63 72 1a 00 22 00
                """,
            json: #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"crb"},"subjects":[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"g"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cr"}}"#),
        Vector(
            "namespace", "kubectl create namespace ns1",
            hex: """
                6b 38 73 00 0a 0f 0a 02 76 31 12 09 4e 61 6d 65 73 70 61 63 65 12 1b 0a 13 0a 03 6e 73 31 12 00
                1a 00 22 00 2a 00 32 00 38 00 42 00 12 00 1a 02 0a 00 1a 00 22 00
                """,
            json: #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns1"}}"#),
        Vector(
            "serviceaccount", "kubectl create serviceaccount sa1",
            hex: """
                6b 38 73 00 0a 14 0a 02 76 31 12 0e 53 65 72 76 69 63 65 41 63 63 6f 75 6e 74 12 15 0a 13 0a 03
                73 61 31 12 00 1a 00 22 00 2a 00 32 00 38 00 42 00 1a 00 22 00
                """,
            json: #"{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"sa1"}}"#),
        Vector(
            "quota", "kubectl create quota q --hard=cpu=1,memory=1G,pods=2",
            hex: """
                6b 38 73 00 0a 13 0a 02 76 31 12 0d 52 65 73 6f 75 72 63 65 51 75 6f 74 61 12 40 0a 11 0a 01 71
                12 00 1a 00 22 00 2a 00 32 00 38 00 42 00 12 29 0a 0a 0a 03 63 70 75 12 03 0a 01 31 0a 0e 0a 06
                6d 65 6d 6f 72 79 12 04 0a 02 31 47 0a 0b 0a 04 70 6f 64 73 12 03 0a 01 32 1a 00 1a 00 22 00
                """,
            json: #"{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"q"},"spec":{"hard":{"cpu":"1","memory":"1G","pods":"2"}}}"#),
        Vector(
            "priorityclass", "kubectl create priorityclass pc --value=1000 --description=hi --preemption-policy=Never",
            hex: """
                6b 38 73 00 0a 25 0a 14 73 63 68 65 64 75 6c 69 6e 67 2e 6b 38 73 2e 69 6f 2f 76 31 12 0d 50 72
                69 6f 72 69 74 79 43 6c 61 73 73 12 24 0a 12 0a 02 70 63 12 00 1a 00 22 00 2a 00 32 00 38 00 42
                00 10 e8 07 18 00 22 02 68 69 2a 05 4e 65 76 65 72 1a 00 22 00
                """,
            json: #"{"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"pc"},"value":1000,"description":"hi","preemptionPolicy":"Never"}"#),
        Vector(
            "pdb", "kubectl create pdb p --selector=app=x --min-available=50%",
            hex: """
                6b 38 73 00 0a 20 0a 09 70 6f 6c 69 63 79 2f 76 31 12 13 50 6f 64 44 69 73 72 75 70 74 69 6f 6e
                42 75 64 67 65 74 12 38 0a 11 0a 01 70 12 00 1a 00 22 00 2a 00 32 00 38 00 42 00 12 17 0a 09 08
                01 10 00 1a 03 35 30 25 12 0a 0a 08 0a 03 61 70 70 12 01 78 1a 0a 08 00 18 00 20 00 28 00 30 00
                1a 00 22 00
                """,
            json: #"{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"p"},"spec":{"minAvailable":"50%","selector":{"matchLabels":{"app":"x"}}},"status":{"disruptionsAllowed":0,"currentHealthy":0,"desiredHealthy":0,"expectedPods":0}}"#),
        Vector(
            "ingress", "kubectl create ingress ing --rule=foo.com/bar=svc1:8080,tls=my-cert",
            hex: """
                6b 38 73 00 0a 1f 0a 14 6e 65 74 77 6f 72 6b 69 6e 67 2e 6b 38 73 2e 69 6f 2f 76 31 12 07 49 6e
                67 72 65 73 73 12 5e 0a 13 0a 03 69 6e 67 12 00 1a 00 22 00 2a 00 32 00 38 00 42 00 12 43 12 12
                0a 07 66 6f 6f 2e 63 6f 6d 12 07 6d 79 2d 63 65 72 74 1a 2d 0a 07 66 6f 6f 2e 63 6f 6d 12 22 0a
                20 0a 1e 0a 04 2f 62 61 72 12 0f 22 0d 0a 04 73 76 63 31 12 05 0a 00 10 90 3f 1a 05 45 78 61 63
                74 1a 02 0a 00 1a 00 22 00
                """,
            json: #"{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"ing"},"spec":{"tls":[{"hosts":["foo.com"],"secretName":"my-cert"}],"rules":[{"host":"foo.com","http":{"paths":[{"path":"/bar","backend":{"service":{"name":"svc1","port":{"number":8080}}},"pathType":"Exact"}]}}]}}"#),
        Vector(
            "whoami", "kubectl auth whoami",
            hex: """
                6b 38 73 00 0a 2d 0a 18 61 75 74 68 65 6e 74 69 63 61 74 69 6f 6e 2e 6b 38 73 2e 69 6f 2f 76 31
                12 11 53 65 6c 66 53 75 62 6a 65 63 74 52 65 76 69 65 77 12 1a 0a 10 0a 00 12 00 1a 00 22 00 2a
                00 32 00 38 00 42 00 12 06 0a 04 0a 00 12 00 1a 00 22 00
                """,
            json: #"{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview","metadata":{}}"#),
        Vector(
            "canigetpods", "kubectl auth can-i get pods",
            hex: """
                6b 38 73 00 0a 32 0a 17 61 75 74 68 6f 72 69 7a 61 74 69 6f 6e 2e 6b 38 73 2e 69 6f 2f 76 31 12
                17 53 65 6c 66 53 75 62 6a 65 63 74 41 63 63 65 73 73 52 65 76 69 65 77 12 3c 0a 10 0a 00 12 00
                1a 00 22 00 2a 00 32 00 38 00 42 00 12 1e 0a 1c 0a 07 64 65 66 61 75 6c 74 12 03 67 65 74 1a 00
                22 00 2a 04 70 6f 64 73 32 00 3a 00 1a 08 08 00 12 00 1a 00 20 00 1a 00 22 00
                """,
            json: #"{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","metadata":{},"spec":{"resourceAttributes":{"namespace":"default","verb":"get","resource":"pods"}},"status":{"allowed":false}}"#),
        Vector(
            "canilist", "kubectl auth can-i --list",
            hex: """
                6b 38 73 00 0a 31 0a 17 61 75 74 68 6f 72 69 7a 61 74 69 6f 6e 2e 6b 38 73 2e 69 6f 2f 76 31 12
                16 53 65 6c 66 53 75 62 6a 65 63 74 52 75 6c 65 73 52 65 76 69 65 77 12 23 0a 10 0a 00 12 00 1a
                00 22 00 2a 00 32 00 38 00 42 00 12 09 0a 07 64 65 66 61 75 6c 74 1a 04 18 00 22 00 1a 00 22 00
                """,
            json: #"{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview","metadata":{},"spec":{"namespace":"default"},"status":{"incomplete":false}}"#),
        Vector(
            "token", "kubectl create token default",
            hex: """
                6b 38 73 00 0a 28 0a 18 61 75 74 68 65 6e 74 69 63 61 74 69 6f 6e 2e 6b 38 73 2e 69 6f 2f 76 31
                12 0c 54 6f 6b 65 6e 52 65 71 75 65 73 74 12 1a 0a 10 0a 00 12 00 1a 00 22 00 2a 00 32 00 38 00
                42 00 12 00 1a 04 0a 00 12 00 1a 00 22 00
                """,
            json: #"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","metadata":{},"spec":{},"status":{"token":""}}"#),
        Vector(
            "tokenb", "kubectl create token default --duration=1h --audience=a1 --bound-object-kind=Secret --bound-object-name=s",
            hex: """
                6b 38 73 00 0a 28 0a 18 61 75 74 68 65 6e 74 69 63 61 74 69 6f 6e 2e 6b 38 73 2e 69 6f 2f 76 31
                12 0c 54 6f 6b 65 6e 52 65 71 75 65 73 74 12 34 0a 10 0a 00 12 00 1a 00 22 00 2a 00 32 00 38 00
                42 00 12 1a 0a 02 61 31 1a 11 0a 06 53 65 63 72 65 74 12 02 76 31 1a 01 73 22 00 20 90 1c 1a 04
                0a 00 12 00 1a 00 22 00
                """,
            json: #"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","metadata":{},"spec":{"audiences":["a1"],"boundObjectRef":{"kind":"Secret","apiVersion":"v1","name":"s"},"expirationSeconds":3600},"status":{"token":""}}"#),
        Vector(
            "hpav2", "kubectl autoscale deployment web --max=3 --cpu-percent=50 (autoscaling/v2 first)",
            hex: """
                6b 38 73 00 0a 29 0a 0e 61 75 74 6f 73 63 61 6c 69 6e 67 2f 76 32 12 17 48 6f 72 69 7a 6f 6e 74
                61 6c 50 6f 64 41 75 74 6f 73 63 61 6c 65 72 12 5f 0a 13 0a 03 77 65 62 12 00 1a 00 22 00 2a 00
                32 00 38 00 42 00 12 42 0a 1a 0a 0a 44 65 70 6c 6f 79 6d 65 6e 74 12 03 77 65 62 1a 07 61 70 70
                73 2f 76 31 18 03 22 22 0a 08 52 65 73 6f 75 72 63 65 22 16 0a 03 63 70 75 12 0f 0a 0b 55 74 69
                6c 69 7a 61 74 69 6f 6e 20 32 1a 04 18 00 20 00 1a 00 22 00
                """,
            json: #"{"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},"maxReplicas":3,"metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}}]},"status":{"desiredReplicas":0}}"#),
        Vector(
            "hpav1", "kubectl autoscale deployment web --max=3 --cpu-percent=50 (then autoscaling/v1)",
            hex: """
                6b 38 73 00 0a 29 0a 0e 61 75 74 6f 73 63 61 6c 69 6e 67 2f 76 31 12 17 48 6f 72 69 7a 6f 6e 74
                61 6c 50 6f 64 41 75 74 6f 73 63 61 6c 65 72 12 3d 0a 13 0a 03 77 65 62 12 00 1a 00 22 00 2a 00
                32 00 38 00 42 00 12 20 0a 1a 0a 0a 44 65 70 6c 6f 79 6d 65 6e 74 12 03 77 65 62 1a 07 61 70 70
                73 2f 76 31 18 03 20 32 1a 04 18 00 20 00 1a 00 22 00
                """,
            json: #"{"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler","metadata":{"name":"web"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},"maxReplicas":3,"targetCPUUtilizationPercentage":50},"status":{"currentReplicas":0,"desiredReplicas":0}}"#),
    ]

    /// Bodies built by hand (field by field from generated.proto) to reach the rest of the mapping.
    static let builtBodies: [Vector] = [
        Vector(
            "pod", "Pod: volumes (configMap, emptyDir, secret, PVC, hostPath, projected, downwardAPI), probes, resources, security contexts, tolerations, negative int32, managedFields",
            hex: """
                6b 38 73 00 0a 09 0a 02 76 31 12 03 50 6f 64 12 98 07 0a b3 01 0a 02 70 31 1a 07 64 65 66 61 75
                6c 74 2a 05 75 69 64 2d 31 38 00 42 06 08 80 e2 cf aa 06 50 00 5a 0a 0a 03 61 70 70 12 03 77 65
                62 62 08 0a 04 6e 6f 74 65 12 00 6a 20 0a 0a 52 65 70 6c 69 63 61 53 65 74 1a 03 72 73 31 22 02
                75 32 2a 07 61 70 70 73 2f 76 31 30 01 72 0d 65 78 61 6d 70 6c 65 2e 63 6f 6d 2f 66 8a 01 49 0a
                07 6b 75 62 65 63 74 6c 12 06 55 70 64 61 74 65 1a 02 76 31 22 06 08 80 e2 cf aa 06 32 08 46 69
                65 6c 64 73 56 31 3a 20 0a 1e 7b 22 66 3a 6d 65 74 61 64 61 74 61 22 3a 7b 22 66 3a 6c 61 62 65
                6c 73 22 3a 7b 7d 7d 7d 12 ad 05 0a 1f 0a 03 63 66 67 12 18 9a 01 15 0a 04 0a 02 63 6d 12 0a 0a
                01 6b 12 05 6b 2e 74 78 74 18 a4 03 0a 18 0a 03 74 6d 70 12 11 12 0f 0a 06 4d 65 6d 6f 72 79 12
                05 0a 03 31 47 69 0a 12 0a 03 73 65 63 12 0b 32 09 0a 02 73 31 18 80 02 20 01 0a 12 0a 04 64 61
                74 61 12 0a 52 08 0a 04 70 76 63 31 10 00 0a 1f 0a 04 68 6f 73 74 12 17 0a 15 0a 08 2f 76 61 72
                2f 6c 6f 67 12 09 44 69 72 65 63 74 6f 72 79 0a 20 0a 03 74 6f 6b 12 19 d2 01 16 0a 11 22 0f 0a
                03 61 70 69 10 90 1c 1a 05 74 6f 6b 65 6e 10 a4 03 0a 2c 0a 04 69 6e 66 6f 12 24 82 01 21 0a 1f
                0a 06 6c 61 62 65 6c 73 12 15 0a 02 76 31 12 0f 6d 65 74 61 64 61 74 61 2e 6c 61 62 65 6c 73 12
                9e 02 0a 03 77 65 62 12 0a 6e 67 69 6e 78 3a 31 2e 32 37 1a 05 6e 67 69 6e 78 22 02 2d 67 22 0b
                64 61 65 6d 6f 6e 20 6f 66 66 3b 32 11 0a 04 68 74 74 70 10 00 18 50 22 03 54 43 50 2a 00 3a 06
                0a 01 41 12 01 31 3a 1b 0a 01 42 12 00 1a 14 0a 12 0a 02 76 31 12 0c 73 74 61 74 75 73 2e 70 6f
                64 49 50 42 21 0a 0d 0a 03 63 70 75 12 06 0a 04 35 30 30 6d 12 10 0a 06 6d 65 6d 6f 72 79 12 06
                0a 04 36 34 4d 69 4a 13 0a 03 63 66 67 10 01 1a 08 2f 65 74 63 2f 63 66 67 22 00 52 29 0a 1d 12
                1b 0a 08 2f 68 65 61 6c 74 68 7a 12 07 08 00 10 90 3f 1a 00 1a 00 22 04 48 54 54 50 10 05 18 01
                20 0a 28 01 30 03 5a 1c 0a 10 1a 0e 0a 0a 08 01 10 00 1a 04 68 74 74 70 12 00 10 00 18 01 20 0a
                28 01 30 03 6a 14 2f 64 65 76 2f 74 65 72 6d 69 6e 61 74 69 6f 6e 2d 6c 6f 67 72 0c 49 66 4e 6f
                74 50 72 65 73 65 6e 74 7a 06 10 00 28 01 38 00 80 01 00 88 01 00 90 01 00 a2 01 04 46 69 6c 65
                1a 06 41 6c 77 61 79 73 20 1e 32 0c 43 6c 75 73 74 65 72 46 69 72 73 74 3a 0b 0a 04 64 69 73 6b
                12 03 73 73 64 42 07 64 65 66 61 75 6c 74 4a 07 64 65 66 61 75 6c 74 58 00 60 00 68 00 72 08 10
                e8 07 18 01 28 d0 0f 7a 09 0a 07 72 65 67 63 72 65 64 9a 01 11 64 65 66 61 75 6c 74 2d 73 63 68
                65 64 75 6c 65 72 a8 01 00 b2 01 36 0a 1c 6e 6f 64 65 2e 6b 75 62 65 72 6e 65 74 65 73 2e 69 6f
                2f 6e 6f 74 2d 72 65 61 64 79 12 06 45 78 69 73 74 73 1a 00 22 09 4e 6f 45 78 65 63 75 74 65 28
                ac 02 c2 01 04 68 69 67 68 c8 01 fb ff ff ff ff ff ff ff ff 01 f0 01 01 1a 30 0a 07 52 75 6e 6e
                69 6e 67 12 1d 0a 05 52 65 61 64 79 12 04 54 72 75 65 1a 02 08 00 22 06 08 e4 e2 cf aa 06 2a 00
                32 00 3a 06 08 81 e2 cf aa 06 1a 00 22 00
                """,
            json: #"""
                {
                  "apiVersion": "v1",
                  "kind": "Pod",
                  "metadata": {
                    "name": "p1",
                    "namespace": "default",
                    "uid": "uid-1",
                    "creationTimestamp": "2023-11-14T22:13:20Z",
                    "deletionGracePeriodSeconds": 0,
                    "labels": {
                      "app": "web"
                    },
                    "annotations": {
                      "note": ""
                    },
                    "ownerReferences": [
                      {
                        "kind": "ReplicaSet",
                        "name": "rs1",
                        "uid": "u2",
                        "apiVersion": "apps/v1",
                        "controller": true
                      }
                    ],
                    "finalizers": [
                      "example.com/f"
                    ],
                    "managedFields": [
                      {
                        "manager": "kubectl",
                        "operation": "Update",
                        "apiVersion": "v1",
                        "time": "2023-11-14T22:13:20Z",
                        "fieldsType": "FieldsV1",
                        "fieldsV1": {
                          "f:metadata": {
                            "f:labels": {}
                          }
                        }
                      }
                    ]
                  },
                  "spec": {
                    "volumes": [
                      {
                        "name": "cfg",
                        "configMap": {
                          "name": "cm",
                          "items": [
                            {
                              "key": "k",
                              "path": "k.txt"
                            }
                          ],
                          "defaultMode": 420
                        }
                      },
                      {
                        "name": "tmp",
                        "emptyDir": {
                          "medium": "Memory",
                          "sizeLimit": "1Gi"
                        }
                      },
                      {
                        "name": "sec",
                        "secret": {
                          "secretName": "s1",
                          "defaultMode": 256,
                          "optional": true
                        }
                      },
                      {
                        "name": "data",
                        "persistentVolumeClaim": {
                          "claimName": "pvc1"
                        }
                      },
                      {
                        "name": "host",
                        "hostPath": {
                          "path": "/var/log",
                          "type": "Directory"
                        }
                      },
                      {
                        "name": "tok",
                        "projected": {
                          "sources": [
                            {
                              "serviceAccountToken": {
                                "audience": "api",
                                "expirationSeconds": 3600,
                                "path": "token"
                              }
                            }
                          ],
                          "defaultMode": 420
                        }
                      },
                      {
                        "name": "info",
                        "downwardAPI": {
                          "items": [
                            {
                              "path": "labels",
                              "fieldRef": {
                                "apiVersion": "v1",
                                "fieldPath": "metadata.labels"
                              }
                            }
                          ]
                        }
                      }
                    ],
                    "containers": [
                      {
                        "name": "web",
                        "image": "nginx:1.27",
                        "command": [
                          "nginx"
                        ],
                        "args": [
                          "-g",
                          "daemon off;"
                        ],
                        "ports": [
                          {
                            "name": "http",
                            "containerPort": 80,
                            "protocol": "TCP"
                          }
                        ],
                        "env": [
                          {
                            "name": "A",
                            "value": "1"
                          },
                          {
                            "name": "B",
                            "valueFrom": {
                              "fieldRef": {
                                "apiVersion": "v1",
                                "fieldPath": "status.podIP"
                              }
                            }
                          }
                        ],
                        "resources": {
                          "limits": {
                            "cpu": "500m"
                          },
                          "requests": {
                            "memory": "64Mi"
                          }
                        },
                        "volumeMounts": [
                          {
                            "name": "cfg",
                            "readOnly": true,
                            "mountPath": "/etc/cfg"
                          }
                        ],
                        "livenessProbe": {
                          "httpGet": {
                            "path": "/healthz",
                            "port": 8080,
                            "scheme": "HTTP"
                          },
                          "initialDelaySeconds": 5,
                          "timeoutSeconds": 1,
                          "periodSeconds": 10,
                          "successThreshold": 1,
                          "failureThreshold": 3
                        },
                        "readinessProbe": {
                          "tcpSocket": {
                            "port": "http"
                          },
                          "timeoutSeconds": 1,
                          "periodSeconds": 10,
                          "successThreshold": 1,
                          "failureThreshold": 3
                        },
                        "terminationMessagePath": "/dev/termination-log",
                        "imagePullPolicy": "IfNotPresent",
                        "securityContext": {
                          "privileged": false,
                          "runAsNonRoot": true,
                          "allowPrivilegeEscalation": false
                        },
                        "terminationMessagePolicy": "File"
                      }
                    ],
                    "restartPolicy": "Always",
                    "terminationGracePeriodSeconds": 30,
                    "dnsPolicy": "ClusterFirst",
                    "nodeSelector": {
                      "disk": "ssd"
                    },
                    "serviceAccountName": "default",
                    "serviceAccount": "default",
                    "securityContext": {
                      "runAsUser": 1000,
                      "runAsNonRoot": true,
                      "fsGroup": 2000
                    },
                    "imagePullSecrets": [
                      {
                        "name": "regcred"
                      }
                    ],
                    "schedulerName": "default-scheduler",
                    "automountServiceAccountToken": false,
                    "tolerations": [
                      {
                        "key": "node.kubernetes.io/not-ready",
                        "operator": "Exists",
                        "effect": "NoExecute",
                        "tolerationSeconds": 300
                      }
                    ],
                    "priorityClassName": "high",
                    "priority": -5,
                    "enableServiceLinks": true
                  },
                  "status": {
                    "phase": "Running",
                    "conditions": [
                      {
                        "type": "Ready",
                        "status": "True",
                        "lastTransitionTime": "2023-11-14T22:15:00Z"
                      }
                    ],
                    "startTime": "2023-11-14T22:13:21Z"
                  }
                }
                """#),
        Vector(
            "lease", "Lease: MicroTime, pointer int32 set to 0",
            hex: """
                6b 38 73 00 0a 1f 0a 16 63 6f 6f 72 64 69 6e 61 74 69 6f 6e 2e 6b 38 73 2e 69 6f 2f 76 31 12 05
                4c 65 61 73 65 12 3e 0a 19 0a 06 6e 6f 64 65 2d 31 1a 0f 6b 75 62 65 2d 6e 6f 64 65 2d 6c 65 61
                73 65 12 21 0a 06 6e 6f 64 65 2d 31 10 00 1a 08 08 80 e2 cf aa 06 10 00 22 0b 08 80 e2 cf aa 06
                10 95 9a ef 3a 1a 00 22 00
                """,
            json: #"{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"node-1","namespace":"kube-node-lease"},"spec":{"holderIdentity":"node-1","leaseDurationSeconds":0,"acquireTime":"2023-11-14T22:13:20.000000Z","renewTime":"2023-11-14T22:13:20.123456Z"}}"#),
        Vector(
            "event", "events.k8s.io/v1 Event: MicroTime, series, zero Times and empty non-pointer struct left out",
            hex: """
                6b 38 73 00 0a 19 0a 10 65 76 65 6e 74 73 2e 6b 38 73 2e 69 6f 2f 76 31 12 05 45 76 65 6e 74 12
                87 01 0a 0d 0a 02 65 31 1a 07 64 65 66 61 75 6c 74 12 0c 08 80 e2 cf aa 06 10 80 ca b5 ee 01 1a
                0c 08 02 12 08 08 bc e2 cf aa 06 10 00 22 07 6b 75 62 65 6c 65 74 2a 06 6e 6f 64 65 2d 31 32 07
                50 75 6c 6c 69 6e 67 3a 06 50 75 6c 6c 65 64 42 12 0a 03 50 6f 64 12 07 64 65 66 61 75 6c 74 1a
                02 70 31 52 0c 49 6d 61 67 65 20 70 75 6c 6c 65 64 5a 06 4e 6f 72 6d 61 6c 62 04 0a 00 12 00 6a
                02 08 00 72 02 08 00 78 00 1a 00 22 00
                """,
            json: #"{"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"e1","namespace":"default"},"eventTime":"2023-11-14T22:13:20.500000Z","series":{"count":2,"lastObservedTime":"2023-11-14T22:14:20.000000Z"},"reportingController":"kubelet","reportingInstance":"node-1","action":"Pulling","reason":"Pulled","regarding":{"kind":"Pod","namespace":"default","name":"p1"},"note":"Image pulled","type":"Normal"}"#),
        Vector(
            "eviction", "policy/v1 Eviction with DeleteOptions (gracePeriodSeconds 0 kept: a pointer)",
            hex: """
                6b 38 73 00 0a 15 0a 09 70 6f 6c 69 63 79 2f 76 31 12 08 45 76 69 63 74 69 6f 6e 12 2d 0a 0d 0a
                02 70 31 1a 07 64 65 66 61 75 6c 74 12 1c 08 00 12 07 0a 05 75 69 64 2d 31 22 0a 46 6f 72 65 67
                72 6f 75 6e 64 2a 03 41 6c 6c 1a 00 22 00
                """,
            json: #"{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"p1","namespace":"default"},"deleteOptions":{"gracePeriodSeconds":0,"preconditions":{"uid":"uid-1"},"propagationPolicy":"Foreground","dryRun":["All"]}}"#),
        Vector(
            "deleteoptions", "DeleteOptions under a group version (found in meta/v1)",
            hex: """
                6b 38 73 00 0a 18 0a 07 61 70 70 73 2f 76 31 12 0d 44 65 6c 65 74 65 4f 70 74 69 6f 6e 73 12 10
                08 1e 18 00 22 0a 42 61 63 6b 67 72 6f 75 6e 64 1a 00 22 00
                """,
            json: #"{"apiVersion":"apps/v1","kind":"DeleteOptions","gracePeriodSeconds":30,"orphanDependents":false,"propagationPolicy":"Background"}"#),
        Vector(
            "scale", "autoscaling/v1 Scale: status.replicas has no omitempty",
            hex: """
                6b 38 73 00 0a 17 0a 0e 61 75 74 6f 73 63 61 6c 69 6e 67 2f 76 31 12 05 53 63 61 6c 65 12 1a 0a
                0e 0a 03 77 65 62 1a 07 64 65 66 61 75 6c 74 12 02 08 03 1a 04 08 00 12 00 1a 00 22 00
                """,
            json: #"{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"web","namespace":"default"},"spec":{"replicas":3},"status":{"replicas":0}}"#),
        Vector(
            "ssr", "SelfSubjectReview status: map<string, ExtraValue>",
            hex: """
                6b 38 73 00 0a 2d 0a 18 61 75 74 68 65 6e 74 69 63 61 74 69 6f 6e 2e 6b 38 73 2e 69 6f 2f 76 31
                12 11 53 65 6c 66 53 75 62 6a 65 63 74 52 65 76 69 65 77 12 4a 0a 00 12 46 0a 44 0a 05 61 64 6d
                69 6e 12 03 75 2d 31 1a 0e 73 79 73 74 65 6d 3a 6d 61 73 74 65 72 73 1a 14 73 79 73 74 65 6d 3a
                61 75 74 68 65 6e 74 69 63 61 74 65 64 22 10 0a 06 73 63 6f 70 65 73 12 06 0a 01 61 0a 01 62 1a
                00 22 00
                """,
            json: #"{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview","metadata":{},"status":{"userInfo":{"username":"admin","uid":"u-1","groups":["system:masters","system:authenticated"],"extra":{"scopes":["a","b"]}}}}"#),
        Vector(
            "pdbstatus", "PodDisruptionBudget: IntOrString int, map<string, Time>",
            hex: """
                6b 38 73 00 0a 20 0a 09 70 6f 6c 69 63 79 2f 76 31 12 13 50 6f 64 44 69 73 72 75 70 74 69 6f 6e
                42 75 64 67 65 74 12 29 0a 03 0a 01 70 12 08 0a 06 08 00 10 02 1a 00 1a 18 08 04 12 0c 0a 02 70
                31 12 06 08 80 e2 cf aa 06 18 01 20 03 28 02 30 03 1a 00 22 00
                """,
            json: #"{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"p"},"spec":{"minAvailable":2},"status":{"observedGeneration":4,"disruptedPods":{"p1":"2023-11-14T22:13:20Z"},"disruptionsAllowed":1,"currentHealthy":3,"desiredHealthy":2,"expectedPods":3}}"#),
        Vector(
            "unknown", "unknown fields of every wire type, including a group, are skipped",
            hex: """
                6b 38 73 00 0a 0f 0a 02 76 31 12 09 43 6f 6e 66 69 67 4d 61 70 12 30 0a 06 0a 01 61 98 06 07 12
                06 0a 01 78 12 01 31 d0 05 01 dd 05 05 00 00 00 e1 05 00 00 00 00 00 00 f8 3f ea 05 02 7a 7a e3
                05 08 01 e4 05 20 01 1a 00 22 00
                """,
            json: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"x":"1"},"immutable":true}"#),
        Vector(
            "secretbin", "Secret: bytes map values (base64), immutable false kept",
            hex: """
                6b 38 73 00 0a 0c 0a 02 76 31 12 06 53 65 63 72 65 74 12 27 0a 03 0a 01 73 12 0b 0a 03 62 69 6e
                12 04 00 01 02 ff 12 09 0a 05 65 6d 70 74 79 12 00 1a 06 4f 70 61 71 75 65 28 00 1a 00 22 00
                """,
            json: #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"bin":"AAEC/w==","empty":""},"type":"Opaque","immutable":false}"#),
        Vector(
            "packed", "packed repeated int64",
            hex: """
                6b 38 73 00 0a 09 0a 02 76 31 12 03 50 6f 64 12 0e 0a 03 0a 01 70 12 07 72 05 22 03 01 02 03 1a
                00 22 00
                """,
            json: #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"securityContext":{"supplementalGroups":[1,2,3]}}}"#),
    ]

    // MARK: - Decoding

    @Test(arguments: kubectlBodies)
    func decodesKubectlBodies(_ v: Vector) throws {
        let decoded = try KubernetesProtobuf.decode(v.bytes)
        #expect(decoded == (try v.expected), "\(v.about)")
        #expect(decoded.objectValue?.keys.prefix(3) == ["apiVersion", "kind", "metadata"])
    }

    @Test(arguments: builtBodies)
    func decodesBuiltBodies(_ v: Vector) throws {
        let decoded = try KubernetesProtobuf.decode(v.bytes)
        #expect(decoded == (try v.expected), "\(v.about)")
    }

    @Test func configMapKeepsFieldOrder() throws {
        let body = Self.bytes("""
            6b 38 73 00 0a 0f 0a 02 76 31 12 09 43 6f 6e 66 69 67 4d 61 70 12 1b 0a 11 0a 01 61 12 00 1a 00
            22 00 2a 00 32 00 38 00 42 00 12 06 0a 01 78 12 01 31 1a 00 22 00
            """)
        let decoded = try KubernetesProtobuf.decode(body)
        #expect(decoded.serializedString() == #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"x":"1"}}"#)
    }

    @Test func fieldsFollowFieldNumbers() throws {
        let pod = try KubernetesProtobuf.decode(Self.builtBodies.first { $0.name == "pod" }!.bytes)
        #expect(pod.objectValue?.keys == ["apiVersion", "kind", "metadata", "spec", "status"])
        #expect(pod["spec"]?.objectValue?.keys.prefix(4) == ["volumes", "containers", "restartPolicy", "terminationGracePeriodSeconds"])
        // Inlined structs (Volume.volumeSource, Probe.handler) take their place in the parent.
        #expect(pod["spec"]?["volumes"]?.arrayValue?.first?.objectValue?.keys == ["name", "configMap"])
        #expect(pod["spec"]?["containers"]?.arrayValue?.first?["livenessProbe"]?.objectValue?.keys.first == "httpGet")
    }

    @Test func embeddedObjects() throws {
        // A v1 List whose items (RawExtension) are JSON and a nested protobuf envelope.
        let inner = try KubernetesProtobuf.encode(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "n1"]])
        var raw = ProtobufWireWriter()
        raw.lengthDelimited(1, [UInt8]())
        var item1 = ProtobufWireWriter()
        item1.lengthDelimited(1, Array(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}"#.utf8))
        raw.lengthDelimited(2, item1.bytes)
        var item2 = ProtobufWireWriter()
        item2.lengthDelimited(1, inner)
        raw.lengthDelimited(2, item2.bytes)
        let list = try KubernetesProtobuf.decodeObject(raw.bytes, apiVersion: "v1", kind: "List")
        #expect(list == [
            "apiVersion": "v1", "kind": "List", "metadata": [:],
            "items": [
                ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c"]],
                ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "n1"]],
            ],
        ])
    }

    @Test func jsonInsideTheEnvelope() throws {
        var typeMeta = ProtobufWireWriter()
        typeMeta.string(1, "v1")
        typeMeta.string(2, "ConfigMap")
        var w = ProtobufWireWriter()
        w.bytes = KubernetesProtobuf.magic
        w.lengthDelimited(1, typeMeta.bytes)
        w.lengthDelimited(2, Array(#"{"metadata":{"name":"a"}}"#.utf8))
        w.string(4, "application/json")
        #expect(try KubernetesProtobuf.decode(w.bytes) == ["metadata": ["name": "a"], "apiVersion": "v1", "kind": "ConfigMap"])
    }

    @Test func malformedBodies() throws {
        let configMap = Self.kubectlBodies[0].bytes
        #expect(throws: ProtobufError.self) { try KubernetesProtobuf.decode(Array(#"{"kind":"Pod"}"#.utf8)) }
        #expect(throws: ProtobufError.self) { try KubernetesProtobuf.decode([]) }
        // Cut short anywhere before the end of `raw` (the two empty strings after it are optional).
        for cut in [8, 20, 30, 40, 49] {
            #expect(throws: ProtobufError.self) { try KubernetesProtobuf.decode(Array(configMap.prefix(cut))) }
        }
        // A varint that never ends.
        #expect(throws: ProtobufError.self) { try KubernetesProtobuf.decode(KubernetesProtobuf.magic + [0x08, 0xff, 0xff]) }
        // A kind without a schema.
        let unknownKind = try KubernetesProtobuf.encode(["apiVersion": "v1", "kind": "ConfigMap"]).replacing(Array("ConfigMap".utf8), with: Array("Gizmo1234".utf8))
        #expect(throws: ProtobufError("protobuf: no protobuf encoding is known for v1, Kind=Gizmo1234")) {
            try KubernetesProtobuf.decode(unknownKind)
        }
        // A known field with the wrong wire type: ConfigMap.metadata (1) as a varint.
        var typeMeta = ProtobufWireWriter()
        typeMeta.string(1, "v1")
        typeMeta.string(2, "ConfigMap")
        var w = ProtobufWireWriter()
        w.bytes = KubernetesProtobuf.magic
        w.lengthDelimited(1, typeMeta.bytes)
        w.lengthDelimited(2, [0x08, 0x01])
        #expect(throws: ProtobufError.self) { try KubernetesProtobuf.decode(w.bytes) }
        #expect(!KubernetesProtobuf.supports(apiVersion: "v1", kind: "Gizmo"))
        #expect(KubernetesProtobuf.supports(apiVersion: "policy/v1", kind: "Eviction"))
        #expect(KubernetesProtobuf.supports(apiVersion: "apps/v1", kind: "DeleteOptions"))
    }

    // MARK: - Encoding

    /// Encoding what was decoded gives back kubectl's bytes exactly (gogo's field order, zero
    /// values of non-pointer fields, sorted map keys).
    @Test(arguments: kubectlBodies)
    func reencodesKubectlBodiesExactly(_ v: Vector) throws {
        let decoded = try KubernetesProtobuf.decode(v.bytes)
        #expect(try KubernetesProtobuf.encode(decoded) == v.bytes, "\(v.about)")
    }

    @Test(arguments: builtBodies)
    func roundTripsBuiltBodies(_ v: Vector) throws {
        let decoded = try KubernetesProtobuf.decode(v.bytes)
        #expect(try KubernetesProtobuf.decode(try KubernetesProtobuf.encode(decoded)) == decoded)
    }

    @Test func encodesJSONForms() throws {
        let secret: JSON = [
            "apiVersion": "v1", "kind": "Secret", "metadata": ["name": "s", "labels": ["b": "2", "a": "1"]],
            "data": ["k": "AAEC/w=="], "stringData": ["x": "y"],
        ]
        #expect(try KubernetesProtobuf.decode(try KubernetesProtobuf.encode(secret)) == secret)
        let quota: JSON = ["apiVersion": "v1", "kind": "ResourceQuota", "metadata": ["name": "q"], "spec": ["hard": ["cpu": 2, "memory": "1Gi"]]]
        #expect(try KubernetesProtobuf.decode(try KubernetesProtobuf.encode(quota))["spec"]?["hard"] == ["cpu": "2", "memory": "1Gi"])
        #expect(throws: ProtobufError.self) { try KubernetesProtobuf.encode(["kind": "Secret"]) }
        #expect(throws: ProtobufError.self) { try KubernetesProtobuf.encode(["apiVersion": "v1", "kind": "Gizmo"]) }
        #expect(throws: ProtobufError.self) { try KubernetesProtobuf.encode(["apiVersion": "v1", "kind": "Secret", "data": ["k": "not base64!"]]) }
        #expect(throws: ProtobufError.self) { try KubernetesProtobuf.encode(["apiVersion": "v1", "kind": "Pod", "spec": ["containers": "x"]]) }
    }

    // MARK: - Value formats

    @Test func timeFormats() {
        #expect(RFC3339.format(seconds: 0, nanos: 0) == "1970-01-01T00:00:00Z")
        #expect(RFC3339.format(seconds: 1_700_000_000, nanos: 999_999_999) == "2023-11-14T22:13:20Z")
        #expect(RFC3339.format(seconds: 1_700_000_000, nanos: 123_456_789, fractionDigits: 6) == "2023-11-14T22:13:20.123456Z")
        #expect(RFC3339.format(seconds: 951_782_400, nanos: 0) == "2000-02-29T00:00:00Z")
        #expect(RFC3339.format(seconds: -1, nanos: 0) == "1969-12-31T23:59:59Z")
        #expect(RFC3339.format(seconds: 253_402_300_799, nanos: 0) == "9999-12-31T23:59:59Z")
        #expect(RFC3339.parse("2023-11-14T22:13:20Z").map { [$0.seconds, Int64($0.nanos)] } == [1_700_000_000, 0])
        #expect(RFC3339.parse("2023-11-14T22:13:20.123456Z").map { [$0.seconds, Int64($0.nanos)] } == [1_700_000_000, 123_456_000])
        #expect(RFC3339.parse("2023-11-15T00:13:20+02:00").map { [$0.seconds, Int64($0.nanos)] } == [1_700_000_000, 0])
        #expect(RFC3339.parse("2023-11-14 22:13:20Z") == nil)
        #expect(RFC3339.parse("2023-11-14T22:13:20") == nil)
    }

    @Test func durationFormats() {
        let cases: [(Int64, String)] = [
            (0, "0s"), (1, "1ns"), (1_500, "1.5µs"), (1_000_000, "1ms"), (1_500_000, "1.5ms"),
            (1_000_000_000, "1s"), (1_500_000_000, "1.5s"), (90_000_000_000, "1m30s"),
            (3_600_000_000_000, "1h0m0s"), (3_600_001_000_000, "1h0m0.001s"), (-5_000_000_000, "-5s"),
            (86_400_000_000_000, "24h0m0s"),
        ]
        for (ns, s) in cases {
            #expect(GoDuration.format(nanoseconds: ns) == s)
            #expect(GoDuration.parse(s) == ns)
        }
        #expect(GoDuration.parse("1h30m") == 5_400_000_000_000)
        #expect(GoDuration.parse("10x") == nil)
    }

    @Test func base64() {
        for s in ["", "f", "fo", "foo", "foob", "fooba", "foobar"] {
            let encoded = ProtobufValueFormats.base64Encode(Array(s.utf8))
            #expect(ProtobufValueFormats.base64Decode(encoded) == Array(s.utf8))
        }
        #expect(ProtobufValueFormats.base64Encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(ProtobufValueFormats.base64Encode([0, 1, 2, 255]) == "AAEC/w==")
        #expect(ProtobufValueFormats.base64Decode("Zm9v!") == nil)
    }
}
