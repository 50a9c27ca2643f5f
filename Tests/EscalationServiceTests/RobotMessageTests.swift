import Foundation
import Testing
@testable import EscalationService

/// What the robots are sent: split within each product's limit, every part with the count and Duban's link, and
/// text from the public kept inert.
@Suite struct RobotMessageTests {
    static let base = "http://duban.example"

    /// A weekly digest of `count` cases as Supervisor writes it (header with counts, numbered lines each with its page).
    static func digest(cases count: Int, title: (Int) -> String = { "企业用工需求对接第\($0)批次招工难问题反映" }) -> Notice {
        let link = "\(base)/dashboard/cases?bureau=hrss&status=open"
        var lines = ["【每周督办】人力资源和社会保障局 2026年第49周：在办 \(count) 件，超期 \(count / 2) 件，即将到期 3 件。"]
        for n in 1...count {
            lines.append("\(n). DB-20261120-\(String(format: "%04d", n))《\(title(n))》超期 \(n % 9 + 1) 个工作日 \(base)/dashboard/cases/DB-20261120-\(String(format: "%04d", n))")
        }
        return Notice(id: "digest:hrss/contact:2026-W49", seq: 7, kind: .digest, topic: "notice.digest.hrss", recipient: "hrss/contact",
                      caseId: nil, bureau: "hrss", level: nil, title: "【每周督办】人力资源和社会保障局 2026年第49周",
                      text: lines.joined(separator: "\n"), link: link, createdAt: Date(timeIntervalSince1970: 0))
    }

    static func escalation(title: String) -> Notice {
        let link = "\(base)/dashboard/cases/DB-1"
        return Notice(id: "esc:DB-1:0:2:0:hrss/head", seq: 1, kind: .escalation, topic: "notice.escalation.2", recipient: "hrss/head",
                      caseId: "DB-1", bureau: "hrss", level: 2, title: "【超期督办·2级】\(title)",
                      text: "【超期督办·2级】案件 DB-1《\(title)》已超期 2 个工作日（截止 2026-12-01 09:00），责任单位：人社局。请立即办理并说明原因。\(link)",
                      link: link, createdAt: Date(timeIntervalSince1970: 0))
    }

    static func content(_ body: Data, _ format: WebhookTarget.Format) throws -> String {
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        switch format {
        case .wecom: return try #require((object["markdown"] as? [String: Any])?["content"] as? String)
        case .dingtalk: return try #require((object["markdown"] as? [String: Any])?["text"] as? String)
        default: return try #require((object["content"] as? [String: Any])?["text"] as? String)
        }
    }

    @Test func aFortyCaseDigestIsSplitWithinEachRobotsLimitEveryPartEndingWithTheCountAndTheLink() throws {
        let notice = Self.digest(cases: 40)
        #expect(notice.text.utf8.count > 6_000, "the size the issue measured (6,885 bytes)")
        for format in [WebhookTarget.Format.wecom, .dingtalk] {
            let parts = try RobotMessage.parts(for: notice, format: format).map { try Self.content($0, format) }
            #expect(parts.count >= 2, "\(format): over 4,096 bytes, so split")
            for (index, part) in parts.enumerated() {
                #expect(part.utf8.count <= 4_096, "\(format) part \(index + 1) is \(part.utf8.count) bytes")
                #expect(part.hasSuffix("（第 \(index + 1)/\(parts.count) 条，共 40 件）完整列表： [查看](\(notice.link!))"))
            }
            // Every case once, in order, across the parts.
            let numbers = parts.joined().split(separator: "\n").compactMap { line in Int(line.prefix { $0.isNumber }) }
            #expect(numbers == Array(1...40), "\(format)")
        }
        let feishu = try RobotMessage.parts(for: notice, format: .feishu)
        #expect(feishu.count == 1 && feishu[0].count <= 20_000, "Feishu takes up to about 20 KB")
        let long = Self.digest(cases: 100) { "关于\($0)号地块周边企业用工需求对接及技能培训补贴申领进度缓慢问题的反映" }
        #expect(long.text.utf8.count > 20_000)
        let hundred = try RobotMessage.parts(for: long, format: .feishu)
        #expect(hundred.count >= 2 && hundred.allSatisfy { $0.count <= 20_000 })
    }

