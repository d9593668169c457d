// swift-tools-version:6.0
import PackageDescription

/// xe — a small array language for loss functions and their gradients.
///
/// Layers, bottom up:
/// - `XESyntax`: tokens, lexer, parser, AST; the operator table's syntax half (precedence).
/// - `XETensor`: float64 tensors, broadcasting, kernels and reverse-mode autodiff; the operator
///   table's meaning half, for the operators `XESyntax` defines (its one dependency on it). Its
///   C kernels are `CXEKernels`, a file per concern (losses, softmax rows, matmul, elementwise
///   functions, the fused evaluator) on one fan-out over the cores (`threading.c`).
/// - `XELosses`: the loss plugin protocol, the registry, the built-in losses and the loader of
///   native plugins (`CXEPlugin` is their C ABI, one header with SQLite-style append-only
///   versioning and the error buffer's helpers shared by both sides; `XEPlugin` the library
///   plugin authors use).
/// - `XEData`: the data files xe reads and writes (`.npy`, `.npz`, `.csv`, PyTorch's `.pt`,
///   `.safetensors`): the zip container, inflate through zlib (`CZlib`), a restricted pickle
///   reader, element types down to float16 and bfloat16, and the atomic file writer. It does not
///   know the interpreter.
/// - `XEPlot`: line charts of number series, as terminal text or an SVG document. It does not
///   know the interpreter.
/// - `XERuntime`: the one way in for every program, `Interpreter.load` (parsed once with every
///   syntax error, compiled to closures) and `run`, on a large-stack thread (`LargeStack`);
///   values, the compiler, derivatives (`Derivatives/`: grad, jacobian, hessian), built-ins and
///   the session.
/// - `xe`: the command-line tool and the REPL (whose continuation lines come from `load`'s parse).
let package = Package(
    name: "xe",
    products: [
        .executable(name: "xe", targets: ["xe"]),
        .library(name: "XERuntime", targets: ["XERuntime"]),
        // The data file readers on their own (for the data fuzz target).
        .library(name: "XEData", targets: ["XEData"]),
        // What native plugin authors depend on: the C ABI header and Swift helpers.
        .library(name: "XEPlugin", targets: ["XEPlugin"]),
        // The example native plugin, built as a shared library xe loads with dlopen.
        .library(name: "XEPoly1Loss", type: .dynamic, targets: ["Poly1Loss"]),
    ],
    targets: [
        .target(
            name: "CXEShim",
            cSettings: [.unsafeFlags(["-O3", "-fno-math-errno", "-fno-trapping-math"])]
        ),
        // The C kernels (losses, softmax rows, matmul, elementwise functions, the fused evaluator,
        // their own vector exp and log, the fan-out over the cores: a file each): vectorised
        // (libmvec where exp_log.c has no AVX-512), so math flags that keep inf/NaN.
        .target(
            name: "CXEKernels",
            cSettings: [.unsafeFlags([
                "-O3", "-fno-math-errno", "-fno-trapping-math", "-fveclib=libmvec",
            ])],
            linkerSettings: [.linkedLibrary("mvec"), .linkedLibrary("pthread")]
        ),
        .target(name: "CLineEdit", linkerSettings: [.linkedLibrary("edit")]),
        .target(name: "XESyntax"),
        // zlib from the system (Debian's zlib1g-dev), for the deflated entries of .npz files.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "XEData", dependencies: ["XETensor", "CZlib", "CXEShim"]),
        .target(name: "XETensor", dependencies: ["XESyntax", "CXEShim", "CXEKernels"]),
        .target(name: "XEPlot", dependencies: ["XETensor"]),
        .target(name: "CXEPlugin"),
        .target(name: "XEPlugin", dependencies: ["CXEPlugin"]),
        .target(name: "Poly1Loss", dependencies: ["XEPlugin"], path: "Plugins/Poly1Loss"),
        .target(name: "XELosses", dependencies: ["XETensor", "CXEPlugin", "CXEKernels", "CXEShim"]),
        .target(
            name: "XERuntime", dependencies: ["XESyntax", "XETensor", "XELosses", "XEData", "XEPlot", "CXEShim"],
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        .executableTarget(name: "xe", dependencies: ["XESyntax", "XELosses", "XERuntime", "CLineEdit", "CXEShim"]),
        // Central finite differences, the one numeric derivative the tests check derivatives against.
        .target(name: "FiniteDifferences", path: "Tests/Support/FiniteDifferences"),
        .testTarget(name: "XESyntaxTests", dependencies: ["XESyntax"]),
        .testTarget(name: "XETensorTests", dependencies: ["XETensor", "CXEKernels", "CXEShim", "FiniteDifferences"]),
        .testTarget(name: "XELossesTests", dependencies: ["XELosses", "XETensor", "FiniteDifferences"]),
        .testTarget(name: "XERuntimeTests", dependencies: ["XERuntime", "FiniteDifferences"]),
        .testTarget(name: "XEPluginTests", dependencies: ["XEPlugin"]),
        .testTarget(name: "XEDataTests", dependencies: ["XEData", "XETensor"]),
        .target(name: "CPTY", path: "Tests/Support/CPTY", linkerSettings: [.linkedLibrary("util")]),
        .testTarget(name: "XECLITests", dependencies: ["xe", "CPTY", "FiniteDifferences"], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
