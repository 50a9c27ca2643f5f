import ZeroMQ

extension ZMQSocket {
    /// A ROUTER that clients outside Duban reach (the ingress, the notice replay socket), bound at `endpoint`.
    ///
    /// - `ZMQ_ROUTER_HANDOVER`: a client that reconnects with the routing id it used before takes its id over. Without
    ///   it libzmq 4.3.4 keeps the old, half-dead connection under that id and silently drops the new one, so a client
    ///   resending after a reconnect is never answered (docs/INGRESS.md promises the same case id on a resend).
    /// - `ZMQ_ROUTER_MANDATORY`: an answer to a client that has gone fails with `EHOSTUNREACH` instead of vanishing.
    /// - `ZMQ_LINGER` 0: nothing unsent holds the context open at shutdown; every answer can be asked for again.
    ///
    /// - `security`: CURVE with registered client keys, or plaintext (``ClientSecurity``).
    ///
    /// Call it on the thread that owns the socket. Throws ``ZMQError`` when an option or the bind fails.
    public static func clientRouter(_ context: ZMQContext, bind endpoint: String, security: ClientSecurity) throws -> ZMQSocket {
        let socket = try ZMQSocket(context, type: .router)
        try socket.set(.linger(milliseconds: 0))
        try socket.set(.routerMandatory(true))
        try socket.set(.routerHandover(true))
        try socket.secureForClients(security)
        try socket.bind(endpoint)
        return socket
    }
}
