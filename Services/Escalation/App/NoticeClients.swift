import Foundation
import Logging
import Synchronization
import ZeroMQ

/// The subscribers admitted to the notice PUB and replay sockets when they run on CURVE: `notices.clients-file`, one
/// `name public-key` a line (the key as 40 characters of Z85, a `.pub` from `duban keygen`); a line starting with `#`
/// is a comment (only there: `#` is a Z85 character).
///
/// The file is read again when asked and at least half a second has passed since the last reading: at each handshake
/// (the ZAP handler), each replay request and each turn of the publisher's loop (at least every second). A line
/// removed stops that subscriber within about a second: its next handshake and replay request are refused, and the
/// publisher reopens the PUB socket (``generation``) so every subscriber connects again through the handler.
/// A file that is missing or malformed admits no one (logged), rather than keeping what it said before.
final class NoticeClients: Sendable {
    private struct State {
        var text: String?
        var keys: [String: String] = [:]  // public key → name
        var checked = ContinuousClock.Instant.now
        var generation = 0
    }

    let path: String?
    private let logger: Logger
    private let state = Mutex(State())

    /// Reads the file once; throws when it is malformed, so escalation does not start on a typo.
    init(path: String?, logger: Logger) throws {
        self.path = path
        self.logger = logger
        if let path, let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let keys = try Self.parse(text, path: path)
            state.withLock { $0.text = text; $0.keys = keys }
        } else {
            logger.warning("no notice subscriber is admitted with CURVE: notices.clients-file is unset or unreadable",
                           metadata: ["path": "\(path ?? "")"])
        }
    }

    /// The subscriber's name for a public key, or nil: the ZAP handler's judge for the notice sockets.
    func name(forKey publicKey: String) -> String? {
        refresh()
        return state.withLock { $0.keys[publicKey] }
    }

    /// Whether a subscriber of that name is still listed.
    func admits(name: String) -> Bool {
        refresh()
        return state.withLock { $0.keys.values.contains(name) }
    }

    /// Goes up whenever a reading takes a key away (or gives it another name).
    var generation: Int {
        refresh()
        return state.withLock { $0.generation }
    }

    private func refresh() {
        guard let path else { return }
        let due = state.withLock { state -> Bool in
            guard ContinuousClock.now - state.checked >= .milliseconds(500) else { return false }
            state.checked = .now
            return true
        }
        guard due else { return }
        let text = try? String(contentsOfFile: path, encoding: .utf8)
        var keys: [String: String] = [:]
        if let text {
            do { keys = try Self.parse(text, path: path) } catch {
                logger.error("notices.clients-file is malformed: no notice subscriber is admitted until it is fixed",
                             metadata: ["error": "\(error)"])
            }
        }
        state.withLock { state in
            guard state.text != text else { return }
            if state.keys.contains(where: { keys[$0.key] != $0.value }) { state.generation += 1 }
            state.text = text
            state.keys = keys
            logger.notice("notice subscribers read again", metadata: ["path": "\(path)", "count": "\(keys.count)"])
        }
    }

    /// `name public-key` lines; names unique, keys valid and unique.
    static func parse(_ text: String, path: String) throws -> [String: String] {
        var keys: [String: String] = [:]
        var names = Set<String>()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            if fields.isEmpty || fields[0].hasPrefix("#") { continue }
            let place = "\(path):\(index + 1)"
            guard fields.count == 2, Z85.isCurveKey(fields[1]) else {
                throw NoticeClientsError("\(place): write `name public-key`, the key as 40 characters of Z85")
            }
            guard names.insert(fields[0]).inserted, keys[fields[1]] == nil else {
                throw NoticeClientsError("\(place): each name and each key once")
            }
            keys[fields[1]] = fields[0]
        }
        return keys
    }
}

struct NoticeClientsError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
