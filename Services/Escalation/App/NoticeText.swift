import Foundation

/// Text from the public inside a notice's text. A notice is read line by line (a digest is one case a line, and
/// tools forward it as it is), so a title keeps to one line: a title with line breaks could otherwise add lines that
/// look like Duban's own (a forged "【超期督办】…" line under Duban's name). And the only link in a notice is Duban's:
/// chat tools turn any `http://…` or `www.…` in plain text into a link, so an address in a title is written with a
/// full-width colon or dot (`http：//evil.example`), which people still read and no tool links.
enum NoticeText {
    /// `text` on one line, with no address a tool would link: every line or paragraph break, tab and other control
    /// character becomes one space; `://` becomes `：//` and `www.` becomes `www．`.
    static func inline(_ text: String) -> String {
        defanged(oneLine(text))
    }

    private static func defanged(_ text: String) -> String {
        guard text.contains("://") || text.localizedCaseInsensitiveContains("www.") else { return text }
        return text.replacingOccurrences(of: "://", with: "：//")
            .replacingOccurrences(of: "www.", with: "www．", options: .caseInsensitive)
    }

    private static func oneLine(_ text: String) -> String {
        var out = ""
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x85:
                pendingSpace = !out.isEmpty
            default:
                if pendingSpace { out.unicodeScalars.append(" ") }
                pendingSpace = false
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
