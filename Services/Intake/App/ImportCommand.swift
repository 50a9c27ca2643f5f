import ArgumentParser
import DubanMessaging
import DubanRuntime
import Foundation

/// `intake import FILE.csv`: a problem list from a spreadsheet, straight into intake's database (the running service
/// delivers the new cases' events within a second). Prints one line per row; exits 1 when any row failed.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import a problem list (CSV, UTF-8, header row) row by row, with a report.")

    @Argument(help: "The CSV file: title and description columns required; see docs/INTAKE.md.") var file: String
    @Option(help: "Who the rows come from; with each row's ref it keys idempotency, so a re-import adds nothing.")
    var source = "cli"
    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
        let database = try await options.database(for: Intake.self)
        let store = CaseStore(database: database.writer, events: EventLog(producer: Intake.descriptor.name), clock: .system)
        let report: CSVImport.Report
        do { report = try await CSVImport(store: store, source: source).run(data) } catch let error as APIError {
            throw ValidationError("\(error.code): \(error.message)")
        }
        for result in report.results {
            let detail = result.outcome == .error ? "\(result.code ?? "")\t\(result.message ?? "")" : (result.id ?? "")
            print("\(result.row)\t\(result.ref ?? "-")\t\(result.outcome.rawValue)\t\(detail)")
        }
        print("\(report.rows) rows: \(report.created) created, \(report.duplicates) already imported, \(report.failed) failed")
        if report.failed > 0 { throw ExitCode(1) }
    }
}
