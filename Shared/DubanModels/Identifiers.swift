/// A typed string id: a case's, a bureau's or a category's, which cannot be mixed up with one another.
/// Encoded in JSON as the bare string.
public struct Identifier<Kind>: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }
}

public enum CaseIDKind {}
public enum BureauIDKind {}
public enum CategoryIDKind {}

/// A case's id, given by intake: `DB-<yyyyMMdd>-<sequence>`, e.g. `DB-20261127-000042`.
public typealias CaseID = Identifier<CaseIDKind>
/// A bureau's id in the routing configuration, e.g. `hrss`.
public typealias BureauID = Identifier<BureauIDKind>
/// A problem category's id in the routing configuration, e.g. `labour`.
public typealias CategoryID = Identifier<CategoryIDKind>
