import DubanIdentity
import DubanModels
import DubanRuntime
import Foundation
import HTTPTypes
import Hummingbird

/// The administrators' pages: accounts (the system administrator creates, disables and resets them; the security
/// administrator grants roles) and the audit log (the audit administrator searches it and exports CSV). Intake does
/// every act and checks every right; these pages pass the administrator's token on.
enum AdminPages {
    static let accountsPath = "/dashboard/admin/accounts"
    static let auditPath = "/dashboard/admin/audit"
    static let auditCSVPath = "/dashboard/admin/audit.csv"

    static func accounts(_ lang: Language, _ accounts: [IntakeClient.Account], viewer: Principal, words: Vocabulary,
                         result: String?, error: String?) -> String {
        var out = result ?? ""
        out += error.map { "<p class=\"error\" id=\"message\">\(esc($0))</p>" } ?? ""
        let csrf = "<input type=\"hidden\" name=\"csrf\" value=\"\(esc(viewer.csrfToken ?? ""))\"><input type=\"hidden\" name=\"lang\" value=\"\(lang.rawValue)\">"
        let headings = [lang("用户名", "Login"), lang("姓名", "Name"), lang("单位", "Unit"), lang("角色", "Roles"), lang("状态", "State"), lang("操作", "Act")]
        out += "<table id=\"accounts\" class=\"cards\"><thead><tr>" + headings.map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>"
        for account in accounts {
            let roles = account.roles.compactMap(Role.init(rawValue:)).map { lang($0.chineseName, $0.englishName) }.joined(separator: lang("、", ", "))
            let state = [account.disabled ? lang("已停用", "disabled") : nil, account.locked ? lang("已锁定", "locked") : nil,
                         account.secondFactor ? lang("已开启动态码", "one-time codes on") : nil,
                         account.mustChangePassword ? lang("待改密码", "must change password") : nil].compactMap { $0 }.joined(separator: lang("、", ", "))
            var acts = ""
            if viewer.scopes.contains("accounts") {
                acts += """
                    <form method="post" action="\(accountsPath)" class="inline">\(csrf)<input type="hidden" name="login" value="\(esc(account.login))">\
                    <button name="act" value="\(account.disabled ? "enable" : "disable")">\(account.disabled ? lang("启用", "Enable") : lang("停用", "Disable"))</button>\
                    <button name="act" value="reset-password">\(lang("重置密码", "Reset password"))</button></form>
                    """
            }
            if viewer.scopes.contains("roles") && account.login != viewer.name {
                let options = Role.allCases.map { "<option value=\"\($0.rawValue)\">\(lang($0.chineseName, $0.englishName))</option>" }.joined()
                acts += """
                    <form method="post" action="\(accountsPath)" class="inline" data-login="\(esc(account.login))">\(csrf)<input type="hidden" name="login" value="\(esc(account.login))">\
                    <select name="role">\(options)</select><input name="unit" placeholder="\(lang("单位编号（承办人、负责人）", "bureau id (clerks, heads)"))" size="14">\
                    <button name="act" value="grant">\(lang("授予", "Grant"))</button><button name="act" value="revoke">\(lang("收回", "Revoke"))</button></form>
                    """
            }
            out += "<tr data-login=\"\(esc(account.login))\">" + cell(headings[0], esc(account.login), main: true) + cell(headings[1], esc(account.displayName))
                + cell(headings[2], esc(account.unit.map { words.bureau($0, lang, routedName: nil) } ?? "—")) + cell(headings[3], esc(roles.isEmpty ? "—" : roles))
                + cell(headings[4], esc(state.isEmpty ? lang("正常", "active") : state)) + cell(headings[5], acts, extraClass: "block") + "</tr>"
        }
        out += "</tbody></table>"
        if viewer.scopes.contains("accounts") {
            out += """
                <h2>\(lang("新建账号", "New account"))</h2>
                <form method="post" action="\(accountsPath)" class="stacked" id="create-account">\(csrf)<input type="hidden" name="act" value="create">
                <label>\(lang("用户名", "Login name")) <input name="login" required maxlength="64" autocapitalize="none"></label>
                <label>\(lang("姓名", "Name")) <input name="name" required maxlength="50"></label>
                <label>\(lang("单位编号（承办人、负责人须填）", "Bureau id (clerks and heads)")) <input name="unit" maxlength="64"></label>
                <button type="submit">\(lang("创建", "Create"))</button></form>
                <p class="muted">\(lang("新账号没有角色，由安全管理员授予；初始密码只显示一次，首次登录须修改。", "A new account has no role until the security administrator grants one; its first password is shown once and must be changed at the first sign-in."))</p>
                """
        }
        return out
    }

