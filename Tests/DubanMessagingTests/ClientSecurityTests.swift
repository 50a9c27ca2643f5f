import DubanMessaging
import Foundation
import Logging
import Testing
import ZeroMQ

@Suite struct ClientSecurityTests {
    @Test(arguments: ["tcp://127.0.0.1:5590", "tcp://127.0.0.2:0", "tcp://localhost:5590", "tcp://[::1]:5590", "tcp://lo:5590",
                      "ipc:///run/duban/ingress", "inproc://ingress"])
    func loopbackBinds(_ endpoint: String) {
        #expect(ClientSecurity.isLoopback(endpoint))
    }

    @Test(arguments: ["tcp://0.0.0.0:5590", "tcp://*:5590", "tcp://[::]:5590", "tcp://10.0.0.5:5590", "tcp://eth0:5590",
                      "tcp://127.0.0.1.example.com:5590", "tcp://1270.0.0.1:5590", "ws://127.0.0.1:5590", "tcp://127.0.0.1"])
    func otherBinds(_ endpoint: String) {
        #expect(!ClientSecurity.isLoopback(endpoint))
    }

    @Test func curveKeysAreFortyCharactersOfZ85() throws {
        let pair = try CurveKeyPair.generate()
        #expect(Z85.isCurveKey(pair.publicKey))
        #expect(!Z85.isCurveKey(String(pair.publicKey.dropLast())))
        #expect(!Z85.isCurveKey(String(pair.publicKey.dropLast()) + "~"))
        #expect(!Z85.isCurveKey(String(pair.publicKey.dropLast()) + " "))
        #expect(!Z85.isCurveKey(pair.publicKey + "00000"))
    }

    /// One context, one ZAP handler, two domains: each key opens only the sockets of its own domain, and the name the
    /// handler gives comes with the message, also when a readiness check fetched it first (libzmq 4.3.4 leaves it off
    /// the ROUTER's routing-id frame then).
    @Test func eachDomainAdmitsItsOwnKeysOnlyAndNamesThePeer() async throws {
        let context = try ZMQContext()
        let server = try CurveKeyPair.generate(), service = try CurveKeyPair.generate(), client = try CurveKeyPair.generate()
        let zap = try ZAPAuthenticator(context: context, keyRing: KeyRing(service: "consumer", keyPair: server,
                                                                          publicKeys: ["producer": service.publicKey]),
                                       logger: Logger(label: "test"))
        zap.admit(domain: ClientSecurity.zapDomain) { $0 == client.publicKey ? "hotline" : nil }
        await zap.start()
        defer { zap.stop() }
        #expect(try Self.exchange(context, serverKey: server, clientSocket: .curve(secretKey: server.secretKey), as: client) == "hotline")
        #expect(try Self.exchange(context, serverKey: server, clientSocket: .curve(secretKey: server.secretKey), as: service) == nil,
                "a service key does not open a client socket")
        #expect(try Self.exchange(context, serverKey: server, clientSocket: nil, as: client) == nil, "a client key does not open a link")
        #expect(try Self.exchange(context, serverKey: server, clientSocket: nil, as: service) == "producer")
    }

    /// A ROUTER (a client socket with `clientSocket`, else a link's) and a DEALER with `keyPair`: the `User-Id` of the
    /// DEALER's message as the ROUTER receives it after polling, or nil when nothing came in two seconds.
    static func exchange(_ context: ZMQContext, serverKey: CurveKeyPair, clientSocket: ClientSecurity?, as keyPair: CurveKeyPair) throws -> String?? {
        let endpoint = "tcp://127.0.0.1:\(try LoopbackPort.free())"
        let router: ZMQSocket
        if let clientSocket {
            router = try ZMQSocket.clientRouter(context, bind: endpoint, security: clientSocket)
        } else {
            router = try ZMQSocket(context, type: .router)
            try router.set(.linger(milliseconds: 0))
            try router.set(.zapDomain(KeyRing.zapDomain))
            try router.set(.zapEnforceDomain(true))
            try router.set(.curveServer(secretKey: serverKey.secretKey))
            try router.bind(endpoint)
        }
        defer { router.close() }
        let dealer = try ZMQSocket(context, type: .dealer)
        defer { dealer.close() }
        try dealer.set(.linger(milliseconds: 0))
        try dealer.set(.curveClient(serverKey: serverKey.publicKey, keyPair: keyPair))
        try dealer.connect(endpoint)
        try dealer.send(["hello"])
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline {
            if try router.canReceive, let message = try router.receive(wait: false) { return .some(message.userID) }
            usleep(10_000)
        }
        return nil
    }
}