    @Test func aLineTooLongForAPartIsShortenedAndKeepsItsLink() throws {
        let notice = Self.escalation(title: String(repeating: "很长的标题", count: 400))
        let parts = try RobotMessage.parts(for: notice, format: .wecom).map { try Self.content($0, .wecom) }
        #expect(parts.count == 1)
        #expect(parts[0].utf8.count <= 4_096)
        #expect(parts[0].contains("…") && parts[0].contains("[查看](\(notice.link!))"))
    }

    static let hostile = [
        "[点我](http://evil.example/x) **加急**", "# 紧急通知", "<font color=\"warning\">红色</font>", "@所有人 请看", "@all",
        "@13800000000", "`rm -rf`", "<script>alert(1)</script>", "<at user_id=\"all\">所有人</at>", "__下划线__ ~~删除~~",
        "![图](http://evil.example/p.png)", "见 http://evil.example/y 和 www.evil.example", "- 列表\n> 引用\n1. 有序",
        "&lt;b&gt;实体&lt;/b&gt;", "<@zhangsan>",
    ]

    @Test(arguments: [WebhookTarget.Format.wecom, .dingtalk, .feishu])
    func textFromThePublicStaysInert(_ format: WebhookTarget.Format) throws {
        for title in Self.hostile {
            for notice in [Self.escalation(title: title), Self.digest(cases: 3) { _ in title }] {
                let bodies = try RobotMessage.parts(for: notice, format: format)
                for body in bodies {
                    let text = try Self.content(body, format)
                    // Mentions, tags and addresses mean something in every product; markdown only where it is rendered
                    // (Feishu's text message shows `**` as it is).
                    var inert = ["<font", "@all", "@所有人", "@1380", "<script", "<at ", "http://evil", "www.evil", "&lt;", "<@"]
                    if format != .feishu { inert += ["](http://evil", "**加急", "`", "__", "~~", "!["] }
                    for syntax in inert {
                        #expect(!text.contains(syntax), "\(format) «\(title)» rendered \(syntax): \(text)")
                    }
                    let lines = text.split(separator: "\n")
                    #expect(format == .feishu || !lines.contains { $0.hasPrefix("# ") || $0.hasPrefix("- ") || $0.hasPrefix("> ") || $0.hasPrefix("1. 有序") },
                            "\(format) «\(title)»: no line-start syntax from the title")
                    // The only links are Duban's own pages: markdown links where markdown is rendered, bare addresses
                    // (which clients turn into links) everywhere.
                    let targets = text.components(separatedBy: "](").dropFirst().map { $0.prefix { $0 != ")" } }
                    #expect(format == .feishu || targets.allSatisfy { $0.hasPrefix(Self.base + "/dashboard/") }, "\(format): \(targets)")
                    let addresses = text.components(separatedBy: "://").dropFirst()
                    #expect(addresses.allSatisfy { $0.hasPrefix("duban.example/dashboard/") }, "\(format): \(text)")
                    if format != .feishu && notice.kind == .escalation { #expect(targets.contains { $0 == notice.link! }) }
                    if format == .dingtalk {
                        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
                        #expect((object["at"] as? [String: Any])?["isAtAll"] as? Bool == false)
                        let cardTitle = try #require((object["markdown"] as? [String: Any])?["title"] as? String)
                        #expect(!cardTitle.contains("@") && !cardTitle.contains("<") && !cardTitle.contains("["))
                    }
                }
            }
        }
    }

