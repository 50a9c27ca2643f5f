import Foundation
import ZeroMQ

extension KeyRing {
    /// Reads `<directory>/<service>.key` (this service's secret key) and every `<name>.pub` beside it.
    public static func load(service: String, directory: String) throws -> KeyRing {
        let secretPath = (directory as NSString).appendingPathComponent("\(service).key")
        guard let secret = try? String(contentsOfFile: secretPath, encoding: .utf8) else {
            throw KeyRingError.missing(secretPath)
        }
        let keyPair = try CurveKeyPair(secretKey: secret.trimmingCharacters(in: .whitespacesAndNewlines))
        var publicKeys: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) where file.hasSuffix(".pub") {
            let key = try String(contentsOfFile: (directory as NSString).appendingPathComponent(file), encoding: .utf8)
            publicKeys[String(file.dropLast(4))] = key.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return KeyRing(service: service, keyPair: keyPair, publicKeys: publicKeys)
    }

    /// Writes a fresh key pair for each service into `directory`, keeping pairs that already exist.
    /// Returns the services that got new keys.
    @discardableResult
    public static func generate(services: [String], directory: String, replace: Bool = false) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var made: [String] = []
        for service in services {
            let secretPath = (directory as NSString).appendingPathComponent("\(service).key")
            let publicPath = (directory as NSString).appendingPathComponent("\(service).pub")
            if !replace && FileManager.default.fileExists(atPath: secretPath) { continue }
            let pair = try CurveKeyPair.generate()
            try Data((pair.secretKey + "\n").utf8).write(to: URL(fileURLWithPath: secretPath))
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secretPath)
            try Data((pair.publicKey + "\n").utf8).write(to: URL(fileURLWithPath: publicPath))
            made.append(service)
        }
        return made
    }
}

public enum KeyRingError: Error, CustomStringConvertible {
    case missing(String)

    public var description: String {
        switch self {
        case .missing(let path): "no CURVE secret key at \(path); run `make keys` (or `duban keygen`) first"
        }
    }
}
