import Foundation

/// How fast one group robot may be sent to: sliding windows over the real times of recent sends.
///
/// A pure value: the delivery loop asks `earliest(now:)` before each message and calls `record(_:)` after it. Times are
/// Unix seconds of real (wall-clock) time, never the service's business clock: the robots count real minutes.
struct RobotPace: Sendable, Equatable {
    struct Limit: Sendable, Equatable {
        /// Messages allowed in any window of `seconds`.
        var count: Int
        var seconds: Double
    }

    let limits: [Limit]
    /// Real times of recent sends, oldest first; only as many as the widest window needs.
    private(set) var sent: [Double] = []

    init(limits: [Limit], sent: [Double] = []) {
        self.limits = limits
        for time in sent.sorted() { record(time) }
    }

    /// The documented limits per robot. WeCom: 20 messages a minute (群机器人配置说明). DingTalk: 20 a minute, and a
    /// robot over it is throttled for 10 minutes (自定义机器人发送消息频率限制). Feishu: 100 a minute and 5 a second
    /// (自定义机器人使用指南). Standard Webhooks receivers have none of their own.
    static func documented(_ format: WebhookTarget.Format) -> [Limit] {
        switch format {
        case .wecom, .dingtalk: [Limit(count: 20, seconds: 60)]
        case .feishu: [Limit(count: 100, seconds: 60), Limit(count: 5, seconds: 1)]
        case .standard: []
        }
    }

    /// The earliest real time (Unix seconds) at or after `now` when one more message stays within every limit.
    func earliest(now: Double) -> Double {
        var at = now
        for limit in limits where limit.count > 0 && sent.count >= limit.count {
            // The window must no longer hold the send `count` places back.
            at = max(at, sent[sent.count - limit.count] + limit.seconds)
        }
        return at
    }

    mutating func record(_ time: Double) {
        sent.append(time)
        let keep = limits.map(\.count).max() ?? 0
        if sent.count > keep { sent.removeFirst(sent.count - keep) }
    }
}
