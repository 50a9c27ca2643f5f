import AsyncHTTPClient
import Foundation
import NIOHTTP1
import ZeroMQ

/// What checking the caller costs per request: the same reporting request (`GET /v1/cases?limit=1`) made with an API
/// key (intake's answer kept a second), a person's session token as a bearer (EdDSA signature checked locally, the
/// revocation list consulted), the same token in the dashboard's cookie, beside the floor of `/health` (outside the
/// gate). Real intake and reporting executables on loopback; one request at a time, then 16 at once.
enum AccessBenchmark {
    struct Row {
        var label: String
        var p50: Double
        var p99: Double
        var perSecond: Double
    }

    static func run(binDirectory: String, directory: String, requests: Int) async throws -> [Row] {
        try launch(binDirectory + "/duban", ["keygen", "--dir", directory + "/keys"]).waitUntilExit()
        let intakePort = try LoopbackPort.free(), reportingPort = try LoopbackPort.free()
        let common = ["--keys-dir", directory + "/keys", "--log-level", "error", "--routing-config-dir", "deploy/config"]
        let keyPipe = Pipe()
        let keyProcess = try launch(binDirectory + "/intake", ["keys", "create", "--name", "bench", "--scope", "read",
                                                               "--data-dir", directory + "/intake"] + common, output: keyPipe)
        keyProcess.waitUntilExit()
        let key = String(decoding: keyPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let accountPipe = Pipe()
        let account = try launch(binDirectory + "/intake", ["accounts", "create", "--login", "bench.supervisor", "--name", "督办员",
                                                            "--role", "supervisor", "--data-dir", directory + "/intake"] + common, output: accountPipe)
        account.waitUntilExit()
        let created = String(decoding: accountPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard let line = created.split(separator: "\n").first(where: { $0.contains("temporary password:") }),
              let temporary = line.split(separator: " ").dropFirst(2).first.map(String.init) else { throw BenchError("no account: \(created)") }
        let intake = try launch(binDirectory + "/intake", ["--http-port", String(intakePort), "--data-dir", directory + "/intake",
                                                           "--events-bind", "tcp://127.0.0.1:\(try LoopbackPort.free())",
                                                           "--ingress-bind", "tcp://127.0.0.1:\(try LoopbackPort.free())"] + common)
        defer { intake.terminate(); intake.waitUntilExit() }
        let intakeURL = "http://127.0.0.1:\(intakePort)"
        let reporting = try launch(binDirectory + "/reporting", ["--http-port", String(reportingPort), "--data-dir", directory + "/reporting",
                                                                 "--events-bind", "tcp://127.0.0.1:\(try LoopbackPort.free())",
                                                                 "--intake-url", intakeURL] + common)
        defer { reporting.terminate(); reporting.waitUntilExit() }
        try await waitForHealth(intakeURL + "/health")
        let base = "http://127.0.0.1:\(reportingPort)"
        try await waitForHealth(base + "/health")

        let first = try await post(intakeURL + "/v1/sessions", ["login": "bench.supervisor", "password": temporary], token: nil)
        let token = try await post(intakeURL + "/v1/sessions/password", ["current": temporary, "new": "Bench-session-2026!"], token: first)

        let path = "/v1/cases?limit=1"
        var rows: [Row] = []
        for (label, url, headers) in [
            ("API key (Authorization: Bearer dbk_…; intake's answer kept 1 s)", base + path, [("Authorization", "Bearer " + key)]),
            ("session token as bearer (EdDSA verified here once per token; times and revocation list every request)", base + path, [("Authorization", "Bearer " + token)]),
            ("session token in the dashboard's cookie", base + path, [("Cookie", "duban_session=" + token)]),
            ("baseline: GET /health, outside the gate", base + "/health", []),
        ] {
            rows.append(try await measure(label, url: url, headers: headers, requests: requests))
        }
        return rows
    }

    static func measure(_ label: String, url: String, headers: [(String, String)], requests: Int) async throws -> Row {
        func once() async throws {
            var request = HTTPClientRequest(url: url)
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1 << 20)
            guard response.status == .ok else { throw BenchError("\(label): HTTP \(response.status.code)") }
        }
        for _ in 0..<50 { try await once() }  // warm: connections, the key cache, the public key
        var samples: [Double] = []
        for _ in 0..<requests {
            let start = ContinuousClock.now
            try await once()
            samples.append(seconds(ContinuousClock.now - start) * 1_000)
        }
        samples.sort()
        let concurrent = requests * 4
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<16 {
                group.addTask { for _ in stride(from: worker, to: concurrent, by: 16) { try await once() } }
            }
            try await group.waitForAll()
        }
        return Row(label: label, p50: percentile(samples, 0.5), p99: percentile(samples, 0.99),
                   perSecond: Double(concurrent) / seconds(ContinuousClock.now - start))
    }

    private static func post(_ url: String, _ body: [String: String], token: String?) async throws -> String {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer " + token) }
        request.body = .bytes(try JSONSerialization.data(withJSONObject: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let data = Data(buffer: try await response.body.collect(upTo: 1 << 20))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any], let token = object["token"] as? String else {
            throw BenchError("\(url) answered \(response.status.code): \(String(decoding: data, as: UTF8.self))")
        }
        return token
    }
}
