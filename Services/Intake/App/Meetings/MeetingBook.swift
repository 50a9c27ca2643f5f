import DubanMessaging
import DubanModels
import DubanRuntime
import DubanStorage
import Foundation
import GRDB

/// The meeting series and their sessions: created ahead, opened and recorded during, closed after. Each change is
/// stored with its `meeting.*` event (the whole series or session as it now is) and its audit row in one transaction,
/// so reporting's figures can always be rebuilt from the log. Problems raised at a session are cases like any other,
/// stored through ``CaseStore`` with the session's id and the answer given on the spot.
struct MeetingBook: Sendable {
    let database: DatabasePool
    let events: EventLog
    let clock: WallClock
    let store: CaseStore
    /// For the default day of a new session: the series' weekday, on a working day.
    let calendar: WorkingCalendar?
    /// Bureau ids in routing.yaml, when it could be read: the bureaus present must be among them.
    let knownBureaus: Set<String>?

    static let seriesFields: Set<String> = ["id", "name", "weekday", "startsAt", "endsAt", "chair", "venue"]
    static let sessionFields: Set<String> = ["series", "date", "startsAt", "endsAt", "venue", "theme", "chair", "leaders", "bureaus",
                                             "invited", "attending"]

    /// - Throws: 400 for a field out of shape (`invalid_id`: lower-case letters, digits and `-`, up to 32), 409
    ///   `series_exists`.
    func createSeries(_ fields: RequestFields, actor: String) async throws -> MeetingSeries {
        let id = try fields.text("id", max: 32, required: true)!
        guard id.range(of: "^[a-z0-9][a-z0-9-]*$", options: .regularExpression) != nil else {
            throw APIError.badRequest("invalid_id", "a series id has lower-case letters, digits and '-', e.g. zhengqi")
        }
        let series = MeetingSeries(id: id, name: try fields.text("name", max: 100, required: true)!,
                                   weekday: try fields.integer("weekday", in: 1...7) ?? 1,
                                   startsAt: try fields.time("startsAt") ?? "20:00", endsAt: try fields.time("endsAt") ?? "22:00",
                                   chair: try fields.text("chair", max: 100), venue: try fields.text("venue", max: 200))
        guard series.startsAt < series.endsAt else { throw APIError.badRequest("invalid_endsAt", "the meeting ends after it starts") }
        let now = clock.now()
        return try await database.write { [events] db in
            guard try MeetingSeriesTable.fetch(id, in: db) == nil else {
                throw APIError(.conflict, code: "series_exists", "a series '\(id)' exists")
            }
            try MeetingSeriesTable.insert(series, at: now, in: db)
            try events.append(.meetingSeriesSaved(series), caseID: CaseID(rawValue: id), at: now, in: db)
            try AuditTrail.append(actor: actor, action: "meeting.series.create", subject: id, detail: series.name, at: now, in: db)
            return series
        }
    }

    /// What a request says of a session; absent fields leave it as it is.
    struct SessionFields: Sendable {
        var date, startsAt, endsAt, venue, theme, chair: String?
        var leaders, bureaus, invited, attending: [String]?

        init(_ fields: RequestFields, knownBureaus: Set<String>?) throws {
            date = try fields.day("date")
            startsAt = try fields.time("startsAt")
            endsAt = try fields.time("endsAt")
            venue = try fields.text("venue", max: 200)
            theme = try fields.text("theme", max: 200)
            chair = try fields.text("chair", max: 100)
            leaders = try fields.list("leaders")
            bureaus = try fields.list("bureaus")
            invited = try fields.list("invited")
            attending = try fields.list("attending")
            if let knownBureaus, let unknown = bureaus?.first(where: { !knownBureaus.contains($0) }) {
                throw APIError.badRequest("unknown_bureau", "no bureau '\(unknown)' in routing.yaml")
            }
        }

        func apply(to session: inout MeetingSession) throws {
            if let date { session.date = date }
            if let startsAt { session.startsAt = startsAt }
            if let endsAt { session.endsAt = endsAt }
            if let venue { session.venue = venue }
            if let theme { session.theme = theme }
            if let chair { session.chair = chair }
            if let leaders { session.leaders = leaders }
            if let bureaus { session.bureaus = bureaus }
            if let invited { session.invited = invited }
            if let attending {
                session.attending = attending
                session.invited = MeetingBook.union(session.invited, attending)
            }
            guard session.startsAt < session.endsAt else { throw APIError.badRequest("invalid_endsAt", "the meeting ends after it starts") }
        }
    }

