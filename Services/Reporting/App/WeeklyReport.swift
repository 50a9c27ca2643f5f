import DubanModels
import DubanRuntime
import Foundation
import GRDB
import HTTPTypes
import Hummingbird

/// The weekly report (周报): the week's collected cases in figures, overall and per bureau, with what is overdue now.
/// The same content as JSON, CSV (UTF-8 with a byte-order mark, so spreadsheets read the Chinese) or HTML (one page,
/// no scripts, no outside resources).
public struct WeeklyReport: Codable, Sendable {
    public struct BureauRow: Codable, Sendable, Equatable {
        public var bureau: String
        public var bureauName: String?
        public var figures: CaseStats.Figures
    }

    public struct OverdueCase: Codable, Sendable, Equatable {
        public var id: String
        public var title: String?
        public var bureau: String?
        public var bureauName: String?
        public var deadline: Date
    }

    public var week: String
    public var from: Date
    public var to: Date
    public var generatedAt: Date
    public var overall: CaseStats.Figures
    public var bureaus: [BureauRow]
    /// Open cases past their deadline when the report was made, whenever they were collected, longest overdue first.
    public var overdueNow: [OverdueCase]

    static func compute(week: String, now: Date, in db: Database) throws -> WeeklyReport {
        guard let (from, to) = ReportPeriod.week(week) else {
            throw APIError.badRequest("invalid_week", "week is an ISO week, yyyy-Www, e.g. 2026-W48")
        }
        let stats = try CaseStats.compute(from: from, to: to, bureau: nil, now: now, in: db)
        let names = try CaseStats.bureauNames(in: db)
        let rows = stats.byBureau.map { BureauRow(bureau: $0.key, bureauName: names[$0.key], figures: $0.value) }
            .sorted { ($0.figures.collected, $1.bureau) > ($1.figures.collected, $0.bureau) }
        let overdue = try Row.fetchAll(db, sql: """
            SELECT case_id, title, bureau, bureau_name, deadline FROM case_view
            WHERE deadline < ? AND coalesce(intake_status, 'submitted') NOT IN ('resolved', 'closed')
            ORDER BY deadline LIMIT 100
            """, arguments: [now.timeIntervalSince1970]).map {
            OverdueCase(id: $0["case_id"], title: $0["title"], bureau: $0["bureau"], bureauName: $0["bureau_name"],
                        deadline: Date(timeIntervalSince1970: $0["deadline"]))
        }
        return WeeklyReport(week: week, from: from, to: to, generatedAt: now, overall: stats.overall, bureaus: rows, overdueNow: overdue)
    }

    // MARK: Formats

    static let columns = ["bureau", "bureau_name", "collected", "measures_drafted", "solved", "open", "overdue",
                          "response_rate", "resolution_rate", "satisfaction_rate", "on_time_rate"]
    static let headings = ["单位", "单位名称", "收集问题", "制定措施", "已解决", "未解决", "超期", "响应率", "解决率", "满意率", "按期办结率"]

    private static func cells(_ bureau: String, _ name: String?, _ f: CaseStats.Figures, percent: Bool) -> [String] {
        func rate(_ value: Double?) -> String {
            guard let value else { return "" }
            return percent ? String(format: "%.1f%%", value * 100) : String(format: "%.4f", value)
        }
        return [bureau, name ?? "", String(f.collected), String(f.measuresDrafted), String(f.solved), String(f.open), String(f.overdue),
                rate(f.responseRate), rate(f.resolutionRate), rate(f.satisfactionRate), rate(f.onTimeRate)]
    }

    var csv: String {
        SpreadsheetCSV.document(header: Self.columns,
                                rows: bureaus.map { Self.cells($0.bureau, $0.bureauName, $0.figures, percent: false) }
                                    + [Self.cells("all", "合计", overall, percent: false)])
    }

    /// For people: bureaus by name (the CSV keeps the ids beside the names, for other programs), each overdue case
    /// linked to its page.
    var html: String {
        let header = Self.headings.dropFirst().map { "<th>\(esc($0))</th>" }.joined()
        let body = (bureaus.map { Self.cells($0.bureau, $0.bureauName ?? $0.bureau, $0.figures, percent: true) }
                    + [Self.cells("all", "合计", overall, percent: true)])
            .map { "<tr>" + $0.dropFirst().map { "<td>\(esc($0))</td>" }.joined() + "</tr>" }.joined(separator: "\n")
        let names = Dictionary(bureaus.map { ($0.bureau, $0.bureauName ?? $0.bureau) }, uniquingKeysWith: { first, _ in first })
        let overdueRows = overdueNow.map {
            "<tr><td><a href=\"/dashboard/cases/\(esc($0.id))\">\(esc($0.id))</a></td><td>\(esc($0.title ?? ""))</td>"
                + "<td>\(esc($0.bureauName ?? $0.bureau.map { names[$0] ?? $0 } ?? ""))</td><td>\(PageFormat.day($0.deadline))</td></tr>"
        }.joined(separator: "\n")
        return """
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
            <title>督办周报 \(esc(ChinaTime.weekWords(week)))</title>
            <style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;display:block;max-width:100%;overflow-x:auto}td,th{border:1px solid #999;padding:.3em .6em;text-align:right}td:first-child,th{text-align:left}td:first-child,th{white-space:nowrap}</style>
            </head><body>
            <p><a href="/dashboard">← 问题办理总览</a></p>
            <h1>督办周报 \(esc(ChinaTime.weekWords(week)))</h1>
            <p>统计范围：\(PageFormat.day(from)) 至 \(PageFormat.day(to.addingTimeInterval(-1))) 收集的问题</p>
            <table><thead><tr>\(header)</tr></thead><tbody>
            \(body)
            </tbody></table>
            <h2>当前超期（\(overdueNow.count) 件）</h2>
            <table><thead><tr><th>编号</th><th>问题</th><th>责任单位</th><th>办理期限</th></tr></thead><tbody>
            \(overdueRows)
            </tbody></table>
            </body></html>
            """
    }

    func response(format: String) throws -> Response {
        switch format {
        case "json":
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try DubanJSON.shared.encode(self))))
        case "csv":
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"duban-\(week).csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: csv)))
        case "html":
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
        default:
            throw APIError.badRequest("invalid_format", "format is json, csv or html")
        }
    }
}
