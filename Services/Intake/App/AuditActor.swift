import Foundation

/// How the audit trail names who acted when no API key did.
enum AuditActor {
    /// A command run on the host (`intake keys …`): the operating-system user who ran it.
    static var operatorOnThisHost: String { "operator:" + ProcessInfo.processInfo.userName }
}
