// swift-tools-version:6.0
import PackageDescription

/// The fuzz targets of xe (programs; data files), a package of its own so that the main
/// package's `swift build` does not build an executable without `main` (libFuzzer supplies it).
/// Built and run by `Scripts/fuzz/run` with `swift build --sanitize=fuzzer`.
///
/// SwiftPM names a path dependency after its folder, so the root's name is read from the path.
let root = Context.packageDirectory.split(separator: "/").dropLast(2).last.map { String($0).lowercased() } ?? "xe"

let package = Package(
    name: "XEFuzz",
    dependencies: [.package(path: "../..")],
    targets: [
        .executableTarget(name: "XEFuzz", dependencies: [.product(name: "XERuntime", package: root)]),
        // The data file readers (.npy, .npz, .pt, .safetensors, .csv) on their own.
        .executableTarget(name: "XEFuzzData", dependencies: [.product(name: "XEData", package: root)]),
    ],
    swiftLanguageModes: [.v6]
)
