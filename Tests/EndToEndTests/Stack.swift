import ZeroMQ
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The four built executables running as real processes on loopback, with ephemeral ports and their own keys.
final class Stack: @unchecked Sendable {
    // @unchecked: `processes` is touched only by the test that owns this stack, one call at a time.
    static let services = ["intake", "routing", "escalation", "reporting"]

    let directory: String
    let binDirectory: String
    let repository: String
    var httpPorts: [String: Int] = [:]
    var eventPorts: [String: Int] = [:]
    let noticePort: Int
    let noticeReplayPort: Int
    let ingressPort: Int
    /// An API key with the `submit` and `read` scopes, made with intake's own command before it starts.
    private(set) var submitKey = ""
    /// The services' log level (`trace` logs the most).
    var logLevel = "warning"
    /// `public.url` for every service: where notices' links point. Set it to `url("reporting", "")` to follow them.
    var publicURL = "http://duban.test"
    /// Extra flags per service, e.g. `--testing-time-control` for escalation.
    var extraArguments: [String: [String]] = [:]
    private var processes: [String: Process] = [:]

    init() throws {
        repository = ProcessInfo.processInfo.environment["DUBAN_REPO"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        binDirectory = ProcessInfo.processInfo.environment["DUBAN_BIN_DIR"] ?? repository + "/.build/debug"
        directory = NSTemporaryDirectory() + "duban-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for service in Self.services { httpPorts[service] = try LoopbackPort.free() }
        for service in Self.services { eventPorts[service] = try LoopbackPort.free() }
        noticePort = try LoopbackPort.free()
        noticeReplayPort = try LoopbackPort.free()
        ingressPort = try LoopbackPort.free()
        try run(binDirectory + "/duban", ["keygen", "--dir", directory + "/keys"])
        submitKey = try createKey("test-source", scopes: ["submit", "read"])
    }

    deinit {
        for process in processes.values where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    func url(_ service: String, _ path: String) -> URL {
        URL(string: "http://127.0.0.1:\(httpPorts[service]!)\(path)")!
    }

    func arguments(for service: String) -> [String] {
        var arguments = ["--http-port", String(httpPorts[service]!), "--data-dir", directory + "/data/" + service,
                         "--keys-dir", directory + "/keys", "--routing-config-dir", repository + "/deploy/config",
                         "--log-level", logLevel, "--identity-bcrypt-cost", "4"]
        if let port = eventPorts[service] { arguments += ["--events-bind", "tcp://127.0.0.1:\(port)"] }
        arguments += ["--notices-bind", "tcp://127.0.0.1:\(noticePort)",
                      "--notices-replay-bind", "tcp://127.0.0.1:\(noticeReplayPort)", "--public-url", publicURL,
                      "--ingress-bind", "tcp://127.0.0.1:\(ingressPort)", "--intake-url", "http://127.0.0.1:\(httpPorts["intake"]!)"]
        arguments += extraArguments[service] ?? []
        for (peer, port) in eventPorts where peer != service {
            arguments += ["--peers-\(peer)-endpoint", "tcp://127.0.0.1:\(port)"]
        }
        return arguments
    }

    func start(_ service: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binDirectory + "/" + service)
        process.arguments = arguments(for: service)
        let log = FileHandle(forWritingAtPath: logPath(service)) ?? {
            FileManager.default.createFile(atPath: logPath(service), contents: nil)
            return FileHandle(forWritingAtPath: logPath(service))!
        }()
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        processes[service] = process
        try await waitForHealth(service)
    }

    func startAll() async throws {
        for service in Self.services.reversed() { try await start(service) }
    }

    /// SIGKILL: no shutdown code runs, whatever was only in memory is gone.
    func kill9(_ service: String) {
        guard let process = processes[service] else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Stops one service as an operator would (SIGTERM) and waits for it.
    func stop(_ service: String) {
        guard let process = processes[service], process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    func stopAll() {
        for process in processes.values where process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    func log(_ service: String) -> String { (try? String(contentsOfFile: logPath(service), encoding: .utf8)) ?? "" }

    func logPath(_ service: String) -> String { directory + "/\(service).log" }

    func waitForHealth(_ service: String, seconds: Double = 20) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let (_, response) = try? await URLSession.shared.data(from: url(service, "/health")),
               (response as? HTTPURLResponse)?.statusCode == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        let log = (try? String(contentsOfFile: logPath(service), encoding: .utf8)) ?? ""
        throw StackError("\(service) did not become healthy; log:\n\(log.suffix(2_000))")
    }

    /// `POST /v1/cases`, with the stack's submit key unless `key` says otherwise (nil: no key at all).
    func postCase(_ body: [String: Any], idempotencyKey: String? = nil, key: String?? = .none) async throws -> (status: Int, json: [String: Any]) {
        var request = URLRequest(url: url("intake", "/v1/cases"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let key = key ?? submitKey { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        if let idempotencyKey { request.setValue(idempotencyKey, forHTTPHeaderField: "Idempotency-Key") }
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    func postJSON(_ service: String, _ path: String, _ body: [String: Any]) async throws -> (status: Int, json: Any?) {
        var request = URLRequest(url: url(service, path))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        authorize(&request, service)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, try? JSONSerialization.jsonObject(with: data))
    }

    func getArray(_ service: String, _ path: String) async throws -> [[String: Any]] {
        (try JSONSerialization.jsonObject(with: try await request(service, "GET", path).body) as? [[String: Any]]) ?? []
    }

    func getJSON(_ service: String, _ path: String) async throws -> (status: Int, json: [String: Any]) {
        let (status, data, _) = try await request(service, "GET", path)
        return (status, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    /// Any request, with its raw answer.
    /// Routing's, escalation's and reporting's APIs answer only a session or a key: the stack's own key (submit, read)
    /// goes with every request to them that brings no credential of its own, unless `anonymous`.
    func authorize(_ request: inout URLRequest, _ service: String, anonymous: Bool = false) {
        guard !anonymous, service != "intake", request.value(forHTTPHeaderField: "Authorization") == nil,
              request.value(forHTTPHeaderField: "Cookie") == nil else { return }
        request.setValue("Bearer \(submitKey)", forHTTPHeaderField: "Authorization")
    }

    func request(_ service: String, _ method: String, _ path: String, body: Data? = nil, contentType: String? = nil,
                 headers: [String: String] = [:], anonymous: Bool = false) async throws -> (status: Int, body: Data, contentType: String?) {
        var request = URLRequest(url: url(service, path))
        request.httpMethod = method
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        authorize(&request, service, anonymous: anonymous)
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return (http.statusCode, data, http.value(forHTTPHeaderField: "Content-Type"))
    }

    /// Creates an API key with intake's own command, as an operator would.
    func createKey(_ name: String, scopes: [String]) throws -> String {
        try run(binDirectory + "/intake", ["keys", "create", "--name", name] + scopes.flatMap { ["--scope", $0] }
                + ["--data-dir", directory + "/data/intake", "--keys-dir", directory + "/keys"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func postUpdate(_ id: String, key: String?, _ body: [String: Any]) async throws -> (status: Int, json: [String: Any]) {
        var request = URLRequest(url: url("intake", "/v1/cases/\(id)/updates"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    /// Polls reporting until the case view satisfies `condition`, at most `seconds`.
    /// Waits until intake has applied routing's first decision for the case, after which the bureau's key may act on
    /// it. Reporting can learn the decision first: the two follow routing's events over separate links.
    func waitUntilIntakeKnowsTheBureau(_ id: String, seconds: Double = 5) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let (status, body, _) = try await request("intake", "GET", "/open311/v2/requests/\(id).json")
            if status == 200, let list = try? JSONSerialization.jsonObject(with: body) as? [[String: Any]],
               list.first?["agency_responsible"] is String { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw StackError("intake did not learn which bureau owns \(id)")
    }

    func waitForCase(_ id: String, seconds: Double = 5, _ condition: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        var last: [String: Any] = [:]
        while Date() < deadline {
            let (status, json) = try await getJSON("reporting", "/v1/cases/\(id)")
            last = json
            if status == 200 && condition(json) { return json }
            try await Task.sleep(for: .milliseconds(25))
        }
        return last
    }

    @discardableResult
    /// Runs `intake <arguments>` against this stack's intake data, as an operator would: exit status and output.
    func intakeCommand(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try command("intake", arguments)
    }

    /// Runs `<service> <arguments>` against that service's data, as an operator would: exit status and output.
    func command(_ service: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try ChildProcess.run(binDirectory + "/" + service,
                                          arguments + ["--data-dir", directory + "/data/" + service, "--keys-dir", directory + "/keys"],
                                          errorsApart: true)
        return (result.status, result.output)
    }

    /// The same, with what the command wrote to stderr kept apart (in a file, so neither stream can block the other).
    func commandSeparatingErrors(_ service: String, _ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binDirectory + "/" + service)
        process.arguments = arguments + ["--data-dir", directory + "/data/" + service, "--keys-dir", directory + "/keys"]
        let errorsPath = directory + "/\(service)-command-\(UUID().uuidString).stderr"
        _ = FileManager.default.createFile(atPath: errorsPath, contents: nil)
        let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: errorsPath))
        let output = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errors.close()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self),
                (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? "")
    }

    private func run(_ executable: String, _ arguments: [String]) throws -> String {
        let result = try ChildProcess.run(executable, arguments, errorsApart: true)
        guard result.status == 0 else { throw StackError("\(executable) \(arguments) failed") }
        return result.output
    }
}

struct StackError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