    /// A new session, numbered next in its series, on the day given or the series' next slot on a working day.
    /// - Throws: 404 `series_not_found`, 400 for a field out of shape, `theme_required`, `unknown_bureau`.
    func createSession(_ fields: RequestFields, actor: String) async throws -> MeetingSession {
        let seriesID = try fields.text("series", max: 32, required: true)!
        let changes = try SessionFields(fields, knownBureaus: knownBureaus)
        guard changes.theme != nil else { throw APIError.badRequest("theme_required", "theme is required") }
        let now = clock.now()
        return try await database.write { [events, calendar] db in
            guard let series = try MeetingSeriesTable.fetch(seriesID, in: db) else {
                throw APIError.notFound("series_not_found", "no meeting series '\(seriesID)'")
            }
            let latest = try MeetingSessionTable.latest(series: seriesID, in: db)
            let number = (latest?.number ?? 0) + 1
            let date = try changes.date ?? Self.nextSlot(weekday: series.weekday, after: latest?.date ?? nil, now: now, calendar: calendar)
            var session = MeetingSession(id: "\(seriesID)-\(number)", series: seriesID, seriesName: series.name, number: number,
                                         date: date, startsAt: series.startsAt, endsAt: series.endsAt, venue: series.venue,
                                         theme: "", chair: series.chair)
            try changes.apply(to: &session)
            try Self.save(session, action: "meeting.session.create", actor: actor, at: now, in: db, events: events)
            return session
        }
    }

    /// Changes what is known of a session: its theme, people, enterprises invited and attending. A closed or cancelled
    /// session keeps its record.
    /// - Throws: 404 `session_not_found`, 409 `session_closed`, 400 for a field out of shape.
    func updateSession(_ id: String, _ fields: RequestFields, actor: String) async throws -> MeetingSession {
        let now = clock.now()
        let changes = try SessionFields(fields, knownBureaus: knownBureaus)
        return try await database.write { [events] db in
            var session = try Self.session(id, in: db)
            guard session.state == .scheduled || session.state == .open else {
                throw APIError(.conflict, code: "session_closed", "session \(id) is \(session.state.rawValue); its record stays as it is")
            }
            try changes.apply(to: &session)
            try Self.save(session, action: "meeting.session.update", actor: actor, at: now, in: db, events: events)
            return session
        }
    }

    /// `open` (scheduled → open), `close` (open → closed), `cancel` (scheduled → cancelled).
    /// - Throws: 404 `session_not_found`, 409 `invalid_transition`.
    func transition(_ id: String, _ act: String, actor: String) async throws -> MeetingSession {
        let now = clock.now()
        return try await database.write { [events] db in
            var session = try Self.session(id, in: db)
            switch (act, session.state) {
            case ("open", .scheduled):
                session.state = .open
                session.openedAt = now
            case ("close", .open):
                session.state = .closed
                session.closedAt = now
            case ("cancel", .scheduled):
                session.state = .cancelled
            default:
                throw APIError(.conflict, code: "invalid_transition", "a \(session.state.rawValue) session cannot \(act)")
            }
            try Self.save(session, action: "meeting.session.\(act)", actor: actor, at: now, in: db, events: events)
            return session
        }
    }

    /// The problems the secretary records, each stored as a case of the session (channel `meeting`) and routed like
    /// any other; each row succeeds or fails alone, as in an import.
    /// Row fields: `title` (required), `description` (the title when left out), `enterprise`, `firstAnswer`, `category`,
    /// `name`, `phone`.
    /// With `idempotencyKey` (the `Idempotency-Key` header; the session page sends one per form it shows), the same
    /// request sent again — a retry, a second press — returns the problems stored the first time (`duplicate`), row by
    /// row, instead of recording them twice.
    /// - Throws: 404 `session_not_found`, 409 `session_not_held` (scheduled or cancelled), 400 `invalid_problems`.
    func record(_ id: String, problems: [Any], idempotencyKey: String? = nil, actor: String) async throws -> CSVImport.Report {
        guard !problems.isEmpty, problems.count <= 200 else {
            throw APIError.badRequest("invalid_problems", "problems is a list of 1 to 200 problems")
        }
        let session = try await self.session(id)
        try Self.requireHeld(session)
        var results: [CSVImport.RowResult] = []
        for (index, raw) in problems.enumerated() {
            do {
                guard let object = raw as? [String: Any] else {
                    throw APIError.badRequest("invalid_problem", "each problem is an object with title, enterprise, firstAnswer, …")
                }
                let fields = try RequestFields(object: object, allowed: ["title", "description", "enterprise", "firstAnswer",
                                                                         "category", "name", "phone"])
                var caseFields: [String: Any] = ["channel": Channel.meeting.rawValue]
                for key in ["title", "description", "enterprise", "category"] { caseFields[key] = object[key] }
                // No description (absent, null or blank): the title says it all, as at the meeting.
                if caseFields["description"] == nil || caseFields["description"] is NSNull
                    || (caseFields["description"] as? String)?.trimmedOfWhitespace.isEmpty == true {
                    caseFields["description"] = object["title"]
                }
                if object["name"] != nil || object["phone"] != nil {
                    caseFields["submitter"] = ["name": object["name"], "phone": object["phone"]].compactMapValues { $0 }
                }
                var draft = try CaseSubmission.parse(object: caseFields)
                draft.firstAnswer = try fields.text("firstAnswer", max: 2_000)
                try Self.stamp(&draft, session: session)
                if let idempotencyKey {
                    let (submitted, isNew) = try await store.submitReportingNew(
                        draft, idempotencyKey: "meeting:\(actor):\(id):\(idempotencyKey):\(index + 1)", requestHash: try requestHash(draft), actor: actor)
                    results.append(.init(row: index + 1, outcome: isNew ? .created : .duplicate, id: submitted.id.rawValue))
                } else {
                    let submitted = try await store.submit(draft, actor: actor)
                    results.append(.init(row: index + 1, outcome: .created, id: submitted.id.rawValue))
                }
            } catch let error as APIError {
                results.append(.init(row: index + 1, outcome: .error, code: error.code, message: error.message))
            }
        }
        return CSVImport.Report(results: results, skipped: 0, encoding: .utf8)
    }