    @Test func theRobotsOwnCodeDecidesNotTheHTTPStatus() {
        func classify(_ format: WebhookTarget.Format, _ body: String, status: Int = 200) -> DeliveryOutcome {
            RobotResponse.classify(format, status: status, body: Data(body.utf8), retryAfter: nil)
        }
        #expect(classify(.dingtalk, #"{"errcode":310000,"errmsg":"sign not match"}"#) == .stop(reason: "dingtalk errcode 310000: sign not match"))
        #expect(classify(.wecom, #"{"errcode":40058,"errmsg":"markdown.content exceed max length 4096"}"#)
            == .stop(reason: "wecom errcode 40058: markdown.content exceed max length 4096"))
        #expect(classify(.wecom, #"{"errcode":0,"errmsg":"ok"}"#) == .delivered)
        #expect(classify(.dingtalk, #"{"errcode":0,"errmsg":"ok"}"#) == .delivered)
        #expect(classify(.feishu, #"{"code":0,"msg":"success","data":{}}"#) == .delivered)
        #expect(classify(.feishu, #"{"Extra":null,"StatusCode":0,"StatusMessage":"success"}"#) == .delivered)
        #expect(classify(.feishu, #"{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}"#)
            == .stop(reason: "feishu code 19021: sign match fail or timestamp is not within one hour from current time"))
        #expect(classify(.feishu, #"{"code":19021,"msg":"sign match fail"}"#, status: 400) == .stop(reason: "feishu code 19021: sign match fail"))
        // Rate limits: retried after at least a minute (DingTalk throttles for ten).
        #expect(classify(.wecom, #"{"errcode":45009,"errmsg":"api freq out of limit"}"#) == .retry(after: 60, reason: "rate limited: wecom errcode 45009: api freq out of limit"))
        #expect(classify(.dingtalk, #"{"errcode":130101,"errmsg":"send too fast"}"#) == .retry(after: 600, reason: "rate limited: dingtalk errcode 130101: send too fast"))
        #expect(classify(.feishu, #"{"code":11232,"msg":"frequency limited"}"#) == .retry(after: 60, reason: "rate limited: feishu code 11232: frequency limited"))
        #expect(classify(.feishu, #"{"code":9499,"msg":"Too Many Request"}"#) == .retry(after: 60, reason: "rate limited: feishu code 9499: Too Many Request"))
        // Not JSON, or JSON without the success code: not a delivery.
        if case .retry(_, let reason) = classify(.wecom, "<html>gateway</html>") { #expect(reason.contains("without JSON")) } else { Issue.record("HTML counted") }
        if case .retry = classify(.dingtalk, "{}") {} else { Issue.record("{} counted as delivered") }
        #expect(classify(.wecom, "", status: 502) == .retry(after: nil, reason: "HTTP 502"))
        #expect(classify(.standard, "", status: 204) == .delivered)
    }

    @Test func pacingKeepsEachRobotWithinItsDocumentedRate() {
        var wecom = RobotPace(limits: RobotPace.documented(.wecom))
        for second in 0..<20 { #expect(wecom.earliest(now: Double(second)) == Double(second)); wecom.record(Double(second)) }
        #expect(wecom.earliest(now: 20) == 60, "the 21st waits until the first leaves the minute")
        wecom.record(60)
        #expect(wecom.earliest(now: 60) == 61)

        var feishu = RobotPace(limits: RobotPace.documented(.feishu))
        for n in 0..<5 { feishu.record(Double(n) * 0.01) }
        #expect(feishu.earliest(now: 0.05) == 1.0, "5 a second")
        var minute = RobotPace(limits: RobotPace.documented(.feishu))
        for n in 0..<100 { minute.record(Double(n) * 0.3) }
        #expect(minute.earliest(now: 30) == 60, "100 a minute")

        // A restarted service counts the sends it logged before.
        let restarted = RobotPace(limits: RobotPace.documented(.dingtalk), sent: (0..<20).map { 100 + Double($0) })
        #expect(restarted.earliest(now: 125) == 160)
        #expect(RobotPace(limits: RobotPace.documented(.standard)).earliest(now: 5) == 5)
    }
}
