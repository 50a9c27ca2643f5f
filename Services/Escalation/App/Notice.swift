import Foundation

/// A message to a person or a group, with an id that stays the same however often it is produced, so it is stored
/// once and receivers can deduplicate.
public struct Notice: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case dueSoon = "due_soon"
        case escalation
        case digest
        /// A leader's instruction (批示) on a case, to its owning bureau.
        case instruction
    }

    /// Stable: e.g. `esc:DB-…:1764550800:2:0` (case, deadline, level, repetition) or `digest:hrss/contact:2026-W49`.
    public var id: String
    /// Position in the notice stream, for subscribers catching up.
    public var seq: Int64
    public var kind: Kind
    /// ZeroMQ topic: `notice.reminder.<bureau>`, `notice.escalation.<level>`, `notice.digest.<recipient>`.
    public var topic: String
    public var recipient: String
    public var caseId: String?
    public var bureau: String?
    public var level: Int?
    /// Chinese, for people: names the case, bureau, deadline, days overdue and a link.
    public var title: String
    public var text: String
    /// The page the notice is about, under `public.url`: the case's page (`/dashboard/cases/{id}`) or, for a digest,
    /// the recipient's list of open cases (`/dashboard/cases?bureau=…`). Nil for notices stored before links were kept.
    public var link: String?
    public var createdAt: Date
}