    /// Marks a problem as raised at `session`, checking that the session was held and the enterprise came.
    /// - Throws: 409 `session_not_held`, 422 `enterprise_not_attending` when the session lists who attended.
    static func stamp(_ draft: inout CaseDraft, session: MeetingSession) throws {
        try Self.requireHeld(session)
        if !session.attending.isEmpty {
            guard let enterprise = draft.submitter.enterprise else {
                throw APIError(.unprocessableContent, code: "enterprise_required", "name the enterprise that raised it, one of those attending")
            }
            guard session.attending.contains(enterprise) else {
                throw APIError(.unprocessableContent, code: "enterprise_not_attending",
                               "\(enterprise) is not among the enterprises attending session \(session.id)")
            }
        }
        draft.session = session.id
        draft.channel = .meeting
    }

    func session(_ id: String) async throws -> MeetingSession {
        try await database.read { try Self.session(id, in: $0) }
    }

    func sessions(series: String?) async throws -> [MeetingSession] {
        try await database.read { try MeetingSessionTable.all(series: series, in: $0) }
    }

    func allSeries() async throws -> [MeetingSeries] {
        try await database.read { try MeetingSeriesTable.all(in: $0) }
    }

    // MARK: - Parts

    private static func save(_ session: MeetingSession, action: String, actor: String, at now: Date, in db: Database,
                             events: EventLog) throws {
        try MeetingSessionTable.save(session, in: db)
        try events.append(.meetingSessionSaved(session), caseID: CaseID(rawValue: session.id), at: now, in: db)
        try AuditTrail.append(actor: actor, action: action, subject: session.id, detail: session.theme, at: now, in: db)
    }

    static func session(_ id: String, in db: Database) throws -> MeetingSession {
        guard let session = try MeetingSessionTable.fetch(id, in: db) else {
            throw APIError.notFound("session_not_found", "no meeting session '\(id)'")
        }
        return session
    }

    static func requireHeld(_ session: MeetingSession) throws {
        guard session.state.wasHeld else {
            throw APIError(.conflict, code: "session_not_held", session.state == .cancelled
                           ? "session \(session.id) was cancelled: it takes no problems"
                           : "session \(session.id) is scheduled: problems are recorded once it is open")
        }
    }

    static func union(_ first: [String], _ second: [String]) -> [String] { first + second.filter { !first.contains($0) } }

    /// The series' weekday after `previous` (or from today), skipping days off in the working calendar.
    static func nextSlot(weekday: Int, after previous: String?, now: Date, calendar: WorkingCalendar?) throws -> String {
        let china = ChinaTime.calendar
        let today = china.startOfDay(for: now)
        var day = previous.flatMap(ChinaTime.day).map { china.date(byAdding: .day, value: 1, to: $0)! } ?? today
        if day < today { day = today }
        for _ in 0..<400 {
            let isoWeekday = (china.component(.weekday, from: day) + 5) % 7 + 1
            if isoWeekday == weekday, calendar?.isWorkingDay(day) ?? true { return PlainDay.text(day) }
            day = china.date(byAdding: .day, value: 1, to: day)!
        }
        throw APIError.badRequest("date_required", "no working day on the series' weekday within a year: give the date")
    }
}

/// `yyyy-MM-dd` of a moment, in Beijing.
enum PlainDay {
    static func text(_ date: Date) -> String {
        let c = ChinaTime.calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}
