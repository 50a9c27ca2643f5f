import DubanMessaging
import DubanModels
import DubanStorage
import Foundation
import GRDB
import Logging
import ZeroMQ

// Duban's benchmarks. Each goal is printed beside the baseline it is judged against, measured in the same run.

if CommandLine.arguments.count == 3, CommandLine.arguments[1] == MinimalServer.command, let port = Int(CommandLine.arguments[2]) {
    try await MinimalServer.run(port: port)
    exit(0)
}

/// `BENCH_ONLY=hop,submit,routing,sweep,webhooks,reporting,access` runs some of them (default: all).
let only = Set((ProcessInfo.processInfo.environment["BENCH_ONLY"] ?? "hop,submit,routing,sweep,webhooks,reporting,access").split(separator: ",").map(String.init))
let eventCount = Int(ProcessInfo.processInfo.environment["BENCH_EVENTS"] ?? "") ?? 20_000
let batchSize = 100
let directory = NSTemporaryDirectory() + "duban-bench-\(UUID().uuidString)"
defer { try? FileManager.default.removeItem(atPath: directory) }

/// A representative event body, as event logs store it: a submitted case with a Chinese title and description.
let sampleEnvelope: EventEnvelope = {
    let draft = CaseDraft(title: "厂区频繁停电", description: String(repeating: "近一个月厂区已停电三次，生产线被迫中断。", count: 5),
                          channel: .meeting, submitter: Submitter(enterprise: "某视界有限公司"))
    let envelope = EventEnvelope(occurredAt: Date(), producer: "intake", caseID: "DB-20261127-000001",
                                 payload: .caseSubmitted(CaseSubmitted(draft: draft, submittedAt: Date())))
    return envelope
}()
let sampleBody = EventCodec.encode(sampleEnvelope)

