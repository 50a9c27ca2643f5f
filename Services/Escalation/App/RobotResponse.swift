import Foundation

/// What a delivery attempt's answer means for the delivery row.
enum DeliveryOutcome: Equatable, Sendable {
    case delivered
    /// Try again; `after` (seconds) is the least wait the receiver asked for, if any.
    case retry(after: Double?, reason: String)
    case stop(reason: String)
    case disable(reason: String)
}

/// Reads a group robot's answer. WeCom, DingTalk and Feishu answer most refusals and rate limits with HTTP 200 and a
/// code in the JSON body, so the HTTP status alone would count a refused message as delivered.
///
/// Sources: WeCom 群机器人配置说明 (errcode 0 success, 45009 frequency limit, 40058 field too long); DingTalk 自定义
/// 机器人 (errcode 0, 130101 sending too fast, throttled for 10 minutes after 20 a minute; 310000 signature, keyword or
/// IP check failed); Feishu 自定义机器人 (code 0, or `StatusCode` 0 in the older answer; 9499 and 11232 are its rate
/// limits, the latter "100 a minute, 5 a second").
enum RobotResponse {
    /// Least wait after a robot's rate-limit code, seconds: its limits are counted per minute.
    static let rateLimitSeconds: Double = 60
    /// DingTalk throttles a robot for 10 minutes once it passes 20 messages a minute.
    static let dingTalkThrottleSeconds: Double = 600

    static func classify(_ format: WebhookTarget.Format, status: Int, body: Data, retryAfter: Double?) -> DeliveryOutcome {
        let answer = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        let code: Int?, message: String
        switch format {
        case .wecom, .dingtalk:
            code = integer(answer?["errcode"])
            message = answer?["errmsg"] as? String ?? ""
        case .feishu:
            code = integer(answer?["code"] ?? answer?["StatusCode"])
            message = (answer?["msg"] ?? answer?["StatusMessage"]) as? String ?? ""
        case .standard:
            return WebhookHTTPStatus.classify(status: status, retryAfter: retryAfter)
        }
        let said = "\(format.rawValue) \(format == .feishu ? "code" : "errcode") \(code.map(String.init) ?? "?"): \(message)"
        if let code, code != 0 {
            if let wait = rateLimitWait(format, code: code) {
                return .retry(after: max(wait, retryAfter ?? 0), reason: "rate limited: \(said)")
            }
            // The robot's own code says what is wrong (bad key, signature, keyword, too long): retrying repeats it.
            return (500..<600).contains(status) ? .retry(after: retryAfter, reason: said) : .stop(reason: said)
        }
        guard (200..<300).contains(status) else { return WebhookHTTPStatus.classify(status: status, retryAfter: retryAfter) }
        if code == 0 { return .delivered }
        // 2xx without the product's success code: a proxy's page, a changed API. Not a delivery; retried on schedule.
        let excerpt = String(decoding: body.prefix(200), as: UTF8.self)
        return .retry(after: nil, reason: answer == nil ? "\(format.rawValue) answered without JSON: \(excerpt)"
                                                          : "\(format.rawValue) answered without its success code: \(excerpt)")
    }

    /// A JSON number as an Int, however Foundation decoded it.
    private static func integer(_ value: Any?) -> Int? {
        if let value = value as? Int { return value }
        if let value = value as? NSNumber { return value.intValue }
        return nil
    }

    /// The least wait for a rate-limit code, or nil when the code is no rate limit.
    static func rateLimitWait(_ format: WebhookTarget.Format, code: Int) -> Double? {
        switch (format, code) {
        case (.wecom, 45009), (.feishu, 9499), (.feishu, 11232): return rateLimitSeconds
        case (.dingtalk, 130101): return dingTalkThrottleSeconds
        default: return nil
        }
    }
}

/// Standard Webhooks' reading of an HTTP status: only 2xx is success; 410 disables the endpoint; 429 and 5xx are
/// retried (honouring `Retry-After`); any other status stops.
enum WebhookHTTPStatus {
    static func classify(status: Int, retryAfter: Double?) -> DeliveryOutcome {
        if (200..<300).contains(status) { return .delivered }
        if status == 410 { return .disable(reason: "410 Gone") }
        if status == 429 || status >= 500 { return .retry(after: retryAfter, reason: "HTTP \(status)") }
        return .stop(reason: "HTTP \(status)")
    }
}
