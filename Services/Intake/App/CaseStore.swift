import DubanMessaging
import DubanModels
import DubanRuntime
import DubanStorage
import Foundation
import GRDB

/// Intake's cases: each stored together with its `case.submitted` event, so neither exists without the other. The
/// submitter's name and phone are sealed into `contact` and never go into the event.
struct CaseStore: Sendable {
    let database: DatabasePool
    let events: EventLog
    let clock: WallClock
    /// Seals the submitters' names and phones before they are stored (`CaseStore+PersonalData.swift`).
    let cipher: PersonalDataCipher
    /// Submissions and updates from concurrent requests share commits (each in its own savepoint).
    let writer: BatchedWriter

    /// The submissions of the batch being written, recorded in the audit trail as one row per submitter per commit.
    let submissions: SubmissionAudit

    init(database: DatabasePool, events: EventLog, clock: WallClock, cipher: PersonalDataCipher) {
        self.database = database
        self.events = events
        self.clock = clock
        self.cipher = cipher
        let submissions = SubmissionAudit()
        self.submissions = submissions
        self.writer = BatchedWriter(database: database) { db in try submissions.record(at: clock.now(), in: db) }
    }


    /// Stores a case and its event; with an idempotency key, a retry of the same request returns the same case, and
    /// the same key with a different request is refused.
    /// `actor`: the key's or person's name, for the audit trail.
    func submit(_ draft: CaseDraft, idempotencyKey: String? = nil, requestHash: String = "",
                open311: Open311Extras? = nil, actor: String) async throws -> SubmittedCase {
        let now = clock.now()
        return try await writer.write { [submissions] db in
            let (submitted, isNew) = try store(draft, idempotencyKey: idempotencyKey, requestHash: requestHash, at: now, in: db)
            if let open311 {
                try db.execute(sql: "UPDATE case_record SET service_code = ?, media_url = ?, source = ? WHERE case_id = ?",
                               arguments: [open311.serviceCode, open311.mediaURL, open311.source, submitted.id.rawValue])
            }
            if isNew { submissions.note(actor: actor, case: submitted.id) }  // last: only a submission that stays is noted
            return submitted
        }
    }

    /// The same, saying whether the case is new or an earlier one returned for the same idempotency key.
    func submitReportingNew(_ draft: CaseDraft, idempotencyKey: String, requestHash: String, actor: String) async throws -> (SubmittedCase, Bool) {
        let now = clock.now()
        return try await writer.write { [submissions] db in
            let stored = try store(draft, idempotencyKey: idempotencyKey, requestHash: requestHash, at: now, in: db)
            if stored.isNew { submissions.note(actor: actor, case: stored.case.id) }
            return stored
        }
    }

    /// What an Open311 request carries beyond the case itself.
    struct Open311Extras: Sendable {
        var serviceCode: String
        var mediaURL: String?
        var addressID: String?
        var source: String
    }

    /// The same, for a caller on its own thread (the ZeroMQ ingress): returns once the case is committed.
    func submitWaiting(_ draft: CaseDraft, idempotencyKey: String?, requestHash: String, actor: String) throws -> SubmittedCase {
        let now = clock.now()
        return try database.write { db in
            let stored = try store(draft, idempotencyKey: idempotencyKey, requestHash: requestHash, at: now, in: db)
            if stored.isNew {
                try AuditTrail.append(actor: actor, action: "case.submit", subject: stored.case.id.rawValue, detail: "1", at: now, in: db)
            }
            return stored.case
        }
    }

    private func store(_ draft: CaseDraft, idempotencyKey: String?, requestHash: String, at now: Date,
                       in db: Database) throws -> (case: SubmittedCase, isNew: Bool) {
            let encoder = Self.encoder
            if let idempotencyKey {
                if let row = try Row.fetchOne(db.cachedStatement(sql: """
                    SELECT i.request_hash, c.case_id, c.submitted_at FROM idempotency i JOIN case_record c ON c.case_id = i.case_id
                    WHERE i.key = ?
                    """), arguments: [idempotencyKey]) {
                    guard row["request_hash"] == requestHash else {
                        throw APIError(.unprocessableContent, code: "idempotency_key_reused",
                                       "this Idempotency-Key was used for a different request")
                    }
                    return (SubmittedCase(id: CaseID(rawValue: row["case_id"]), status: .submitted,
                                          submittedAt: Date(timeIntervalSince1970: row["submitted_at"])), false)
                }
            }
            // The case's number is the table's next row id (AUTOINCREMENT never hands one out twice), so the id is
            // known before the insert and the row and its index are written once.
            let number = try (Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = 'case_record'")) ?? 0) + 1
            let id = Self.caseID(number: number, at: now)
            let submitter = try Self.submitterColumns(draft.submitter, caseID: id, cipher: cipher, encoder: encoder)
            try db.cachedStatement(sql: """
                INSERT INTO case_record (number, case_id, title, description, channel, submitter, contact, category, location, status,
                submitted_at, session_id, first_answer, liaison, area)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [number, id.rawValue, draft.title, draft.description, draft.channel.rawValue,
                                         submitter.enterprise, submitter.contact, draft.category?.rawValue,
                                         try draft.location.map { try encoder.encode($0) }, CaseStatus.submitted.rawValue,
                                         now.timeIntervalSince1970, draft.session, draft.firstAnswer, draft.liaison, draft.area])
            // Routing, escalation and reporting need the enterprise, never the person: the event goes without them.
            var announced = draft
            announced.submitter = draft.submitter.withoutContact
            try events.append(.caseSubmitted(CaseSubmitted(draft: announced, submittedAt: now)), caseID: id, at: now, in: db)
            if let idempotencyKey {
                try db.cachedStatement(sql: "INSERT INTO idempotency (key, request_hash, case_id, created_at) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [idempotencyKey, requestHash, id.rawValue, now.timeIntervalSince1970])
            }
            return (SubmittedCase(id: id, status: .submitted, submittedAt: now), true)
    }

    /// Intake's store as a command on the host opens it (the service's settings and personal-data key; the running
    /// service delivers the events written here within a second). `warn` gets what the key's set-up has to say.
    static func forCommand(_ settings: ServiceSettings, warn: (String) -> Void) throws -> CaseStore {
        let database = try ServiceApplication.openDatabase(Intake.self, settings: settings)
        let cipher = try PersonalDataSettings(settings).cipher(database: database.writer, note: warn)
        return CaseStore(database: database.writer, events: EventLog(producer: Intake.descriptor.name), clock: .system, cipher: cipher)
    }

    /// Stores run one at a time on the database's writer, so one encoder serves them all.
    private static let encoder = DubanJSON.encoder()

    /// `DB-yyyyMMdd-NNNNNN`: the day in China and the case's number, zero-padded to at least six digits.
    static func caseID(number: Int64, at date: Date) -> CaseID {
        let digits = String(number)
        return CaseID(rawValue: "DB-\(day(date))-" + String(repeating: "0", count: max(0, 6 - digits.utf8.count)) + digits)
    }

    /// The day in China (UTC+8 all year) as `yyyyMMdd`.
    static func day(_ date: Date) -> String {
        let parts = ChinaTime.calendar.dateComponents([.year, .month, .day], from: date)
        let number = parts.year! * 10_000 + parts.month! * 100 + parts.day!
        return String(number)
    }

}
