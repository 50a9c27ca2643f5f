import DubanModels
import Foundation

/// The case page: what was raised (title, description, place), who owns it until when, and every step of its timeline,
/// each code shown as words in the page's language.
extension CaseView {
    /// `contact`: the submitter's contact, only on the owning bureau's workbench (intake decides who may see it).
    /// `linksMeetings`: the reader may open the meetings pages (those who read every case), so the session is a link.
    func html(_ lang: Language, words: Vocabulary, now: Date, contact: IntakeClient.Contact? = nil, linksMeetings: Bool = false) -> String {
        var out = "<table id=\"case\" class=\"fields\"><tbody>"
        let overdue = status.isOpen && (deadline.map { $0 < now } ?? false)
        var rows: [(String, String)] = [
            (lang("编号", "Case"), esc(id)),
            (lang("状态", "Status"), "<span id=\"case-status\" data-status=\"\(status.rawValue)\">\(lang.status(status.rawValue))</span>"),
            (lang("问题", "Problem"), esc(title)),
            (lang("问题描述", "Description"), "<span id=\"case-description\" class=\"prose\">\(esc(description))</span>"),
            (lang("地点", "Place"), esc(Self.place(location))),
            (lang("来源", "Channel"), esc(lang.channel(channel))),
            (lang("企业", "Enterprise"), esc(enterprise)),
        ]
        if let session {
            let number = FollowUpReport.number(of: session).map { MeetingPages.numberWords($0, lang) } ?? session
            rows.append((lang("会议期次", "Meeting session"), linksMeetings
                ? "<a href=\"\(MeetingPages.sessionPath(session))\(lang == .en ? "?lang=en" : "")\" id=\"case-session\">\(esc(number))</a>"
                : "<span id=\"case-session\">\(esc(number))</span>"))
            rows.append((lang("现场答复", "Answer given at the meeting"), "<span class=\"prose\">\(esc(firstAnswer ?? "—"))</span>"))
        }
        if let liaison { rows.append((lang("联络员", "Liaison officer"), esc(liaison + (area.map { "（\($0)）" } ?? "")))) }
        if let contact {
            let reach = [contact.name, contact.phone].compactMap { $0 }.joined(separator: " ")
            rows.append((lang("联系人", "Contact") + (contact.masked == true ? lang("（已脱敏）", " (masked)") : ""),
                         "<span id=\"case-contact\"\(contact.masked == true ? " data-masked=\"true\"" : "")>\(reach.isEmpty ? "—" : esc(reach))</span>"))
        }
        rows += [
            (lang("登记时间", "Recorded"), PageFormat.minute(submittedAt)),
            (lang("类别", "Category"), esc(words.category(category, lang))),
            (lang("责任单位", "Owning bureau"), esc(words.bureau(bureau, lang, routedName: bureauName))),
            (lang("属地跟踪单位", "District counterpart"), esc(words.bureau(counterpart, lang))),
            (lang("协办单位", "Co-handling"), esc(assisting.map { words.bureau($0, lang) }.joined(separator: "、"))),
            (lang("办理时限", "Deadline"), "<span class=\"\(overdue ? "overdue" : "")\">\(PageFormat.minute(deadline))</span>"),
            (lang("措施", "Measure"), esc(measure)),
            (lang("办理结果", "Resolution"), esc(resolution)),
            (lang("退回次数", "Returns"), "\(returns)"),
            (lang("满意度", "Satisfaction"), satisfaction.map { "\($0) / 5" } ?? "—"),
        ]
        for (label, value) in rows where !value.isEmpty && value != "<span id=\"case-description\" class=\"prose\"></span>" {
            out += "<tr><th>\(label)</th><td>\(value)</td></tr>"
        }
        out += "</tbody></table><h2>\(lang("办理过程", "Timeline"))</h2><ol class=\"timeline\" id=\"timeline\">"
        for entry in timeline {
            out += "<li data-type=\"\(esc(entry.type))\"\(entry.action.map { " data-action=\"\(esc($0))\"" } ?? "")>"
            out += "<time>\(PageFormat.minute(entry.occurredAt))</time>"
            out += "<strong class=\"who\" title=\"\(esc(entry.who))\">\(esc(who(entry, lang, words)))</strong> \(what(entry, lang, words))</li>"
        }
        return out + "</ol>"
    }

    /// The address, then the coordinates, as one line.
    static func place(_ location: Location?) -> String {
        guard let location else { return "" }
        let point = location.latitude.flatMap { lat in location.longitude.map { String(format: "%.5f, %.5f", lat, $0) } }
        return [location.address, point.map { "（\($0)）" }].compactMap { $0 }.joined(separator: " ")
    }

    /// The leader's 批示 form: the instruction goes to intake and reaches the owning bureau as a notice.
    static func instructionForm(_ id: String, _ lang: Language, csrf: String) -> String {
        """
        <h2>\(lang("领导批示", "Leader's instruction"))</h2>
        <form method="post" action="/dashboard/cases/\(esc(IntakeClient.pathSegment(id)))/instruct" class="inline" id="instruct">
        <input type="hidden" name="lang" value="\(lang.rawValue)"><input type="hidden" name="csrf" value="\(esc(csrf))">
        <textarea name="note" rows="2" maxlength="4000" required placeholder="\(lang("批示内容", "The instruction"))"></textarea>
        <button type="submit">\(lang("批示", "Instruct"))</button></form>
        """
    }

    /// The person or office that acted: the enterprise or resident who raised it, routing's own decision, the bureau
    /// that acted, the approver, the triage office, or the submitter answering. Never a service or key name (the key
    /// name stays in the element's title, for audit).
    private func who(_ entry: TimelineEntry, _ lang: Language, _ words: Vocabulary) -> String {
        switch entry.type {
        case "case.submitted": return enterprise.flatMap { $0.isEmpty ? nil : $0 } ?? lang("群众", "A resident")
        case "case.routed": return lang("系统自动交办", "Automatic routing")
        case "case.deadline_tracked": return lang("督办系统", "Supervision")
        default: break
        }
        switch entry.action {
        case "sign", "measure", "progress", "resolve", "return", "request_extension", "propose_return", "propose_extension":
            return entry.bureau.map { words.bureau($0, lang) } ?? lang("责任单位", "The owning bureau")
        case "decide_proposal":
            return (entry.bureau.map { words.bureau($0, lang) } ?? "") + lang("负责人", " head")
        case "instruct": return lang("领导", "Leader")
        case "dispatch": return lang("兜底分派", "Triage office")
        case "decide_extension": return lang("审批人", "Approver")
        case "confirm", "reject", "rate": return lang("反映人", "The submitter")
        default: return lang("办理人", "Handler")
        }
    }

    /// What was done, with its detail.
    private func what(_ entry: TimelineEntry, _ lang: Language, _ words: Vocabulary) -> String {
        switch entry.type {
        case "case.submitted":
            return lang("反映问题", "raised the problem") + (channel.map { lang("（\(esc(lang.channel($0)))）", " (\(esc(lang.channel($0))))") } ?? "")
        case "case.routed":
            var text = lang("→ ", "sent it to ") + esc(words.bureau(entry.bureau, lang, routedName: entry.detail))
            if let deadline = entry.deadline { text += lang("（时限 \(PageFormat.minute(deadline))）", " (deadline \(PageFormat.minute(deadline)))") }
            return text
        case "case.deadline_tracked":
            return lang("纳入督办", "started keeping the deadline")
        default:
            var text = esc(entry.action.map(lang.action) ?? lang.event(entry.type))
            if let approved = entry.approved {
                text += approved ? lang("（同意）", " (approved)") : lang("（不同意）", " (refused)")
            }
            if let days = entry.days, entry.action == "request_extension" || entry.action == "propose_extension" {
                text += lang("（\(days) 个工作日）", " (\(days) working days)")
            }
            if entry.action == "dispatch" {
                text += " → " + esc(words.bureau(entry.bureau, lang))
            } else if let detail = entry.detail {
                text += lang("：", ": ") + "<span class=\"prose\">\(esc(detail))</span>"
            }
            return text
        }
    }
}
