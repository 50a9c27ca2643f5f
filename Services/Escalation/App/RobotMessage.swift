import DubanModels
import Foundation

/// The bodies each format is sent, one notice possibly in several parts.
///
/// A robot refuses a message over its size limit, so a long notice (a weekly digest lists up to 100 cases) is split
/// between lines into parts that each fit; every part but a lone one ends with its place (第 k/n 条), the total count
/// and the notice's page. A single line too long for a part is shortened with "…" and keeps its link. Rendering is
/// deterministic, so the part index stored on the delivery row names the same text after a restart.
enum RobotMessage {
    /// Bytes (UTF-8) the product accepts in the field Duban fills.
    /// WeCom: markdown `content` at most 4,096 bytes (群机器人配置说明). DingTalk: its documentation names no markdown
    /// size we could confirm, so WeCom's 4,096 is used as a safe bound. Feishu: the whole request body at most 20 KB
    /// (自定义机器人使用指南); 18,000 leaves room for JSON escapes and the signature fields.
    static func byteLimit(_ format: WebhookTarget.Format) -> Int {
        switch format {
        case .wecom, .dingtalk: 4_096
        case .feishu: 18_000
        case .standard: .max
        }
    }

    /// The bodies to send for `notice`, in order: one for a standard target, one or more for a robot.
    static func parts(for notice: Notice, format: WebhookTarget.Format, byteLimit limit: Int? = nil) throws -> [Data] {
        if format == .standard { return [try DubanJSON.encoder().encode(notice)] }
        return contents(for: notice, format: format, byteLimit: limit ?? byteLimit(format)).map { body(content: $0, notice: notice, format: format) }
    }

    /// The text field of each part (markdown for WeCom and DingTalk, plain text for Feishu).
    static func contents(for notice: Notice, format: WebhookTarget.Format, byteLimit limit: Int) -> [String] {
        // A title is one line of a case's title at heart; one too long to be read is cut (it may come from the public).
        let title = shorten(RobotText.neutralise(notice.title, for: format), toBytes: titleBytes)
        let lines = RobotText.lines(of: notice).map { render($0, format: format) }
        let whole = head(title, format: format) + lines.joined(separator: separator(format))
        if whole.utf8.count <= limit { return [whole] }

        // Room for the head and footer at their longest (two-digit part numbers), then lines packed greedily.
        let total = totalCount(notice)
        let reserve = head(title + "（99/99）", format: format).utf8.count + separator(format).utf8.count
            + footer(part: 99, of: 99, total: total, notice: notice, format: format).utf8.count
        let room = max(limit - reserve, 64)
        var chunks: [[String]] = [[]]
        var used = 0
        for line in lines.map({ shorten($0, toBytes: room) }) {
            let cost = line.utf8.count + separator(format).utf8.count
            if used + cost > room && !chunks[chunks.count - 1].isEmpty {
                chunks.append([])
                used = 0
            }
            chunks[chunks.count - 1].append(line)
            used += cost
        }
        return chunks.enumerated().map { index, chunk in
            head(title + "（\(index + 1)/\(chunks.count)）", format: format) + chunk.joined(separator: separator(format))
                + separator(format) + footer(part: index + 1, of: chunks.count, total: total, notice: notice, format: format)
        }
    }

    /// Bytes (UTF-8) of a title in a robot's message at most.
    static let titleBytes = 512

    private static func head(_ title: String, format: WebhookTarget.Format) -> String {
        switch format {
        case .wecom: "**\(title)**\n"
        case .dingtalk: "### \(title)\n\n"
        case .feishu, .standard: "\(title)\n"
        }
    }

    /// DingTalk's markdown joins single newlines into one paragraph.
    private static func separator(_ format: WebhookTarget.Format) -> String { format == .dingtalk ? "\n\n" : "\n" }

    private static func render(_ line: RobotText.Line, format: WebhookTarget.Format) -> String {
        let text = RobotText.neutralise(line.text, for: format)
        guard let link = line.link else { return text }
        switch format {
        case .wecom, .dingtalk: return text + (text.isEmpty ? "" : " ") + "[查看](\(link))"
        case .feishu, .standard: return text + (text.isEmpty ? "" : " ") + link
        }
    }

    private static func footer(part: Int, of count: Int, total: Int, notice: Notice, format: WebhookTarget.Format) -> String {
        let place = "（第 \(part)/\(count) 条，共 \(total) 件）"
        guard let link = notice.link else { return place }
        return render(RobotText.Line(text: place + "完整列表：", link: link), format: format)
    }

    /// The count a part's footer names: a digest's "在办 N 件", else the lines that link to a case.
    static func totalCount(_ notice: Notice) -> Int {
        let first = notice.text.prefix { $0 != "\n" }
        if let range = first.range(of: #"在办 (\d+) 件"#, options: .regularExpression),
           let number = Int(first[range].filter(\.isNumber)) {
            return number
        }
        return max(1, RobotText.lines(of: notice).dropFirst().filter { $0.link != nil }.count)
    }

    /// A line cut to `bytes` UTF-8 bytes with "…", keeping a trailing markdown link or address whole.
    private static func shorten(_ line: String, toBytes bytes: Int) -> String {
        guard line.utf8.count > bytes else { return line }
        var tail = ""
        if let range = line.range(of: #" (\[查看\]\([^)]*\)|https?://\S+)$"#, options: .regularExpression) {
            tail = String(line[range])
        }
        var text = Substring(line.dropLast(tail.count))
        while !text.isEmpty && text.utf8.count + tail.utf8.count + "…".utf8.count > bytes { text = text.dropLast() }
        return String(text) + "…" + tail
    }

    private static func body(content: String, notice: Notice, format: WebhookTarget.Format) -> Data {
        let object: [String: Any]
        switch format {
        case .wecom:
            object = ["msgtype": "markdown", "markdown": ["content": content]]
        case .dingtalk:
            // The card's title shows in the conversation list; no one is mentioned, whatever the text says.
            object = ["msgtype": "markdown", "markdown": ["title": shorten(RobotText.neutralise(notice.title, for: format), toBytes: titleBytes), "text": content],
                      "at": ["isAtAll": false, "atMobiles": [String](), "atUserIds": [String]()] as [String: Any]]
        case .feishu, .standard:
            object = ["msg_type": "text", "content": ["text": content]]
        }
        // Sorted keys: the same notice renders to the same bytes.
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    /// Feishu puts its signature in the body: `timestamp` (seconds, real time) and `sign`.
    static func signFeishu(_ body: Data, secret: String?, timestamp: Int) -> Data {
        guard let secret, var object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { return body }
        object["timestamp"] = String(timestamp)
        object["sign"] = WebhookSignature.robot(timestamp: String(timestamp), secret: secret, dingTalk: false)
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? body
    }
}
