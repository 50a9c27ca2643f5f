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
        case "unknown_column", "column_required", "duplicate_column": self("表头有误：", "The header row is wrong: ") + message
        case "too_many_rows": self("一次最多导入 10000 行，请拆分文件。", "At most 10,000 rows per import: split the file.")
        case "body_too_large": self("文件太大。", "The file is too large.")
        default: message
        }
    }
}
