import DubanModels
import DubanRuntime
import Foundation

/// The body of `POST /v1/cases/{id}/updates`: `{"action": …, "note": …, "bureau": …, "days": …, "approved": …,
/// "score": …}`, checked before anything is stored.
struct CaseUpdateRequest: Decodable {
    var action: String
    var note: String?
    var bureau: String?
    var days: Int?
    var approved: Bool?
    var score: Int?

    static let allowedFields: Set<String> = ["action", "note", "bureau", "days", "approved", "score"]

    static func parse(_ body: Data) throws -> (CaseAction, CaseUpdateRequest) {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw APIError.badRequest("invalid_json", "the body must be a JSON object")
        }
        if let unknown = Set(object.keys).subtracting(allowedFields).sorted().first {
            throw APIError.badRequest("unknown_field", "unknown field '\(unknown)'")
        }
        guard let request = try? JSONDecoder().decode(CaseUpdateRequest.self, from: body) else {
            throw APIError.badRequest("invalid_update", "action must be a string; note and bureau strings; days and score whole numbers; approved true or false")
        }
        guard let action = CaseAction(rawValue: request.action) else {
            throw APIError.badRequest("invalid_action", "action must be one of \(CaseAction.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let note = try validNote(request.note)
        let needsNote: Set<CaseAction> = [.measure, .progress, .resolve, .return, .requestExtension, .instruct, .proposeReturn, .proposeExtension]
        if needsNote.contains(action) && (note ?? "").isEmpty {
            throw APIError.badRequest("note_required", "\(action.rawValue) needs a note saying what was done or why")
        }
        switch action {
        case .requestExtension, .proposeExtension:
            guard let days = request.days, (1...60).contains(days) else {
                throw APIError.badRequest("invalid_days", "\(action.rawValue) needs days, 1 to 60 working days")
            }
        case .decideProposal:
            guard request.approved != nil else { throw APIError.badRequest("approved_required", "decide_proposal needs approved: true or false") }
        case .decideExtension:
            guard request.approved != nil else { throw APIError.badRequest("approved_required", "decide_extension needs approved: true or false") }
        case .dispatch:
            guard let bureau = request.bureau, (try? /^[a-z0-9_-]{1,64}$/.wholeMatch(in: bureau)) != nil else {
                throw APIError.badRequest("invalid_bureau", "dispatch needs the id of the bureau to send the case to")
            }
        case .rate:
            guard let score = request.score, (1...5).contains(score) else {
                throw APIError.badRequest("invalid_score", "rate needs score, 1 to 5")
            }
        default:
            break
        }
        var cleaned = request
        cleaned.note = note
        return (action, cleaned)
    }

    /// A note as stored, from any door (this API, Open311's `servicerequestupdates`): trimmed, at most 4,000
    /// characters, and no control characters but line breaks and tabs, the same rule as a case's text.
    /// - Throws: ``APIError`` 400 `note_too_long`, `invalid_note`.
    static func validNote(_ raw: String?) throws -> String? {
        guard let note = raw?.trimmedOfWhitespace, !note.isEmpty else { return nil }
        if note.utf8.count > 4_000, note.count > 4_000 { throw APIError.badRequest("note_too_long", "note has at most 4,000 characters") }
        if note.unicodeScalars.contains(where: CaseSubmission.isForbiddenControl) {
            throw APIError.badRequest("invalid_note", "note contains control characters")
        }
        return note
    }
}
