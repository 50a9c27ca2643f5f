import ArgumentParser
import DubanMessaging
import DubanRuntime
import Foundation

/// `intake import FILE.csv`: a problem list from a spreadsheet, straight into intake's database (the running service
/// delivers the new cases' events within a second). Prints one line per row and a summary.
///
/// Exit status: 0 when every row was stored or already there; 1 on a data error — a row refused, or the file as a
/// whole (unreadable, not UTF-8 or GB18030, not CSV, an unknown or missing column, too many rows: the message on
/// stderr, nothing stored); 64 for a usage error (a missing argument, an unknown option).
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import a problem list (CSV, UTF-8 or GBK, header row) row by row, with a report.")

    @Argument(help: "The CSV file: title and description columns required (English or Chinese names); see docs/INTAKE.md.")
    var file: String
    @Option(help: "Who the rows come from; with each row's ref it keys idempotency, so a re-import adds nothing.")
    var source = "cli"
    @Option(help: "A meeting session (e.g. zhengqi-16) whose minutes these are: each row becomes a problem raised there.")
    var session: String?
    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw Self.dataError("file_unreadable", "cannot read \(file)")
        }
        let settings = try await options.settings(for: Intake.descriptor)
        let routingFile = (settings.reader.string(forKey: "routing.config-dir", default: "deploy/config") as NSString)
            .appendingPathComponent("routing.yaml")
        let categories: CategoryNames
        do { categories = try CategoryNames.load(path: routingFile) } catch {
            // Without routing's file the rows still import; a category cell is then passed on as written.
            Self.warn("intake import: cannot read \(routingFile) (\(error)); categories are taken as written")
            categories = CategoryNames()
        }
        let store = try CaseStore.forCommand(settings) { Self.warn("intake import: \($0)") }
        let report: CSVImport.Report
        do {
            var importer = CSVImport(store: store, source: source, categories: categories)
            if let session {
                importer.session = try await store.database.read { try MeetingBook.session(session, in: $0) }
                try MeetingBook.requireHeld(importer.session!)
            }
            report = try await importer.run(data)
        } catch let error as APIError {
            throw Self.dataError(error.code, error.message)
        }
        for result in report.results {
            let detail = result.outcome == .error ? "\(result.code ?? "")\t\(result.message ?? "")" : (result.id ?? "")
            print("\(result.row)\t\(result.ref ?? "-")\t\(result.outcome.rawValue)\t\(detail)")
        }
        print("\(report.rows) rows (\(report.encoding)): \(report.created) created, \(report.duplicates) already imported, "
              + "\(report.failed) failed, \(report.skipped) empty skipped")
        if report.failed > 0 { throw ExitCode(1) }
    }

    /// A data error: its code and message on stderr, exit status 1 (not ArgumentParser's usage text and 64).
    static func dataError(_ code: String, _ message: String) -> ExitCode {
        warn("intake import: \(code): \(message)")
        return ExitCode(1)
    }

    static func warn(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
