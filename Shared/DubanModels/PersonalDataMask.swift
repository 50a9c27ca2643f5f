import Foundation

/// Masks what identifies a person in text shown to the public: mobile and landline numbers, ID card numbers and
/// email addresses keep only a hint of their shape. Names inside free text cannot be found reliably, so public
/// outputs (reporting's `/public`, intake's Open311 reads, which need no key) never show the submitter's fields at
/// all; this masks what people write into titles, descriptions and notes.
public enum PersonalDataMask {
    private static var patterns: [Regex<Substring>] { [  // literals, compiled with the program
        // Digits half-width or full-width (０-９): a Chinese input method in full-width mode types the latter.
        /[0-9０-９]{17}[0-9０-９XxＸｘ]/,  // 身份证号, before the phone numbers it contains
        /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/,
        /(?:\+?86[- ]?)?[1１][3-9３-９][0-9０-９](?:[- ]?[0-9０-９]{4}){2}/,  // mobile
        /[0０][0-9０-９]{2,3}-?[0-9０-９]{7,8}/,  // landline with area code
        /[0-9０-９]{7,}/,  // any other long number
    ] }

    public static func mask(_ text: String?) -> String? {
        guard var text else { return nil }
        for pattern in patterns {
            text = text.replacing(pattern) { match in
                let value = match.output
                let keep = value.count >= 7 ? 3 : 1
                return String(value.prefix(keep)) + String(repeating: "*", count: max(value.count - keep - 2, 1)) + String(value.suffix(value.count >= 7 ? 2 : 0))
            }
        }
        return text
    }
}
