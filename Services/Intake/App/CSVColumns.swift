import DubanModels
import Foundation
import Yams

/// The names a spreadsheet's header row may give each import column, and the words its cells may use for a channel
/// or a category: Duban's English names, and the Chinese ones a zone office types (docs/INTAKE.md lists them).
enum CSVColumns {
    /// Each column with the Chinese header names that mean it.
    static let chineseNames: [String: [String]] = [
        "ref": ["编号", "问题编号"],
        "title": ["标题", "问题标题", "问题", "事项", "诉求标题"],
        "description": ["问题描述", "描述", "具体情况", "内容", "问题内容", "详细描述", "诉求内容"],
        "channel": ["来源", "渠道", "问题来源", "反映渠道"],
        "enterprise": ["企业", "企业名称", "单位名称", "单位"],
        "name": ["联系人", "姓名", "反映人"],
        "phone": ["电话", "联系电话", "手机", "手机号", "联系方式"],
        "category": ["类别", "问题类别", "分类"],
        "latitude": ["纬度"],
        "longitude": ["经度"],
        "address": ["地址", "详细地址"],
        "first_answer": ["现场答复", "现场回复", "答复"],
    ]

    static let english: Set<String> = Set(chineseNames.keys)

    /// A sheet's row-number column (序号): read and ignored. Every list numbers its rows from 1, so as a `ref` it would
    /// make the second meeting's list collide with the first one's.
    static let rowNumber = "row_number"
    static let rowNumberNames = ["序号", "行号", "no", "no."]

    private static let byName: [String: String] = {
        var names: [String: String] = [:]
        for alias in rowNumberNames { names[alias] = rowNumber }
        for (column, aliases) in chineseNames {
            names[column] = column
            for alias in aliases { names[alias] = column }
        }
        return names
    }()

    /// The column a header cell names, or nil. Spaces around it (also the full-width space), a trailing `*` (a
    /// sheet's mark for a required column) and a note in brackets (`（必填）`) do not count; English names in any case.
    static func column(_ header: String) -> String? {
        var name = header.trimmingCharacters(in: .whitespacesAndNewlines)
        // A template's note after the name: 标题（必填）, 电话(选填).
        if let open = name.firstIndex(where: { $0 == "（" || $0 == "(" }), name.last == "）" || name.last == ")", open > name.startIndex {
            name = String(name[..<open])
        }
        while let last = name.last, last == "*" || last == "＊" { name.removeLast() }
        return byName[name.trimmingCharacters(in: .whitespaces).lowercased()]
    }

    /// The channel a cell names: Duban's own values, or how an office writes them in Chinese.
    static func channel(_ value: String) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        return chineseChannels[trimmed] ?? trimmed.lowercased()
    }

    static let chineseChannels: [String: String] = [
        "会议": Channel.meeting.rawValue, "政企交流会": Channel.meeting.rawValue, "座谈会": Channel.meeting.rawValue,
        "政企座谈会": Channel.meeting.rawValue,
        "热线": Channel.hotline.rawValue, "12345": Channel.hotline.rawValue, "12345热线": Channel.hotline.rawValue,
        "网站": Channel.web.rawValue, "网上": Channel.web.rawValue, "网络": Channel.web.rawValue, "网上留言": Channel.web.rawValue,
        "联络员": Channel.liaison.rawValue,
    ]
}

/// The categories of `routing.yaml` by every name a cell may give them: the id, the Chinese name, the English name
/// (any case). A cell that names none is passed on as written (routing then decides by keywords).
struct CategoryNames: Sendable {
    private let ids: [String: String]

    init(ids: [String: String] = [:]) { self.ids = ids }

    func id(for value: String) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        return ids[trimmed] ?? ids[trimmed.lowercased()] ?? trimmed
    }

    private struct File: Decodable {
        struct Category: Decodable {
            struct Name: Decodable { var zh: String; var en: String? }
            var id: String
            var name: Name
        }
        var categories: [Category]
    }

    /// From routing's `routing.yaml`.
    static func load(path: String) throws -> CategoryNames {
        let file = try YAMLDecoder().decode(File.self, from: try String(contentsOfFile: path, encoding: .utf8))
        var ids: [String: String] = [:]
        for category in file.categories {
            ids[category.id] = category.id
            ids[category.name.zh] = category.id
            if let english = category.name.en { ids[english.lowercased()] = category.id }
        }
        return CategoryNames(ids: ids)
    }
}