    /// What a create or reset gave: shown once, on this page only, never in an address.
    static func oneTime(_ lang: Language, _ created: IntakeClient.Created) -> String {
        var out = "<div class=\"notice\" id=\"one-time\"><p>\(lang("账号", "Account")) <strong>\(esc(created.login))</strong> \(lang("的初始密码（只显示这一次）：", "— its password, shown this once:"))"
        out += " <code id=\"temporary-password\">\(esc(created.temporaryPassword))</code></p>"
        if let totp = created.totp { out += "<p>\(lang("动态验证码密钥：", "One-time code set-up:")) <code class=\"prose\">\(esc(totp.uri))</code></p>" }
        return out + "</div>"
    }

    static func audit(_ lang: Language, rows: [IntakeClient.AuditRow], query: [String: String], words: Vocabulary) -> String {
        func field(_ name: String, _ label: String, type: String = "text") -> String {
            "<label>\(label) <input type=\"\(type)\" name=\"\(name)\" value=\"\(esc(query[name]))\"></label>"
        }
        var out = """
            <form method="get" action="\(auditPath)" class="filters" id="audit-search"><input type="hidden" name="lang" value="\(lang.rawValue)">
            \(field("actor", lang("操作人", "Who")))\(field("subject", lang("对象（问题编号、账号）", "About (case id, login)")))\(field("action", lang("操作（前缀，如 case.）", "Action (prefix, e.g. case.)")))
            \(field("from", lang("起始日期", "From"), type: "date"))\(field("to", lang("截止日期", "To"), type: "date"))
            <button type="submit">\(lang("查询", "Search"))</button></form>
            """
        let csvQuery = query.filter { ["actor", "subject", "action", "from", "to"].contains($0.key) && !$0.value.isEmpty }
        out += "<p><a id=\"audit-csv\" href=\"\(auditCSVPath)\(esc(HTMLPage.queryString(csvQuery)))\">\(lang("导出 CSV（Excel/WPS）", "Export CSV (Excel, WPS)"))</a></p>"
        let headings = [lang("时间", "Time"), lang("操作人", "Who"), lang("操作", "Action"), lang("对象", "About"), lang("结果", "Outcome"), lang("说明", "Detail")]
        out += "<table id=\"audit\" class=\"cards\"><thead><tr>" + headings.map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows {
            out += "<tr data-action=\"\(esc(row.action))\">" + cell(headings[0], PageFormat.minute(row.at)) + cell(headings[1], esc(row.actor), main: true)
                + cell(headings[2], esc(actionWords(row.action, lang))) + cell(headings[3], esc(row.subject))
                + cell(headings[4], row.outcome == "done" ? lang("成功", "done") : "<span class=\"overdue\">\(lang("拒绝", "refused"))</span>")
                + cell(headings[5], esc(detailWords(row, lang))) + "</tr>"
        }
        if rows.isEmpty { out += "<tr><td colspan=\"6\" class=\"muted\">\(lang("没有记录", "No entries"))</td></tr>" }
        return out + "</tbody></table>"
    }

