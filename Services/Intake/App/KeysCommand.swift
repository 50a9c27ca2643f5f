import ArgumentParser
import DubanRuntime
import Foundation

/// `intake keys create|revoke|list`: API keys for the systems that feed and update Duban.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create, revoke and list API keys (stored hashed).",
        subcommands: [Create.self, Revoke.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print it once.")
        @Option(help: "The source system's name, e.g. hotline-12345 or bureau-hrss.") var name: String
        @Option(help: "submit, read, dispatch, approve, feedback, meetings, or bureau:<id>; repeat for several.") var scope: [String] = []
        @Option(help: "The system's CURVE public key (40 characters of Z85, e.g. a .pub from `duban keygen`): it may then connect to the ZeroMQ ingress with CURVE as this key.")
        var curvePublicKey: String?
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let settings = try await options.settings(for: Intake.descriptor)
            let routingFile = (settings.reader.string(forKey: "routing.config-dir", default: "deploy/config") as NSString)
                .appendingPathComponent("routing.yaml")
            let bureaus = scope.filter { $0.hasPrefix("bureau:") }.map { String($0.dropFirst(7)) }
            if !bureaus.isEmpty {
                do {
                    let known = try RoutingBureaus.ids(path: routingFile)
                    if let unknown = bureaus.first(where: { !known.contains($0) }) {
                        throw ValidationError("no bureau '\(unknown)' in \(routingFile); bureaus: \(known.joined(separator: ", "))")
                    }
                } catch let error as ValidationError {
                    throw error
                } catch {
                    FileHandle.standardError.write(Data("warning: cannot read \(routingFile) (\(error)); the bureau is not checked\n".utf8))
                }
            }
            let database = try ServiceApplication.openDatabase(Intake.self, settings: settings)
            let curve = curvePublicKey?.trimmingCharacters(in: .whitespacesAndNewlines)
            do { print(try APIKeys(database: database.writer).create(name: name, scopes: scope, curvePublicKey: curve)) } catch let error as KeyError {
                throw ValidationError(error.description)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by name.")
        @Option var name: String
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let database = try await options.database(for: Intake.self)
            guard try APIKeys(database: database.writer).revoke(name: name) else { throw ValidationError("no active key named \(name)") }
            print("revoked \(name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys, their scopes and CURVE public keys.")
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let database = try await options.database(for: Intake.self)
            for key in try APIKeys(database: database.writer).list() {
                print("\(key.name)\t\(key.scopes)\(key.curvePublicKey.map { "\tcurve:\($0)" } ?? "")\(key.revoked ? "\trevoked" : "")")
            }
        }
    }
}
