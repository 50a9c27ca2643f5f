import DubanModels
import DubanRuntime
import Foundation
import GRDB

/// A session's responsibility list (责任清单): every problem raised there with its owning bureau, co-handlers, the
/// district counterpart that tracks a city-level owner, the measure, deadline, status and latest progress.
struct ResponsibilityList: Codable, Sendable {
    struct Line: Codable, Sendable {
        /// 序号: the problem's place on the list, in the order it was raised.
        var number: Int
        var caseId: String
        /// The session the problem was raised at (for a follow-up report, which lists several sessions' problems).
        var session: String
        var title: String
        var enterprise: String?
        var firstAnswer: String?
        var bureau: String?
        var bureauName: String?
        var assisting: [String]
        var assistingNames: [String]
        var counterpart: String?
        var counterpartName: String?
        var category: String?
        var measure: String?
        var deadline: Date?
        var status: CaseStatus
        var latestProgress: String?
        var latestProgressAt: Date?
        var resolvedAt: Date?
    }

    var session: MeetingSession
    var lines: [Line]

    static func compute(session id: String, words: Vocabulary, in db: Database) throws -> ResponsibilityList? {
        guard let session = try SessionView.fetch(id, in: db) else { return nil }
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM case_view WHERE session_id = ? ORDER BY submitted_at, case_id", arguments: [id])
        return ResponsibilityList(session: session, lines: rows.enumerated().map { line($0.element, number: $0.offset + 1, words: words) })
    }

    static func line(_ row: Row, number: Int, words: Vocabulary) -> Line {
        let assisting = (row["assisting"] as String?).map { $0.split(separator: " ").map(String.init) } ?? []
        let bureau: String? = row["bureau"], counterpart: String? = row["counterpart"]
        return Line(number: number, caseId: row["case_id"], session: row["session_id"] ?? "", title: row["title"] ?? "",
                    enterprise: row["enterprise"], firstAnswer: row["first_answer"], bureau: bureau,
                    bureauName: bureau.map { words.bureau($0, .zh, routedName: row["bureau_name"]) },
                    assisting: assisting, assistingNames: assisting.map { words.bureau($0, .zh) }, counterpart: counterpart,
                    counterpartName: counterpart.map { words.bureau($0, .zh) }, category: row["category"], measure: row["measure_note"],
                    deadline: (row["deadline"] as Double?).map(Date.init(timeIntervalSince1970:)), status: ReadModel.status(row),
                    latestProgress: row["latest_note"], latestProgressAt: (row["latest_note_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                    resolvedAt: (row["resolved_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    static let csvHeader = ["序号", "问题编号", "期次", "问题", "企业", "现场答复", "责任单位", "协办单位", "对口跟踪单位", "解决措施",
                            "办理时限", "状态", "最新进展", "进展日期"]

    /// One CSV row, in Chinese as the list is printed.
    static func csvRow(_ line: Line, sessionNumber: Int?) -> [String] {
        [String(line.number), line.caseId, sessionNumber.map { "第\($0)期" } ?? line.session, line.title, line.enterprise ?? "",
         line.firstAnswer ?? "", line.bureauName ?? "", line.assistingNames.joined(separator: "、"), line.counterpartName ?? "",
         line.measure ?? "", line.deadline.map(PageFormat.day) ?? "", Language.zh.status(line.status.rawValue), line.latestProgress ?? "",
         line.latestProgressAt.map(PageFormat.day) ?? ""]
    }

    var csv: String {
        SpreadsheetCSV.document(header: Self.csvHeader, rows: lines.map { Self.csvRow($0, sessionNumber: session.number) })
    }

    /// The file name a download gets: the series, the session's number and its day.
    var fileName: String { "responsibility-list-\(session.id)-\(session.date).csv" }
}

/// What the next session opens with (上期问题办理情况): the problems of the series' earlier sessions still open, and
/// those solved since the session before this one began.
struct FollowUpReport: Codable, Sendable {
    var session: MeetingSession
    /// The held session before this one, whose opening the "solved since" counts from.
    var previous: MeetingSession?
    var stillOpen: [ResponsibilityList.Line]
    var solvedSince: [ResponsibilityList.Line]

    static func compute(session id: String, words: Vocabulary, in db: Database) throws -> FollowUpReport? {
        guard let session = try SessionView.fetch(id, in: db) else { return nil }
        // The session before this one that was held; "since" is when it began: opened, or else its scheduled start.
        let earlier = try SessionView.all(series: session.series, in: db).filter { $0.number < session.number && $0.state.wasHeld }
        let previous = earlier.last
        let since = previous.map { $0.openedAt ?? Self.start($0) } ?? .distantPast
        let rows = try Row.fetchAll(db, sql: """
            SELECT c.* FROM case_view c JOIN meeting_session_view s ON s.id = c.session_id
            WHERE s.series = ? AND s.number < ? ORDER BY s.number, c.submitted_at, c.case_id
            """, arguments: [session.series, session.number])
        var stillOpen: [ResponsibilityList.Line] = []
        var solvedSince: [ResponsibilityList.Line] = []
        for row in rows {
            let status = ReadModel.status(row)
            let resolvedAt = (row["resolved_at"] as Double?).map(Date.init(timeIntervalSince1970:))
            if status.isOpen {
                stillOpen.append(ResponsibilityList.line(row, number: stillOpen.count + 1, words: words))
            } else if let resolvedAt, resolvedAt >= since {
                solvedSince.append(ResponsibilityList.line(row, number: solvedSince.count + 1, words: words))
            }
        }
        return FollowUpReport(session: session, previous: previous, stillOpen: stillOpen, solvedSince: solvedSince)
    }

    /// When a session began: its day and start time in Beijing.
    static func start(_ session: MeetingSession) -> Date {
        let day = ChinaTime.day(session.date) ?? .distantPast
        let parts = session.startsAt.split(separator: ":").compactMap { Int($0) }
        return day.addingTimeInterval(TimeInterval((parts.first ?? 0) * 3_600 + (parts.dropFirst().first ?? 0) * 60))
    }

    var csv: String {
        SpreadsheetCSV.document(
            header: ["类别"] + ResponsibilityList.csvHeader,
            rows: stillOpen.map { ["仍在办理"] + ResponsibilityList.csvRow($0, sessionNumber: Self.number(of: $0.session)) }
                + solvedSince.map { ["上期以来已解决"] + ResponsibilityList.csvRow($0, sessionNumber: Self.number(of: $0.session)) })
    }

    /// A session's number from its id (`<series>-<number>`).
    static func number(of session: String) -> Int? { session.split(separator: "-").last.flatMap { Int($0) } }
}
