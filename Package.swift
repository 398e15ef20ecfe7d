// swift-tools-version: 6.1
// Sluice: a notebook-style shell over a deterministic streaming engine that shows backpressure.
//
// Module map (who may import whom, DESIGN.md §4):
//   SluiceEngine  — values, chunks, scheduler, graph, flow control, operators, barriers, metrics, ledger
//   SluiceSQL     — lexer, parser, AST, planner, EXPLAIN            (imports SluiceEngine)
//   SluiceStore   — SQLite session store, migrations, export         (imports GRDB)
//   SluiceShell   — dispatch, rendering, recording, replay           (imports Engine, SQL, Store)
//   CEditLine     — libedit system module
//   sluice        — the executable: arguments, line editor, signals  (imports Shell, CEditLine)
//   SluiceBench   — `make bench`
import PackageDescription

let package = Package(
    name: "Sluice",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
        .library(name: "SluiceEngine", targets: ["SluiceEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        .target(
            name: "SluiceEngine",
            dependencies: [
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            swiftSettings: [.unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release))],
            linkerSettings: [.linkedLibrary("m")]
        ),
        .target(name: "SluiceSQL", dependencies: ["SluiceEngine"]),
        .target(
            name: "SluiceStore",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["SCHEMA.md"]
        ),
        .target(
            name: "SluiceShell",
            dependencies: ["SluiceEngine", "SluiceSQL", "SluiceStore",
                           .product(name: "OrderedCollections", package: "swift-collections")]
        ),
        .systemLibrary(
            name: "CEditLine",
            providers: [.apt(["libedit-dev"])]
        ),
        .executableTarget(
            name: "sluice",
            dependencies: [
                "SluiceShell", "CEditLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "SluiceBench", dependencies: ["SluiceEngine"]),
        .target(name: "SluiceTestSupport", path: "Tests/SluiceTestSupport"),
        .testTarget(
            name: "SluiceEngineTests",
            dependencies: ["SluiceEngine", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "SluiceSQLTests", dependencies: ["SluiceSQL", "SluiceEngine", "SluiceTestSupport"]),
        .testTarget(name: "SluiceStoreTests", dependencies: ["SluiceStore"]),
        .testTarget(name: "SluiceShellTests", dependencies: ["SluiceShell", "SluiceEngine", "SluiceSQL", "SluiceStore", "SluiceTestSupport"]),
    ]
)
