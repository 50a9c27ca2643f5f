import Foundation

/// One Open311 answer, rendered as JSON or as XML with the same content (GeoReport v2 names the XML elements; JSON
/// drops the wrappers). Keys keep their order, so both forms read in the spec's order.
///
/// A field without a value (`.text(nil)`, `.number(nil)`) is left out of both forms: the official GeoReport v2
/// swagger schema types those fields as strings and numbers, so JSON `null` is refused by it, and an empty string
/// would be a wrong type for `lat`/`long`. Leaving it out is valid for every field and the same in JSON and XML.
indirect enum Open311Value: Sendable, Equatable {
    case text(String?)
    case number(Double?)
    case bool(Bool)
    /// A list, with the XML element name of each item (`request`, `service`, `error`, …).
    case list(item: String, [Open311Value])
    case object([(String, Open311Value)])

    static func == (lhs: Open311Value, rhs: Open311Value) -> Bool {
        switch (lhs, rhs) {
        case (.text(let a), .text(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.list(let i, let a), .list(let j, let b)): i == j && a == b
        case (.object(let a), .object(let b)): a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        default: false
        }
    }
}

extension Open311Value {
    /// False for a field with no value, which both renderings leave out.
    var hasValue: Bool {
        switch self {
        case .text(let text): text != nil
        case .number(let number): number != nil
        default: true
        }
    }
}

enum Open311Format: String, Sendable {
    case json, xml

    var contentType: String { self == .json ? "application/json; charset=utf-8" : "text/xml; charset=utf-8" }
}

struct Open311Document: Sendable {
    /// The XML root element (`service_requests`, `services`, `discovery`, `errors`, …).
    var root: String
    var value: Open311Value

    func rendered(as format: Open311Format) -> String {
        switch format {
        case .json:
            var out = ""
            Self.json(value, into: &out)
            return out
        case .xml:
            var out = #"<?xml version="1.0" encoding="UTF-8"?>"#
            Self.xml(value, element: root, into: &out)
            return out
        }
    }

    private static func json(_ value: Open311Value, into out: inout String) {
        switch value {
        // Absent values never get here inside an object; a bare one (never produced) renders as an empty string.
        case .text(let text): quote(text ?? "", into: &out)
        case .number(let number): if let number { out += numberText(number) } else { quote("", into: &out) }
        case .bool(let flag): out += flag ? "true" : "false"
        case .list(_, let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                json(item, into: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (index, (key, field)) in fields.filter({ $0.1.hasValue }).enumerated() {
                if index > 0 { out += "," }
                quote(key, into: &out)
                out += ":"
                json(field, into: &out)
            }
            out += "}"
        }
    }

    private static func xml(_ value: Open311Value, element: String, into out: inout String) {
        switch value {
        case .text(let text):
            if let text, !text.isEmpty { out += "<\(element)>\(escape(text))</\(element)>" } else { out += "<\(element)/>" }
        case .number(let number):
            if let number { out += "<\(element)>\(numberText(number))</\(element)>" } else { out += "<\(element)/>" }
        case .bool(let flag): out += "<\(element)>\(flag)</\(element)>"
        case .list(let item, let items):
            out += "<\(element)>"
            for entry in items { xml(entry, element: item, into: &out) }
            out += "</\(element)>"
        case .object(let fields):
            out += "<\(element)>"
            for (key, field) in fields where field.hasValue { xml(field, element: key, into: &out) }
            out += "</\(element)>"
        }
    }

    private static func numberText(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }

    private static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// XML 1.0 text: the five entities escaped, characters XML cannot carry dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
