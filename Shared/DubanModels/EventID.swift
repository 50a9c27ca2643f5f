import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Event ids: UUID version 7 (RFC 9562), 48 bits of Unix milliseconds, a 12-bit counter within the millisecond, and
/// 62 random bits.
///
/// Ids made later sort later, so an index on them (a consumer's timeline, deduplicated by event id) grows at its end
/// instead of being rewritten all over the file as random version 4 ids make it. Making one costs no system call:
/// random bytes are drawn 4 KiB at a time (`UUID()` opens and reads `/dev/urandom` for every id on Linux).
public enum EventID {
    private struct State {
        var lastMillisecond: UInt64 = 0
        var counter: UInt64 = 0
        var pool = [UInt8](repeating: 0, count: 4_096)
        var used = 4_096
    }

    private static let state = Mutex(State())

    /// A new id, later in order than every id this process made before.
    public static func next(now: Date = Date()) -> UUID {
        let (millisecond, counter, random) = state.withLock { state -> (UInt64, UInt64, UInt64) in
            let clock = UInt64(max(0, now.timeIntervalSince1970 * 1_000))
            if clock > state.lastMillisecond {
                state.lastMillisecond = clock
                state.counter = 0
            } else if state.counter < 0xFFF {
                state.counter += 1  // same millisecond, or the clock went back: stay in order
            } else {
                state.lastMillisecond += 1  // 4,096 ids in one millisecond: borrow the next one (RFC 9562, 6.2)
                state.counter = 0
            }
            if state.used + 8 > state.pool.count {
                refill(&state.pool)
                state.used = 0
            }
            var random: UInt64 = 0
            for index in state.used..<state.used + 8 { random = random << 8 | UInt64(state.pool[index]) }
            state.used += 8
            return (state.lastMillisecond, state.counter, random)
        }
        let high = millisecond << 16 | 0x7000 | counter                        // unix_ts_ms, ver = 7, counter
        let low = 0x8000_0000_0000_0000 | (random & 0x3FFF_FFFF_FFFF_FFFF)   // var = 0b10, rand_b
        return UUID(uuid: (UInt8(truncatingIfNeeded: high >> 56), UInt8(truncatingIfNeeded: high >> 48),
                           UInt8(truncatingIfNeeded: high >> 40), UInt8(truncatingIfNeeded: high >> 32),
                           UInt8(truncatingIfNeeded: high >> 24), UInt8(truncatingIfNeeded: high >> 16),
                           UInt8(truncatingIfNeeded: high >> 8), UInt8(truncatingIfNeeded: high),
                           UInt8(truncatingIfNeeded: low >> 56), UInt8(truncatingIfNeeded: low >> 48),
                           UInt8(truncatingIfNeeded: low >> 40), UInt8(truncatingIfNeeded: low >> 32),
                           UInt8(truncatingIfNeeded: low >> 24), UInt8(truncatingIfNeeded: low >> 16),
                           UInt8(truncatingIfNeeded: low >> 8), UInt8(truncatingIfNeeded: low)))
    }

    /// The id as `UUID.uuidString` writes it (upper-case hex, 8-4-4-4-12), without Foundation's formatting.
    public static func text(_ id: UUID) -> String {
        let digits: StaticString = "0123456789ABCDEF"
        return withUnsafeBytes(of: id.uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var position = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    out[position] = digits.utf8Start[Int(byte >> 4)]
                    out[position + 1] = digits.utf8Start[Int(byte & 0x0F)]
                    position += 2
                }
                return position
            }
        }
    }

    /// One call fills the pool: glibc (2.36 and later) and Darwin draw it from the kernel's generator.
    private static func refill(_ pool: inout [UInt8]) {
        pool.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }
    }
}
