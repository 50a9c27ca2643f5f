import Foundation

/// The secretary's view of the workbench: a problem list exported from a spreadsheet, uploaded as a file and imported by
/// intake (`POST /v1/imports` with the signed-in key, which needs the `submit` scope). Intake reads UTF-8 or GB18030 and
/// English or Chinese column names; the page shows its report row by row.
enum ImportPage {
    static let path = DashboardRoutes.workbenchPath + "/import"

    static func form(_ lang: Language, csrf: String) -> String {
        """
        <h2>\(lang("导入问题清单", "Import a problem list"))</h2>
        <form method="post" action="\(path)?csrf=\(esc(csrf))\(lang == .en ? "&amp;lang=en" : "")" enctype="multipart/form-data" class="inline" id="import">
        <label>\(lang("CSV 文件（Excel/WPS 另存为 CSV）", "CSV file (saved from Excel or WPS)")) <input type="file" name="file" id="import-file" accept=".csv,text/csv" required></label>
        <button type="submit">\(lang("导入", "Import"))</button></form>
        <p class="muted">\(lang("列：标题、问题描述（必填），编号、来源、企业、联系人、电话、类别、地址等（可选）。", "Columns: title and description (required); ref, channel, enterprise, name, phone, category, address and more (optional)."))</p>
        """
    }

    /// What intake answered, as a page: the totals, then every row that was not simply created.
    static func report(_ report: IntakeClient.ImportReport, _ lang: Language) -> String {
        var out = "<p class=\"notice\" id=\"import-summary\" data-created=\"\(report.created)\" data-failed=\"\(report.failed)\">"
        out += lang("共 \(report.rows) 行：新建 \(report.created) 件，已导入过 \(report.duplicates) 件，失败 \(report.failed) 件",
                    "\(report.rows) rows: \(report.created) created, \(report.duplicates) already imported, \(report.failed) failed")
        if let skipped = report.skipped, skipped > 0 { out += lang("，跳过空行 \(skipped) 行", ", \(skipped) empty rows skipped") }
        if let encoding = report.encoding { out += lang("（文件编码 \(encoding)）", " (read as \(encoding))") }
        out += lang("。", ".") + "</p>"
        let headings = [lang("行", "Row"), lang("编号", "Ref"), lang("结果", "Outcome"), lang("说明", "Detail")]
        out += "<table id=\"import-rows\" class=\"cards\"><thead><tr>" + headings.map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>"
        for row in report.results {
            let outcome: String
            let detail: String
            switch row.outcome {
            case "created":
                outcome = lang("已新建", "created")
                detail = row.id.map { "<a href=\"/dashboard/cases/\(esc($0))\(lang == .en ? "?lang=en" : "")\">\(esc($0))</a>" } ?? ""
            case "duplicate":
                outcome = lang("已导入过", "already imported")
                detail = row.id.map { "<a href=\"/dashboard/cases/\(esc($0))\(lang == .en ? "?lang=en" : "")\">\(esc($0))</a>" } ?? ""
            default:
                outcome = lang("失败", "failed")
                detail = "<span data-code=\"\(esc(row.code))\">\(esc(lang.problem(row.code ?? "", message: row.message ?? "")))</span>"
            }
            out += "<tr data-outcome=\"\(esc(row.outcome))\">" + cell(headings[0], "\(row.row)", numeric: true)
            out += cell(headings[1], esc(row.ref ?? "—")) + cell(headings[2], outcome) + cell(headings[3], detail) + "</tr>"
        }
        return out + "</tbody></table>"
    }
}
