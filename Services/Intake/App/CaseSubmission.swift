import DubanModels
import DubanRuntime
import Foundation

/// The body of `POST /v1/cases`, checked field by field; every refusal has a stable code.
struct CaseSubmission {
    static let allowedFields: Set<String> = ["title", "description", "channel", "submitter", "enterprise", "category", "location",
                                             "liaison", "area"]
    static let maxTitle = 200
    static let maxDescription = 4_000

    /// Parses and validates a JSON body into a draft, or throws the first problem as an ``APIError``.
    static func parse(_ body: Data) throws -> CaseDraft {
        guard String(data: body, encoding: .utf8) != nil else {
            throw APIError.badRequest("invalid_utf8", "the body is not valid UTF-8")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw APIError.badRequest("invalid_json", "the body must be a JSON object")
        }
        return try parse(object: object)
    }

    /// The same checks on fields already parsed (a JSON object, or a CSV row made into one).
    static func parse(object: [String: Any]) throws -> CaseDraft {
        if let unknown = Set(object.keys).subtracting(allowedFields).sorted().first {
            throw APIError.badRequest("unknown_field", "unknown field '\(unknown)'")
        }
        let title = try text(object, "title", max: maxTitle, required: true)!
        let description = try text(object, "description", max: maxDescription, required: true)!
        let channelText = try text(object, "channel", max: 32, required: false) ?? "api"
        guard let channel = Channel(rawValue: channelText) else {
            throw APIError.badRequest("invalid_channel", "channel must be one of \(Channel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var submitter = Submitter(enterprise: try text(object, "enterprise", max: 200, required: false))
        if let raw = object["submitter"] {
            guard let fields = raw as? [String: Any] else {
                throw APIError.badRequest("invalid_submitter", "submitter must be an object with name, enterprise, phone")
            }
            if let unknown = Set(fields.keys).subtracting(["name", "enterprise", "phone"]).sorted().first {
                throw APIError.badRequest("unknown_field", "unknown field 'submitter.\(unknown)'")
            }
            submitter.name = try text(fields, "name", max: 100, required: false, path: "submitter.")
            submitter.enterprise = try text(fields, "enterprise", max: 200, required: false, path: "submitter.") ?? submitter.enterprise
            submitter.phone = try text(fields, "phone", max: 40, required: false, path: "submitter.")
        }
        let category = try text(object, "category", max: 64, required: false).map(CategoryID.init(rawValue:))
        let location = try parseLocation(object["location"])
        // A liaison officer's submission made by another system (a person with the liaison role gets their own, in
        // `POST /v1/cases`).
        let liaison = try text(object, "liaison", max: 100, required: false)
        let area = try text(object, "area", max: 100, required: false)
        return CaseDraft(title: title, description: description, channel: channel, submitter: submitter,
                         category: category, location: location, liaison: liaison, area: area)
    }

    static func text(_ object: [String: Any], _ key: String, max: Int, required: Bool, path: String = "") throws -> String? {
        guard let raw = object[key], !(raw is NSNull) else {
            if required { throw APIError.badRequest("\(key)_required", "\(path)\(key) is required") }
            return nil
        }
        guard let value = raw as? String else {
            throw APIError.badRequest("invalid_\(key)", "\(path)\(key) must be a string")
        }
        let trimmed = value.trimmedOfWhitespace
        if trimmed.isEmpty {
            if required { throw APIError.badRequest("\(key)_required", "\(path)\(key) must not be empty") }
            return nil
        }
        // A character takes at least one UTF-8 byte: only a long text needs its characters counted.
        if trimmed.utf8.count > max, trimmed.count > max {
            throw APIError.badRequest("\(key)_too_long", "\(path)\(key) has \(trimmed.count) characters; at most \(max)")
        }
        if trimmed.unicodeScalars.contains(where: isForbiddenControl) {
            throw APIError.badRequest("invalid_\(key)", "\(path)\(key) contains control characters")
        }
        return trimmed
    }

    /// Unicode's control characters (general category Cc: U+0000–U+001F and U+007F–U+009F), except line breaks and
    /// tabs. Compared by value: looking up each scalar's category cost more than the rest of the check.
    static func isForbiddenControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: false
        case 0x00...0x1F, 0x7F...0x9F: true
        // Direction overrides and isolates: they make a text read otherwise than it is stored (a note, a name in the audit).
        case 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func parseLocation(_ raw: Any?) throws -> Location? {
        guard let raw, !(raw is NSNull) else { return nil }
        guard let fields = raw as? [String: Any] else {
            throw APIError.badRequest("invalid_location", "location must be an object with latitude, longitude, address")
        }
        if let unknown = Set(fields.keys).subtracting(["latitude", "longitude", "address"]).sorted().first {
            throw APIError.badRequest("unknown_field", "unknown field 'location.\(unknown)'")
        }
        struct Coordinates: Decodable {
            var latitude: Double?
            var longitude: Double?
        }
        let numbers = fields.filter { $0.key != "address" }
        guard let coordinates = try? JSONDecoder().decode(Coordinates.self, from: JSONSerialization.data(withJSONObject: numbers)) else {
            throw APIError.badRequest("invalid_coordinates", "location.latitude and location.longitude must be numbers")
        }
        func coordinate(_ value: Double?, _ key: String, limit: Double) throws -> Double? {
            guard let value else { return nil }
            guard value.isFinite, abs(value) <= limit else {
                throw APIError.badRequest("invalid_coordinates", "location.\(key) must be within ±\(Int(limit))")
            }
            return value
        }
        let latitude = try coordinate(coordinates.latitude, "latitude", limit: 90)
        let longitude = try coordinate(coordinates.longitude, "longitude", limit: 180)
        if (latitude == nil) != (longitude == nil) {
            throw APIError.badRequest("invalid_coordinates", "give both location.latitude and location.longitude, or neither")
        }
        var address: String?
        if let raw = fields["address"], !(raw is NSNull) {
            guard let text = raw as? String, text.count <= 500 else {
                throw APIError.badRequest("invalid_address", "location.address must be a string of at most 500 characters")
            }
            address = text
        }
        return Location(latitude: latitude, longitude: longitude, address: address)
    }
}
