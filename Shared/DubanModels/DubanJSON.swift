import Foundation

/// The one JSON dialect of Duban's events and APIs: ISO 8601 times in UTC with milliseconds, keys sorted so equal
/// values encode equally. Times without fractional seconds are read too.
public enum DubanJSON {
    /// One encoder for every response: Foundation's JSONEncoder is Sendable and each `encode` works on its own state,
    /// so sharing it is safe, and it spares building an encoder (and its date closure) per response.
    public static let shared = encoder()

    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(millisecond(date).formatted(withFraction))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text)) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 time: \(text)")
        }
        return decoder
    }

    /// The nearest millisecond, nudged a microsecond up: the format cuts the fraction off rather than rounding it, and a
    /// millisecond read back is often a double a hair below it, so without this a time written, read and written again
    /// lost a millisecond each time. (A microsecond is more than a double's step at today's times, about a quarter of
    /// one, and far less than the millisecond shown.)
    static func millisecond(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1_000).rounded() / 1_000 + 0.000_001)
    }

    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()
}