struct Row {
    var name: String
    var rate: Double
    var detail: String
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    return seconds(ContinuousClock.now - start)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Every round's rate, as the tables print them: "89k 104k" (or "5.1k 5.3k" below ten thousand).
func roundList(_ rates: [Double]) -> String {
    rates.map { String(format: $0 >= 10_000 ? "%.0fk" : "%.1fk", $0 / 1_000) }.joined(separator: " ")
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

// MARK: Baseline 1: raw SQLite WAL inserts of the same rows, in batches of the same size.

/// The rows an event log holds (id, case, type, body, time), made before the clock starts, inserted with one prepared
/// statement into a table of the same shape: what SQLite alone does for the hop's producer. `bodyOnly` inserts just
/// the body into a two-column table, the narrower floor earlier runs compared with.
func rawSQLite(bodyOnly: Bool = false, round: Int = 0) throws -> Row {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("t") { db in
        try db.execute(sql: bodyOnly ? "CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)" : """
            CREATE TABLE t (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, case_id TEXT NOT NULL,
                            type TEXT NOT NULL, body BLOB NOT NULL, created_at DOUBLE NOT NULL)
            """)
    }
    let database = try ServiceDatabase(directory: directory, name: (bodyOnly ? "raw-body-" : "raw-rows-") + String(round), migrator: migrator)
    let rows: [StatementArguments] = (0..<eventCount).map { n in
        bodyOnly ? [sampleBody] : [EventID.text(EventID.next()), "DB-\(n)", sampleEnvelope.type.rawValue, sampleBody,
                                   Date().timeIntervalSince1970]
    }
    let sql = bodyOnly ? "INSERT INTO t (body) VALUES (?)" : "INSERT INTO t (event_id, case_id, type, body, created_at) VALUES (?, ?, ?, ?, ?)"
    let elapsed = try seconds {
        var index = 0
        while index < eventCount {
            let upper = min(eventCount, index + batchSize)
            try database.writer.write { db in
                let statement = try db.cachedStatement(sql: sql)
                for n in index..<upper { try statement.execute(arguments: rows[n]) }
            }
            index = upper
        }
    }
    return Row(name: bodyOnly ? "raw SQLite WAL insert, the body alone (batch \(batchSize))" : "raw SQLite WAL insert, the same rows (batch \(batchSize))",
               rate: Double(eventCount) / elapsed, detail: bodyOnly ? "for reference" : "baseline")
}

// MARK: Baseline 2: raw libzmq DEALER → ROUTER over loopback TCP, same message size.

func rawZeroMQ() throws -> Row {
    let context = try ZMQContext()
    let router = try ZMQSocket(context, type: .router)
    try router.set(.linger(milliseconds: 0))
    try router.set(.receiveHighWaterMark(0))
    try router.bind("tcp://127.0.0.1:*")
    let endpoint = try router.lastEndpoint
    let done = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
        // The dealer lives on its own thread for its whole life.
        let dealer = try! ZMQSocket(context, type: .dealer)
        try! dealer.set(.linger(milliseconds: 0))
        try! dealer.set(.sendHighWaterMark(0))
        try! dealer.connect(endpoint)
        for _ in 0..<eventCount { try! dealer.send([sampleBody]) }
        done.wait()
        dealer.close()
    }
    let elapsed = try seconds {
        for _ in 0..<eventCount { _ = try router.receive() }
    }
    done.signal()
    router.close()
    return Row(name: "raw libzmq DEALER→ROUTER tcp", rate: Double(eventCount) / elapsed, detail: "baseline, \(sampleBody.count) B")
}

// MARK: The hop's two ends alone, without the link: where its time goes.

/// The producer's share: encode and append every event in batches of the same size, nothing sent.
func producerAppendOnly() throws -> Row {
    var migrator = DatabaseMigrator()
    EventStoreSchema.register(in: &migrator)
    let database = try ServiceDatabase(directory: directory, name: "append-only", migrator: migrator)
    let log = EventLog(producer: "intake")
    let elapsed = try seconds {
        var index = 0
        while index < eventCount {
            let range = index..<min(eventCount, index + batchSize)
            try database.writer.write { db in
                for n in range { try log.append(sampleEnvelope.payload, caseID: CaseID(rawValue: "DB-\(n)"), at: Date(), in: db) }
            }
            index = range.upperBound
        }
    }
    return Row(name: "producer alone: encode + append to the event log", rate: Double(eventCount) / elapsed, detail: "part of the hop")
}

/// The consumer's share: decode and apply every event with its cursor, in the listener's batches, nothing received.
func consumerApplyOnly() throws -> Row {
    var migrator = DatabaseMigrator()
    EventStoreSchema.register(in: &migrator)
    migrator.registerMigration("applied") { try $0.execute(sql: "CREATE TABLE applied (event_id TEXT PRIMARY KEY, latency REAL NOT NULL)") }
    let database = try ServiceDatabase(directory: directory, name: "apply-only", migrator: migrator)
    let bodies = (0..<eventCount).map { _ in
        EventCodec.encode(EventEnvelope(occurredAt: Date(), producer: "intake", caseID: "DB-1", payload: sampleEnvelope.payload))
    }
    let elapsed = try seconds {
        var index = 0
        while index < eventCount {
            let range = index..<min(eventCount, index + 500)
            try database.writer.write { db in
                for n in range {
                    let event = try EventCodec.decode(bodies[n])
                    try db.cachedStatement(sql: "INSERT INTO applied (event_id, latency) VALUES (?, ?)")
                        .execute(arguments: [EventID.text(event.id), 0.0])
                }
                try EventLogQueries.saveAppliedSeq(Int64(range.upperBound), producer: "intake", in: db)
            }
            index = range.upperBound
        }
    }
    return Row(name: "consumer alone: decode + apply + cursor", rate: Double(eventCount) / elapsed, detail: "part of the hop")
}

// MARK: The goal: one durable hop (producer commit, CURVE send, consumer commit, acknowledgement).

func durableHop(rounds: Int, beforeRound: (Int) throws -> Void) async throws -> Row {
    var producerMigrator = DatabaseMigrator()
    EventStoreSchema.register(in: &producerMigrator)
    let producerDB = try ServiceDatabase(directory: directory, name: "producer", migrator: producerMigrator)
    var consumerMigrator = DatabaseMigrator()
    EventStoreSchema.register(in: &consumerMigrator)
    consumerMigrator.registerMigration("applied") { db in
        try db.execute(sql: "CREATE TABLE applied (event_id TEXT PRIMARY KEY, latency REAL NOT NULL)")
    }
    let consumerDB = try ServiceDatabase(directory: directory, name: "consumer", migrator: consumerMigrator)
    let producerKeys = try CurveKeyPair.generate(), consumerKeys = try CurveKeyPair.generate()
    let keys = ["intake": producerKeys.publicKey, "routing": consumerKeys.publicKey]
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    let producerContext = try ZMQContext(), consumerContext = try ZMQContext()
    let zap = try ZAPAuthenticator(context: consumerContext,
                                   keyRing: KeyRing(service: "routing", keyPair: consumerKeys, publicKeys: keys), logger: logger)
    await zap.start()
    let tcp = "tcp://127.0.0.1:\(try LoopbackPort.free())"

    let log = EventLog(producer: "intake")
    let listener = EventListener(service: "routing", endpoint: tcp, database: consumerDB.writer, context: consumerContext,
                                 security: .curve(KeyRing(service: "routing", keyPair: consumerKeys, publicKeys: keys)),
                                 logger: logger) { db, event in
        try db.cachedStatement(sql: "INSERT INTO applied (event_id, latency) VALUES (?, ?)")
            .execute(arguments: [EventID.text(event.id), Date().timeIntervalSince(event.occurredAt)])
    }
    let relay = EventRelay(log: log, consumer: "routing", endpoint: tcp, database: producerDB.writer, context: producerContext,
                           security: .curve(KeyRing(service: "intake", keyPair: producerKeys, publicKeys: keys)), logger: logger)
    let consumerTask = Task {
        do { try await listener.run() } catch { fatalError("the consumer stopped: \(error)") }
    }
    let producerTask = Task { try await relay.run() }
    defer { consumerTask.cancel(); producerTask.cancel(); zap.stop() }

    // Rounds of the same size on the same connected pair, each after `beforeRound` (the baselines, interleaved so the
    // machine's noise hits both alike); the median round is the figure.
    var rates: [Double] = []
    var appended = 0
    for round in 0..<rounds {
        try beforeRound(round)
        let start = ContinuousClock.now
        let target = appended + eventCount
        while appended < target {
            let range = appended..<min(target, appended + batchSize)
            try await producerDB.writer.write { db in
                for n in range {
                    try log.append(sampleEnvelope.payload, caseID: CaseID(rawValue: "DB-\(n)"), at: Date(), in: db)
                }
            }
            appended = range.upperBound
        }
        while relay.acknowledgedSeq < Int64(target) { try await Task.sleep(for: .milliseconds(1)) }
        rates.append(Double(eventCount) / seconds(ContinuousClock.now - start))
    }
    let latencies = try await consumerDB.writer.read { try Double.fetchAll($0, sql: "SELECT latency FROM applied ORDER BY latency") }
    return Row(name: "durable hop, CURVE (commit→send→commit→ack)", rate: median(rates),
               detail: String(format: "p50 %.1f ms, p99 %.1f ms; rounds %@", percentile(latencies, 0.5) * 1_000,
                              percentile(latencies, 0.99) * 1_000, roundList(rates)))
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

// MARK: Why the event form matters: encoding and decoding one envelope, binary (what the hop uses) against JSON.

func codecMicroseconds() throws -> (binaryEncode: Double, binaryDecode: Double, jsonEncode: Double, jsonDecode: Double) {
    let encoder = DubanJSON.encoder(), decoder = DubanJSON.decoder()
    let json = try encoder.encode(sampleEnvelope)
    let n = 20_000
    let perEvent = { (total: Double) in total / Double(n) * 1e6 }
    return (perEvent(seconds { for _ in 0..<n { _ = EventCodec.encode(sampleEnvelope) } }),
            perEvent(try seconds { for _ in 0..<n { _ = try EventCodec.decode(sampleBody) } }),
            perEvent(try seconds { for _ in 0..<n { _ = try encoder.encode(sampleEnvelope) } }),
            perEvent(try seconds { for _ in 0..<n { _ = try decoder.decode(EventEnvelope.self, from: json) } }))
}

try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
print("Duban benchmarks: \(eventCount) events a round of \(sampleBody.count) bytes, batches of \(batchSize), on \(ProcessInfo.processInfo.activeProcessorCount) cores")
if only.contains("hop") {
let rounds = 5
var sqliteRounds: [Row] = [], bodyOnlyRounds: [Row] = []
let hop = try await durableHop(rounds: rounds) { round in
    sqliteRounds.append(try rawSQLite(round: round))
    bodyOnlyRounds.append(try rawSQLite(bodyOnly: true, round: round))
}
func medianRow(_ rows: [Row]) -> Row {
    var row = rows.sorted { $0.rate < $1.rate }[rows.count / 2]
    row.detail += "; rounds " + roundList(rows.map(\.rate))
    return row
}
let sqlite = medianRow(sqliteRounds), sqliteBodyOnly = medianRow(bodyOnlyRounds)
let zeromq = try rawZeroMQ()
let producerAlone = try producerAppendOnly()
let consumerAlone = try consumerApplyOnly()
print("")
print("| measurement | events/s | notes |")
print("|---|---:|---|")
for row in [hop, sqlite, sqliteBodyOnly, zeromq, producerAlone, consumerAlone] {
    print("| \(row.name) | \(Int(row.rate)) | \(row.detail) |")
}
let ratio = hop.rate / sqlite.rate
print("")
print(String(format: "durable hop / raw SQLite batched insert of the same rows = %.2f (goal ≥ 0.50): %@; against the body alone %.2f",
             ratio, ratio >= 0.5 ? "MET" : "NOT MET", hop.rate / sqliteBodyOnly.rate))
let codec = try codecMicroseconds()
print("")
print("| one envelope | binary (event logs, wire) | JSON (APIs) |")
print("|---|---:|---:|")
print(String(format: "| encode | %.1f µs | %.1f µs |", codec.binaryEncode, codec.jsonEncode))
print(String(format: "| decode | %.1f µs | %.1f µs |", codec.binaryDecode, codec.jsonDecode))
print("| size | \(sampleBody.count) B | \((try DubanJSON.encoder().encode(sampleEnvelope)).count) B |")
}

if only.contains("submit") {
let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
let submitRequests = Int(ProcessInfo.processInfo.environment["BENCH_SUBMITS"] ?? "") ?? 15_000
let submit = try await SubmitBenchmark.run(binDirectory: binDirectory, directory: directory + "/submit", requests: submitRequests)
let submitRatio = submit.durable.perSecond / submit.baseline.perSecond
print("")
print("POST /v1/cases, \(submit.requests) requests each side in \(SubmitBenchmark.rounds) alternating rounds (median shown), \(submit.concurrency) in flight, the real intake (release):")
print("")
print("| measurement | requests/s | p50 | p99 |")
print("|---|---:|---:|---:|")
print(String(format: "| durable: validated, stored with its event, committed before the 201 | %.0f | %.1f ms | %.1f ms |", submit.durable.perSecond, submit.durable.p50, submit.durable.p99))
print(String(format: "| baseline: minimal Hummingbird handler, reads the body, stores nothing | %.0f | %.1f ms | %.1f ms |", submit.baseline.perSecond, submit.baseline.p50, submit.baseline.p99))
print("")
print("rounds: durable \(roundList(submit.durableRounds)); baseline \(roundList(submit.baselineRounds))")
print(String(format: "durable / minimal handler = %.2f (goal ≥ 0.50): %@", submitRatio, submitRatio >= 0.5 ? "MET" : "NOT MET"))
}

if only.contains("routing") {
let routingDirectory = directory + "/routing"
try FileManager.default.createDirectory(atPath: routingDirectory, withIntermediateDirectories: true)
let routing = try RoutingBenchmark.run(directory: routingDirectory)
print("")
print("Routing with 1,000 categories and 10,000 keywords:")
print("")
print("| measurement | Duban (Aho–Corasick) | baseline (String.contains per keyword) |")
print("|---|---:|---:|")
print(String(format: "| routing decisions per second (100-character cases) | %.0f | %.0f |", routing.decisionsPerSecond, routing.baselinePerSecond))
print(String(format: "| time to route a 1,000-character description | %.0f µs | %.0f µs |", routing.longDescriptionMicroseconds, routing.baselineLongMicroseconds))
}

if only.contains("sweep") {
let sweepCases = Int(ProcessInfo.processInfo.environment["BENCH_SWEEP_CASES"] ?? "") ?? 1_000_000
let configDirectory = ProcessInfo.processInfo.environment["DUBAN_CONFIG"] ?? "deploy/config"
let sweep = try SweepBenchmark.run(directory: directory + "/sweep", config: configDirectory, cases: sweepCases)
print("")
print("Escalation sweep over \(sweep.cases) open cases (about 5 % overdue):")
print("")
print("| measurement | seconds | notices |")
print("|---|---:|---:|")
print(String(format: "| baseline: read every open case once | %.2f | – |", sweep.fullScanSeconds))
print(String(format: "| sweep on Monday 10:00 (warnings, escalations, weekly digests) | %.2f | %d |", sweep.weeklySweepSeconds, sweep.weeklyNotices))
print(String(format: "| sweep an hour later (steady state) | %.2f | %d |", sweep.hourlySweepSeconds, sweep.hourlyNotices))
print(String(format: "peak resident memory of the whole benchmark process: %.0f MB", sweep.peakMegabytes))
}

if only.contains("webhooks") {
let webhookNotices = Int(ProcessInfo.processInfo.environment["BENCH_WEBHOOK_NOTICES"] ?? "") ?? 10_000
let webhooks = try await WebhookBenchmark.run(directory: directory + "/webhooks", notices: webhookNotices)
print("")
print("Webhook delivery to a local receiver, \(webhooks.notices) notices, \(webhooks.concurrency) in flight:")
print("")
print("| measurement | notices/s |")
print("|---|---:|")
print(String(format: "| Duban: signed (Standard Webhooks), each outcome recorded in SQLite | %.0f |", webhooks.deliveredPerSecond))
print(String(format: "| baseline: bare HTTP POSTs of the same body, same concurrency | %.0f |", webhooks.baselinePerSecond))
print("the receiver got \(webhooks.received) of \(webhooks.notices) from Duban")
}

if only.contains("reporting") {
let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
let reportingCases = Int(ProcessInfo.processInfo.environment["BENCH_REPORTING_CASES"] ?? "") ?? 1_000_000
let reporting = try await ReportingBenchmark.run(binDirectory: binDirectory, directory: directory + "/reporting",
                                                 cases: reportingCases, requests: 50)
print("")
print("Reporting over \(reporting.cases) cases in a year (\(reporting.events) events; the real reporting executable, release):")
print("")
print("| rebuild the read model from the event history | seconds | events/s |")
print("|---|---:|---:|")
print(String(format: "| Duban: every event folded into case_view and the timeline, in the listener's batches of %d | %.1f | %.0f |",
             ReportingBenchmark.batch, reporting.rebuildSeconds, Double(reporting.events) / reporting.rebuildSeconds))
print(String(format: "| baseline: the same events appended to a bare table, same batches | %.1f | %.0f |",
             reporting.bareInsertSeconds, Double(reporting.events) / reporting.bareInsertSeconds))
print("")
print("| request (50 in a row, after one to warm) | p50 | p99 |")
print("|---|---:|---:|")
print(String(format: "| GET /v1/stats, all %d cases, overall and per bureau | %.1f ms | %.1f ms |", reporting.collected, reporting.stats.p50, reporting.stats.p99))
print(String(format: "| GET /v1/stats for last month | %.1f ms | %.1f ms |", reporting.statsMonth.p50, reporting.statsMonth.p99))
print(String(format: "| GET /dashboard (overview: figures, 12-week trend, scoreboard, overdue list) | %.1f ms | %.1f ms |", reporting.overview.p50, reporting.overview.p99))
print(String(format: "| GET /health (cases by status, summed from the daily figures) | %.1f ms | %.1f ms |", reporting.health.p50, reporting.health.p99))
print(String(format: "| baseline: GET of an unknown path, 404 from the router (the HTTP floor) | %.1f ms | %.1f ms |", reporting.floor.p50, reporting.floor.p99))
print(String(format: "| baseline: SQLite counting the %d rows once | %.1f ms | – |", reporting.collected, reporting.countSeconds * 1_000))
}

if only.contains("access") {
let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
let rows = try await AccessBenchmark.run(binDirectory: binDirectory, directory: directory + "/access", requests: 2_000)
print("")
print("Checking the caller on every request: reporting's GET /v1/cases?limit=1 (real intake and reporting, release):")
print("")
print("| credential | p50 | p99 | requests/s, 16 at once |")
print("|---|---:|---:|---:|")
for row in rows {
    print("| \(row.label) | " + String(format: "%.2f ms | %.2f ms | %.0f |", row.p50, row.p99, row.perSecond))
}
}
