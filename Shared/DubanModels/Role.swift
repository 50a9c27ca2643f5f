/// What a person does in the loop. The business roles follow 督办 practice; the three administrator roles are the
/// separation of duties that graded protection (等保 2.0, level 3) asks of a system's administration: accounts and
/// configuration, roles and policies, and reading the audit log are three people's jobs, and none of them reads case
/// content unless also given a business role.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    /// The zone office's secretary (秘书): records what enterprises raise.
    case secretary
    /// The supervision office (督查室, 督办员): watches every case and dispatches triage.
    case supervisor
    /// A bureau's handler (承办人): signs for and handles the bureau's cases.
    case bureauClerk = "bureau-clerk"
    /// A bureau's head: answers for the bureau and decides its returns and extension requests.
    case bureauHead = "bureau-head"
    /// A leader (领导): reads everything and writes instructions (批示).
    case leader
    /// Decides deadline extensions (审批人).
    case approver
    /// A liaison officer (联络员) for an area or village group (the account's unit): submits on residents' behalf.
    case liaison
    /// Accounts and configuration (系统管理员).
    case systemAdministrator = "system-admin"
    /// Roles and policies (安全管理员).
    case securityAdministrator = "security-admin"
    /// Reads the audit log, nothing else (审计管理员).
    case auditAdministrator = "audit-admin"

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    public var isAdministrator: Bool { [.systemAdministrator, .securityAdministrator, .auditAdministrator].contains(self) }
    /// Clerks and heads belong to one bureau; their account's unit is its id.
    public var belongsToBureau: Bool { self == .bureauClerk || self == .bureauHead }
    /// Sees every case (not only one bureau's).
    public var readsAllCases: Bool { [.secretary, .supervisor, .leader, .approver].contains(self) }

    public var chineseName: String {
        switch self {
        case .secretary: "秘书"
        case .supervisor: "督办员"
        case .bureauClerk: "承办人"
        case .bureauHead: "单位负责人"
        case .leader: "领导"
        case .approver: "审批人"
        case .liaison: "联络员"
        case .systemAdministrator: "系统管理员"
        case .securityAdministrator: "安全管理员"
        case .auditAdministrator: "审计管理员"
        }
    }

    public var englishName: String {
        switch self {
        case .secretary: "Secretary"
        case .supervisor: "Supervisor"
        case .bureauClerk: "Bureau clerk"
        case .bureauHead: "Bureau head"
        case .leader: "Leader"
        case .approver: "Approver"
        case .liaison: "Liaison officer"
        case .systemAdministrator: "System administrator"
        case .securityAdministrator: "Security administrator"
        case .auditAdministrator: "Audit administrator"
        }
    }

    /// The scopes a person with this role holds, in the same terms as an API key's, so one check serves both:
    /// `bureau:<unit>` to act on a bureau's cases, `bureau-head` to decide what leaves the bureau, `dispatch`
    /// (triage, and every submitter's contact), `approve`, `submit`, `instruct` (批示), `meetings` (series, sessions and
    /// topics: the secretary records, the supervision office too), and the administrators'
    /// `accounts`, `roles`, `audit`.
    public func scopes(unit: String?) -> Set<String> {
        var scopes: Set<String> = readsAllCases ? ["read"] : []
        switch self {
        case .secretary: scopes.formUnion(["submit", "meetings"])
        case .liaison: scopes.insert("submit")
        case .supervisor: scopes.formUnion(["dispatch", "meetings"])
        case .bureauClerk, .bureauHead:
            if let unit, !unit.isEmpty { scopes.formUnion(["read", "bureau:\(unit)"]) }
            if self == .bureauHead { scopes.insert("bureau-head") }
        case .leader: scopes.insert("instruct")
        case .approver: scopes.insert("approve")
        case .systemAdministrator: scopes.insert("accounts")
        case .securityAdministrator: scopes.insert("roles")
        case .auditAdministrator: scopes.insert("audit")
        }
        return scopes
    }
}
