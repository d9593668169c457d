import FiniteDifferences
import Foundation
import Testing

/// Native and script plugins loaded into the real binary (SPEC §5), and every way loading fails.
@Suite struct PluginTests {
    /// The package's root, for the example plugins and the plugin ABI header.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The example Poly-1 plugin, built by the package next to `xe`.
    static var poly1: String {
        XE.binary.deletingLastPathComponent().appendingPathComponent("libXEPoly1Loss.so").path
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xe-plugins-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Builds `broken.c` in one of its modes into a shared library (clang comes with Swift).
    static func cPlugin(mode: Int) throws -> String {
        let dir = try temporaryDirectory()
        let output = dir.appendingPathComponent("mode\(mode).so").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["clang", "-shared", "-fPIC", "-DMODE=\(mode)",
                             "-I", root.appendingPathComponent("Sources/CXEPlugin/include").path,
                             XE.fixture("plugins/broken.c").path, "-o", output]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return output
    }

    /// Binary Poly-1 loss and its derivative, written out independently of the plugin.
    static func poly1(_ y: Double, _ p: Double, _ e: Double) -> Double {
        -(y * log(p) + (1 - y) * log(1 - p)) + e * (1 - (y * p + (1 - y) * (1 - p)))
    }

    static func poly1Derivative(_ y: Double, _ p: Double, _ e: Double) -> Double {
        FiniteDifferences.derivative(at: p) { poly1(y, $0, e) }
    }

    func close(_ a: [Double], _ b: [Double], _ tolerance: Double) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    @Test func poly1ValuesAndGradients() throws {
        #expect(FileManager.default.fileExists(atPath: Self.poly1), "build the package first (swift build)")
        let y = [1.0, 0, 1, 0, 1, 0.3], p = [0.9, 0.2, 0.3, 0.6, 0.55, 0.4]
        let program = """
            y = [1, 0, 1, 0, 1, 0.3]
            p = [0.9, 0.2, 0.3, 0.6, 0.55, 0.4]
            print(poly1(y, p, reduction="none"))
            print(poly1(y, p))
            print(poly1(y, p, epsilon=0.5, reduction="sum"))
            print(grad(poly1(y, p), p))
            print(grad(poly1(y, p, epsilon=0.5, reduction="sum", weight=[1, 2, 3, 4, 5, 6]), p))
            print(poly1(y, p, epsilon=0) - bce(y, p))
            """
        let r = try XE.run(["--plugin", Self.poly1], input: program)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { XE.numbers(in: String($0)) }
        try #require(lines.count == 6)
        let none = zip(y, p).map { Self.poly1($0, $1, 1) }
        #expect(close(lines[0], none, 1e-12))
        #expect(close(lines[1], [none.reduce(0, +) / 6], 1e-12))
        #expect(close(lines[2], [zip(y, p).map { Self.poly1($0, $1, 0.5) }.reduce(0, +)], 1e-12))
        #expect(close(lines[3], zip(y, p).map { Self.poly1Derivative($0, $1, 1) / 6 }, 1e-7))
        #expect(close(lines[4], zip(y, p).enumerated().map { i, e in Double(i + 1) * Self.poly1Derivative(e.0, e.1, 0.5) }, 1e-7))
        #expect(abs(lines[5][0]) < 1e-15)
    }

    @Test func nativeLossRefusesASecondDerivative() throws {
        let program = """
            y = [1, 0, 1]
            p = [0.9, 0.2, 0.3]
            print(grad(grad(poly1(y, p), p)[0], p))
            """
        let r = try XE.run(["--plugin", Self.poly1], input: program)
        #expect(r.status == 1 && r.stdout.isEmpty)
        #expect(r.stderr.contains("poly1 cannot be differentiated to order 2") && r.stderr.contains("first derivative only"), "\(r.stderr)")
        // A first derivative inside a function that is differentiated with respect to something else still works.
        let other = try XE.run(["--plugin", Self.poly1], input: "y = [1, 0]; p = [0.9, 0.2]; a = 2; print(grad(a * sum(grad(poly1(y, p), p)), a), sum(grad(poly1(y, p), p)))")
        let pair = XE.numbers(in: other.stdout)
        #expect(other.status == 0 && pair.count == 2 && pair[0] == pair[1] && pair[0] != 0, "\(other.stdout)\(other.stderr)")
    }

    @Test func poly1LoadsEveryWay() throws {
        let dir = try Self.temporaryDirectory()
        try FileManager.default.copyItem(atPath: Self.poly1, toPath: dir.appendingPathComponent("libXEPoly1Loss.so").path)
        let imported = try XE.run(["-e", "import \"\(Self.poly1)\"; poly1(1, 0.5)"])
        #expect(imported.status == 0 && XE.numbers(in: imported.stdout) == [log(2.0) + 0.5])
        let fromPath = try XE.run(["-e", "poly1(1, 0.5)"], environment: ["XE_PLUGIN_PATH": "/nonexistent-xe-dir:" + dir.path])
        #expect(fromPath.status == 0 && fromPath.stdout == imported.stdout)
        #expect(fromPath.stderr.contains("does not exist"))
        let config = try Self.temporaryDirectory()
        let plugins = config.appendingPathComponent("xe/plugins")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("Plugins/dice.xe"), to: plugins.appendingPathComponent("dice.xe"))
        let fromConfig = try XE.run(["-e", "dice([1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1])"], environment: ["XDG_CONFIG_HOME": config.path])
        #expect(fromConfig.status == 0 && XE.numbers(in: fromConfig.stdout).first.map { abs($0 - 0.12) < 1e-12 } == true)
        let help = try XE.run(["--plugin", Self.poly1, "-e", "help(poly1)"])
        #expect(help.stdout.contains("poly1(y, p, epsilon=1, eps=1e-15"))
    }

