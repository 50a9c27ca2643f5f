import Foundation

/// The case page: what was raised, who owns it until when, and every step of its timeline.
extension CaseView {
    func html(_ lang: Language, now: Date) -> String {
        var out = "<table id=\"case\"><tbody>"
        let overdue = status.isOpen && (deadline.map { $0 < now } ?? false)
        for (label, value) in [
            (lang("编号", "Case"), esc(id)),
            (lang("状态", "Status"), "<span id=\"case-status\" data-status=\"\(status.rawValue)\">\(lang.status(status.rawValue))</span>"),
            (lang("问题", "Problem"), esc(title)),
            (lang("来源", "Channel"), esc(channel)),
            (lang("企业", "Enterprise"), esc(enterprise)),
            (lang("登记时间", "Recorded"), PageFormat.minute(submittedAt)),
            (lang("类别", "Category"), esc(category)),
            (lang("责任单位", "Owning bureau"), esc(bureauName ?? bureau)),
            (lang("属地跟踪单位", "District counterpart"), esc(counterpart)),
            (lang("办理时限", "Deadline"), "<span class=\"\(overdue ? "overdue" : "")\">\(PageFormat.minute(deadline))</span>"),
            (lang("措施", "Measure"), esc(measure)),
            (lang("办理结果", "Resolution"), esc(resolution)),
            (lang("退回次数", "Returns"), "\(returns)"),
            (lang("满意度", "Satisfaction"), satisfaction.map { "\($0) / 5" } ?? "—"),
        ] where !value.isEmpty {
            out += "<tr><th>\(label)</th><td>\(value)</td></tr>"
        }
        out += "</tbody></table><h2>\(lang("办理过程", "Timeline"))</h2><ol class=\"timeline\" id=\"timeline\">"
        for entry in timeline {
            var what = esc(entry.action.map(lang.action) ?? lang.event(entry.type))
            if let detail = entry.detail { what += (entry.type == "case.routed" ? " → " : "：") + esc(detail) }
            if let deadline = entry.deadline { what += "（\(lang("时限", "deadline")) \(PageFormat.minute(deadline))）" }
            out += "<li data-type=\"\(esc(entry.type))\"\(entry.action.map { " data-action=\"\(esc($0))\"" } ?? "")>"
            out += "<time>\(PageFormat.minute(entry.occurredAt))</time><strong>\(esc(entry.who))</strong> \(what)</li>"
        }
        return out + "</ol>"
    }
}
