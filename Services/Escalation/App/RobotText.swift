import Foundation

/// Makes text from the public inert in a group robot's message, and tells Duban's own links apart from it.
///
/// A notice's title and text carry a case's title as the public wrote it. In a leadership group a title such as
/// `[点我](http://evil.example/x) **加急**` must not become a link or bold text under Duban's name, nor `@all` or
/// `<at user_id="all">` a mention. Characters with a meaning in the product are replaced by their full-width forms,
/// which read the same to a Chinese reader and mean nothing to the renderer.
enum RobotText {
    /// Markdown as WeCom and DingTalk render it: emphasis, links and images, code, headings, quotes, tables, HTML tags
    /// (WeCom's `<font color=…>`, DingTalk's `<font>`), entities, and the `@` of mentions (`@all`, `@<mobile>`,
    /// WeCom's `<@userid>`).
    static let markdownSpecials: [Character: Character] = [
        "\\": "＼", "*": "＊", "_": "＿", "`": "｀", "[": "［", "]": "］", "(": "（", ")": "）", "<": "＜", ">": "＞",
        "#": "＃", "~": "～", "|": "｜", "@": "＠", "&": "＆", "!": "！", "$": "＄",
    ]
    /// Feishu's text message renders no markdown, but `<at user_id="all">` is a mention and entities may be decoded.
    static let feishuSpecials: [Character: Character] = ["<": "＜", ">": "＞", "@": "＠", "&": "＆"]

    /// Untrusted text made inert for `format` (standard webhooks carry JSON and need nothing).
    static func neutralise(_ text: String, for format: WebhookTarget.Format) -> String {
        let specials: [Character: Character]
        switch format {
        case .wecom, .dingtalk: specials = markdownSpecials
        case .feishu: specials = feishuSpecials
        case .standard: return text
        }
        var out = String(text.map { specials[$0] ?? $0 })
        // Clients turn bare addresses into links; only Duban's own pages may be links.
        out = out.replacingOccurrences(of: "://", with: "：//").replacingOccurrences(of: "www.", with: "www．", options: .caseInsensitive)
        guard format != .feishu else { return out }
        // Line-start syntax: lists (- + 1.), setext headings (= -), indented code.
        return out.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var line = line.drop { $0 == " " || $0 == "\t" }
            var prefix = ""
            if let first = line.first, let wide = ["-": "－", "+": "＋", "=": "＝"][first] {
                prefix = wide
                line = line.dropFirst()
            } else if let dot = line.firstIndex(of: "."), dot != line.startIndex, line[..<dot].allSatisfy(\.isASCIIDigit) {
                prefix = String(line[..<dot]) + "．"
                line = line[line.index(after: dot)...]
            }
            return prefix + line
        }.joined(separator: "\n")
    }

    /// One line of a notice's text, with the Duban page it ends with, if any.
    struct Line: Equatable, Sendable {
        var text: String
        var link: String?
    }

    /// The notice's text as lines. A line's link is Duban's own only when it is the notice's `link`, or when it is
    /// the line's last word and a page of the same deployment's dashboard (a digest's case lines); every other
    /// address stays text and is neutralised.
    static func lines(of notice: Notice) -> [Line] {
        let dashboard = notice.link.flatMap(origin).map { $0 + "/dashboard/" }
        return notice.text.split(separator: "\n", omittingEmptySubsequences: false).map { raw in
            let line = String(raw)
            if let link = notice.link, !link.isEmpty, line.hasSuffix(link) {
                return Line(text: trimmed(line.dropLast(link.count)), link: link)
            }
            if let dashboard, let space = line.lastIndex(of: " ") {
                let word = line[line.index(after: space)...]
                if word.hasPrefix(dashboard) && word.allSatisfy(isPlainURLCharacter) {
                    return Line(text: trimmed(line[..<space]), link: String(word))
                }
            }
            return Line(text: line, link: nil)
        }
    }

    /// `http://host:port` of an absolute URL.
    static func origin(_ url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return nil }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }

    /// ASCII that cannot close or open markdown around a link (Duban's pages are percent-encoded).
    static func isPlainURLCharacter(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue, ascii > 32, ascii < 127 else { return false }
        return !"()[]<>\"'`\\{}|^".contains(character)
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.reversed().drop { $0 == " " }.reversed())
    }
}

private extension Character {
    /// True for ASCII digits: a line starting `12.` would become an ordered list.
    var isASCIIDigit: Bool { isASCII && isNumber }
}
