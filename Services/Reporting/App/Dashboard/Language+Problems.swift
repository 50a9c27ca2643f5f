extension Language {
    /// What went wrong, as people say it, for intake's stable error codes that the workbench and the upload page pass
    /// on (docs/INTAKE.md lists them). A code without words here is shown with intake's own message.
    func problem(_ code: String, message: String) -> String {
        switch code {
        case "note_required": self("请填写说明（措施、结果或理由）。", "Write a note: the measure, the result or the reason.")
        case "note_too_long": self("说明太长，最多 4000 字。", "The note is too long: at most 4,000 characters.")
        case "invalid_transition": self("问题当前的状态不允许这一步。", "The case's current status does not allow this step.")
        case "not_your_case": self("这不是本单位的问题。", "This case is not your bureau's.")
        case "not_routed": self("问题尚未交办到单位。", "The case has not been routed to a bureau yet.")
        case "scope_required": self("此密钥没有这项权限。", "This key may not do that.")
        case "api_key_invalid", "api_key_required": self("密钥无效或已吊销，请重新登录。", "The key is unknown or revoked; sign in again.")
        case "case_not_found": self("找不到这个问题。", "There is no such case.")
        case "invalid_days": self("延期天数须为 1 到 60 个工作日。", "Ask for 1 to 60 working days.")
        case "extension_pending": self("已有延期申请在审批中。", "An extension request is already waiting for a decision.")
        case "file_required": self("请选择要导入的 CSV 文件。", "Choose the CSV file to import.")
        case "invalid_utf8": self("无法识别文件编码：请另存为 CSV（UTF-8 或 GBK）。", "The file's encoding is not UTF-8 or GBK: save it as CSV again.")
        case "spreadsheet_not_csv": self("这是 Excel 工作簿：请在 Excel/WPS 中另存为 CSV 后导入。", "This is a workbook: save it as CSV in Excel or WPS first.")
        case "unknown_column": self("表头有不认识的列名。可用的列：标题、问题描述（必填），编号、来源、企业名称、联系人、联系电话、类别、地址、经度、纬度（或英文列名 title、description 等）。",
                                    "The header row names a column Duban does not know: " + message)
        case "column_required": self("表头缺少必填的列：标题、问题描述。", "The header row lacks a required column: " + message)
        case "duplicate_column": self("表头有两列意思相同，请删去一列。", "Two columns of the header mean the same: " + message)
        case "title_required": self("缺少标题。", "The title is missing.")
        case "description_required": self("缺少问题描述。", "The description is missing.")
        case "title_too_long": self("标题太长，最多 200 字。", "The title is too long: at most 200 characters.")
        case "description_too_long": self("问题描述太长，最多 4000 字。", "The description is too long: at most 4,000 characters.")
        case "invalid_title", "invalid_description", "invalid_note": self("文字中有控制字符，请删去后再试。", "The text holds control characters: remove them.")
        case "invalid_channel": self("来源不对：可填 政企交流会、12345热线、网站、联络员。", "The channel is wrong: meeting, hotline, web or liaison.")
        case "invalid_coordinates": self("经纬度不对：纬度 −90 到 90，经度 −180 到 180。", "The coordinates are wrong: latitude −90 to 90, longitude −180 to 180.")
        case "too_many_fields": self("这一行的格子比表头多。", "This row has more cells than the header.")
        case "idempotency_key_reused": self("这个编号已导入过另一条内容不同的问题。", "This ref was imported before with different content.")
        case "invalid_csv": self("文件不是有效的 CSV（可能有未闭合的引号）。", "The file is not valid CSV (perhaps a quote is not closed).")
        case "invalid_multipart", "multipart_boundary_required": self("上传的表单不完整，请重新选择文件上传。", "The upload was incomplete: choose the file and upload it again.")
        case "too_many_rows": self("一次最多导入 10000 行，请拆分文件。", "At most 10,000 rows per import: split the file.")
        case "body_too_large": self("文件太大。", "The file is too large.")
        default: message
        }
    }

    /// A dashboard page's problem in words: the query's or the address's codes, then intake's (`problem`).
    func pageProblem(_ code: String, message: String) -> String {
        switch code {
        case "case_not_found": self("找不到这个问题：编号有误，或问题尚未同步到报表。", "There is no such case: the id is wrong, or the case has not reached reporting yet.")
        case "invalid_page": self("页码须为从 1 开始的整数。", "The page is a whole number from 1.")
        case "invalid_period": self("时间范围有误：日期写作 2026-11-01。", "The period is wrong: write dates as 2026-11-01.")
        case "invalid_status": self("没有这种状态。", "There is no such status.")
        case "invalid_overdue": self("超期条件只能是“已超期”或“未超期”。", "Overdue is either true or false.")
        case "invalid_order": self("排序只能是最新登记或按时限。", "Order is newest or by deadline.")
        case "invalid_query": self("关键词最多 200 字。", "Words: at most 200 characters.")
        case "intake_unavailable": self("无法连接受理服务，请稍后再试。", "Intake cannot be reached; try again shortly.")
        case "sign_in_required": self("请先登录。", "Sign in first.")
        case "credentials_invalid": self("用户名或密码错误。", "The login name or password is wrong.")
        case "account_locked": self("登录失败次数过多，账号已暂时锁定，请稍后再试或联系系统管理员。", "Too many failed sign-ins: the account is locked for a while. Try later or ask the system administrator.")
        case "totp_required": self("请输入验证器应用上的 6 位动态验证码。", "Enter the 6-digit code from your authenticator app.")
        case "totp_invalid": self("动态验证码错误或已使用。", "The one-time code is wrong or already used.")
        case "totp_not_enrolled": self("管理员须使用动态验证码登录，请联系安全管理员设置。", "Administrators sign in with a one-time code: ask the security administrator to set one up.")
        case "password_too_weak": self("新密码不符合要求：至少 12 位，含大写、小写、数字、符号中的三类，且不含用户名。", "The new password does not meet the rule: at least 12 characters from three of upper case, lower case, digits and symbols, without the login name.")
        case "password_reused": self("新密码不能与当前密码相同。", "Choose a password other than the current one.")
        case "password_mismatch": self("两次输入的新密码不一致。", "The two new passwords differ.")
        case "password_change_required": self("首次登录或密码重置后须先修改密码。", "Change your password first (first sign-in, or after a reset).")
        case "session_ended", "credentials_expired": self("登录已过期，请重新登录。", "Your session has ended: sign in again.")
        case "csrf_invalid": self("表单已过期，请刷新页面后重试。", "The form has expired: reload the page and try again.")
        case "head_decides": self("退回和延期须经单位负责人审核：请选择“拟退回”或“拟申请延期”。", "Returns and extension requests go to the bureau head: choose ‘propose return’ or ‘propose extension’.")
        case "proposal_pending": self("已有待单位负责人审核的申请。", "A proposal is already waiting for the bureau head.")
        case "no_proposal_pending": self("没有待审核的申请。", "No proposal is waiting.")
        case "no_case_access": self("此账号不查看问题内容。", "This account does not read cases.")
        case "read_all_required": self("此页面仅限督办、领导等可查看全部问题的人员。", "This page is for those who read every case (supervisors, leaders).")
        case "own_roles": self("不能修改自己的角色。", "Nobody changes their own roles.")
        case "account_exists": self("已有同名账号或密钥。", "An account or key has that name already.")
        case "invalid_login": self("用户名由小写字母、数字和 . _ - 组成，以字母开头。", "A login name has a-z, 0-9, '.', '_', '-', starting with a letter.")
        case "unit_required": self("承办人和单位负责人须指定所属单位。", "Clerks and heads belong to a bureau: choose it.")
        case "invalid_unit": self("没有这个单位。", "There is no such bureau.")
        case "page_not_found": self("没有这个页面。", "There is no such page.")
        default: problem(code, message: message)
        }
    }
}
