import Logging

/// swift-log's stream handler, with metadata formatted only when a line is written.
///
/// `StreamLogHandler` formats its metadata into text every time the metadata changes. Hummingbird gives each
/// request's logger a request id, so every request paid for formatting a line that, below the log level, is never
/// written (about 4 % of intake's request CPU under load, docs/PERFORMANCE.md). Here the metadata is only kept, and
/// travels with each written event to the stream handler, which formats it then: the lines are the same.
public struct DeferredMetadataLogHandler: LogHandler {
    private var stream: StreamLogHandler
    public var metadata: Logger.Metadata = [:]

    public init(_ stream: StreamLogHandler) {
        self.stream = stream
    }

    public var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { stream.metadataProvider }
        set { stream.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty {
            event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        }
        stream.log(event: event)
    }
}
