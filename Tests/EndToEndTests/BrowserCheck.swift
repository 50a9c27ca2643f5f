import Foundation

/// A browser check (a script in `Tests/EndToEndTests/Browser/`, driving Debian's headless chromium through selenium)
/// run against a stack with the python `make test` sets up (`DUBAN_BROWSER_PYTHON`, from scripts/ensure-browser.sh).
enum BrowserCheck {
    /// Runs `script` with `arguments` plus `--base` (the stack's reporting) and `--out` (`.build/test-output/<output>`,
    /// emptied first, for screenshots): its exit status and everything it printed.
    static func run(_ script: String, output: String, stack: Stack, arguments: [String]) throws -> (status: Int32, text: String) {
        let folder = stack.repository + "/.build/test-output/" + output
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let python = ProcessInfo.processInfo.environment["DUBAN_BROWSER_PYTHON"] ?? "python3"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, stack.repository + "/Tests/EndToEndTests/Browser/" + script,
                             "--base", "http://127.0.0.1:\(stack.httpPorts["reporting"]!)", "--out", folder] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// What a failed check's expectation says.
    static func failure(_ text: String) -> String {
        "the browser check failed (set DUBAN_BROWSER_PYTHON to a python with selenium and pypdf; `make test` does): \(text.suffix(6_000))"
    }
}
