import Foundation

/// Runs a program to its end, as the end-to-end tests run the services' commands, scripts and tools.
enum ChildProcess {
    struct Result {
        var status: Int32
        /// Standard output, and standard error too unless `errorsApart`, as bytes.
        var outputBytes: Data
        /// The same as text (UTF-8).
        var output: String { String(decoding: outputBytes, as: UTF8.self) }
    }

    /// `executable` with `arguments`, in `directory`, with `environment` added to this process's, `input` on standard
    /// input. Throws only when the program cannot be started.
    static func run(_ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
                    input: Data? = nil, errorsApart: Bool = false) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let output = Pipe()
        process.standardOutput = output
        if !errorsApart { process.standardError = output }
        let stdin = input.map { _ in Pipe() }
        if let stdin { process.standardInput = stdin }
        try process.run()
        if let stdin, let input {
            stdin.fileHandleForWriting.write(input)
            try stdin.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, outputBytes: data)
    }
}