    /// An audit row's detail as words: a case's status after the act, or why a sign-in was refused.
    static func detailWords(_ row: IntakeClient.AuditRow, _ lang: Language) -> String {
        if row.action.hasPrefix("case."), !row.detail.isEmpty { return lang.status(row.detail) }
        let words: [String: (String, String)] = [
            "password": ("密码错误", "wrong password"), "password (change)": ("修改密码时原密码错误", "wrong current password"),
            "unknown login": ("无此用户", "unknown login"), "disabled": ("账号已停用", "account disabled"),
            "locked": ("账号锁定中", "account locked"), "code": ("动态验证码错误", "wrong one-time code"),
            "code missing": ("未填动态验证码", "no one-time code"), "no second factor": ("未设置动态验证码", "no second factor"),
            "must change password": ("须先修改密码", "must change the password"),
        ]
        guard let (zh, en) = words[row.detail] else { return row.detail }
        return lang(zh, en)
    }

    /// An audit action as words; the code stays beside it for the record.
    static func actionWords(_ action: String, _ lang: Language) -> String {
        if action.hasPrefix("case.") { return lang.action(String(action.dropFirst(5))) + " (\(action))" }
        let words: [String: (String, String)] = [
            "sign-in": ("登录", "sign-in"), "sign-out": ("退出", "sign-out"), "session.idle": ("超时退出", "idle timeout"),
            "account.lock": ("账号锁定", "account locked"), "account.create": ("新建账号", "account created"),
            "account.disable": ("停用账号", "account disabled"), "account.enable": ("启用账号", "account enabled"),
            "password.change": ("修改密码", "password changed"), "password.reset": ("重置密码", "password reset"),
            "role.grant": ("授予角色", "role granted"), "role.revoke": ("收回角色", "role revoked"),
            "totp.enrol": ("开启动态码", "one-time codes on"), "totp.reset": ("重设动态码", "one-time codes reset"),
            "contact.view": ("查看联系方式", "contact viewed"), "key.create": ("新建密钥", "key created"), "key.revoke": ("吊销密钥", "key revoked"),
            "audit.search": ("查询审计日志", "audit searched"), "contact.anonymise": ("匿名化联系方式", "contact anonymised"),
            "meeting.series.create": ("新建会议系列", "meeting series created"), "meeting.session.create": ("新建一期会议", "session scheduled"),
            "meeting.session.update": ("修改会议信息", "session changed"), "meeting.session.open": ("开始会议", "session opened"),
            "meeting.session.close": ("结束会议", "session closed"), "meeting.session.cancel": ("取消会议", "session cancelled"),
            "topic.create": ("新建议题（收集民意）", "topic started (information collected)"), "topic.draft": ("拟定议题", "topic drafted"),
            "topic.research": ("会前调研", "researched before discussing"), "topic.consult": ("协商议事", "parties consulted"),
            "topic.publish": ("公开结果", "result published"), "topic.supervise": ("监督执行", "execution under supervision"),
            "topic.decline": ("不予立题", "topic declined"),
        ]
        guard let (zh, en) = words[action] else { return action }
        return lang(zh, en) + " (\(action))"
    }
}

