/// The dashboard's two languages: Chinese by default, English with `?lang=en`. Each text is written at the place it is
/// shown, in both languages (`lang("收集问题", "Collected")`), so a page reads as what it shows.
enum Language: String, Sendable {
    case zh
    case en

    init(query: [String: String]) {
        self = query["lang"] == "en" ? .en : .zh
    }

    func callAsFunction(_ chinese: String, _ english: String) -> String {
        self == .zh ? chinese : english
    }

    var htmlCode: String { self == .zh ? "zh-CN" : "en" }
    var other: Language { self == .zh ? .en : .zh }

    /// A status as people say it.
    func status(_ raw: String) -> String {
        switch raw {
        case "submitted": self("待分派", "Awaiting routing")
        case "triage": self("待人工分派", "In triage")
        case "assigned": self("已交办", "Assigned")
        case "signed": self("已签收", "Signed for")
        case "in_progress": self("办理中", "In progress")
        case "resolved": self("已办结", "Resolved")
        case "closed": self("已确认解决", "Confirmed solved")
        case "returned": self("已退回", "Returned")
        case "reopened": self("重新办理", "Reopened")
        default: raw
        }
    }

    /// Where a problem came in, as people say it.
    func channel(_ raw: String?) -> String {
        switch raw {
        case "meeting": self("政企交流会", "Government–enterprise meeting")
        case "hotline": self("12345热线", "12345 hotline")
        case "web": self("网站", "Website")
        case "liaison": self("联络员", "Liaison officer")
        case "open311": self("Open311 接口", "Open311")
        case "api": self("系统对接", "Connected system")
        case nil: ""
        case let other?: other
        }
    }

    /// An update's action as people say it.
    func action(_ raw: String) -> String {
        switch raw {
        case "submit": self("登记问题", "problem recorded")
        case "sign": self("签收", "signed for")
        case "measure": self("制定措施", "measure drafted")
        case "progress": self("进展", "progress")
        case "resolve": self("办结", "resolved")
        case "return": self("退回", "returned")
        case "request_extension": self("申请延期", "extension asked")
        case "decide_extension": self("延期审批", "extension decided")
        case "dispatch": self("人工分派", "dispatched")
        case "confirm": self("确认已解决", "confirmed solved")
        case "reject": self("反馈未解决", "not solved, reopened")
        case "rate": self("满意度评价", "satisfaction rated")
        case "instruct": self("领导批示", "leader's instruction")
        case "propose_return": self("拟退回（待单位负责人审核）", "return proposed (for the bureau head)")
        case "propose_extension": self("拟申请延期（待单位负责人审核）", "extension proposed (for the bureau head)")
        case "decide_proposal": self("单位负责人审核", "bureau head decided")
        default: raw
        }
    }

    /// An event type as people say it.
    func event(_ type: String) -> String {
        switch type {
        case "case.submitted": self("问题登记", "problem recorded")
        case "case.routed": self("交办", "routed")
        case "case.deadline_tracked": self("纳入督办", "under supervision")
        case "case.updated": self("办理", "update")
        default: type
        }
    }
}
