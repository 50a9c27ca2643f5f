import DubanModels
import DubanRuntime
import Foundation
import SwiftCSV

/// A problem list exported from a spreadsheet (CSV, UTF-8, header row) imported row by row: each row is validated like
/// `POST /v1/cases` and stored in its own transaction, so a bad row never blocks or spoils the good ones. A row's
/// `ref` (or, without one, its content) is its idempotency key, so importing the same file again adds nothing.
///
/// Columns: `title`, `description` (required); `ref`, `channel` (default `meeting`), `enterprise`, `name`, `phone`,
/// `category`, `latitude`, `longitude`, `address`.
struct CSVImport {
    static let columns: Set<String> = ["ref", "title", "description", "channel", "enterprise", "name", "phone", "category",
                                       "latitude", "longitude", "address"]
    static let maxRows = 10_000

    struct RowResult: Codable, Sendable, Equatable {
        enum Outcome: String, Codable, Sendable { case created, duplicate, error }
        /// The record's number in the file, the header not counted.
        var row: Int
        var ref: String?
        var outcome: Outcome
        var id: String?
        var code: String?
        var message: String?
    }

    struct Report: Codable, Sendable {
        var rows: Int
        var created: Int
        var duplicates: Int
        var failed: Int
        var results: [RowResult]

        init(results: [RowResult]) {
            self.results = results
            rows = results.count
            created = results.filter { $0.outcome == .created }.count
            duplicates = results.filter { $0.outcome == .duplicate }.count
            failed = results.filter { $0.outcome == .error }.count
        }
    }

    let store: CaseStore
    /// Who imports (the key's name, or the CLI's `--source`): keys idempotency per source.
    let source: String

    /// Checks the file as a whole (encoding, CSV syntax, header), then imports every row.
    func run(_ data: Data) async throws -> Report {
        guard let text = String(data: data, encoding: .utf8) else {
            throw APIError.badRequest("invalid_utf8", "the file is not UTF-8 (save the spreadsheet as CSV UTF-8)")
        }
        let csv: EnumeratedCSV
        var rows: [[String]] = []
        do {
            // The header alone (the library drops a spreadsheet's byte-order mark), then the rows once, as written: its
            // parsed view would pad short rows to the longest, hiding a row's extra fields.
            csv = try EnumeratedCSV(string: text, delimiter: .comma, loadColumns: false, rowLimit: 0)
            try csv.enumerateAsArray(startAt: 1, rowLimit: nil) { rows.append($0) }
        } catch {
            throw APIError.badRequest("invalid_csv", "the file is not valid CSV: \(error)")
        }
        let header = csv.header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if let unknown = header.first(where: { !Self.columns.contains($0) }) {
            throw APIError.badRequest("unknown_column", "unknown column '\(unknown)'; columns are \(Self.columns.sorted().joined(separator: ", "))")
        }
        if let missing = ["title", "description"].first(where: { !header.contains($0) }) {
            throw APIError.badRequest("column_required", "the header needs a '\(missing)' column")
        }
        guard rows.count <= Self.maxRows else {
            throw APIError.badRequest("too_many_rows", "at most \(Self.maxRows) rows per import; split the file")
        }
        var results: [RowResult] = []
        for (index, fields) in rows.enumerated() {
            results.append(await importRow(number: index + 1, header: header, fields: fields))
        }
        return Report(results: results)
    }

    private func importRow(number: Int, header: [String], fields: [String]) async -> RowResult {
        var values: [String: String] = [:]
        for (column, value) in zip(header, fields) where !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            values[column] = value
        }
        let ref = values["ref"]
        guard fields.count <= header.count else {
            return RowResult(row: number, ref: ref, outcome: .error, code: "too_many_fields",
                             message: "\(fields.count) fields for \(header.count) columns")
        }
        do {
            var object: [String: Any] = [:]
            for key in ["title", "description", "enterprise", "category"] { object[key] = values[key] }
            object["channel"] = values["channel"] ?? Channel.meeting.rawValue
            if values["name"] != nil || values["phone"] != nil {
                object["submitter"] = ["name": values["name"], "phone": values["phone"]].compactMapValues { $0 }
            }
            if values["latitude"] != nil || values["longitude"] != nil || values["address"] != nil {
                var location: [String: Any] = [:]
                for (column, key) in [("latitude", "latitude"), ("longitude", "longitude")] {
                    guard let text = values[column] else { continue }
                    guard let number = Double(text.trimmingCharacters(in: .whitespaces)) else {
                        throw APIError.badRequest("invalid_coordinates", "\(column) must be a number")
                    }
                    location[key] = number
                }
                location["address"] = values["address"]
                object["location"] = location
            }
            let draft = try CaseSubmission.parse(object: object)
            let hash = try requestHash(draft)
            let key = "csv:\(source):" + (ref.map { "ref:\($0)" } ?? "row:\(hash)")
            let (submitted, isNew) = try await store.submitReportingNew(draft, idempotencyKey: key, requestHash: hash)
            return RowResult(row: number, ref: ref, outcome: isNew ? .created : .duplicate, id: submitted.id.rawValue)
        } catch let error as APIError {
            return RowResult(row: number, ref: ref, outcome: .error, code: error.code, message: error.message)
        } catch {
            return RowResult(row: number, ref: ref, outcome: .error, code: "not_stored", message: "\(error)")
        }
    }
}
