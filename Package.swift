// swift-tools-version: 6.2
import PackageDescription

/// One thin executable per service; its logic lives in the library beside it so tests can build it.
func service(_ name: String, executable: String, dependencies: [Target.Dependency] = []) -> [Target] {
    [
        .target(
            name: "\(name)Service",
            dependencies: ["DubanRuntime", "DubanMessaging", "DubanStorage", "DubanModels"] + dependencies,
            path: "Services/\(name)/App"
        ),
        .executableTarget(
            name: executable,
            dependencies: [.target(name: "\(name)Service"), "DubanRuntime"],
            path: "Services/\(name)/Main"
        ),
    ]
}

let package = Package(
    name: "Duban",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "intake", targets: ["intake"]),
        .executable(name: "routing", targets: ["routing"]),
        .executable(name: "escalation", targets: ["escalation"]),
        .executable(name: "reporting", targets: ["reporting"]),
        .executable(name: "duban", targets: ["duban"]),
        .executable(name: "duban-bench", targets: ["duban-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: [.defaults, "CommandLineArguments", "YAML"]),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.30.0"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
    ],
    targets: [
        // libzmq from Debian's libzmq3-dev, linked through the module map (pkg-config adds a forbidden -isystem flag).
        .systemLibrary(
            name: "CZeroMQ",
            path: "Shared/CZeroMQ",
            providers: [.apt(["libzmq3-dev"])]
        ),
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"], path: "Shared/ZeroMQ"),
        // The one SQLite setting GRDB cannot make: process-wide configuration before the first connection opens.
        .systemLibrary(name: "CSQLite", path: "Shared/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "DubanModels", path: "Shared/DubanModels"),
        .target(
            name: "DubanStorage",
            dependencies: ["CSQLite", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto")],
            path: "Shared/DubanStorage"
        ),
        .target(
            name: "DubanMessaging",
            dependencies: [
                "ZeroMQ", "DubanModels", "DubanStorage",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/DubanMessaging"
        ),
        .target(
            name: "DubanRuntime",
            dependencies: [
                "DubanMessaging", "DubanStorage", "DubanModels", "ZeroMQ",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Shared/DubanRuntime"
        ),
        // People: roles, signed session tokens, and the gate every service's HTTP API stands behind.
        .target(
            name: "DubanIdentity",
            dependencies: [
                "DubanRuntime", "DubanModels",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/DubanIdentity"
        ),
        .executableTarget(
            name: "duban",
            dependencies: ["DubanRuntime", "DubanMessaging", "DubanStorage", "ZeroMQ", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tools/duban"
        ),
        .executableTarget(
            name: "duban-bench",
            dependencies: ["DubanMessaging", "DubanStorage", "DubanModels", "DubanRuntime", "ZeroMQ", "RoutingService", "EscalationService", "ReportingService",
                           .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "Logging", package: "swift-log")],
            path: "Tools/duban-bench"
        ),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"]),
        .testTarget(name: "DubanModelsTests", dependencies: ["DubanModels"]),
        .testTarget(name: "DubanRuntimeTests", dependencies: ["DubanRuntime", .product(name: "Logging", package: "swift-log"),
                                                            .product(name: "Hummingbird", package: "hummingbird")]),
        .testTarget(name: "DubanStorageTests", dependencies: ["DubanStorage", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "DubanMessagingTests", dependencies: ["DubanMessaging", "DubanStorage", "DubanModels", "ZeroMQ",
                                                              .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "RoutingServiceTests", dependencies: ["RoutingService", "DubanModels", "DubanRuntime"]),
        .testTarget(name: "EndToEndTests", dependencies: ["DubanModels", "ZeroMQ", .product(name: "HummingbirdOTP", package: "hummingbird-auth")],
                    exclude: ["Browser"]),
        .testTarget(name: "ReportingServiceTests", dependencies: ["ReportingService", "DubanRuntime", "DubanMessaging",
                                                                "DubanStorage", "DubanModels", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "EscalationServiceTests", dependencies: ["EscalationService", "DubanRuntime", "DubanMessaging",
                                                                 .product(name: "Hummingbird", package: "hummingbird"),
                                                                 .product(name: "Crypto", package: "swift-crypto"),
                                                                 "DubanStorage", "DubanModels", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "DubanIdentityTests", dependencies: ["DubanIdentity", "DubanRuntime",
                                                             .product(name: "Hummingbird", package: "hummingbird"),
                                                             .product(name: "HummingbirdTesting", package: "hummingbird")]),
        .testTarget(name: "IntakeServiceTests", dependencies: ["IntakeService", "DubanIdentity", "DubanRuntime", "DubanStorage", "DubanMessaging", "DubanModels",
                                                             .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                                                             .product(name: "Hummingbird", package: "hummingbird"),
                                                             .product(name: "HummingbirdTesting", package: "hummingbird"),
                                                             .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "DeploymentTests", dependencies: ["DubanRuntime", .product(name: "Yams", package: "Yams")]),
    ]
)

package.targets += service("Intake", executable: "intake", dependencies: [
    .product(name: "Crypto", package: "swift-crypto"), .product(name: "ArgumentParser", package: "swift-argument-parser"),
    .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Yams", package: "Yams"),
    .product(name: "SwiftCSV", package: "SwiftCSV"), .product(name: "MultipartKit", package: "multipart-kit"),
    "DubanIdentity", .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
    .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
])
package.targets += service("Routing", executable: "routing", dependencies: [.product(name: "Yams", package: "Yams"), "DubanIdentity"])
package.targets += service("Escalation", executable: "escalation", dependencies: [
    .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "Crypto", package: "swift-crypto"),
    .product(name: "ArgumentParser", package: "swift-argument-parser"), "DubanIdentity",
])
package.targets += service("Reporting", executable: "reporting", dependencies: [
    .product(name: "ArgumentParser", package: "swift-argument-parser"),
    .product(name: "AsyncHTTPClient", package: "async-http-client"),
    .product(name: "Yams", package: "Yams"), "DubanIdentity",
])
