import DubanModels
import Foundation

/// `POST requests`: an Open311 service request as a Duban case. The service code names the category; the title is
/// the description's first line (or the service's name); the submitter's name and phone are kept, never logged.
enum Open311Submission {
    struct Draft {
        var draft: CaseDraft
        var serviceCode: String
    }

    static func draft(_ form: [String: String], catalog: Open311Catalog) throws -> Draft {
        guard let code = form["service_code"] else { throw Open311Error(.badRequest, "service_code_required", "service_code is required") }
        guard let service = catalog.service(code: code) else {
            throw Open311Error(.badRequest, "service_code_unknown", "no service with code \(code); see services.json")
        }
        let description = try text(form, "description", max: 4_000)
        let latitude = try coordinate(form["lat"], "lat", limit: 90)
        let longitude = try coordinate(form["long"], "long", limit: 180)
        if (latitude == nil) != (longitude == nil) {
            throw Open311Error(.badRequest, "invalid_coordinates", "give both lat and long, or neither")
        }
        let address = try text(form, "address_string", max: 500)
        let addressID = try text(form, "address_id", max: 200)
        guard latitude != nil || address != nil || addressID != nil else {
            throw Open311Error(.badRequest, "location_required", "give lat and long, address_string or address_id")
        }
        let name = [try text(form, "first_name", max: 50), try text(form, "last_name", max: 50)].compactMap { $0 }.joined(separator: " ")
        let title: String = {
            guard let firstLine = description?.split(whereSeparator: \.isNewline).first else { return service.name }
            return firstLine.count > 60 ? String(firstLine.prefix(60)) + "…" : String(firstLine)
        }()
        let draft = CaseDraft(
            title: title, description: description ?? service.name, channel: .open311,
            submitter: Submitter(name: name.isEmpty ? nil : name, phone: try text(form, "phone", max: 40)),
            category: CategoryID(rawValue: service.category),
            location: Location(latitude: latitude, longitude: longitude, address: address ?? addressID.map { "address_id \($0)" }))
        return Draft(draft: draft, serviceCode: code)
    }

    private static func text(_ form: [String: String], _ key: String, max: Int) throws -> String? {
        guard let raw = form[key] else { return nil }
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.isEmpty { return nil }
        if value.count > max { throw Open311Error(.badRequest, "\(key)_too_long", "\(key) has \(value.count) characters; at most \(max)") }
        if value.unicodeScalars.contains(where: CaseSubmission.isForbiddenControl) {
            throw Open311Error(.badRequest, "invalid_\(key)", "\(key) contains control characters")
        }
        return value
    }

    private static func coordinate(_ raw: String?, _ key: String, limit: Double) throws -> Double? {
        guard let raw else { return nil }
        guard let value = Double(raw.trimmingCharacters(in: .whitespaces)), value.isFinite, abs(value) <= limit else {
            throw Open311Error(.badRequest, "invalid_coordinates", "\(key) is a number within ±\(Int(limit))")
        }
        return value
    }
}
