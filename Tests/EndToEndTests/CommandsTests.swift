import Foundation
import Testing

extension EndToEnd {
    /// Every command Duban prints — the README's quick start and administration commands, what `make run` prints, the
    /// workbench's key hint — runs as printed. Each runs with bash in a folder laid out like the repository after
    /// `make run` (`var/` holding the services' data and `var/local.key`, `deploy/keys`, `.build/debug`), all of it
    /// this stack's; only the well-known ports 8080–8083 are replaced by the stack's.
    @Suite(.serialized) struct CommandsTests {
        /// A folder where `var/`, `deploy/keys` and `.build/debug` are the stack's, as `make run` would leave them.
        static func workFolder(_ stack: Stack) throws -> String {
            let folder = stack.directory + "/checkout"
            let files = FileManager.default
            try files.createDirectory(atPath: folder + "/deploy", withIntermediateDirectories: true)
            try files.createDirectory(atPath: folder + "/.build", withIntermediateDirectories: true)
            try files.createSymbolicLink(atPath: folder + "/var", withDestinationPath: stack.directory + "/data")
            try files.createSymbolicLink(atPath: folder + "/deploy/keys", withDestinationPath: stack.directory + "/keys")
            try files.createSymbolicLink(atPath: folder + "/deploy/config", withDestinationPath: stack.repository + "/deploy/config")
            try files.createSymbolicLink(atPath: folder + "/.build/debug", withDestinationPath: stack.binDirectory)
            try stack.submitKey.write(toFile: stack.directory + "/data/local.key", atomically: true, encoding: .utf8)
            return folder
        }

        /// Runs `script` with bash in `folder`, the stack's ports in place of 8080–8083.
        static func run(_ script: String, in folder: String, stack: Stack, environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
            var text = script
            for (index, service) in Stack.services.enumerated() {
                text = text.replacingOccurrences(of: "127.0.0.1:\(8080 + index)", with: "127.0.0.1:\(stack.httpPorts[service]!)")
            }
            let result = try ChildProcess.run("/bin/bash", ["-euo", "pipefail", "-c", text], in: folder, environment: environment)
            return (result.status, result.output)
        }

        static func readme(_ stack: Stack) throws -> String {
            try String(contentsOfFile: stack.repository + "/README.md", encoding: .utf8)
        }

        @Test func theReadmeQuickStartRunsAsWritten() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let readme = try Self.readme(stack)
            let marker = try #require(readme.range(of: "<!-- quick-start"), "README.md has no quick-start block")
            let block = readme[marker.upperBound...]
            let start = try #require(block.range(of: "```sh\n"))
            let end = try #require(block[start.upperBound...].range(of: "```"))
            let script = String(block[start.upperBound..<end.lowerBound])
            #expect(script.contains("curl"))
            let (status, output) = try Self.run(script, in: try Self.workFolder(stack), stack: stack)
            #expect(status == 0, "the quick start failed:\n\(output)")
            let id = try #require(output.split(separator: "\n").first.map(String.init))
            #expect(id.hasPrefix("DB-"), "\(output)")
            #expect(output.contains("\"id\":\"\(id)\"") && output.contains("\"bureau\":\"power-supply\""), "the read-back: \(output)")
            #expect(output.contains("\"collected\""), "the figures: \(output)")
            // The page the README names opens.
            #expect(try await stack.request("reporting", "GET", "/dashboard/cases/\(id)").status == 200)
        }

        @Test func aKeyForABureauThatDoesNotExistIsRefused() throws {
            let stack = try Stack()
            let refused = try stack.intakeCommand(["keys", "create", "--name", "typo", "--scope", "bureau:transprot",
                                                   "--routing-config-dir", stack.repository + "/deploy/config"])
            #expect(refused.status == 64, "a usage error")
            let made = try stack.intakeCommand(["keys", "create", "--name", "typo", "--scope", "bureau:transport",
                                                "--routing-config-dir", stack.repository + "/deploy/config"])
            #expect(made.status == 0 && made.output.hasPrefix("dbk_"), "the same name is free: nothing was stored")
        }

