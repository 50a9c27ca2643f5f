import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The text of a spreadsheet saved as CSV, in the encoding it was saved in, detected without asking the user.
///
/// Excel's "CSV UTF-8" writes UTF-8 with a byte-order mark; Excel's plain "CSV" and WPS write the system's code page,
/// which on a Chinese Windows is GBK (code page 936). GB18030 is GBK's superset (the national standard), so one
/// GB18030 decoder reads both. UTF-8 is tried first: its rules are strict, so GBK text with Chinese in it is almost
/// never valid UTF-8, while ASCII-only text reads the same either way.
enum SpreadsheetText {
    enum Encoding: String, Sendable {
        case utf8 = "utf-8"
        case gb18030
        /// Excel's "Unicode text": UTF-16 with a byte-order mark (little-endian on Windows), tab-separated.
        case utf16 = "utf-16"
    }

    /// The decoded text without a byte-order mark, and the encoding it was read in; nil when the bytes are neither
    /// valid UTF-8 nor valid GB18030.
    static func decode(_ data: Data) -> (text: String, encoding: Encoding)? {
        let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]
        if data.starts(with: utf8BOM) {
            return String(validating: data.dropFirst(utf8BOM.count), as: UTF8.self).map { ($0, .utf8) }
        }
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
            return utf16(data).map { ($0, .utf16) }
        }
        if let text = String(validating: data, as: UTF8.self) { return (text, .utf8) }
        guard var text = gb18030(data) else { return nil }
        // GB18030 has its own byte-order mark (84 31 95 33), which decodes to U+FEFF.
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        return (text, .gb18030)
    }

    /// Strict GB18030 → UTF-8 through glibc's iconv: any invalid or truncated sequence fails the whole file, so a
    /// file in some other encoding is refused instead of stored as mojibake.
    static func gb18030(_ data: Data) -> String? {
        #if canImport(Glibc)
        guard !data.isEmpty else { return "" }
        let converter = iconv_open("UTF-8", "GB18030")
        guard let converter, converter != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var input = data.map { CChar(bitPattern: $0) }
        // A GB18030 character of n bytes is at most 1.5 n bytes of UTF-8 (2 → 3, 4 → 4, 1 → 1).
        var output = [CChar](repeating: 0, count: data.count * 2 + 16)
        return input.withUnsafeMutableBufferPointer { inBuffer -> String? in
            output.withUnsafeMutableBufferPointer { outBuffer -> String? in
                var inPointer = inBuffer.baseAddress
                var inLeft = inBuffer.count
                var outPointer = outBuffer.baseAddress
                var outLeft = outBuffer.count
                // -1 with EILSEQ (invalid) or EINVAL (truncated at the end): not GB18030.
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1, inLeft == 0 else { return nil }
                let written = outBuffer.count - outLeft
                return String(validating: UnsafeRawBufferPointer(start: outBuffer.baseAddress, count: written), as: UTF8.self)
            }
        }
        #else
        // Elsewhere (macOS), Foundation's converter (ICU/CoreFoundation) for the same standard.
        let encoding = String.Encoding(rawValue: CFStringConvertEncodingToNSStringEncoding(CFStringEncoding(CFStringEncodings.GB_18030_2000.rawValue)))
        return String(data: data, encoding: encoding)
        #endif
    }

    /// UTF-16 after its byte-order mark (FF FE little-endian, FE FF big-endian); nil for an odd length or a lone
    /// surrogate.
    static func utf16(_ data: Data) -> String? {
        let bytes = Array(data.dropFirst(2))
        guard bytes.count % 2 == 0 else { return nil }
        let littleEndian = data.first == 0xFF
        let units = stride(from: 0, to: bytes.count, by: 2).map { index -> UInt16 in
            littleEndian ? UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8 : UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
        }
        return String(validating: units, as: UTF16.self)
    }

    /// The separator a spreadsheet used, read from the header line: a comma (CSV), or a tab (Excel's "Unicode text")
    /// or a semicolon (Excel where the decimal mark is a comma) when the header has those and no comma.
    static func separator(of text: Substring) -> Character {
        let header = text.prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" }
        guard !header.contains(",") else { return "," }
        if header.contains("\t") { return "\t" }
        if header.contains(";") { return ";" }
        return ","
    }

    /// Whether the bytes are a spreadsheet workbook rather than CSV: `.xlsx` is a ZIP file (`PK\3\4`), `.xls` an OLE2
    /// compound file (`D0 CF 11 E0`).
    static func isWorkbook(_ data: Data) -> Bool {
        data.starts(with: [0x50, 0x4B, 0x03, 0x04]) || data.starts(with: [0xD0, 0xCF, 0x11, 0xE0])
    }
}
