import DubanModels
import DubanRuntime
import Foundation
import SwiftCSV

/// A problem list exported from a spreadsheet (CSV with a header row, UTF-8 or GB18030/GBK, detected) imported row by
/// row: each row is validated like `POST /v1/cases` and stored in its own transaction, so a bad row never blocks or
/// spoils the good ones. A row's `ref` (or, without one, its content) is its idempotency key, so importing the same
/// file again adds nothing. Rows with nothing in them (a spreadsheet's trailing `,,,` lines) are skipped and counted.
///
/// Columns: `title`, `description` (required); `ref`, `channel` (default `meeting`), `enterprise`, `name`, `phone`,
/// `category`, `latitude`, `longitude`, `address`, `first_answer` (against a session) — or their Chinese names
/// (``CSVColumns``).
struct CSVImport {
    static let maxRows = 10_000

    struct RowResult: Codable, Sendable, Equatable {
        enum Outcome: String, Codable, Sendable { case created, duplicate, error }
        /// The record's number in the file, the header not counted (skipped empty rows keep their numbers).
        var row: Int
        var ref: String?
        var outcome: Outcome
        var id: String?
        var code: String?
        var message: String?
    }

    struct Report: Codable, Sendable {
        /// Rows imported or refused; `skipped` empty rows are not among them.
        var rows: Int
        var created: Int
        var duplicates: Int
        var failed: Int
        /// Rows with nothing in them, left out.
        var skipped: Int
        /// The encoding the file was read in: `utf-8` or `gb18030` (which covers GBK).
        var encoding: String
        var results: [RowResult]

        init(results: [RowResult], skipped: Int, encoding: SpreadsheetText.Encoding) {
            self.results = results
            self.skipped = skipped
            self.encoding = encoding.rawValue
            rows = results.count
            created = results.filter { $0.outcome == .created }.count
            duplicates = results.filter { $0.outcome == .duplicate }.count
            failed = results.filter { $0.outcome == .error }.count
        }
    }

    let store: CaseStore
    /// Who imports (the key's name, or the CLI's `--source`): keys idempotency per source.
    let source: String
    /// Category names a cell may use, from `routing.yaml`.
    var categories = CategoryNames()
    /// The meeting session the list is the minutes of: every row becomes a problem raised there (channel `meeting`),
    /// by an enterprise that attended, with the `first_answer` column as the answer given on the spot.
    var session: MeetingSession?
    /// A liaison officer importing for their area: every row says so, as their single submissions do.
    var liaison: (login: String, area: String?)?

    /// Checks the file as a whole (encoding, CSV syntax, header), then imports every row.
    /// - Throws: ``APIError`` 400 with `spreadsheet_not_csv`, `invalid_utf8` (neither UTF-8, UTF-16 with a byte-order mark,
    ///   nor GB18030), `invalid_csv`,
    ///   `unknown_column`, `duplicate_column`, `column_required`, `too_many_rows`; nothing is stored then.
    func run(_ data: Data) async throws -> Report {
        if SpreadsheetText.isWorkbook(data) {
            throw APIError.badRequest("spreadsheet_not_csv", "this is an Excel workbook, not CSV: save it as CSV (另存为 CSV) first")
        }
        guard let decoded = SpreadsheetText.decode(data) else {
            throw APIError.badRequest("invalid_utf8", "the file is neither UTF-8, UTF-16 nor GB18030/GBK (save the spreadsheet as CSV)")
        }
        let (text, encoding) = decoded
        // In CSV every quote opens or closes a quoted field or doubles another inside one, so quotes come in pairs; an
        // odd count is a quoted field never closed, which the parser would otherwise run to the end of the file.
        if text.utf8.lazy.filter({ $0 == UInt8(ascii: "\"") }).count % 2 == 1 {
            throw APIError.badRequest("invalid_csv", "a quoted field is not closed (an odd number of \" in the file)")
        }
        let csv: EnumeratedCSV
        var rows: [[String]] = []
        do {
            // The header alone, then the rows once, as written: the library's parsed view would pad short rows to the
            // longest, hiding a row's extra fields.
            let delimiter = CSVDelimiter.character(SpreadsheetText.separator(of: text[...]))
            csv = try EnumeratedCSV(string: text, delimiter: delimiter, loadColumns: false, rowLimit: 0)
            try csv.enumerateAsArray(startAt: 1, rowLimit: nil) { rows.append($0) }
        } catch {
            throw APIError.badRequest("invalid_csv", "the file is not valid CSV: \(error)")
        }
        var header: [String] = []
        for cell in csv.header {
            guard let column = CSVColumns.column(cell) else {
                throw APIError.badRequest("unknown_column", "unknown column '\(cell)'; columns are \(CSVColumns.english.sorted().joined(separator: ", ")) "
                                          + "or their Chinese names (标题, 问题描述, …; see docs/INTAKE.md)")
            }
            guard !header.contains(column) else {
                throw APIError.badRequest("duplicate_column", "two columns mean \(column) (the second is '\(cell)')")
            }
            header.append(column)
        }
        if let missing = ["title", "description"].first(where: { !header.contains($0) }) {
            throw APIError.badRequest("column_required", "the header needs a '\(missing)' column")
        }
        let blank = { (fields: [String]) in fields.allSatisfy { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } }
        let skipped = rows.filter(blank).count
        guard rows.count - skipped <= Self.maxRows else {
            throw APIError.badRequest("too_many_rows", "at most \(Self.maxRows) rows per import; split the file")
        }
        var results: [RowResult] = []
        for (index, fields) in rows.enumerated() where !blank(fields) {
            results.append(await importRow(number: index + 1, header: header, fields: fields))
        }
        return Report(results: results, skipped: skipped, encoding: encoding)
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
            for key in ["title", "description", "enterprise"] { object[key] = values[key] }
            object["category"] = values["category"].map(categories.id(for:))
            object["channel"] = values["channel"].map(CSVColumns.channel) ?? Channel.meeting.rawValue
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
            var draft = try CaseSubmission.parse(object: object)
            if let liaison {
                draft.liaison = liaison.login
                draft.area = liaison.area
                draft.channel = .liaison
            }
            if let session {
                draft.firstAnswer = try CaseSubmission.text(values, "first_answer", max: 2_000, required: false)
                try MeetingBook.stamp(&draft, session: session)
            }
            let hash = try requestHash(draft)
            // Each meeting's minutes number their rows from 1 again: a ref is the session's own.
            let key = "csv:\(source):" + (session.map { "session:\($0.id):" } ?? "") + (ref.map { "ref:\($0)" } ?? "row:\(hash)")
            let (submitted, isNew) = try await store.submitReportingNew(draft, idempotencyKey: key, requestHash: hash, actor: source)
            return RowResult(row: number, ref: ref, outcome: isNew ? .created : .duplicate, id: submitted.id.rawValue)
        } catch let error as APIError {
            return RowResult(row: number, ref: ref, outcome: .error, code: error.code, message: error.message)
        } catch {
            return RowResult(row: number, ref: ref, outcome: .error, code: "not_stored", message: "\(error)")
        }
    }
}