        @Test func everyCommandDubanPrintsRuns() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let folder = try Self.workFolder(stack)
            var commands: [(String, String)] = []  // (command, where it is printed)

            // The administration commands in the README and docs/: every code span that runs one of the executables.
            // A span with `[` is a synopsis (`escalation webhooks replay [--id N]`) and one naming FILE a file's place; an
            // ellipsis or angle brackets would be a command no one can run as printed.
            let documents = ["README.md"] + (try FileManager.default.contentsOfDirectory(atPath: stack.repository + "/docs"))
                .filter { $0.hasSuffix(".md") }.map { "docs/" + $0 }
            var seen = Set<String>()
            for document in documents {
                let text = try String(contentsOfFile: stack.repository + "/" + document, encoding: .utf8)
                for match in text.matches(of: /`((?:\.build\/debug\/)?(?:intake|escalation|reporting|routing|duban) [a-z][^`]*)`/) {
                    let command = String(match.output.1)
                    #expect(!command.contains("…") && !command.contains("<"), "`\(command)` in \(document) cannot run as printed")
                    guard !command.contains("[") && !command.contains("FILE"), seen.insert(command).inserted else { continue }
                    commands.append((command.hasPrefix(".build/") ? command : ".build/debug/" + command, document))
                }
            }
            // What `make run` prints.
            let runStack = try String(contentsOfFile: stack.repository + "/scripts/run-stack.sh", encoding: .utf8)
            let message = try #require(runStack.components(separatedBy: "cat <<MSG\n").last?.components(separatedBy: "\nMSG").first)
            for line in message.split(separator: "\n") where line.contains("curl ") {
                commands.append((line.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\\$", with: "$"), "make run"))
            }
            // The sign-in page's hint to administrators, run with the built intake.
            let signIn = String(decoding: try await stack.request("reporting", "GET", "/dashboard/sign-in", anonymous: true).body, as: UTF8.self)
            let hint = try #require(signIn.firstMatch(of: /<code class="command">([^<]+)<\/code>/)?.output.1)
            commands.append((".build/debug/" + String(hint), "the sign-in page"))

            // What intake's OpenAPI document tells a client to run.
            let openAPI = String(decoding: try await stack.request("intake", "GET", "/openapi.json").body, as: UTF8.self)
            let apiHint = try #require(openAPI.firstMatch(of: /made with `([^`]+)`/)?.output.1)
            commands.append((".build/debug/" + String(apiHint), "intake's OpenAPI document"))

            #expect(commands.count >= 10, "\(commands)")
            #expect(commands.contains { $0.0.contains("keys create") } && commands.contains { $0.0.contains("reporting rebuild") })
            // One key per name: a name seen in an earlier command has shown that command's shape already (a name stays
            // with its key, even revoked), so a repeat is skipped rather than refused.
            var created = Set<String>(), revoked = Set<String>()
            for (command, source) in commands {
                let name = command.firstMatch(of: /--name ([^ ]+)/).map { String($0.output.1) }
                if let name, command.contains("keys create") { guard created.insert(name).inserted else { continue } }
                if let name, command.contains("keys revoke") { guard revoked.insert(name).inserted, created.contains(name) else { continue } }
                if command.contains("reporting rebuild") { stack.stop("reporting") }  // it says: with reporting stopped
                let (status, output) = try Self.run(command, in: folder, stack: stack)
                #expect(status == 0, "`\(command)` from \(source) failed:\n\(output)")
                if command.contains("reporting rebuild") { try await stack.start("reporting") }
            }

            // `make demo` is scripts/demo.sh, pointed at this stack.
            let demo = try Self.run("scripts/demo.sh", in: stack.repository, stack: stack, environment: [
                "INTAKE_URL": stack.url("intake", "").absoluteString, "REPORTING_URL": stack.url("reporting", "").absoluteString,
                "DUBAN_API_KEY": stack.submitKey,
            ])
            #expect(demo.status == 0, "make demo failed:\n\(demo.output)")
        }
    }
}
