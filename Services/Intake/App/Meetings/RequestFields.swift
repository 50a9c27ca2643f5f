import DubanRuntime
import Foundation

/// A JSON object's fields, read one by one with the same checks and codes as a case's (`CaseSubmission`): unknown
/// fields refused (`unknown_field`), text trimmed and bounded (`<field>_required`, `<field>_too_long`,
/// `invalid_<field>`), lists of text (`invalid_<field>`).
struct RequestFields {
    let object: [String: Any]

    /// - Throws: 400 `invalid_json` unless the body is a JSON object; `unknown_field` for a field not in `allowed`.
    init(_ body: Data, allowed: Set<String>) throws {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw APIError.badRequest("invalid_json", "the body must be a JSON object")
        }
        try self.init(object: object, allowed: allowed)
    }

    init(object: [String: Any], allowed: Set<String>) throws {
        if let unknown = Set(object.keys).subtracting(allowed).sorted().first {
            throw APIError.badRequest("unknown_field", "unknown field '\(unknown)'")
        }
        self.object = object
    }

    func has(_ key: String) -> Bool { object[key] != nil && !(object[key] is NSNull) }

    func text(_ key: String, max: Int = 200, required: Bool = false) throws -> String? {
        try CaseSubmission.text(object, key, max: max, required: required)
    }

    /// A list of short texts (names of people, enterprises, bureau ids), trimmed, empty ones and repeats left out.
    func list(_ key: String, max: Int = 100, maxLength: Int = 200) throws -> [String]? {
        guard let raw = object[key], !(raw is NSNull) else { return nil }
        guard let items = raw as? [Any], items.count <= max else {
            throw APIError.badRequest("invalid_\(key)", "\(key) must be a list of at most \(max) texts")
        }
        var result: [String] = []
        for item in items {
            guard let text = item as? String else { throw APIError.badRequest("invalid_\(key)", "\(key) must be a list of texts") }
            let trimmed = text.trimmedOfWhitespace
            guard trimmed.count <= maxLength, !trimmed.unicodeScalars.contains(where: CaseSubmission.isForbiddenControl) else {
                throw APIError.badRequest("invalid_\(key)", "each of \(key) has at most \(maxLength) characters and no control characters")
            }
            if !trimmed.isEmpty, !result.contains(trimmed) { result.append(trimmed) }
        }
        return result
    }

    func bool(_ key: String) throws -> Bool? {
        guard let raw = object[key], !(raw is NSNull) else { return nil }
        guard let number = raw as? NSNumber, String(cString: number.objCType) == "c" else {
            throw APIError.badRequest("invalid_\(key)", "\(key) must be true or false")
        }
        return number.boolValue
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let raw = object[key], !(raw is NSNull) else { return nil }
        // `true` is an NSNumber too (and `1 is Bool` holds on Linux): only a number's own type tells them apart.
        guard let number = raw as? NSNumber, String(cString: number.objCType) != "c", let value = Int(exactly: number.doubleValue),
              range.contains(value) else {
            throw APIError.badRequest("invalid_\(key)", "\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A day in Beijing, `yyyy-MM-dd`.
    func day(_ key: String) throws -> String? {
        guard let text = try text(key, max: 10) else { return nil }
        guard text.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) != nil, ChinaTime.day(text) != nil else {
            throw APIError.badRequest("invalid_\(key)", "\(key) is a day as yyyy-MM-dd")
        }
        return text
    }

    /// A time of day, `HH:mm`.
    func time(_ key: String) throws -> String? {
        guard let text = try text(key, max: 5) else { return nil }
        let parts = text.split(separator: ":").compactMap { Int($0) }
        guard text.wholeMatch(of: /[0-9]{2}:[0-9]{2}/) != nil, parts.count == 2, (0...23).contains(parts[0]), (0...59).contains(parts[1]) else {
            throw APIError.badRequest("invalid_\(key)", "\(key) is a time of day as HH:mm")
        }
        return text
    }
}