    @Test func scriptPluginsValuesGradientsAndHelp() throws {
        let dice = Self.root.appendingPathComponent("Plugins/dice.xe").path
        let hinge = Self.root.appendingPathComponent("Plugins/hinge.xe").path
        let program = """
            y = [1, 1, 0, 0, 1]
            p = [0.9, 0.8, 0.2, 0.1, 0.4]
            print(dice(y, p), dice(y, p, smooth=0))
            print(grad(dice(y, p), p))
            s = [2, -0.5, 0.3, 0.9]
            t = [1, -1, 1, -1]
            print(hinge(t, s), grad(hinge(t, s), s))
            help(dice)
            """
        let r = try XE.run(["--plugin", dice, "--plugin", hinge], input: program)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { XE.numbers(in: String($0)) }
        let y = [1.0, 1, 0, 0, 1], p = [0.9, 0.8, 0.2, 0.1, 0.4]
        let inter = zip(y, p).map(*).reduce(0, +), total = y.reduce(0, +) + p.reduce(0, +)
        #expect(close(Array(lines[0]), [1 - (2 * inter + 1) / (total + 1), 1 - 2 * inter / total], 1e-12))
        let expected = y.map { yi in -(2 * yi * (total + 1) - (2 * inter + 1)) / ((total + 1) * (total + 1)) }
        #expect(close(lines[1], expected, 1e-12))
        // margins 1 - t·s: -1, 0.5, 0.7, 1.9 → mean 0.775; gradient -t/4 where violated.
        #expect(close(lines[2], [0.775, 0, 0.25, -0.25, 0.25], 1e-12))
        #expect(r.stdout.contains("Soft Dice loss (Milletari et al. 2016)"))
    }

    @Test func rowwiseNativeLossWithGradientAndOneWithout() throws {
        let plugin = try Self.cPlugin(mode: 6)
        let program = """
            Y = [[1, 0, 0], [0, 1, 0]]
            P = [[0.5, 0.25, 0.25], [0.1, 0.6, 0.3]]
            print(rowsq(Y, P, reduction="none"), rowsq(Y, P))
            print(grad(rowsq(Y, P), P))
            print(sq(Y, P, scale=2, reduction="sum"))
            grad(sq(Y, P), P)
            """
        let r = try XE.run(["--plugin", plugin], input: program)
        let numbers = XE.numbers(in: r.stdout)
        try #require(numbers.count == 10, "\(r.stdout)\(r.stderr)")
        #expect(close(Array(numbers[0..<3]), [0.375, 0.26, 0.3175], 1e-12))
        #expect(close(Array(numbers[3..<9]), [-0.5, 0.25, 0.25, 0.1, -0.4, 0.3], 1e-12))
        #expect(close([numbers[9]], [2 * (0.25 + 0.0625 + 0.0625 + 0.01 + 0.16 + 0.09)], 1e-12))
        #expect(r.status == 1)
        #expect(r.stderr.contains("grad cannot differentiate sq") && r.stderr.contains("supplies no gradient"))
    }

