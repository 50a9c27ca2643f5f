import DubanRuntime
import Foundation
import Hummingbird
import MultipartKit

/// The file a `POST /v1/imports` carries: the body itself when it is sent as a CSV type, or the part named `file` of
/// a browser's form upload (`multipart/form-data`, RFC 7578).
enum ImportUpload {
    /// Content types whose body is the CSV file: the standard one (RFC 7111), what Windows browsers and Excel give a
    /// `.csv` file (`application/vnd.ms-excel`), Excel's tab-separated "Unicode text", and what clients send when they
    /// do not know (`text/plain`, `application/octet-stream`). The bytes decide the rest (encoding, separator, workbook).
    static let csvTypes: Set<String> = ["text/csv", "application/csv", "application/vnd.ms-excel", "text/plain",
                                        "text/tab-separated-values", "application/octet-stream"]
    /// The form part that holds the file (the dashboard's upload page uses this name).
    static let filePart = "file"

    /// How the body carries the file.
    enum Kind: Equatable {
        case csv
        case form(boundary: String)
    }

    /// How a body of this `Content-Type` carries the file; checked before the body is read.
    /// - Throws: ``APIError`` 415 `unsupported_media_type`; 400 `multipart_boundary_required`.
    static func kind(of contentType: String?) throws -> Kind {
        let parameters = (contentType ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let mediaType = parameters.first?.lowercased() ?? ""
        if csvTypes.contains(mediaType) { return .csv }
        guard mediaType == "multipart/form-data" else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type",
                           "send the file as text/csv (or application/csv, application/vnd.ms-excel, text/plain, application/octet-stream), "
                           + "or as the part '\(filePart)' of multipart/form-data")
        }
        guard let boundary = Self.boundary(parameters.dropFirst()) else {
            throw APIError.badRequest("multipart_boundary_required", "multipart/form-data needs a boundary parameter of 1 to 70 characters")
        }
        return .form(boundary: boundary)
    }

    /// The uploaded file's bytes from the whole body (already within the size limit).
    /// - Throws: ``APIError`` 400 `invalid_multipart` (not parseable, or it ends inside a part), `file_required` (no
    ///   part named `file`, or an empty one).
    static func file(_ kind: Kind, body: ByteBuffer) throws -> Data {
        switch kind {
        case .csv: return Data(buffer: body)
        case .form(let boundary): return Data(buffer: try part(named: filePart, boundary: boundary, in: body))
        }
    }

    /// The `boundary` parameter (quoted or not), if it is 1 to 70 characters (RFC 2046 §5.1.1).
    private static func boundary(_ parameters: ArraySlice<String>) -> String? {
        for parameter in parameters {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            var value = pair[1]
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    /// The body of the first part with that form name, parsed by MultipartKit's streaming parser.
    private static func part(named name: String, boundary: String, in body: ByteBuffer) throws -> ByteBuffer {
        let parser = MultipartParser(boundary: boundary)
        var headers = HTTPHeaders()
        var current = ByteBuffer()
        var started = false
        var parts: [MultipartPart] = []
        parser.onHeader = { field, value in
            started = true
            headers.add(name: field, value: value)
        }
        parser.onBody = { chunk in
            started = true
            current.writeBuffer(&chunk)
        }
        parser.onPartComplete = {
            parts.append(MultipartPart(headers: headers, body: current))
            headers = HTTPHeaders()
            current = ByteBuffer()
            started = false
        }
        do { try parser.execute(body) } catch {
            throw APIError.badRequest("invalid_multipart", "the multipart/form-data body is malformed")
        }
        guard !started, !parts.isEmpty else {
            throw APIError.badRequest("invalid_multipart", "the multipart/form-data body has no complete part (is the boundary right?)")
        }
        guard let file = parts.first(where: { $0.name == name }) else {
            throw APIError.badRequest("file_required", "the form has no part named '\(name)' holding the CSV file")
        }
        // A browser sends the part empty when the form is submitted without choosing a file.
        guard file.body.readableBytes > 0 else {
            throw APIError.badRequest("file_required", "the part '\(name)' is empty: choose a CSV file to upload")
        }
        return file.body
    }
}
