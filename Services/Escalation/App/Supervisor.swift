import DubanModels
import DubanRuntime
import Foundation
import GRDB

/// The weekly supervision (每周督办) and escalation sweep: at any moment, which notices are due, each stored once.
///
/// A sweep looks at every open case and at the weekly slot, and inserts the notices that are due with ids derived
/// from what they are about. Running it twice, or again after a crash, inserts nothing new.
public struct Supervisor: Sendable {
    let policy: EscalationPolicy
    let calendar: WorkingCalendar
    let publicURL: String

    public init(policy: EscalationPolicy, calendar: WorkingCalendar, publicURL: String) {
        self.policy = policy
        self.calendar = calendar
        self.publicURL = publicURL
    }

    struct OpenCase {
        var id: String
        var title: String
        var bureau: String
        var bureauName: String?
        var category: String?
        var deadline: Date
        var cityLevel: Bool
    }

    /// Inserts every notice due at `now`; returns those that are new.
    ///
    /// Only cases whose deadline is near or past are read for warnings and escalations (the `deadline` index), and
    /// the whole open list only once a week, for the digests; so a sweep stays cheap with a million open cases.
    public func sweep(at now: Date, in db: Database) throws -> [Notice] {
        let horizon = calendar.adding(workingDays: policy.dueSoonWorkingDays + 1, to: now).addingTimeInterval(86_400)
        var created: [Notice] = []
        for item in try openCases(deadlineBefore: horizon, in: db) {
            created += try caseNotices(item, at: now, in: db)
        }
        let started = try startedAt(now, in: db)
        let (slot, week) = digestSlot(weekOf: now)
        let done = try Bool.fetchOne(db, sql: "SELECT 1 FROM notice WHERE id = ?",
                                     arguments: ["digest:\(policy.weeklyDigest.leadership):\(week)"]) ?? false
        // A new deployment's first digest is the first slot after it started: a slot that passed before there was
        // anything to supervise would only tell the leadership "0 open" at a random hour.
        if now >= slot && !done && slot >= started {
            created += try digests(try openCases(deadlineBefore: nil, in: db), slot: slot, week: week, at: now, in: db)
        }
        return created
    }

    /// The moment supervision began in this database: the first sweep's, kept across restarts.
    private func startedAt(_ now: Date, in db: Database) throws -> Date {
        try db.execute(sql: "INSERT OR IGNORE INTO supervision_start (id, started_at) VALUES (1, ?)", arguments: [now.timeIntervalSince1970])
        return Date(timeIntervalSince1970: try Double.fetchOne(db, sql: "SELECT started_at FROM supervision_start WHERE id = 1") ?? 0)
    }

    private func openCases(deadlineBefore bound: Date?, in db: Database) throws -> [OpenCase] {
        let filter = bound == nil ? "" : "AND deadline <= ?"
        let arguments: StatementArguments = bound.map { [$0.timeIntervalSince1970] } ?? []
        return try Row.fetchAll(db, sql: "SELECT * FROM case_clock WHERE open \(filter) ORDER BY deadline", arguments: arguments).map { row in
            OpenCase(id: row["case_id"], title: NoticeText.inline(row["title"] ?? ""), bureau: row["bureau"], bureauName: row["bureau_name"],
                     category: row["category"],
                     deadline: Date(timeIntervalSince1970: row["deadline"]), cityLevel: row["city_level"] ?? false)
        }
    }

