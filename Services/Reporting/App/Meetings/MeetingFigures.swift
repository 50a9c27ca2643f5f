import DubanModels
import DubanRuntime
import Foundation
import GRDB

/// The figures a zone publishes for its meetings (docs/METRICS.md, "Meetings"): sessions held, problems collected,
/// measures drafted, solved and solved on time, per session, series, theme and category and in all; and the sentence
/// in the zone's own form, "截至目前，活动已开展16期，共收集…问题和意见建议95条，制定解决措施92条，重点解决了用工、用电、用水等问题82个".
///
/// - collected: cases raised at a session (its problem list);
/// - measures drafted: of those, cases whose owner recorded a measure (措施);
/// - solved: cases resolved or confirmed solved now (a reopened case is not);
/// - on time: solved cases resolved by their deadline;
/// - sessions held: sessions opened (open or closed), not those scheduled or cancelled.
struct MeetingFigures: Codable, Sendable {
    struct Counts: Codable, Sendable, Equatable {
        var sessionsHeld = 0
        var collected = 0
        var measures = 0
        var solved = 0
        var onTime = 0

        mutating func add(_ other: Counts) {
            sessionsHeld += other.sessionsHeld
            collected += other.collected
            measures += other.measures
            solved += other.solved
            onTime += other.onTime
        }
    }

    struct SessionLine: Codable, Sendable {
        var session: String
        var series: String
        var number: Int
        var date: String
        var theme: String
        var state: String
        var figures: Counts
    }

    /// A series, theme or category with its figures; `name` in Chinese.
    struct Group: Codable, Sendable {
        var key: String
        var name: String
        var figures: Counts
    }

    /// The series asked for, or nil for every series together.
    var series: String?
    var seriesName: String?
    var total: Counts
    var sessions: [SessionLine]
    var seriesFigures: [Group]
    var themes: [Group]
    /// Best solved first, then most collected.
    var categories: [Group]
    var sentence: String
    var publicSentence: String

    /// - Parameter categoryName: a category's Chinese name; `configuration.categoryWords` overrides it in the sentence.
    static func compute(series: String?, configuration: MeetingsConfiguration, categoryName: (String) -> String,
                        in db: Database) throws -> MeetingFigures {
        let seriesList = try SeriesView.all(in: db)
        let sessionRows = try Row.fetchAll(db, sql: """
            SELECT s.id, s.series, s.number, s.date, s.theme, s.state,
              COUNT(c.case_id) AS collected,
              COALESCE(SUM(c.measure_drafted_at IS NOT NULL), 0) AS measures,
              COALESCE(SUM(c.intake_status IN ('resolved', 'closed')), 0) AS solved,
              COALESCE(SUM(c.intake_status IN ('resolved', 'closed') AND c.resolved_at <= c.deadline), 0) AS on_time
            FROM meeting_session_view s LEFT JOIN case_view c ON c.session_id = s.id
            WHERE ?1 IS NULL OR s.series = ?1
            GROUP BY s.id ORDER BY s.series, s.number
            """, arguments: [series])
        var total = Counts()
        var sessions: [SessionLine] = []
        var bySeries: [String: Counts] = [:]
        var byTheme: [(String, Counts)] = []
        for row in sessionRows {
            let state: String = row["state"]
            let held = MeetingSessionState(rawValue: state)?.wasHeld ?? false
            let counts = Counts(sessionsHeld: held ? 1 : 0, collected: row["collected"], measures: row["measures"], solved: row["solved"],
                                onTime: row["on_time"])
            total.add(counts)
            let line = SessionLine(session: row["id"], series: row["series"], number: row["number"], date: row["date"],
                                   theme: row["theme"], state: state, figures: counts)
            sessions.append(line)
            bySeries[line.series, default: Counts()].add(counts)
            if let index = byTheme.firstIndex(where: { $0.0 == line.theme }) { byTheme[index].1.add(counts) } else { byTheme.append((line.theme, counts)) }
        }
        let categoryRows = try Row.fetchAll(db, sql: """
            SELECT c.category,
              COUNT(*) AS collected,
              SUM(c.measure_drafted_at IS NOT NULL) AS measures,
              SUM(c.intake_status IN ('resolved', 'closed')) AS solved,
              SUM(c.intake_status IN ('resolved', 'closed') AND c.resolved_at <= c.deadline) AS on_time
            FROM case_view c JOIN meeting_session_view s ON s.id = c.session_id
            WHERE (?1 IS NULL OR s.series = ?1) AND c.category IS NOT NULL
            GROUP BY c.category
            """, arguments: [series])
        let categories = categoryRows.map { row -> Group in
            let id: String = row["category"]
            return Group(key: id, name: categoryName(id),
                         figures: Counts(collected: row["collected"], measures: row["measures"], solved: row["solved"], onTime: row["on_time"]))
        }.sorted { ($0.figures.solved, $0.figures.collected, $1.key) > ($1.figures.solved, $1.figures.collected, $0.key) }
        let name = series.flatMap { id in seriesList.first { $0.id == id }?.name }
        let ranked = categories.filter { $0.figures.solved > 0 && $0.key != "triage" }
            .map { configuration.categoryWords[$0.key] ?? $0.name }
        func sentence(_ template: String) -> String {
            Self.sentence(template, counts: total, seriesName: name ?? "", rankedCategories: ranked, limit: configuration.sentenceCategories)
        }
        return MeetingFigures(
            series: series, seriesName: name, total: total, sessions: sessions,
            seriesFigures: seriesList.filter { series == nil || $0.id == series }.map {
                Group(key: $0.id, name: $0.name, figures: bySeries[$0.id] ?? Counts())
            },
            themes: byTheme.map { Group(key: $0.0, name: $0.0, figures: $0.1) }, categories: categories,
            sentence: sentence(configuration.sentence), publicSentence: sentence(configuration.publicSentence))
    }

    /// Fills a sentence's placeholders; `{categories}` is the first `limit` names joined by 、, with 等 when more are
    /// left out (nothing when none was solved).
    static func sentence(_ template: String, counts: Counts, seriesName: String, rankedCategories: [String], limit: Int) -> String {
        let named = rankedCategories.prefix(limit).joined(separator: "、") + (rankedCategories.count > limit && limit > 0 ? "等" : "")
        return template
            .replacingOccurrences(of: "{series}", with: seriesName)
            .replacingOccurrences(of: "{sessions}", with: String(counts.sessionsHeld))
            .replacingOccurrences(of: "{collected}", with: String(counts.collected))
            .replacingOccurrences(of: "{measures}", with: String(counts.measures))
            .replacingOccurrences(of: "{solved}", with: String(counts.solved))
            .replacingOccurrences(of: "{categories}", with: named)
    }
}

/// `GET /v1/liaisons`: what each liaison officer (联络员) submitted for their area, and how much of it is solved.
struct LiaisonFigures: Codable, Sendable {
    var liaison: String
    var area: String?
    var submitted: Int
    var solved: Int

    static func compute(in db: Database) throws -> [LiaisonFigures] {
        try Row.fetchAll(db, sql: """
            SELECT liaison, area, COUNT(*) AS submitted, SUM(intake_status IN ('resolved', 'closed')) AS solved
            FROM case_view WHERE liaison IS NOT NULL GROUP BY liaison, area ORDER BY submitted DESC, liaison
            """).map { LiaisonFigures(liaison: $0["liaison"], area: $0["area"], submitted: $0["submitted"], solved: $0["solved"]) }
    }
}