extension DashboardRoutes {
    func registerAdministration(on router: RouterGroup<DubanRequestContext>) {
        router.get(RouterPath(AdminPages.accountsPath)) { request, context -> Response in
            try await accountsPage(request, context, result: nil, error: nil)
        }
        router.post(RouterPath(AdminPages.accountsPath)) { request, context -> Response in
            let form = try await sessionForm(request, context)
            let lang = Language(query: form)
            let token = context.credential ?? ""
            let login = (form["login"] ?? "").trimmingCharacters(in: .whitespaces)
            do {
                switch form["act"] ?? "" {
                case "create":
                    let created = try await intake.createAccount(token: token, login: login, name: form["name"] ?? "",
                                                                 unit: form["unit"].flatMap { $0.isEmpty ? nil : $0 })
                    return try await accountsPage(request, context, result: AdminPages.oneTime(lang, created), error: nil, lang: lang)
                case "reset-password":
                    let created = try await intake.accountAct(token: token, login: login, act: "reset-password")
                    return try await accountsPage(request, context, result: created.map { AdminPages.oneTime(lang, $0) }, error: nil, lang: lang)
                case "disable", "enable":
                    _ = try await intake.accountAct(token: token, login: login, act: form["act"]!)
                case "grant", "revoke":
                    let role = form["role"] ?? ""
                    let answer = try await intake.changeRoles(token: token, login: login, grant: form["act"] == "grant" ? [role] : [],
                                                              revoke: form["act"] == "revoke" ? [role] : [],
                                                              unit: form["unit"].flatMap { $0.isEmpty ? nil : $0 })
                    if let totp = answer.totp {
                        let shown = "<div class=\"notice\" id=\"one-time\">\(lang("动态验证码密钥（只显示这一次）：", "One-time code set-up, shown this once:")) <code class=\"prose\">\(esc(totp.uri))</code></div>"
                        return try await accountsPage(request, context, result: shown, error: nil, lang: lang)
                    }
                default:
                    throw APIError.badRequest("invalid_act", "act is create, disable, enable, reset-password, grant or revoke")
                }
            } catch let failure as IntakeClient.Failure {
                return try await accountsPage(request, context, result: nil, error: lang.pageProblem(failure.code, message: failure.message), lang: lang)
            }
            return Self.seeOther(AdminPages.accountsPath + (lang == .en ? "?lang=en" : ""))
        }
        router.get(RouterPath(AdminPages.auditPath)) { request, context -> Response in
            let query = request.queryDictionary
            let lang = Language(query: query)
            let viewer = try Self.requireScope(context, "audit")
            let search = query.filter { ["actor", "subject", "action", "from", "to"].contains($0.key) }
            let rows: [IntakeClient.AuditRow]
            do { rows = try await intake.audit(token: context.credential ?? "", query: search) } catch let failure as IntakeClient.Failure {
                throw APIError(.badRequest, code: failure.code, failure.message)
            }
            return HTMLPage(title: lang("审计日志", "Audit log"), language: lang, section: .administration, path: AdminPages.auditPath,
                            query: query, viewer: viewer, body: AdminPages.audit(lang, rows: rows, query: query, words: words)).response
        }
        router.get(RouterPath(AdminPages.auditCSVPath)) { request, context -> Response in
            _ = try Self.requireScope(context, "audit")
            let search = request.queryDictionary.filter { ["actor", "subject", "action", "from", "to"].contains($0.key) }
            let body = try await intake.auditCSV(token: context.credential ?? "", query: search)
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"audit.csv\"",
                                                   .cacheControl: "no-store"], body: .init(byteBuffer: body))
        }
    }

    private func accountsPage(_ request: Request, _ context: DubanRequestContext, result: String?, error: String?, lang: Language? = nil) async throws -> Response {
        let query = request.queryDictionary
        let lang = lang ?? Language(query: query)
        guard let viewer = context.principal, viewer.scopes.contains("accounts") || viewer.scopes.contains("roles") else {
            throw APIError(.forbidden, code: "scope_required", "for the system or security administrator")
        }
        let accounts: [IntakeClient.Account]
        do { accounts = try await intake.accounts(token: context.credential ?? "") } catch let failure as IntakeClient.Failure {
            throw APIError(.forbidden, code: failure.code, failure.message)
        }
        return HTMLPage(title: lang("账号管理", "Accounts"), language: lang, section: .administration, path: AdminPages.accountsPath,
                        query: lang == .en ? ["lang": "en"] : [:], viewer: viewer,
                        body: AdminPages.accounts(lang, accounts, viewer: viewer, words: words, result: result, error: error)).response
    }

    static func requireScope(_ context: DubanRequestContext, _ scope: String) throws -> Principal {
        guard let viewer = context.principal, viewer.scopes.contains(scope) else {
            throw APIError(.forbidden, code: "scope_required", "this page is for the \(scope == "audit" ? "audit" : "system or security") administrator")
        }
        return viewer
    }
}
