import Foundation

/// Where a service reads the time. Injectable so tests can run weeks of deadlines in seconds.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
    }

    public static let system = WallClock { Date() }

    public func now() -> Date { read() }
}
