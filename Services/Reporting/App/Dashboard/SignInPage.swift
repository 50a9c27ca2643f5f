import DubanModels
import Foundation

/// The sign-in form, the password change and the account page: phone-first, each field labelled in the reader's
/// language, the error said in words (its code kept on the element for tools and tests).
enum SignInPage {
    static func form(_ lang: Language, next: String?, csrf: String, error: String?, code: String?) -> String {
        var out = error.map { "<p class=\"error\" id=\"message\"\(code.map { " data-code=\"\(esc($0))\"" } ?? "")>\(esc($0))</p>" } ?? ""
        out += """
            <form method="post" action="\(DashboardRoutes.signInPath)" class="stacked" id="sign-in">
            <input type="hidden" name="lang" value="\(lang.rawValue)"><input type="hidden" name="csrf" value="\(esc(csrf))">
            \(next.map { "<input type=\"hidden\" name=\"next\" value=\"\(esc($0))\">" } ?? "")
            <label>\(lang("用户名", "Login name")) <input name="login" id="login" required autocomplete="username" autocapitalize="none" maxlength="64"></label>
            <label>\(lang("密码", "Password")) <input type="password" name="password" id="password" required autocomplete="current-password" maxlength="128"></label>
            <label>\(lang("动态验证码（管理员及已开启者填写）", "One-time code (administrators, and anyone who turned it on)")) <input name="code" id="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6"></label>
            <button type="submit">\(lang("登录", "Sign in"))</button></form>
            <p class="muted">\(lang("账号由系统管理员创建；首次登录须修改密码。连续 5 次输错将暂时锁定。", "The system administrator creates accounts; the first sign-in changes the password. Five wrong tries lock the account for a while."))</p>
            <p class="muted">\(lang("在服务器上创建账号，例如：", "On the server, an account is made e.g. with:")) <code class="command">\(esc(accountCommand))</code></p>
            """
        return out
    }

    /// How an administrator makes an account on the host; a test runs it as printed.
    static let accountCommand = "intake accounts create --login zhang.wei --name 张伟 --role bureau-clerk --unit transport"

    static func passwordForm(_ lang: Language, csrf: String, error: String?, code: String?, mustChange: Bool) -> String {
        var out = mustChange ? "<p class=\"notice\" id=\"must-change\">\(lang("首次登录或密码重置后，请先设置新密码。", "Set a new password first (first sign-in, or after a reset)."))</p>" : ""
        out += error.map { "<p class=\"error\" id=\"message\"\(code.map { " data-code=\"\(esc($0))\"" } ?? "")>\(esc($0))</p>" } ?? ""
        out += """
            <form method="post" action="\(DashboardRoutes.passwordPath)" class="stacked" id="password-change">
            <input type="hidden" name="lang" value="\(lang.rawValue)"><input type="hidden" name="csrf" value="\(esc(csrf))">
            <label>\(lang("当前密码", "Current password")) <input type="password" name="current" id="current" required autocomplete="current-password"></label>
            <label>\(lang("新密码", "New password")) <input type="password" name="new" id="new" required minlength="12" autocomplete="new-password"></label>
            <label>\(lang("再次输入新密码", "New password again")) <input type="password" name="confirm" id="confirm" required minlength="12" autocomplete="new-password"></label>
            <button type="submit">\(lang("修改密码", "Change password"))</button></form>
            <p class="muted">\(lang("至少 12 位，含大写字母、小写字母、数字、符号中的三类，且不含用户名。", "At least 12 characters from three of upper case, lower case, digits and symbols, without the login name."))</p>
            """
        return out
    }

    static func account(_ lang: Language, principal: Principal?, setup: IntakeClient.TOTPSetup?, message: String?, error: String?,
                        words: Vocabulary) -> String {
        guard let principal else { return "" }
        var out = message.map { "<p class=\"notice\" id=\"message\">\(esc($0))</p>" } ?? ""
        out += error.map { "<p class=\"error\" id=\"message\">\(esc($0))</p>" } ?? ""
        let roles = principal.roles.sorted().map { lang($0.chineseName, $0.englishName) }.joined(separator: "、")
        out += """
            <table class="fields"><tbody>
            <tr><th>\(lang("用户名", "Login name"))</th><td id="account-login">\(esc(principal.name))</td></tr>
            <tr><th>\(lang("姓名", "Name"))</th><td>\(esc(principal.displayName))</td></tr>
            <tr><th>\(lang("角色", "Roles"))</th><td id="account-roles">\(esc(roles.isEmpty ? "—" : roles))</td></tr>
            <tr><th>\(lang("所属单位", "Unit"))</th><td>\(esc(principal.unit.map { words.bureau($0, lang, routedName: nil) } ?? "—"))</td></tr>
            </tbody></table>
            <p><a href="\(DashboardRoutes.passwordPath)\(lang == .en ? "?lang=en" : "")">\(lang("修改密码", "Change your password"))</a></p>
            <h2>\(lang("动态验证码（双因素登录）", "One-time codes (second factor)"))</h2>
            """
        if let setup {
            out += """
                <p>\(lang("用验证器应用（如微信小程序、Google Authenticator）添加以下密钥，然后输入其显示的 6 位验证码确认：", "Add this to an authenticator app, then confirm with the 6-digit code it shows:"))</p>
                <p><code id="totp-uri" class="prose">\(esc(setup.uri))</code></p>
                <form method="post" action="\(DashboardRoutes.accountPath)" class="inline" id="totp-confirm">
                <input type="hidden" name="lang" value="\(lang.rawValue)"><input type="hidden" name="csrf" value="\(esc(principal.csrfToken ?? ""))">
                <label>\(lang("验证码", "Code")) <input name="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required></label>
                <button type="submit">\(lang("确认开启", "Turn on"))</button></form>
                """
        } else {
            out += """
                <form method="post" action="\(DashboardRoutes.accountPath)" class="inline" id="totp-start">
                <input type="hidden" name="lang" value="\(lang.rawValue)"><input type="hidden" name="csrf" value="\(esc(principal.csrfToken ?? ""))">
                <button type="submit">\(lang("设置动态验证码", "Set up one-time codes"))</button></form>
                """
        }
        return out
    }
}
