import ArgumentParser
import DubanMessaging
import DubanStorage
import Foundation
import Hummingbird
import Logging

/// The command line of every service executable: `serve` (the default) and `dead-letters`.
public struct ServiceCommand<S: DubanService>: AsyncParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: S.descriptor.name,
            abstract: "Duban's \(S.descriptor.name) service.",
            subcommands: [ServeCommand<S>.self, DeadLettersCommand<S>.self] + S.commands,
            defaultSubcommand: ServeCommand<S>.self
        )
    }

    public init() {}
}

/// Options every subcommand shares: the YAML file and the key overrides after it.
public struct ConfigurationOptions: ParsableArguments {
    @Option(name: .long, help: "A YAML configuration file. Environment variables and flags override it.")
    var config: String?

    @Argument(parsing: .allUnrecognized,
              help: "Configuration overrides as flags, e.g. --http-port 9090 --data-dir /tmp/duban.")
    var overrides: [String] = []

    public init() {}

    public func settings(for descriptor: ServiceDescriptor) async throws -> ServiceSettings {
        try await ServiceSettings.load(service: descriptor, arguments: overrides, configFile: config)
    }

    /// The service's database, migrated, for administrative commands.
    public func database<S: DubanService>(for service: S.Type) async throws -> ServiceDatabase {
        let settings = try await settings(for: S.descriptor)
        return try ServiceApplication.openDatabase(S.self, settings: settings)
    }
}

struct ServeCommand<S: DubanService>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "serve", abstract: "Run the service until SIGTERM or SIGINT.")
    }

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let settings = try await options.settings(for: S.descriptor)
        // Logging is bootstrapped here, once per process, never in the builder (tests build many times).
        LoggingSystem.bootstrap { label in
            var handler = DeferredMetadataLogHandler(StreamLogHandler.standardError(label: label))
            handler.logLevel = settings.logLevel
            return handler
        }
        let logger = Logger(label: "duban.\(S.descriptor.name)")
        let app = try await ServiceApplication.build(S.self, settings: settings, logger: logger)
        logger.info("\(S.descriptor.name) serving", metadata: ["http": "\(settings.httpHost):\(settings.httpPort)"])
        try await app.runService()
    }
}

struct DeadLettersCommand<S: DubanService>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "dead-letters", abstract: "List or replay events this service set aside.")
    }

    @Flag(help: "Replay dead letters (all pending ones, or those named with --id) instead of listing them.")
    var replay = false

    @Option(help: "A dead letter's id; repeat for several.")
    var id: [Int64] = []

    @Flag(help: "Also list dead letters already replayed.")
    var all = false

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let settings = try await options.settings(for: S.descriptor)
        let logger = Logger(label: "duban.\(S.descriptor.name).dead-letters")
        let opened = try await ServiceApplication.open(S.self, settings: settings, clock: .system, logger: logger,
                                                       authenticate: false)
        let database = opened.context.database.writer
        if !replay {
            let includeReplayed = all
            let letters = try await database.read { try DeadLetters.list(includeReplayed: includeReplayed, in: $0) }
            for letter in letters {
                let state = letter.replayedAt == nil ? "pending" : "replayed"
                print("\(letter.id)\t\(letter.producer)#\(letter.seq)\t\(letter.type ?? "?")\t\(state)\t\(letter.error)")
            }
            print("\(letters.count) dead letter(s)")
            return
        }
        guard let handler = try await S.build(opened.context).onEvent else {
            throw ValidationError("\(S.descriptor.name) consumes no events")
        }
        let ids = id.isEmpty ? try await database.read { try DeadLetters.list(in: $0).map(\.id) } : id
        var replayed = 0
        for letterID in ids {
            if try await database.write({ try DeadLetters.replay(id: letterID, in: $0, handler: handler) }) { replayed += 1 }
            else { print("dead letter \(letterID) did not apply") }
        }
        print("replayed \(replayed) of \(ids.count)")
        if replayed < ids.count { throw ExitCode(1) }
    }
}

extension ServiceCommand {
    /// The executable's entry point. (A generic command cannot be `@main`, and top-level `main()` would pick
    /// ArgumentParser's synchronous overload.)
    public static func runAsMain() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
