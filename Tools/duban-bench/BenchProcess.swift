import AsyncHTTPClient
import Foundation

/// The real executables the benchmarks start, and waiting until one answers.
func waitForHealth(_ url: String) async throws {
    for _ in 0..<200 {
        if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(1)), response.status == .ok { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw BenchError("\(url) did not answer")
}

func launch(_ path: String, _ arguments: [String], output: Pipe? = nil) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.standardOutput = output ?? FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
}
