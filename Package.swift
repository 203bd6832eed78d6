// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "plinth",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "plinth", targets: ["plinth"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // JSON values: the in-memory form of every API object (order-preserving, fast to parse and print).
        .target(name: "PlinthJSON", swiftSettings: swiftSettings),
        // apimachinery: Status errors, metadata, selectors, patches, the resource catalog, tables.
        .target(name: "PlinthAPIMachinery", dependencies: ["PlinthJSON"], swiftSettings: swiftSettings),
        // The Storage protocol (kine/etcd terms) and its sentinel errors.
        .target(name: "PlinthStorage", swiftSettings: swiftSettings),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        // The embedded SQLite backend of Storage.
        .target(name: "PlinthStorageSQLite", dependencies: ["PlinthStorage", "CSQLite"], swiftSettings: swiftSettings),
        // The API server: registry, watch cache, admission, HTTP front end, discovery, OpenAPI, PKI.
        .target(name: "PlinthAPIServer", dependencies: [
            "PlinthJSON", "PlinthAPIMachinery", "PlinthStorage",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdHTTP2", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOHTTP2", package: "swift-nio-http2"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ], swiftSettings: swiftSettings),
        // Controllers that run inside the control plane (namespace defaults, …).
        .target(name: "PlinthControllers", dependencies: ["PlinthJSON", "PlinthAPIMachinery", "PlinthAPIServer"], swiftSettings: swiftSettings),
        // Places pods on nodes: filter and score plugins (pure) and the scheduling service.
        .target(name: "PlinthScheduler", dependencies: [
            "PlinthJSON", "PlinthAPIMachinery", "PlinthAPIServer", "PlinthControllers",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        // The API client the CLI commands use: kubeconfig reading and merging, JSON requests.
        .target(name: "PlinthClient", dependencies: [
            "PlinthJSON",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: swiftSettings),
        // The API benchmark client.
        .target(name: "PlinthBench", dependencies: [
            "PlinthJSON", "PlinthClient",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: swiftSettings),
        .systemLibrary(name: "CHost", path: "Sources/CHost", providers: [.apt(["zlib1g-dev"])]),
        // Images on a host: OCI registry client, content-addressed blob store, layer unpacking, OCI layout import.
        .target(name: "PlinthImages", dependencies: [
            "PlinthJSON", "CHost",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], swiftSettings: swiftSettings),
        // The pod runtime seam (PodRuntime, CRI's terms), the runc runtime and the fake runtime for scale tests.
        .target(name: "PlinthRuntime", dependencies: ["PlinthJSON", "PlinthAPIMachinery", "PlinthImages", "CHost"], swiftSettings: swiftSettings),
        // The host agent: registers a Node, renews its Lease, runs the pods bound to it through a PodRuntime.
        .target(name: "PlinthAgent", dependencies: [
            "PlinthJSON", "PlinthAPIMachinery", "PlinthClient", "PlinthControllers", "PlinthRuntime", "PlinthImages", "CHost",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        .executableTarget(name: "plinth", dependencies: [
            "PlinthAPIServer", "PlinthStorageSQLite", "PlinthControllers", "PlinthScheduler", "PlinthBench", "PlinthClient",
            "PlinthAgent", "PlinthRuntime", "PlinthImages",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
        .testTarget(name: "PlinthJSONTests", dependencies: ["PlinthJSON"]),
        .testTarget(name: "PlinthAPIMachineryTests", dependencies: ["PlinthAPIMachinery", "PlinthJSON"]),
        .testTarget(name: "PlinthAPIServerTests", dependencies: [
            "PlinthAPIServer", "PlinthStorageSQLite", "PlinthAPIMachinery", "PlinthJSON",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "PlinthControllersTests", dependencies: ["PlinthControllers"]),
        .testTarget(name: "PlinthRuntimeTests", dependencies: ["PlinthRuntime"]),
        .testTarget(name: "PlinthAgentTests", dependencies: ["PlinthAgent", "PlinthJSON"]),
        .testTarget(name: "PlinthSchedulerTests", dependencies: ["PlinthScheduler", "PlinthAPIServer", "PlinthAPIMachinery", "PlinthJSON"]),
        .testTarget(name: "PlinthStorageConformanceTests", dependencies: ["PlinthStorage", "PlinthStorageSQLite"]),
        .testTarget(name: "PlinthIntegrationTests", dependencies: [
            "PlinthJSON",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
    ]
)
