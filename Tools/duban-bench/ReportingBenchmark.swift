import AsyncHTTPClient
import DubanMessaging
import DubanModels
import DubanRuntime
import DubanStorage
import Foundation
import GRDB
import NIOHTTP1
import ReportingService
import ZeroMQ

/// Reporting over a year of 1,000,000 cases: the time to rebuild the read model from the whole event history (every
/// event folded as the listener folds it, in its batches), beside writing the same events into a bare table; then
/// `GET /v1/stats` and the overview page served by the real reporting executable over that read model, beside the
/// floors it is judged against (a path the router refuses without reading anything, and SQLite counting the rows).
enum ReportingBenchmark {
    struct Latency {
        var p50: Double
        var p99: Double
    }

    struct Result {
        var cases: Int
        var events: Int
        var rebuildSeconds: Double
        var bareInsertSeconds: Double
        var stats: Latency
        var statsMonth: Latency
        var overview: Latency
        var health: Latency
        var floor: Latency
        var countSeconds: Double
        var collected: Int
    }

    static let batch = 500  // the listener's batch
    static let bureaus = 20

    static func run(binDirectory: String, directory: String, cases: Int, requests: Int) async throws -> Result {
        var migrator = DatabaseMigrator()
        EventStoreSchema.register(in: &migrator)
        Reporting.registerMigrations(in: &migrator)
        let database = try ServiceDatabase(directory: directory + "/reporting", name: "reporting", migrator: migrator)
        var bareMigrator = DatabaseMigrator()
        bareMigrator.registerMigration("t") { try $0.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)") }
        let bare = try ServiceDatabase(directory: directory + "/bare", name: "bare", migrator: bareMigrator)

        // Case by case, one batch of events at a time: never the whole history in memory.
        var history = History(cases: cases, now: now)
        var events = 0, rebuild = 0.0, bareInsert = 0.0
        while let chunk = history.next(batch) {
            events += chunk.count
            rebuild += try seconds {
                try database.writer.write { db in for event in chunk { try Reporting.fold(event, in: db) } }
            }
            bareInsert += try seconds {
                try bare.writer.write { db in
                    for event in chunk {
                        try db.cachedStatement(sql: "INSERT INTO t (body) VALUES (?)").execute(arguments: [EventCodec.encode(event)])
                    }
                }
            }
        }
        try await database.writer.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        var collected = 0
        let count = try seconds { collected = try database.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM case_view") ?? 0 } }

        // The real reporting executable on that data, with keys of its own, and an intake that answers for the API key
        // every request brings (reporting answers only a session or a key).
        try launch(binDirectory + "/duban", ["keygen", "--dir", directory + "/keys"]).waitUntilExit()
        let keyPipe = Pipe()
        let made = try launch(binDirectory + "/intake", ["keys", "create", "--name", "bench", "--scope", "read", "--data-dir", directory + "/intake",
                                                         "--keys-dir", directory + "/keys"], output: keyPipe)
        made.waitUntilExit()
        let key = String(decoding: keyPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let intakePort = try LoopbackPort.free()
        let intake = try launch(binDirectory + "/intake", [
            "--http-port", String(intakePort), "--data-dir", directory + "/intake", "--keys-dir", directory + "/keys",
            "--events-bind", "tcp://127.0.0.1:\(try LoopbackPort.free())", "--ingress-bind", "tcp://127.0.0.1:\(try LoopbackPort.free())",
            "--log-level", "error"])
        defer { intake.terminate(); intake.waitUntilExit() }
        let port = try LoopbackPort.free()
        let reporting = try launch(binDirectory + "/reporting", [
            "--http-port", String(port), "--data-dir", directory + "/reporting", "--keys-dir", directory + "/keys",
            "--events-bind", "tcp://127.0.0.1:\(try LoopbackPort.free())", "--log-level", "error",
            "--intake-url", "http://127.0.0.1:\(intakePort)"])
        defer { reporting.terminate(); reporting.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)"
        try await waitForHealth("http://127.0.0.1:\(intakePort)/health")
        try await waitForHealth(base + "/health")
        func measure(_ path: String, status: HTTPResponseStatus = .ok) async throws -> Latency {
            _ = try await get(base + path, key: key, status: status)  // warm: pages in the database file
            var samples: [Double] = []
            for _ in 0..<requests {
                let start = ContinuousClock.now
                _ = try await get(base + path, key: key, status: status)
                samples.append(seconds(ContinuousClock.now - start) * 1_000)
            }
            samples.sort()
            return Latency(p50: percentile(samples, 0.5), p99: percentile(samples, 0.99))
        }
        return Result(cases: cases, events: events, rebuildSeconds: rebuild, bareInsertSeconds: bareInsert,
                      stats: try await measure("/v1/stats"), statsMonth: try await measure("/v1/stats?from=\(ReportingBenchmark.lastMonth)"),
                      overview: try await measure("/dashboard"), health: try await measure("/health"),
                      floor: try await measure("/v1/no-such-path", status: .notFound),
                      countSeconds: count, collected: collected)
    }

    /// The history ends now, so the server's clock sees the recent cases open and some overdue.
    static let now = Date()

    /// `from=…&to=…` for the calendar month before now.
    static var lastMonth: String {
        let calendar = ChinaTime.calendar
        let thisMonth = calendar.date(from: calendar.dateComponents([.year, .month], from: now))!
        let previous = calendar.date(byAdding: .month, value: -1, to: thisMonth)!
        func day(_ date: Date) -> String {
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        }
        return "\(day(previous))&to=\(day(thisMonth))"
    }

    private static func get(_ url: String, key: String, status: HTTPResponseStatus = .ok) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer " + key)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 16 * 1_024 * 1_024)
        guard response.status == status else { throw BenchError("\(url) answered \(response.status.code)") }
        return body.readableBytes
    }

    /// A year of cases, a steady caseload: each submitted, routed to one of 20 bureaus with a 10-day deadline; most
    /// signed, measured and resolved (one in ten late), most confirmed and rated; one in twenty never resolved.
    struct History {
        let cases: Int
        let now: Date
        var next = 0
        var generator = SeededGenerator(seed: 48)
        var pending: [EventEnvelope] = []

        init(cases: Int, now: Date) {
            self.cases = cases
            self.now = now
        }

        mutating func next(_ count: Int) -> [EventEnvelope]? {
            while pending.count < count && next < cases {
                pending += events(of: next)
                next += 1
            }
            guard !pending.isEmpty else { return nil }
            let chunk = Array(pending.prefix(count))
            pending.removeFirst(chunk.count)
            return chunk
        }

        private mutating func events(of index: Int) -> [EventEnvelope] {
            let id = CaseID(rawValue: String(format: "DB-%08d", index))
            let submitted = now.addingTimeInterval(-365 * 86_400 * Double(cases - index) / Double(cases))
            let bureau = BureauID(rawValue: "bureau-\(index % ReportingBenchmark.bureaus)")
            var out: [EventEnvelope] = []
            func add(_ at: Date, _ producer: String, _ payload: EventPayload) {
                out.append(EventEnvelope(occurredAt: at, producer: producer, caseID: id, payload: payload))
            }
            let draft = CaseDraft(title: "企业反映问题 \(index)", description: "近一个月厂区已停电三次，生产线被迫中断。请有关部门协调解决。",
                                  channel: .meeting, submitter: Submitter(enterprise: "某企业"))
            add(submitted, "intake", .caseSubmitted(CaseSubmitted(draft: draft, submittedAt: submitted)))
            let deadline = submitted.addingTimeInterval(10 * 86_400)
            add(submitted.addingTimeInterval(1), "routing", .caseRouted(CaseRouted(
                bureau: bureau, bureauName: "第\(index % ReportingBenchmark.bureaus)局", category: "c", deadline: deadline,
                deadlineClass: "general", rule: "keywords", score: 2, alternatives: [])))
            let roll = Double.random(in: 0..<1, using: &generator)
            let age = now.timeIntervalSince(submitted)
            func update(_ days: Double, _ action: CaseAction, _ status: CaseStatus, note: String? = nil, score: Int? = nil) {
                let at = submitted.addingTimeInterval(days * 86_400)
                if at < now { add(at, "intake", .caseUpdated(CaseUpdated(action: action, actor: "key-\(bureau.rawValue)", status: status,
                                                                        bureau: bureau, note: note, satisfaction: score))) }
            }
            if roll < 0.98 { update(1, .sign, .signed) }
            if roll < 0.96 { update(3, .measure, .inProgress, note: "协调供电公司排查线路") }
            if roll < 0.95 { update(roll < 0.85 ? 8 : 12, .resolve, .resolved, note: "已更换变压器") }  // one in ten late
            if roll < 0.6 && age > 14 * 86_400 { update(14, .confirm, .closed); update(14.1, .rate, .closed, score: roll < 0.5 ? 5 : 2) }
            return out
        }
    }
}
