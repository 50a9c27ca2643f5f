import DubanModels
import DubanRuntime

/// The access rules every API applies to the caller the gate let in.
extension DubanRequestContext {
    /// A caller who reads case content (some or all cases).
    /// - Throws: 401 `authentication_required` (no caller: a route outside the gate), 403 `password_change_required`,
    ///   403 `no_case_access` (an administrator without a business role, a key that only submits).
    public func caseReader() throws -> Principal {
        guard let principal else {
            throw APIError(.unauthorized, code: "authentication_required", "sign in, or send an API key as 'Authorization: Bearer <key>'")
        }
        if principal.scopes == ["password-change"] {
            throw APIError(.forbidden, code: "password_change_required", "change the password first")
        }
        guard principal.readsCases else {
            throw APIError(.forbidden, code: "no_case_access", "'\(principal.name)' may not read cases")
        }
        return principal
    }

    /// A caller who reads every case (supervisors, leaders, the secretary, approvers, keys with `read` and no bureau).
    /// - Throws: as ``caseReader()``, and 403 `read_all_required` for a caller limited to some bureaus.
    public func allCasesReader() throws -> Principal {
        let principal = try caseReader()
        guard principal.readableBureaus == nil else {
            throw APIError(.forbidden, code: "read_all_required", "'\(principal.name)' reads only its own bureau's cases")
        }
        return principal
    }
}
