// swift-tools-version: 6.1
// Tarn: a Delta Lake table-format storage engine. Module layering: see spec/README.md.
import PackageDescription

// Release-only optimisation flags for the hot library targets (measured in spec/README.md).
let fast: [SwiftSetting] = [
    .unsafeFlags(["-cross-module-optimization", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "tarn",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "TarnParquet", targets: ["TarnParquet"]),
        .library(name: "TarnFuzz", targets: ["TarnFuzz"]),
        .executable(name: "tarn", targets: ["tarn"]),
        .executable(name: "tarn-reliability", targets: ["tarn-reliability"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSnappy", providers: [.apt(["libsnappy-dev"])]),
        .target(name: "TarnCodecs", dependencies: ["CZstd", "CLZ4", "CZlib", "CSnappy"], swiftSettings: fast),
        .target(name: "TarnColumnar", dependencies: ["TarnCodecs"], swiftSettings: fast),
        .target(name: "TarnParquet", dependencies: ["TarnCodecs", "TarnColumnar"], swiftSettings: fast),
        .systemLibrary(name: "CMalloc"),
        .target(name: "TarnStorage", dependencies: ["TarnParquet", "CMalloc"], swiftSettings: fast),
        .target(name: "TarnDelta", dependencies: ["TarnParquet", "TarnStorage", "CZlib"], swiftSettings: fast),
        .target(name: "TarnTable", dependencies: ["TarnDelta", "TarnParquet", "TarnStorage"], swiftSettings: fast),
        .target(name: "TarnPipeline", dependencies: ["TarnColumnar", "TarnParquet", "TarnStorage", "TarnDelta", "TarnTable",
                                                     .product(name: "Yams", package: "Yams")], swiftSettings: fast),
        .executableTarget(
            name: "tarn",
            dependencies: ["TarnParquet", "TarnColumnar", "TarnStorage", "TarnDelta", "TarnTable", "TarnPipeline",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "TarnBenchmarks", dependencies: ["TarnParquet", "TarnStorage", "TarnTable"],
                          path: "Benchmarks/TarnBenchmarks", swiftSettings: fast),
        // Fuzz entry points (issue 7): plain Swift functions over bytes, driven by libFuzzer from the
        // Tests/Fuzz package and replayed by FuzzTests.
        .target(name: "TarnFuzz", dependencies: ["TarnCodecs", "TarnColumnar", "TarnParquet", "TarnStorage", "TarnDelta",
                                                 "TarnTable", "TarnPipeline"]),
        .target(name: "TarnTestSupport", dependencies: ["TarnColumnar"], path: "Tests/TarnTestSupport"),
        // Reliability harnesses (issue 7): crash, fault-injection and load runs; the CI-sized runs are
        // ReliabilityTests, the long runs `swift run -c release tarn-reliability …`.
        .target(name: "TarnReliability", dependencies: ["TarnCodecs", "TarnColumnar", "TarnStorage", "TarnDelta", "TarnTable",
                                                        "TarnPipeline", "TarnTestSupport"],
                path: "Tests/Reliability/Harness"),
        .executableTarget(name: "tarn-reliability", dependencies: ["TarnReliability", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Tests/Reliability/Command"),
        .testTarget(name: "ReliabilityTests", dependencies: ["TarnReliability", "TarnTable", "TarnStorage", "TarnTestSupport"]),
        .testTarget(name: "FuzzTests", dependencies: ["TarnFuzz", "TarnTestSupport"], exclude: ["Regressions"]),
        .testTarget(name: "TarnCodecsTests", dependencies: ["TarnCodecs", "TarnTestSupport"]),
        .testTarget(name: "TarnColumnarTests", dependencies: ["TarnColumnar", "TarnTestSupport"]),
        .testTarget(name: "TarnParquetTests", dependencies: ["TarnParquet", "TarnColumnar", "TarnTestSupport"]),
        .testTarget(name: "TarnStorageTests", dependencies: ["TarnStorage", "TarnTestSupport"]),
        .testTarget(name: "TarnDeltaTests", dependencies: ["TarnDelta", "TarnTestSupport"]),
        .testTarget(name: "TarnTableTests", dependencies: ["TarnTable", "TarnDelta", "TarnTestSupport"]),
        .testTarget(name: "TarnPipelineTests", dependencies: ["TarnPipeline", "TarnTable", "TarnColumnar", "TarnTestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["TarnColumnar", "TarnTestSupport"]),
        .testTarget(name: "InteropTests", dependencies: ["TarnParquet", "TarnColumnar", "TarnTable", "TarnTestSupport"],
                    exclude: ["py"]),
    ]
)
