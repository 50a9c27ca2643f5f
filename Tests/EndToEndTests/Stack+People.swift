import Foundation
import HummingbirdOTP

/// People in a test stack: accounts made with intake's own command, signed in through intake's API as a person
/// would (the temporary password, the forced change, the one-time code for administrators).
extension Stack {
    struct Person {
        var login: String
        var password: String
        /// The full session token (the password already changed).
        var token: String
        /// The second factor's secret, for administrators.
        var totpSecret: String?
    }

    static let newPassword = "Duban-test-2026!"

    /// Creates an account with `intake accounts create`, signs in with the temporary password, changes it, and
    /// returns the person with a full session token.
    func person(_ login: String, name: String, roles: [String], unit: String? = nil) async throws -> Person {
        var arguments = ["accounts", "create", "--login", login, "--name", name] + roles.flatMap { ["--role", $0] }
        if let unit { arguments += ["--unit", unit] }
        let created = try commandSeparatingErrors("intake", arguments + ["--routing-config-dir", repository + "/deploy/config"])
        guard created.status == 0 else { throw StackError("accounts create failed: \(created.output) \(created.errors)") }
        let temporary = try Self.field("temporary password:", in: created.output)
        let secret = created.output.split(separator: "\n").first { $0.contains("otpauth://") }.flatMap { Self.totpSecret(fromURI: String($0)) }
        var signedIn = try await signIn(login, password: temporary, totpSecret: secret)
        guard signedIn.status == 201, let first = signedIn.json["token"] as? String else {
            throw StackError("sign-in of \(login) with \(temporary) answered \(signedIn.status): \(signedIn.json); created: \(created.output); intake: \(log("intake").suffix(600))")
        }
        let changed = try await call("intake", "POST", "/v1/sessions/password", token: first,
                                     json: ["current": temporary, "new": Self.newPassword])
        guard changed.status == 200, let token = changed.json["token"] as? String else {
            throw StackError("password change of \(login) answered \(changed.status): \(changed.json)")
        }
        signedIn.json = changed.json
        return Person(login: login, password: Self.newPassword, token: token, totpSecret: secret)
    }

    /// `POST /v1/sessions`, with the current one-time code when a secret is given.
    func signIn(_ login: String, password: String, totpSecret: String? = nil, code: String? = nil) async throws -> (status: Int, json: [String: Any]) {
        var body: [String: Any] = ["login": login, "password": password]
        if let code { body["code"] = code } else if let totpSecret { body["code"] = Self.totpCode(totpSecret) }
        return try await call("intake", "POST", "/v1/sessions", token: nil, json: body)
    }

    /// A JSON request with a bearer token (a person's or a key), answering status and JSON object.
    func call(_ service: String, _ method: String, _ path: String, token: String?, json: [String: Any]? = nil) async throws -> (status: Int, json: [String: Any]) {
        var headers: [String: String] = [:]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        let answer = try await request(service, method, path, body: try json.map { try JSONSerialization.data(withJSONObject: $0) },
                                       contentType: json == nil ? nil : "application/json", headers: headers, anonymous: token == nil)
        return (answer.status, (try? JSONSerialization.jsonObject(with: answer.body)) as? [String: Any] ?? [:])
    }

    /// RFC 6238's current code for a secret as intake stores it.
    static func totpCode(_ secret: String, at date: Date = Date()) -> String {
        String(format: "%06d", TOTP(secret: secret).compute(date: date))
    }

    /// The secret inside an `otpauth://` URI: its `secret` parameter is the stored secret's bytes in base32.
    static func totpSecret(fromURI line: String) -> String? {
        guard let range = line.range(of: "secret=") else { return nil }
        let base32 = line[range.upperBound...].prefix { $0 != "&" && !$0.isWhitespace }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bits = 0, value = 0
        var bytes: [UInt8] = []
        for character in base32 {
            guard let index = alphabet.firstIndex(of: character) else { return nil }
            value = (value << 5) | index
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((value >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func field(_ label: String, in output: String) throws -> String {
        guard let line = output.split(separator: "\n").first(where: { $0.contains(label) }),
              let value = line.components(separatedBy: label).last?.split(separator: " ").first else {
            throw StackError("no '\(label)' in: \(output)")
        }
        return String(value)
    }
}
