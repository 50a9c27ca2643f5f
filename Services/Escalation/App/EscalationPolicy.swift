import Foundation
import Yams

/// `deploy/config/escalation.yaml`: when to warn, whom to escalate to and when, and the weekly supervision slot.
public struct EscalationPolicy: Codable, Sendable {
    public struct Level: Codable, Sendable {
        public var level: Int
        /// Working days after the deadline at which this level starts (0: at the deadline).
        public var afterWorkingDays: Int
        /// `bureau-contact`, `bureau-head` (the owning bureau's), or a fixed recipient such as `zone-leadership`.
        public var recipients: [String]
        /// Repeat every so many working days while the case stays open; 0 or absent: once.
        public var repeatEveryWorkingDays: Int?
        /// Only for cases owned by a city-level unit.
        public var cityLevelOnly: Bool?
    }

    public struct Digest: Codable, Sendable {
        /// ISO weekday, 1 = Monday.
        public var weekday: Int
        public var time: String
        /// Who receives the roll-up of every bureau's figures.
        public var leadership: String
    }

    public var timeZone: String
    public var dueSoonWorkingDays: Int
    public var levels: [Level]
    /// Levels for particular bureaus or categories, replacing the default list.
    public var byBureau: [String: [Level]]?
    public var byCategory: [String: [Level]]?
    public var weeklyDigest: Digest
    /// Downstream tools that receive notices over HTTP, each from the moment it is first seen (`docs/NOTICES.md`).
    public var webhooks: [WebhookTarget]?
    /// Seconds between attempts after the first; default Standard Webhooks' schedule (5 s … 24 h).
    public var webhookRetrySeconds: [Double]?
    /// Standard Webhooks deliveries in flight at once (default 16). Group robots are always sent one at a time, paced
    /// to their documented rates (`RobotPace`), whatever this says.
    public var webhookConcurrency: Int?

    public static func load(path: String) throws -> EscalationPolicy {
        let policy = try YAMLDecoder().decode(EscalationPolicy.self, from: try String(contentsOfFile: path, encoding: .utf8))
        var problems: [String] = []
        if TimeZone(identifier: policy.timeZone) == nil { problems.append("unknown time zone \(policy.timeZone)") }
        if !(1...7).contains(policy.weeklyDigest.weekday) { problems.append("weeklyDigest.weekday is 1 (Monday) to 7") }
        if policy.digestTime == nil { problems.append("weeklyDigest.time is HH:MM") }
        for level in policy.levels + (policy.byBureau ?? [:]).values.flatMap({ $0 }) + (policy.byCategory ?? [:]).values.flatMap({ $0 })
        where level.afterWorkingDays < 0 || level.recipients.isEmpty {
            problems.append("level \(level.level): afterWorkingDays ≥ 0 and at least one recipient")
        }
        guard problems.isEmpty else { throw PolicyError(path: path, problems: problems) }
        return policy
    }

    var digestTime: (hour: Int, minute: Int)? {
        let parts = weeklyDigest.time.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, (0..<24).contains(parts[0]), (0..<60).contains(parts[1]) else { return nil }
        return (parts[0], parts[1])
    }

    func levels(bureau: String, category: String?) -> [Level] {
        category.flatMap { byCategory?[$0] } ?? byBureau?[bureau] ?? levels
    }
}

public struct PolicyError: Error, CustomStringConvertible {
    public var path: String
    public var problems: [String]
    public var description: String { "\(path): " + problems.joined(separator: "; ") }
}
