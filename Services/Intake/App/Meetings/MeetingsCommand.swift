import ArgumentParser
import DubanMessaging
import DubanModels
import DubanRuntime
import Foundation

/// `intake meetings series|schedule|attend|open|close|cancel|list`: meeting series and their sessions from the host,
/// with the same checks as the API; each act is in the audit trail as `operator:<user>` and announced to reporting
/// like the API's (the running service delivers the events within a second). The minutes of a session are imported
/// with `intake import FILE --session <id>`.
struct MeetingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meetings", abstract: "Meeting series and their numbered sessions: create, schedule, open, close, list.",
        subcommands: [Series.self, Schedule.self, Attend.self, Act.self, List.self])

    static func book(_ options: ConfigurationOptions) async throws -> MeetingBook {
        let settings = try await options.settings(for: Intake.descriptor)
        let directory = settings.reader.string(forKey: "routing.config-dir", default: "deploy/config")
        let store = try CaseStore.forCommand(settings) { ImportCommand.warn("intake meetings: \($0)") }
        return MeetingBook(database: store.database, events: store.events, clock: .system, store: store,
                           calendar: try? CalendarFile.load(path: (directory as NSString).appendingPathComponent("calendar.yaml")),
                           knownBureaus: (try? RoutingBureaus.ids(path: (directory as NSString).appendingPathComponent("routing.yaml"))).map(Set.init))
    }

    /// Runs an act, turning the API's refusals into the command's (`code: message`, exit status 64).
    static func act<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as APIError { throw ValidationError("\(error.code): \(error.message)") }
    }

    static func printSession(_ session: MeetingSession) {
        print("\(session.id)\t第\(session.number)期\t\(session.date) \(session.startsAt)–\(session.endsAt)\t\(session.state.rawValue)\t\(session.theme)")
    }

    struct Series: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a meeting series with its weekly slot.")
        @Option(help: "Its id: lower-case letters, digits and '-', e.g. zhengqi.") var id: String
        @Option(help: "Its name, e.g. 政企交流主题日.") var name: String
        @Option(help: "The weekday it meets: 1 (Monday) to 7 (Sunday).") var weekday = 1
        @Option(help: "When it starts, HH:mm Beijing time.") var starts = "20:00"
        @Option(help: "When it ends, HH:mm.") var ends = "22:00"
        @Option(help: "Who chairs it by default.") var chair: String?
        @Option(help: "Where it meets by default.") var venue: String?
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let book = try await MeetingsCommand.book(options)
            var object: [String: Any] = ["id": id, "name": name, "weekday": weekday, "startsAt": starts, "endsAt": ends]
            if let chair { object["chair"] = chair }
            if let venue { object["venue"] = venue }
            let series = try await MeetingsCommand.act {
                try await book.createSeries(try RequestFields(object: object, allowed: MeetingBook.seriesFields), actor: AuditActor.operatorOnThisHost)
            }
            print("\(series.id)\t\(series.name)\tweekday \(series.weekday) \(series.startsAt)–\(series.endsAt)")
        }
    }

    struct Schedule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Schedule the next session of a series (numbered next).")
        @Option(help: "The series' id.") var series: String
        @Option(help: "The session's theme.") var theme: String
        @Option(help: "Its day, yyyy-MM-dd (default: the series' next slot on a working day).") var date: String?
        @Option(help: "Where (default: the series' venue).") var venue: String?
        @Option(help: "Who chairs (default: the series' chair).") var chair: String?
        @Option(help: "A leader attending; repeat for several.") var leader: [String] = []
        @Option(help: "A bureau present (its id in routing.yaml); repeat for several.") var bureau: [String] = []
        @Option(help: "An enterprise invited; repeat for several.") var invite: [String] = []
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let book = try await MeetingsCommand.book(options)
            var object: [String: Any] = ["series": series, "theme": theme, "leaders": leader, "bureaus": bureau, "invited": invite]
            if let date { object["date"] = date }
            if let venue { object["venue"] = venue }
            if let chair { object["chair"] = chair }
            let session = try await MeetingsCommand.act {
                try await book.createSession(try RequestFields(object: object, allowed: MeetingBook.sessionFields), actor: AuditActor.operatorOnThisHost)
            }
            MeetingsCommand.printSession(session)
        }
    }

    struct Attend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record the enterprises attending a session (problems are raised by them).")
        @Argument(help: "The session's id, e.g. zhengqi-16.") var session: String
        @Option(help: "An enterprise attending; repeat for several.") var enterprise: [String] = []
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let book = try await MeetingsCommand.book(options)
            let updated = try await MeetingsCommand.act {
                try await book.updateSession(session, try RequestFields(object: ["attending": enterprise], allowed: ["attending"]),
                                             actor: AuditActor.operatorOnThisHost)
            }
            MeetingsCommand.printSession(updated)
        }
    }

    struct Act: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Open a scheduled session, close an open one, or cancel a scheduled one.")
        @Argument(help: "open, close or cancel.") var act: String
        @Argument(help: "The session's id, e.g. zhengqi-16.") var session: String
        @OptionGroup var options: ConfigurationOptions

        func validate() throws {
            guard ["open", "close", "cancel"].contains(act) else { throw ValidationError("the act is open, close or cancel") }
        }

        func run() async throws {
            let book = try await MeetingsCommand.book(options)
            MeetingsCommand.printSession(try await MeetingsCommand.act { try await book.transition(session, act, actor: AuditActor.operatorOnThisHost) })
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the series and their sessions.")
        @Option(help: "Only this series' sessions.") var series: String?
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let book = try await MeetingsCommand.book(options)
            for series in try await book.allSeries() where self.series == nil || self.series == series.id {
                print("\(series.id)\t\(series.name)\tweekday \(series.weekday) \(series.startsAt)–\(series.endsAt)")
            }
            for session in try await book.sessions(series: series) { MeetingsCommand.printSession(session) }
        }
    }
}
