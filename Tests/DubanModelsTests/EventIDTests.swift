import DubanModels
import Foundation
import Testing

@Suite("Event ids (UUID version 7)")
struct EventIDTests {
    @Test("written exactly as Foundation writes a UUID")
    func textMatchesFoundation() {
        for id in (0..<2_000).map({ $0 % 2 == 0 ? UUID() : EventID.next() }) {
            #expect(EventID.text(id) == id.uuidString)
        }
    }

    @Test("version 7, RFC variant, and the millisecond they were made in")
    func layout() throws {
        let now = Date(timeIntervalSince1970: 1_795_000_000.123)
        let id = EventID.next(now: now)
        let bytes = withUnsafeBytes(of: id.uuid) { Array($0) }
        #expect(bytes[6] >> 4 == 7)
        #expect(bytes[8] >> 6 == 0b10)
        let millisecond = bytes[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(millisecond >= 1_795_000_000_123)
    }

    @Test("each id sorts after the one before, within a millisecond and when the clock steps back")
    func ordered() {
        let start = Date()
        var ids: [UUID] = []
        for n in 0..<10_000 {
            // A clock that stalls and then jumps back by a second half-way: order must hold regardless.
            let clock = n < 5_000 ? start : start.addingTimeInterval(-1)
            ids.append(EventID.next(now: clock))
        }
        let texts = ids.map(EventID.text)
        #expect(Set(texts).count == ids.count)
        #expect(zip(texts, texts.dropFirst()).allSatisfy { $0 < $1 })
    }
}