    @Test func brokenPluginsAreClearErrorsAndTheSessionGoesOn() throws {
        let dir = try Self.temporaryDirectory()
        let text = dir.appendingPathComponent("notalib.so")
        try "just text\n".write(to: text, atomically: true, encoding: .utf8)
        let cases: [(String, String)] = [
            ("/nonexistent-xe-dir/missing.so", "'/nonexistent-xe-dir/missing.so'; looked in: /nonexistent-xe-dir/missing.so"),
            (text.path, "is not a loadable shared library"),
            (try Self.cPlugin(mode: 1), "has no entry point 'xe_plugin_abi_version'"),
            (try Self.cPlugin(mode: 2), "needs xe plugin ABI version 999 or later, but this xe has version 2; update xe, or rebuild the plugin against this xe"),
            (try Self.cPlugin(mode: 3), "has no entry point 'xe_plugin_init'"),
            (try Self.cPlugin(mode: 4), "failed to initialise: no licence key found"),
            (try Self.cPlugin(mode: 5), "a loss named 'bce' is already registered (from built-in)"),
            (try Self.cPlugin(mode: 12), "failed to initialise: the loss definition is 8 bytes, less than the"),
            (try Self.cPlugin(mode: 16), "reports xe plugin ABI version 0, which no xe has; rebuild the plugin against this xe"),
        ]
        for (path, message) in cases {
            let r = try XE.run(["--plugin", path, "-e", "1 + 1"])
            #expect(r.stderr.contains(message), "\(path): \(r.stderr)")
            #expect(r.status == 2 && r.stdout == "" && !r.crashed)
            let imported = try XE.run(["-e", "import \"\(path)\""])
            #expect(imported.status == 1 && imported.stderr.contains("error: ") && imported.stderr.contains(message))
        }
        let failing = try XE.run(["--plugin", try Self.cPlugin(mode: 7), "-e", "sq(1, 2)"])
        #expect(failing.status == 1 && failing.stderr.contains("the forward function is broken on purpose"))
        let clash = dir.appendingPathComponent("clash.xe")
        try "loss cce(y, p) = sum(p)\n".write(to: clash, atomically: true, encoding: .utf8)
        let r = try XE.run(["-e", "import \"\(clash.path)\""])
        #expect(r.stderr.contains("a loss named 'cce' is already registered (from built-in)") && r.status == 1)
        let bare = try XE.run(["--plugin", "nothing.so", "-e", "0"], environment: ["XE_PLUGIN_PATH": dir.path])
        #expect(bare.stderr.contains("looked in: nothing.so, \(dir.path)/nothing.so"))
    }

    /// Mode 14 insists on a host of exactly version 1, as plugins built on XEPlugin 1 do.
    @Test(arguments: [11, 14])
    func aPluginBuiltForAnOlderABILoads(_ mode: Int) throws {
        let r = try XE.run(["--plugin", try Self.cPlugin(mode: mode), "-e", "print(sq([1, 2], [2, 4])); rowsq([[1, 2]], [[2, 4]])"])
        #expect(r.status == 0 && XE.numbers(in: r.stdout) == [2.5, 5], "\(r.stderr)")
    }

    /// Mode 13 asks for Ctrl-C and stops; mode 15 never asks and is interrupted when it returns.
    @Test(arguments: [13, 15])
    func ctrlCStopsAPluginWhetherItAsksOrNot(_ mode: Int) throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("xe-state-\(UUID().uuidString)").path
        let t = try Terminal(arguments: ["--plugin", try Self.cPlugin(mode: mode)], environment: ["XDG_STATE_HOME": state])
        #expect(t.wait(for: "xe> "))
        t.type("print(sq([1, 2], [2, 4]) + 100)\r")
        t.drain(0.5)
        let start = Date()
        t.type("\u{03}")
        #expect(t.wait(for: "interrupted", timeout: 5))
        #expect(Date().timeIntervalSince(start) < 3)
        #expect(!t.screen.contains("stopped") && !t.screen.contains("102.5"))
        t.enter("rowsq([[1, 2]], [[2, 4]])")
        #expect(t.after("rowsq([[1, 2]], [[2, 4]])").contains("5"))
    }

    @Test func replListsPluginsAndCompletesTheirLosses() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("xe-state-\(UUID().uuidString)").path
        let t = try Terminal(arguments: ["--plugin", Self.poly1], environment: ["XDG_STATE_HOME": state])
        #expect(t.wait(for: "xe> "))
        t.enter(":plugin " + Self.root.appendingPathComponent("Plugins/hinge.xe").path)
        #expect(t.after(":plugin").contains("loaded") && t.after(":plugin").contains("hinge"))
        t.enter(":plugins")
        #expect(t.after(":plugins").contains("libXEPoly1Loss.so: poly1"))
        #expect(t.after(":plugins").contains("hinge.xe: hinge"))
        t.enter(":losses")
        #expect(t.after(":losses").contains("binary Poly-1 loss"))
        t.type("pol\t")
        t.drain(0.3)
        t.enter("(1, 0.5)")
        #expect(t.after("(1, 0.5)").contains("1.1931471805599454"))
        t.enter(":plugin /nonexistent-xe-dir/x.so")
        t.enter("1 + 2")
        #expect(t.after("1 + 2").contains("3"))
    }
}
