import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import Synchronization
import ZeroMQ

/// Durable `POST /v1/cases` against the real intake executable (validated, stored with its event, committed before
/// the 201), beside a minimal Hummingbird handler that reads the same body and answers without storing. Same client,
/// same concurrency, same machine, same run.
enum SubmitBenchmark {
    struct Result {
        var requests: Int
        var concurrency: Int
        var durable: (perSecond: Double, p50: Double, p99: Double)
        var baseline: (perSecond: Double, p50: Double, p99: Double)
        /// Every round's requests per second, in the order run.
        var durableRounds: [Double]
        var baselineRounds: [Double]
    }

    static let body = Data(#"{"title":"厂区频繁停电","description":"近一个月厂区已停电三次，生产线被迫中断。请供电部门排查线路。","channel":"meeting","enterprise":"某视界有限公司","submitter":{"name":"张三","phone":"13800000000"}}"#.utf8)

    static let rounds = 5

    static func run(binDirectory: String, directory: String, requests: Int, concurrency: Int = 32) async throws -> Result {
        // The real intake, as `make run` starts it.
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try launch(binDirectory + "/duban", ["keygen", "--dir", directory + "/keys"]).waitUntilExit()
        let keyOutput = Pipe()
        let create = try launch(binDirectory + "/intake", ["keys", "create", "--name", "bench", "--scope", "submit",
                                                           "--data-dir", directory + "/intake", "--keys-dir", directory + "/keys"],
                                output: keyOutput)
        let key = String(decoding: keyOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        create.waitUntilExit()
        let port = try LoopbackPort.free()
        let intake = try launch(binDirectory + "/intake", [
            "--http-port", String(port), "--data-dir", directory + "/intake", "--keys-dir", directory + "/keys",
            "--events-bind", "tcp://127.0.0.1:\(try LoopbackPort.free())", "--ingress-bind", "tcp://127.0.0.1:\(try LoopbackPort.free())",
            "--log-level", "error"])
        defer { intake.terminate(); intake.waitUntilExit() }
        let durableURL = "http://127.0.0.1:\(port)/v1/cases"
        try await waitForHealth("http://127.0.0.1:\(port)/health")

        // The floor: read the body, answer 201, store nothing; a process of its own, like intake.
        let baselinePort = try LoopbackPort.free()
        let baselineServer = try launch(CommandLine.arguments[0], [MinimalServer.command, String(baselinePort)])
        defer { baselineServer.terminate(); baselineServer.waitUntilExit() }
        try await waitForHealth("http://127.0.0.1:\(baselinePort)/health")
        let baselineURL = "http://127.0.0.1:\(baselinePort)/v1/cases"

        // One keep-alive connection per worker, so neither side pays for connecting.
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        _ = try await load(client, url: baselineURL, key: key, requests: concurrency * 20, concurrency: concurrency)  // warm up both
        _ = try await load(client, url: durableURL, key: key, requests: concurrency * 20, concurrency: concurrency)
        // Alternating rounds, the median of each side: the machine's noise hits both alike.
        var baselineRounds: [(perSecond: Double, p50: Double, p99: Double)] = []
        var durableRounds: [(perSecond: Double, p50: Double, p99: Double)] = []
        for _ in 0..<rounds {
            baselineRounds.append(try await load(client, url: baselineURL, key: key, requests: requests / rounds, concurrency: concurrency))
            durableRounds.append(try await load(client, url: durableURL, key: key, requests: requests / rounds, concurrency: concurrency))
        }
        let baseline = baselineRounds.sorted { $0.perSecond < $1.perSecond }[rounds / 2]
        let durable = durableRounds.sorted { $0.perSecond < $1.perSecond }[rounds / 2]
        try await client.shutdown()
        return Result(requests: requests, concurrency: concurrency, durable: durable, baseline: baseline,
                      durableRounds: durableRounds.map(\.perSecond), baselineRounds: baselineRounds.map(\.perSecond))
    }

    /// `requests` POSTs from `concurrency` workers; every answer must be 201.
    private static func load(_ client: HTTPClient, url: String, key: String, requests: Int, concurrency: Int) async throws -> (perSecond: Double, p50: Double, p99: Double) {
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var mine: [Double] = []
                    for _ in stride(from: worker, to: requests, by: concurrency) {
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.headers.add(name: "Authorization", value: "Bearer \(key)")
                        request.body = .bytes(ByteBuffer(data: body))
                        let sent = ContinuousClock.now
                        let response = try await client.execute(request, timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 16)
                        guard response.status == .created else { throw BenchError("POST answered \(response.status)") }
                        mine.append(seconds(ContinuousClock.now - sent))
                    }
                    return mine
                }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all.sorted()
        }
        let total = seconds(ContinuousClock.now - start)
        return (Double(requests) / total, latencies[latencies.count / 2] * 1_000, latencies[min(latencies.count - 1, latencies.count * 99 / 100)] * 1_000)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
