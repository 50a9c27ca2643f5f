import DubanRuntime
import Foundation
import GRDB

/// The monthly ranking of bureaus (月度排名): each bureau's figures for the cases collected in a month, ranked by the
/// mean of the rates that apply to it — response, resolution, satisfaction, on time (docs/METRICS.md).
public struct MonthlyRanking: Codable, Sendable {
    public struct Entry: Codable, Sendable, Equatable {
        public var rank: Int
        public var bureau: String
        public var bureauName: String?
        /// The mean of the bureau's rates that are defined, to four decimals.
        public var score: Double?
        public var figures: CaseStats.Figures
    }

    public var month: String
    public var from: Date
    public var to: Date
    public var entries: [Entry]

    static func compute(month: String, now: Date, in db: Database) throws -> MonthlyRanking {
        guard let (from, to) = ReportPeriod.month(month) else {
            throw APIError.badRequest("invalid_month", "month is yyyy-MM, e.g. 2026-11")
        }
        let stats = try CaseStats.compute(from: from, to: to, bureau: nil, now: now, in: db)
        let names = try CaseStats.bureauNames(in: db)
        let scored = stats.byBureau.filter { $0.key != "unrouted" }.map { bureau, figures in
            (bureau: bureau, figures: figures, score: score(figures))
        }
        let ordered = scored.sorted { a, b in
            if a.score != b.score { return (a.score ?? -1) > (b.score ?? -1) }
            if a.figures.collected != b.figures.collected { return a.figures.collected > b.figures.collected }
            return a.bureau < b.bureau
        }
        return MonthlyRanking(month: month, from: from, to: to, entries: ordered.enumerated().map { index, item in
            Entry(rank: index + 1, bureau: item.bureau, bureauName: names[item.bureau], score: item.score, figures: item.figures)
        })
    }

    static func score(_ figures: CaseStats.Figures) -> Double? {
        let rates = [figures.responseRate, figures.resolutionRate, figures.satisfactionRate, figures.onTimeRate].compactMap { $0 }
        guard !rates.isEmpty else { return nil }
        return (rates.reduce(0, +) / Double(rates.count) * 10_000).rounded() / 10_000
    }
}
