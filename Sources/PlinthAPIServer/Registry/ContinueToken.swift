import Foundation
import PlinthAPIMachinery
import PlinthJSON

/// The upstream continue token: base64url of `{"v":"meta.k8s.io/v1","rv":N,"start":"key"}`,
/// where `start` is relative to the list's key prefix.
struct ContinueToken {
    var revision: Int64
    var start: String

    func encode() -> String {
        let json: JSON = ["v": "meta.k8s.io/v1", "rv": .int(revision), "start": .string(start)]
        return Data(json.serialized()).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ token: String) throws(APIError) -> ContinueToken {
        var b64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64), let json = try? JSON.parse(Array(data)),
              json["v"]?.stringValue == "meta.k8s.io/v1", let rv = json["rv"]?.intValue, rv > 0,
              let start = json["start"]?.stringValue,
              !start.hasPrefix("/"), !start.contains("/../"), !start.hasPrefix("../")
        else {
            throw APIError.badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
        }
        return ContinueToken(revision: rv, start: start)
    }
}
