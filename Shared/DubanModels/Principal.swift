/// Who is asking: a machine with an API key, or a signed-in person. Every HTTP API decides with this one value what
/// the caller may read and do.
public struct Principal: Sendable, Equatable {
    public enum Kind: String, Sendable { case key, person }

    public var kind: Kind
    /// The key's name or the person's login name: the actor in the record and the audit trail.
    public var name: String
    /// What pages show: the person's display name, or the key's name.
    public var displayName: String
    /// The key's scopes, or those the person's roles give (``Role/scopes(unit:)``).
    public var scopes: Set<String>
    public var roles: Set<Role>
    /// A person's office or bureau id.
    public var unit: String?
    /// A person's session: its id and the token forms must carry back (CSRF).
    public var sessionID: String?
    public var csrfToken: String?

    public init(kind: Kind, name: String, displayName: String, scopes: Set<String>, roles: Set<Role> = [], unit: String? = nil,
                sessionID: String? = nil, csrfToken: String? = nil) {
        self.kind = kind
        self.name = name
        self.displayName = displayName
        self.scopes = scopes
        self.roles = roles
        self.unit = unit
        self.sessionID = sessionID
        self.csrfToken = csrfToken
    }

    /// A signed-in person, with the scopes their roles give.
    public static func person(login: String, displayName: String, roles: Set<Role>, unit: String?, sessionID: String?,
                              csrfToken: String?) -> Principal {
        Principal(kind: .person, name: login, displayName: displayName,
                  scopes: roles.reduce(into: Set<String>()) { $0.formUnion($1.scopes(unit: unit)) },
                  roles: roles, unit: unit, sessionID: sessionID, csrfToken: csrfToken)
    }

    /// The bureaus whose cases this caller may read: nil for every case (`read` or `dispatch` without a bureau, or a
    /// role that reads all), the `bureau:<id>` scopes otherwise (empty: none, as for an administrator or a key that
    /// only submits).
    public var readableBureaus: Set<String>? {
        let bureaus = Set(scopes.filter { $0.hasPrefix("bureau:") }.map { String($0.dropFirst(7)) })
        if kind == .person {
            return roles.contains(where: \.readsAllCases) ? nil : bureaus
        }
        if !bureaus.isEmpty { return bureaus }
        return scopes.contains("read") || scopes.contains("dispatch") ? nil : []
    }

    /// Whether a case owned by `bureau` (tracked by `counterpart`, co-handled by `assisting`) may be read.
    public func mayRead(bureau: String?, counterpart: String? = nil, assisting: [String] = []) -> Bool {
        guard let readable = readableBureaus else { return true }
        return ([bureau, counterpart].compactMap { $0 } + assisting).contains(where: readable.contains)
    }

    /// Reads case content at all (administrators without a business role do not).
    public var readsCases: Bool { readableBureaus.map { !$0.isEmpty } ?? true }
}
