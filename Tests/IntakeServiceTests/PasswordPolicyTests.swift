import DubanRuntime
import Testing
@testable import IntakeService

@Suite struct PasswordPolicyTests {
    @Test func theRuleSaysWhatItWants() throws {
        let policy = PasswordPolicy(minimumLength: 12, minimumClasses: 3)
        #expect(throws: APIError.self) { try policy.check("short1A", login: "li") }
        #expect(throws: APIError.self) { try policy.check("alllowercaseletters", login: "li") }
        #expect(throws: APIError.self) { try policy.check("Zhangwei2026!", login: "zhangwei") }
        try policy.check("Gov-Enterprise-42", login: "li")
        for _ in 0..<200 { try policy.check(policy.temporaryPassword(login: "zz"), login: "zz") }
    }
}
