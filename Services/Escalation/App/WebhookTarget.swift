import Crypto
import Foundation

/// A downstream tool that receives notices over HTTP, configured in `escalation.yaml` under `webhooks`.
public struct WebhookTarget: Codable, Sendable {
    public enum Format: String, Codable, Sendable {
        /// The notice as JSON, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
        case standard
        /// 企业微信 group robot: markdown.
        case wecom
        /// 钉钉 group robot: markdown, URL signed with HMAC-SHA256 over `timestamp\nsecret`.
        case dingtalk
        /// 飞书 / Lark group robot: text, body signed with `timestamp\nsecret`.
        case feishu
    }

    public var id: String
    public var url: String
    public var format: Format
    /// Topic prefixes this target wants, e.g. `notice.escalation.`; absent: every notice.
    public var topics: [String]?
    /// The signing secret: `whsec_<base64>` for Standard Webhooks, the robot's secret for DingTalk and Feishu.
    /// Prefer `secretEnv`, the name of an environment variable holding it, over writing it in the file.
    public var secret: String?
    public var secretEnv: String?

    func wants(_ topic: String) -> Bool { topics.map { $0.contains { topic.hasPrefix($0) } } ?? true }

    var resolvedSecret: String? {
        secretEnv.flatMap { ProcessInfo.processInfo.environment[$0] } ?? secret
    }
}

/// Standard Webhooks v1 signing: HMAC-SHA256 over `{id}.{timestamp}.{body}` with the secret's bytes.
public enum WebhookSignature {
    public static func sign(id: String, timestamp: Int, body: Data, secret: String) -> String? {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let key = Data(base64Encoded: encoded), (24...64).contains(key.count) else { return nil }
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The signature a group robot (DingTalk, Feishu) expects: HMAC-SHA256 keyed as they document, base64.
    static func robot(timestamp: String, secret: String, dingTalk: Bool) -> String {
        let text = "\(timestamp)\n\(secret)"
        let mac = dingTalk
            ? HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(secret.utf8)))
            : HMAC<SHA256>.authenticationCode(for: Data(), using: SymmetricKey(data: Data(text.utf8)))
        return Data(mac).base64EncodedString()
    }
}
