import Configuration
import DubanMessaging
import Logging
import ZeroMQ

extension ServiceBuildContext {
    /// How the sockets that systems outside Duban reach, bound at `endpoints`, are protected, decided at start from the
    /// setting `plaintextSetting` (e.g. `ingress.plaintext`):
    ///
    /// - unset: plaintext when every endpoint is a loopback one (so `make run` and local tools work as before), CURVE
    ///   otherwise;
    /// - `true`: plaintext, and only on loopback: any other bind throws ``PlaintextBeyondLoopback`` and the service does
    ///   not start;
    /// - `false`: CURVE, also on loopback.
    ///
    /// Plaintext is logged as a warning. With CURVE the sockets use this service's own key pair (`keys.dir`, the one
    /// its links use; clients take `<service>.pub`), and `admit` becomes the ZAP handler's judge of client keys
    /// (``ClientSecurity/zapDomain``): it returns the client's name for a public key, or nil.
    public func clientSecurity(plaintextSetting: String, endpoints: [String], what: String,
                               admit: @escaping ZAPAuthenticator.Admission) throws -> ClientSecurity {
        let beyond = endpoints.first { !ClientSecurity.isLoopback($0) }
        let plaintext = settings.reader.bool(forKey: ConfigKey(plaintextSetting)) ?? (beyond == nil)
        if plaintext {
            if let beyond { throw PlaintextBeyondLoopback(setting: plaintextSetting, endpoint: beyond) }
            logger.warning("SECURITY: \(what) takes plaintext clients, without encryption or a registered CURVE key; loopback only (\(plaintextSetting))",
                           metadata: ["endpoints": "\(endpoints.joined(separator: " "))"])
            return .plaintext
        }
        let keyPair: CurveKeyPair
        if case .curve(let ring) = security {
            keyPair = ring.keyPair
        } else {
            keyPair = try KeyRing.load(service: events.producer, directory: settings.keysDirectory).keyPair
        }
        authenticator?.admit(domain: ClientSecurity.zapDomain, admit)
        logger.info("\(what) takes CURVE clients with registered keys only",
                    metadata: ["endpoints": "\(endpoints.joined(separator: " "))", "serverKey": "\(keyPair.publicKey)"])
        return .curve(secretKey: keyPair.secretKey)
    }
}
