import DubanModels
import Hummingbird
import NIOCore

/// The request context of every Duban service: Hummingbird's core, the peer's address (the management endpoints
/// answer by it) and who the caller is once the access gate has checked (`principal`, nil before or on public paths).
public struct DubanRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public var principal: Principal?
    /// The caller's credential as the gate accepted it (an API key, or the session's current token), for passing on to
    /// intake when this service acts for the caller.
    public var credential: String?
    /// Whether the caller came with the dashboard's session cookie (its forms must then carry the CSRF token).
    public var viaCookie = false

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        principal = nil
        credential = nil
    }
}