    private func caseNotices(_ item: OpenCase, at now: Date, in db: Database) throws -> [Notice] {
        var created: [Notice] = []
        let stamp = Int(item.deadline.timeIntervalSince1970)
        let bureauName = item.bureauName ?? item.bureau
        let link = casePage(item.id)
        if now < item.deadline {
            let warnFrom = calendar.subtracting(workingDays: policy.dueSoonWorkingDays, from: item.deadline)
            if now >= warnFrom {
                let text = { "【督办提醒】案件 \(item.id)《\(item.title)》将于 \(format(item.deadline)) 到期，责任单位：\(bureauName)。请抓紧办理并及时反馈。\(link)" }
                if let notice = try insert(id: "due:\(item.id):\(stamp)", kind: .dueSoon, topic: "notice.reminder.\(item.bureau)",
                                           recipient: "\(item.bureau)/contact", caseID: item.id, bureau: item.bureau, level: nil,
                                           title: "【督办提醒】\(item.title)", text: text, link: link, at: now, in: db) {
                    created.append(notice)
                }
            }
            return created
        }
        let overdue = calendar.workingDays(from: item.deadline, to: now)
        for level in policy.levels(bureau: item.bureau, category: item.category)
        where overdue >= level.afterWorkingDays && (level.cityLevelOnly != true || item.cityLevel) {
            let every = level.repeatEveryWorkingDays ?? 0
            let repetition = every > 0 ? (overdue - level.afterWorkingDays) / every : 0
            for recipient in level.recipients {
                let target = recipient.hasPrefix("bureau-") ? "\(item.bureau)/\(recipient.dropFirst(7))" : recipient
                let text = { "【超期督办·\(level.level)级】案件 \(item.id)《\(item.title)》已超期 \(overdue) 个工作日（截止 \(format(item.deadline))），责任单位：\(bureauName)。请立即办理并说明原因。\(link)" }
                if let notice = try insert(id: "esc:\(item.id):\(stamp):\(level.level):\(repetition):\(target)", kind: .escalation,
                                           topic: "notice.escalation.\(level.level)", recipient: target, caseID: item.id,
                                           bureau: item.bureau, level: level.level,
                                           title: "【超期督办·\(level.level)级】\(item.title)", text: text, link: link, at: now, in: db) {
                    created.append(notice)
                }
            }
        }
        return created
    }

