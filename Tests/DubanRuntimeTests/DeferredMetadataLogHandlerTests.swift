import DubanRuntime
import Logging
import Synchronization
import Testing

/// The deferred handler writes exactly the lines swift-log's stream handler writes, metadata included, and nothing
/// below its level.
@Suite struct DeferredMetadataLogHandlerTests {
    /// Lines written, shared by the copies swift-log makes of a handler's stream.
    final class Lines: TextOutputStream, Sendable {
        private let text = Mutex("")
        func write(_ string: String) { text.withLock { $0 += string } }
        /// Each line without its timestamp (the first field), which differs between two handlers.
        var withoutTimestamps: [String] {
            text.withLock { $0 }.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 1).last.map(String.init) ?? "" }
        }
    }

    func logLines(deferred: Bool) -> [String] {
        let lines = Lines()
        let stream = StreamLogHandler(label: "duban.test", stream: lines, metadataProvider: nil)
        var logger = Logger(label: "duban.test") { _ -> any LogHandler in deferred ? DeferredMetadataLogHandler(stream) : stream }
        logger.logLevel = .info
        logger[metadataKey: "hb.request.id"] = "42"
        logger[metadataKey: "link"] = "intake->routing"
        logger.debug("not written", metadata: ["skipped": "yes"])
        logger.info("relay started")
        logger.warning("refused a peer", metadata: ["endpoint": "tcp://127.0.0.1:1", "link": "explicit wins"])
        logger[metadataKey: "hb.request.id"] = nil
        logger.error("no request any more")
        return lines.withoutTimestamps
    }

    @Test("same lines as StreamLogHandler, explicit metadata over the logger's, debug not written")
    func sameLines() {
        let expected = logLines(deferred: false)
        #expect(expected.count == 3)
        #expect(expected[1].contains("endpoint=tcp://127.0.0.1:1") && expected[1].contains("link=explicit wins"))
        #expect(logLines(deferred: true) == expected)
    }
}
