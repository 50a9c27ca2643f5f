/// CSV the way Excel and WPS open it right on a Chinese Windows: UTF-8 with a byte-order mark (without one, Excel reads
/// the system's code page and garbles Chinese), CRLF line ends, fields quoted where they hold a comma, quote or line
/// break, and a field that would start a formula (`=`, `+`, `-`, `@`, a tab or a carriage return: OWASP's CSV
/// injection list) written as text with a leading `'`.
public enum SpreadsheetCSV {
    /// One field, safe to open.
    public static func field(_ text: String) -> String {
        var value = text
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
        return value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }

    /// A whole document: the header row, then the rows, each field made safe.
    public static func document(header: [String], rows: [[String]]) -> String {
        "\u{FEFF}" + ([header] + rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }
}
