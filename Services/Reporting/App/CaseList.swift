import DubanModels
import DubanRuntime
import Foundation
import GRDB

/// `GET /v1/cases?status=&bureau=&category=&overdue=&from=&to=&q=&limit=&offset=`: the newest cases first. A bureau
/// sees the cases it owns and, as a district counterpart, those of the city-level unit it tracks.
public struct CaseList: Codable, Sendable {
    public var cases: [CaseView]
    public var total: Int

    struct Filter: Sendable {
        var bureau: String?
        var status: CaseStatus?
        /// `status=open`: every status in which the bureau has yet to finish (`CaseStatus.isOpen`).
        var openOnly = false
        /// `order=deadline`: earliest deadline (longest overdue) first; by default the newest first.
        var byDeadline = false
        var category: String?
        /// true: open and past the deadline at `now`; false: not overdue.
        var overdue: Bool?
        /// Collected at or after `from` and before `to`.
        var from: Date?
        var to: Date?
        /// Words that must all appear in the title or description.
        var text: String?
        var limit = 50
        var offset = 0
        /// The bureaus the caller may read (owner, district counterpart or co-handler); nil: every case.
        var readable: Set<String>?
    }

    /// `ReadModel.status(_:)` as SQL, so filters and counts agree with what each case shows.
    static let statusSQL = statusSQL(of: "")

    /// The same over the columns of `row` (`NEW.` in a trigger).
    static func statusSQL(of row: String) -> String {
        """
        CASE WHEN (COALESCE(\(row)intake_status, 'submitted') = 'submitted' AND \(row)routings >= 1)
                  OR (\(row)intake_status = 'returned' AND \(row)routings > \(row)returns)
             THEN CASE WHEN \(row)latest_triage THEN 'triage' ELSE 'assigned' END
             ELSE COALESCE(\(row)intake_status, 'submitted') END
        """
    }

    /// `CaseStatus.isOpen` as SQL.
    static let openSQL = "COALESCE(intake_status, 'submitted') NOT IN ('resolved', 'closed')"

    static func fetch(_ filter: Filter, now: Date, in db: Database) throws -> CaseList {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let bureau = filter.bureau {
            conditions.append("(bureau = ? OR counterpart = ?)")
            arguments += [bureau, bureau]
        }
        if let readable = filter.readable {
            let ids = readable.sorted()
            guard !ids.isEmpty else { return CaseList(cases: [], total: 0) }
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            let assisting = Array(repeating: "instr(' ' || COALESCE(assisting, '') || ' ', ?) > 0", count: ids.count).joined(separator: " OR ")
            conditions.append("(bureau IN (\(marks)) OR counterpart IN (\(marks)) OR \(assisting))")
            arguments += StatementArguments(ids + ids + ids.map { " \($0) " })
        }
        if let status = filter.status {
            conditions.append("(\(statusSQL)) = ?")
            arguments += [status.rawValue]
        }
        if filter.openOnly { conditions.append(openSQL) }
        if let category = filter.category {
            conditions.append("category = ?")
            arguments += [category]
        }
        if let overdue = filter.overdue {
            let condition = "(\(openSQL) AND deadline < ?)"
            conditions.append(overdue ? condition : "NOT COALESCE(\(condition), 0)")
            arguments += [now.timeIntervalSince1970]
        }
        if let from = filter.from { conditions.append("submitted_at >= ?"); arguments += [from.timeIntervalSince1970] }
        if let to = filter.to { conditions.append("submitted_at < ?"); arguments += [to.timeIntervalSince1970] }
        for word in (filter.text ?? "").split(whereSeparator: \.isWhitespace) {
            // instr, not LIKE: no wildcard characters to escape, and Chinese has no word boundaries anyway.
            conditions.append("(instr(title, ?) > 0 OR instr(description, ?) > 0)")
            arguments += [String(word), String(word)]
        }
        let clause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_view \(clause)", arguments: arguments) ?? 0
        let order = filter.byDeadline ? "deadline IS NULL, deadline, case_id" : "submitted_at DESC, case_id DESC"
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM case_view \(clause) ORDER BY \(order) LIMIT ? OFFSET ?",
                                    arguments: arguments + [filter.limit, filter.offset])
        return CaseList(cases: rows.map { CaseView(row: $0, timeline: []) }, total: total)
    }
}

extension CaseList.Filter {
    /// The filter a query string asks for, or a 400 naming the bad parameter.
    init(query: [String: String]) throws {
        let query = query.filter { !$0.value.isEmpty }  // an empty field of the page's filter form means "any"
        bureau = query["bureau"]
        category = query["category"]
        text = query["q"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        if let text, text.count > 200 { throw APIError.badRequest("invalid_query", "q has at most 200 characters") }
        if let value = query["status"], !value.isEmpty {
            if value == "open" {
                openOnly = true
            } else {
                guard let status = CaseStatus(rawValue: value) else {
                    throw APIError.badRequest("invalid_status", "status must be open or one of \(CaseStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                self.status = status
            }
        }
        if let value = query["order"], !value.isEmpty {
            guard ["deadline", "newest"].contains(value) else { throw APIError.badRequest("invalid_order", "order is newest or deadline") }
            byDeadline = value == "deadline"
        }
        if let value = query["overdue"] {
            guard let overdue = ["true": true, "false": false][value] else {
                throw APIError.badRequest("invalid_overdue", "overdue is true or false")
            }
            self.overdue = overdue
        }
        (from, to) = try ReportPeriod.range(from: query["from"], to: query["to"])
        for (name, range) in [("limit", 1...500), ("offset", 0...Int.max)] {
            guard let text = query[name] else { continue }
            guard let value = Int(text), range.contains(value) else {
                throw APIError.badRequest("invalid_\(name)", "\(name) must be a whole number in \(range.lowerBound)...\(min(range.upperBound, 500))")
            }
            if name == "limit" { limit = value } else { offset = value }
        }
    }
}
