// swift-tools-version: 6.1
// The libFuzzer driver of the Tarn fuzz targets (issue 7): one executable over the root package's
// TarnFuzz product, built with -sanitize=fuzzer,address by ./run (see README.md). Not part of
// the root package, so the normal build never needs libFuzzer.
import PackageDescription

let package = Package(
    name: "tarn-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "tarn", path: "../..")],
    targets: [
        .executableTarget(name: "tarn-fuzz", dependencies: [.product(name: "TarnFuzz", package: "tarn")],
                          path: "Sources/tarn-fuzz"),
    ]
)
