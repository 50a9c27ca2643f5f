import Foundation
import Synchronization

/// A clock tests move by hand (`testing.time-control`), so weeks of deadlines pass in seconds. Never on by default:
/// a service without the flag refuses every attempt to set its time.
public final class ManualTime: Sendable {
    private let now: Mutex<Date>

    public init(start: Date) { now = Mutex(start) }

    public var clock: WallClock { WallClock { [self] in now.withLock { $0 } } }

    /// Moves the time; it never goes backwards. Returns the time in force.
    @discardableResult
    public func set(_ date: Date) -> Date {
        now.withLock { current in
            current = max(current, date)
            return current
        }
    }
}
