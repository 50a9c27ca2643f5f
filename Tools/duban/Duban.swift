import ArgumentParser
import DubanMessaging
import DubanRuntime

/// Administration that spans services.
@main
struct Duban: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duban", abstract: "Duban administration.", subcommands: [Keygen.self, Audit.self])
}

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a CURVE key pair for every service (keeps existing ones unless --replace).")

    @Option(help: "Where to write <service>.key and <service>.pub.")
    var dir = "deploy/keys"

    @Option(help: "Services to make keys for.")
    var service: [String] = ServiceDescriptor.all.map(\.name)

    @Flag(help: "Replace existing key pairs.")
    var replace = false

    func run() throws {
        let made = try KeyRing.generate(services: service, directory: dir, replace: replace)
        print(made.isEmpty ? "keys already present in \(dir)" : "wrote keys for \(made.joined(separator: ", ")) in \(dir)")
    }
}
