import DubanRuntime

/// The password rule (graded protection asks for complexity and periodic change; the numbers are the deployment's):
/// at least `minimumLength` characters (12 by default, `identity.password-min-length`) from at least
/// `minimumClasses` of lower case, upper case, digits and other characters (3 by default,
/// `identity.password-classes`), not containing the login name.
struct PasswordPolicy: Sendable {
    var minimumLength: Int
    var minimumClasses: Int

    init(minimumLength: Int = 12, minimumClasses: Int = 3) {
        self.minimumLength = max(8, minimumLength)
        self.minimumClasses = min(4, max(1, minimumClasses))
    }

    /// - Throws: ``APIError`` 400 `password_too_weak`, saying the rule.
    func check(_ password: String, login: String) throws {
        let classes = [password.contains(where: \.isLowercase), password.contains(where: \.isUppercase),
                       password.contains(where: \.isNumber),
                       password.contains { !$0.isLowercase && !$0.isUppercase && !$0.isNumber }].filter { $0 }.count
        guard password.count >= minimumLength, classes >= minimumClasses, password.count <= 128,
              login.isEmpty || !password.lowercased().contains(login.lowercased()) else {
            throw APIError.badRequest("password_too_weak",
                                      "a password has \(minimumLength) to 128 characters from at least \(minimumClasses) of: lower case, upper case, digits, other characters, and does not contain the login name")
        }
    }

    /// A password that meets the rule for `login`, for a new account or a reset (given once, to be changed at the first
    /// sign-in): at least 16 characters from all four classes, without look-alikes (l, 1, O, 0).
    func temporaryPassword(login: String) -> String {
        let groups = ["abcdefghijkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789", "-_.!@#"].map(Array.init)
        let all = groups.flatMap { $0 }
        while true {
            var characters = groups.map { $0.randomElement()! }
            while characters.count < max(16, minimumLength) { characters.append(all.randomElement()!) }
            let password = String(characters.shuffled())
            if (try? check(password, login: login)) != nil { return password }
        }
    }
}
