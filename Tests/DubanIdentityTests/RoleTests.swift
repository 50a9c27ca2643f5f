import DubanModels
import Testing

@Suite struct RoleTests {
    /// A clerk reads and acts on its own bureau only; a supervisor reads all and dispatches; administrators read no case.
    @Test func rolesGiveTheScopesOfTheirJob() {
        let clerk = Principal.person(login: "li", displayName: "李", roles: [.bureauClerk], unit: "transport", sessionID: nil, csrfToken: nil)
        #expect(clerk.readableBureaus == ["transport"])
        #expect(clerk.mayRead(bureau: "transport") && !clerk.mayRead(bureau: "power"))
        #expect(clerk.mayRead(bureau: "power", counterpart: "transport"))
        #expect(!clerk.scopes.contains("bureau-head"))
        let supervisor = Principal.person(login: "wang", displayName: "王", roles: [.supervisor], unit: nil, sessionID: nil, csrfToken: nil)
        #expect(supervisor.readableBureaus == nil && supervisor.scopes.contains("dispatch"))
        let admin = Principal.person(login: "root", displayName: "管理员", roles: [.systemAdministrator, .auditAdministrator], unit: nil,
                                     sessionID: nil, csrfToken: nil)
        #expect(admin.readableBureaus == [] && !admin.readsCases && !admin.mayRead(bureau: "transport"))
        let submitOnly = Principal(kind: .key, name: "hotline", displayName: "hotline", scopes: ["submit"])
        #expect(!submitOnly.readsCases)
        let bureauKey = Principal(kind: .key, name: "desk", displayName: "desk", scopes: ["read", "bureau:power"])
        #expect(bureauKey.readableBureaus == ["power"])
    }
}
