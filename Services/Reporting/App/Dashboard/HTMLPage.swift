import DubanModels
import DubanRuntime
import Foundation
import HTTPTypes
import Hummingbird

/// Escapes text for HTML element content and attribute values.
func esc(_ text: String?) -> String {
    guard let text else { return "" }
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}

/// One dashboard page: the shared frame (navigation, language switch, styles) around a page's own HTML. Everything is
/// inline: no scripts, fonts or styles from elsewhere, so it works with no internet.
struct HTMLPage {
    enum Section: String { case overview, cases, workbench, meetings, topics, publicResults, definitions, administration, none }

    var title: String
    var language: Language
    var section: Section
    /// The path and query of this page, for the language switch.
    var path: String
    var query: [String: String]
    /// Who is reading: the navigation shows what their roles open, with their name and the sign-out button.
    var viewer: Principal? = nil
    var body: String

    init(title: String, language: Language, section: Section, path: String, query: [String: String], viewer: Principal? = nil,
         body: String) {
        self.title = title
        self.language = language
        self.section = section
        self.path = path
        self.query = query
        self.viewer = viewer
        self.body = body
    }

    /// A link to a page in the reader's language, marked when it is this page's section.
    func nav(_ target: Section, _ href: String, _ label: String) -> String {
        "<a href=\"\(href)\(language == .en ? (href.contains("?") ? "&" : "?") + "lang=en" : "")\"\(target == section ? " aria-current=\"page\"" : "")>\(label)</a>"
    }

    /// The navigation items the viewer may open.
    var navigation: String {
        let lang = language
        guard let viewer else {
            return nav(.publicResults, "/public", lang("公开结果", "Public results"))
                + "<a href=\"\(DashboardRoutes.signInPath)\(lang == .en ? "?lang=en" : "")\">\(lang("登录", "Sign in"))</a>"
        }
        var items: [String] = []
        if viewer.readableBureaus == nil { items.append(nav(.overview, "/dashboard", lang("总览", "Overview"))) }
        if viewer.readsCases { items.append(nav(.cases, "/dashboard/cases", lang("问题清单", "Cases"))) }
        if viewer.scopes.contains(where: { $0.hasPrefix("bureau:") }) || viewer.scopes.contains("submit") {
            items.append(nav(.workbench, "/dashboard/workbench", lang("工作台", "Workbench")))
        }
        if viewer.readableBureaus == nil {
            items.append(nav(.meetings, MeetingPages.path, lang("政企交流会", "Meetings")))
            items.append(nav(.topics, TopicPages.path, lang("议题", "Topics")))
        }
        if viewer.scopes.contains("accounts") || viewer.scopes.contains("roles") {
            items.append(nav(.administration, AdminPages.accountsPath, lang("账号管理", "Accounts")))
        }
        if viewer.scopes.contains("audit") { items.append(nav(.administration, AdminPages.auditPath, lang("审计日志", "Audit log"))) }
        items.append(nav(.publicResults, "/public", lang("公开结果", "Public results")))
        return items.joined()
    }

    /// The signed-in person's name, their account page and the sign-out button (a form: signing out changes state).
    var signedIn: String {
        guard let viewer, viewer.kind == .person else { return "" }
        let lang = language
        return """
            <form method="post" action="\(DashboardRoutes.signOutPath)" class="who"><input type="hidden" name="lang" value="\(lang.rawValue)">\
            <input type="hidden" name="csrf" value="\(esc(viewer.csrfToken ?? ""))">\
            <a href="\(DashboardRoutes.accountPath)\(lang == .en ? "?lang=en" : "")" id="who">\(esc(viewer.displayName))</a> \
            <button type="submit" id="sign-out">\(lang("退出", "Sign out"))</button></form>
            """
    }

    var html: String {
        let lang = language
        var switchQuery = query
        switchQuery["lang"] = lang.other == .en ? "en" : nil
        let switchHref = path + Self.queryString(switchQuery)
        return """
            <!doctype html>
            <html lang="\(lang.htmlCode)"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <link rel="icon" href="data:,">
            <title>\(esc(title)) · \(lang("督办", "Duban"))</title>
            <style>\(Self.style)</style></head>
            <body><header><strong>\(lang("督办 · 问题办理", "Duban · problems solved"))</strong>
            <nav>\(navigation)</nav>
            <a class="lang" href="\(esc(switchHref))" hreflang="\(lang.other.htmlCode)">\(lang("English", "中文"))</a>\(signedIn)</header>
            <main><h1>\(esc(title))</h1>
            \(body)
            </main><footer>\(nav(.definitions, "/dashboard/definitions", lang("统计口径", "How figures are counted")))</footer></body></html>
            """
    }

    var response: Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func queryString(_ query: [String: String]) -> String {
        let pairs = query.sorted { $0.key < $1.key }.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? "")"
        }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }

    static let style = """
        body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;margin:0;color:#1f2933;background:#f5f7fa}
        header{display:flex;flex-wrap:wrap;gap:.4rem 1.5rem;align-items:center;padding:.6rem 1.5rem;background:#8b1a1a;color:#fff}
        header nav{display:flex;flex-wrap:wrap;gap:.3rem 1rem}
        header a{color:#fff;text-decoration:none}header a[aria-current]{border-bottom:2px solid #fff}
        header .lang{margin-left:auto}header form.who{display:flex;gap:.5rem;align-items:center}header form.who button{background:none;color:#fff;border:1px solid #fff8;border-radius:4px}
        form.stacked{display:flex;flex-direction:column;gap:.7rem;max-width:24rem}form.stacked label{display:flex;flex-direction:column;gap:.2rem}
        form.stacked input{padding:.5rem;font-size:1rem}form.stacked button{padding:.6rem;font-size:1rem}main{padding:1rem 1.5rem;max-width:1200px}footer{padding:1rem 1.5rem;font-size:.85rem}
        .prose{white-space:pre-wrap;overflow-wrap:anywhere}td,th{overflow-wrap:anywhere}
        form.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin-bottom:1rem}form.filters label{display:flex;flex-direction:column;font-size:.85rem}
        input,select,textarea,button{font:inherit;max-width:100%}
        h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.8rem}
        .figures{display:flex;flex-wrap:wrap;gap:.8rem}.figure{background:#fff;border-radius:6px;padding:.7rem 1rem;min-width:7.5rem;box-shadow:0 1px 2px #0002}
        .figure b{display:block;font-size:1.6rem}.figure span{color:#52606d;font-size:.85rem}
        table{border-collapse:collapse;background:#fff;width:100%;font-size:.9rem}th,td{padding:.35rem .6rem;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top}
        th{background:#eef1f4}th.n,td.n{text-align:right;font-variant-numeric:tabular-nums}
        .rank-inline{display:none}.overdue{color:#b42318;font-weight:bold}.muted{color:#7b8794}.notice{padding:.6rem 1rem;border-radius:6px;background:#e3f8e9}
        .error{padding:.6rem 1rem;border-radius:6px;background:#fde8e8;color:#8a1c1c}
        form.inline{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}form.inline textarea{min-width:16rem}
        ol.timeline{list-style:none;padding:0;border-left:3px solid #cbd2d9;margin-left:.5rem}
        ol.timeline li{margin:0 0 .8rem;padding-left:1rem}ol.timeline time{color:#52606d;font-size:.85rem;margin-right:.6rem}
        svg text{font-size:11px;fill:#52606d}
        table.record input,table.record select{width:100%;box-sizing:border-box;padding:.3rem}blockquote.sentence{margin:.6rem 0;padding:.8rem 1rem;background:#fff;border-left:4px solid #8b1a1a;font-size:1.05rem;line-height:1.7}
        fieldset{min-width:0}form.stacked fieldset label.check{display:inline-flex;flex-direction:row;align-items:center;gap:.3rem;margin:0 .8rem .3rem 0}
        @media print{header,footer{display:none}}
        @media (max-width:640px){
        header,main,footer{padding-left:.8rem;padding-right:.8rem}h1{font-size:1.2rem}.figure{min-width:6rem;padding:.5rem .7rem}
        table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:auto}table.cards thead{display:none}
        table.cards tr{background:#fff;border:1px solid #e4e7eb;border-radius:6px;margin:0 0 .6rem;padding:.3rem .5rem}
        table.cards td{display:flex;justify-content:space-between;gap:1rem;border:0;padding:.2rem 0;text-align:right}
        table.cards td::before{content:attr(data-label);color:#52606d;text-align:left;flex:0 0 auto;max-width:45%}
        table.cards td[colspan]{display:block;text-align:left}table.cards td[colspan]::before{content:none}
        table.cards td.block{display:block;text-align:left}table.cards td.block::before{display:block;margin-bottom:.2rem}
        table.cards td.main{display:block;text-align:left;font-weight:bold}table.cards td.main::before{content:none}
        table.cards td.rank{display:none}.rank-inline{display:inline}table.fields th{width:1%;white-space:nowrap;overflow-wrap:normal}form.inline textarea{min-width:0;width:100%}}
        """
}

extension CharacterSet {
    /// What may stay unescaped in a query value.
    static let urlQueryValueAllowed: CharacterSet = {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return allowed
    }()
}

/// A table cell that keeps its column's heading, so a narrow screen can show each row as a card (`table.cards`).
func cell(_ label: String, _ html: String, numeric: Bool = false, main: Bool = false, extraClass: String = "") -> String {
    let classes = [numeric ? "n" : "", main ? "main" : "", extraClass].filter { !$0.isEmpty }.joined(separator: " ")
    return "<td data-label=\"\(esc(label))\"\(classes.isEmpty ? "" : " class=\"\(classes)\"")>\(html)</td>"
}

/// Formats for the pages, in Beijing time.
enum PageFormat {
    static func day(_ date: Date?) -> String {
        guard let date else { return "—" }
        let c = ChinaTime.calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    static func minute(_ date: Date?) -> String {
        guard let date else { return "—" }
        let c = ChinaTime.calendar.dateComponents([.hour, .minute], from: date)
        return day(date) + String(format: " %02d:%02d", c.hour!, c.minute!)
    }

    static func percent(_ rate: Double?) -> String {
        guard let rate else { return "—" }
        return String(format: "%.1f%%", rate * 100)
    }
}
