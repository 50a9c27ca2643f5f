/// The fixed facts of each service: its name, default ports, and which services consume its events.
public struct ServiceDescriptor: Sendable, Equatable {
    public let name: String
    public let defaultHTTPPort: Int
    /// The port of the ROUTER where it receives events, if it consumes any.
    public let defaultEventsPort: Int?
    /// The services its events are delivered to.
    public let consumers: [String]

    public static let intake = ServiceDescriptor(name: "intake", defaultHTTPPort: 8080, defaultEventsPort: 5570,
                                                 consumers: ["routing", "escalation", "reporting"])
    public static let routing = ServiceDescriptor(name: "routing", defaultHTTPPort: 8081, defaultEventsPort: 5571,
                                                  consumers: ["intake", "escalation", "reporting"])
    public static let escalation = ServiceDescriptor(name: "escalation", defaultHTTPPort: 8082, defaultEventsPort: 5572,
                                                     consumers: ["reporting"])
    public static let reporting = ServiceDescriptor(name: "reporting", defaultHTTPPort: 8083, defaultEventsPort: 5573,
                                                    consumers: [])

    public static let all: [ServiceDescriptor] = [.intake, .routing, .escalation, .reporting]
}