    /// The weekly slot of the week containing `now`: the configured weekday and time, or the next working day.
    func digestSlot(weekOf now: Date) -> (slot: Date, week: String) {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = self.calendar.timeZone
        let week = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: now)
        var parts = DateComponents(hour: policy.digestTime?.hour ?? 9, minute: policy.digestTime?.minute ?? 0, weekday: policy.weeklyDigest.weekday % 7 + 1,
                                   weekOfYear: week.weekOfYear, yearForWeekOfYear: week.yearForWeekOfYear)
        parts.timeZone = self.calendar.timeZone
        var slot = calendar.date(from: parts) ?? now
        while !self.calendar.isWorkingDay(slot) { slot = calendar.date(byAdding: .day, value: 1, to: slot)! }
        return (slot, String(format: "%04d-W%02d", week.yearForWeekOfYear ?? 0, week.weekOfYear ?? 0))
    }

    /// At most this many cases are listed in one bureau's digest; the counts always cover them all.
    static let digestLines = 100

    private func digests(_ cases: [OpenCase], slot: Date, week: String, at now: Date, in db: Database) throws -> [Notice] {
        var created: [Notice] = []
        let byBureau = Dictionary(grouping: cases, by: \.bureau)
        var rollUp: [String] = []
        for bureau in byBureau.keys.sorted() {
            let open = byBureau[bureau]!
            // Cases come ordered by deadline, so the earliest, most overdue, come first.
            let overdue = open.filter { $0.deadline <= slot }
            let dueSoon = open.filter { $0.deadline > slot && calendar.subtracting(workingDays: policy.dueSoonWorkingDays, from: $0.deadline) <= slot }
            let rest = open.filter { $0.deadline > slot }.filter { c in !dueSoon.contains { $0.id == c.id } }
            let name = open.first?.bureauName ?? bureau
            var lines = ["【每周督办】\(name) \(ChinaTime.weekWords(week))：在办 \(open.count) 件，超期 \(overdue.count) 件，即将到期 \(dueSoon.count) 件。"]
            let listed = overdue + dueSoon + rest
            for (index, item) in listed.prefix(Self.digestLines).enumerated() {
                let state = item.deadline <= slot ? "超期 \(calendar.workingDays(from: item.deadline, to: slot)) 个工作日"
                    : "截止 \(format(item.deadline))"
                lines.append("\(index + 1). \(item.id)《\(item.title)》\(state) \(casePage(item.id))")
            }
            if listed.count > Self.digestLines {
                lines.append("……另有 \(listed.count - Self.digestLines) 件，见 \(bureauPage(bureau))")
            }
            if let notice = try insert(id: "digest:\(bureau)/contact:\(week)", kind: .digest, topic: "notice.digest.\(bureau)",
                                       recipient: "\(bureau)/contact", caseID: nil, bureau: bureau, level: nil,
                                       title: "【每周督办】\(name) \(ChinaTime.weekWords(week))", text: { lines.joined(separator: "\n") },
                                       link: bureauPage(bureau), at: now, in: db) {
                created.append(notice)
            }
            rollUp.append("\(name)：在办 \(open.count) 件，超期 \(overdue.count) 件，未超期 \(open.count - overdue.count) 件")
        }
        let leadership = policy.weeklyDigest.leadership
        let total = cases.count, overdueTotal = cases.filter { $0.deadline <= slot }.count
        let text = (["【每周督办·汇总】\(ChinaTime.weekWords(week))：全区在办 \(total) 件，超期 \(overdueTotal) 件。"] + rollUp).joined(separator: "\n")
        if let notice = try insert(id: "digest:\(leadership):\(week)", kind: .digest, topic: "notice.digest.\(leadership)",
                                   recipient: leadership, caseID: nil, bureau: nil, level: nil,
                                   title: "【每周督办·汇总】\(ChinaTime.weekWords(week))", text: { text }, link: "\(publicURL)/dashboard", at: now, in: db) {
            created.append(notice)
        }
        return created
    }

    /// A leader's instruction (批示) on a case, to the bureau that owns it, with the case's page: stored once per
    /// instruction (its event's id), as the event listener applies it.
    func instruction(_ event: EventEnvelope, _ update: CaseUpdated, in db: Database) throws -> Notice? {
        guard let row = try Row.fetchOne(db, sql: "SELECT bureau, bureau_name, title FROM case_clock WHERE case_id = ?",
                                         arguments: [event.caseID.rawValue]) else { return nil }
        let bureau: String = row["bureau"]
        let bureauName = (row["bureau_name"] as String?) ?? bureau
        let title = NoticeText.inline((row["title"] as String?) ?? event.caseID.rawValue)
        let link = casePage(event.caseID.rawValue)
        let note = NoticeText.inline(update.note ?? "")
        return try insert(id: "instruct:\(EventID.text(event.id))", kind: .instruction, topic: "notice.instruction.\(bureau)",
                          recipient: bureau, caseID: event.caseID.rawValue, bureau: bureau, level: nil,
                          title: "【领导批示】\(title)",
                          text: { "【领导批示】\(title)（\(event.caseID.rawValue)）\n批示：\(note)\n请\(bureauName)抓紧落实，并在督办系统中反馈办理情况。\n\(link)" },
                          link: link, at: event.occurredAt, in: db)
    }

    /// Stores the notice unless one with its id exists; the text is written only for a new one (most sweeps find
    /// nearly every due notice already stored).
    private func insert(id: String, kind: Notice.Kind, topic: String, recipient: String, caseID: String?, bureau: String?,
                        level: Int?, title: String, text makeText: () -> String, link: String, at now: Date, in db: Database) throws -> Notice? {
        if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM notice WHERE id = ?"), arguments: [id]) == true { return nil }
        let text = makeText()
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO notice (id, kind, topic, recipient, case_id, bureau, level, title, text, link, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [id, kind.rawValue, topic, recipient, caseID, bureau, level, title, text, link, now.timeIntervalSince1970])
        guard db.changesCount > 0 else { return nil }
        return Notice(id: id, seq: db.lastInsertedRowID, kind: kind, topic: topic, recipient: recipient, caseId: caseID,
                      bureau: bureau, level: level, title: title, text: text, link: link, createdAt: now)
    }

    /// A case's page on the dashboard: every notice about a case links there.
    func casePage(_ id: String) -> String {
        "\(publicURL)/dashboard/cases/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)"
    }

    /// A bureau's open cases on the dashboard, longest overdue first: where a digest's "more" line leads.
    func bureauPage(_ bureau: String) -> String {
        "\(publicURL)/dashboard/cases?bureau=\(bureau.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? bureau)&status=open&order=deadline"
    }

    /// `2026-12-01 09:00`, in the calendar's time zone.
    private func format(_ date: Date) -> String {
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = calendar.timeZone
        let p = gregorian.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", p.year!, p.month!, p.day!, p.hour!, p.minute!)
    }

    static func fetch(after seq: Int64, limit: Int, in db: Database) throws -> [Notice] {
        try Row.fetchAll(db, sql: "SELECT * FROM notice WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [seq, limit]).map(Notice.init(row:))
    }
}

extension Notice {
    init(row: Row) {
        self.init(id: row["id"], seq: row["seq"], kind: Notice.Kind(rawValue: row["kind"]) ?? .escalation, topic: row["topic"],
                  recipient: row["recipient"], caseId: row["case_id"], bureau: row["bureau"], level: row["level"],
                  title: row["title"], text: row["text"], link: row["link"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }
}
