import Foundation
import Testing

/// Plugins as their authors use them: built in a folder of their own, loaded from the working
/// folder, broken, rebuilt and loaded again, shadowing a stale copy in the plugin folder.
@Suite struct PluginAuthorTests {
    /// Builds the C test plugin (`Fixtures/plugins/broken.c`) in `mode` with `offset` added to
    /// its `sq` losses, into `output`.
    static func build(mode: Int, offset: Int = 0, to output: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // Built next to the target and renamed over it, as a linker does: a new file, a new inode.
        let partial = output.path + ".partial"
        process.arguments = ["clang", "-shared", "-fPIC", "-DMODE=\(mode)", "-DOFFSET=\(offset)",
                             "-I", PluginTests.root.appendingPathComponent("Sources/CXEPlugin/include").path,
                             XE.fixture("plugins/broken.c").path, "-o", partial]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(rename(partial, output.path) == 0)
    }

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test func aPathNamingAFileInTheWorkingFolderLoadsThatFile() throws {
        let dir = try PluginTests.temporaryDirectory()
        try Self.build(mode: 6, offset: 10, to: dir.appendingPathComponent("libfoo.so"))
        let r = try XE.run(["--plugin", "libfoo.so", "-e", "sq(1, 4)"], directory: dir)
        #expect(r.status == 0 && r.stdout == "19\n", "\(r.stderr)")
        let imported = try XE.run(["-e", "import \"libfoo.so\"; sq(1, 4)"], directory: dir)
        #expect(imported.status == 0 && imported.stdout == r.stdout, "\(imported.stderr)")
        // A bare name that is no file here is still looked for in the plugin folders.
        let folder = try PluginTests.temporaryDirectory()
        try Self.build(mode: 6, offset: 20, to: folder.appendingPathComponent("libbar.so"))
        let searched = try XE.run(["--plugin", "libbar.so", "--no-plugins", "-e", "sq(1, 4)"], environment: ["XE_PLUGIN_PATH": folder.path], directory: dir)
        #expect(searched.status == 0 && searched.stdout == "29\n", "\(searched.stderr)")
    }

    @Test func pluginInTheREPLLoadsAFileOfTheWorkingFolder() throws {
        let dir = try PluginTests.temporaryDirectory()
        try Self.build(mode: 6, offset: 30, to: dir.appendingPathComponent("libfoo.so"))
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("xe-state-\(UUID().uuidString)").path
        // env -C starts xe in the plugin's folder, as a user who built it there would.
        let t = try Terminal(arguments: ["-C", dir.path, XE.binary.path], environment: ["XDG_STATE_HOME": state, "NO_COLOR": "1"],
                             program: "/usr/bin/env")
        #expect(t.wait(for: "xe> "))
        t.enter(":plugin libfoo.so")
        #expect(t.wait(for: "loaded ./libfoo.so: sq, rowsq"), "\(t.screen)")
        t.enter("sq(1, 3) + 0.5")
        #expect(t.wait(for: "34.5"), "\(t.screen)")
        #expect(!t.screen.contains("cannot open shared object file"))
    }

    /// Two syntax errors on lines 3 and 5 of a script plugin.
    static let brokenScript = "# two mistakes\nloss fine(y, p) = mean(p - y)\nloss twice(y, p) = * 2\n\nloss thrice(y, p) = 3 3\n"

    static func expectSyntaxErrors(_ stderr: String, file: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(stderr.contains("\(file):3:20: error: expected an expression, found '*'\nloss twice(y, p) = * 2\n                   ^\n"), "\(stderr)", sourceLocation: sourceLocation)
        #expect(stderr.contains("\(file):5:23: error: expected a new line or ';' after the statement, found number 3\nloss thrice(y, p) = 3 3\n                      ^\n"), "\(stderr)", sourceLocation: sourceLocation)
        #expect(!stderr.contains("unexpected(") && !stderr.contains("SyntaxError"), "\(stderr)", sourceLocation: sourceLocation)
    }

    @Test func syntaxErrorsInScriptPluginsAreStandardMessagesEveryOne() throws {
        let dir = try PluginTests.temporaryDirectory()
        let script = dir.appendingPathComponent("broken.xe")
        try Self.write(Self.brokenScript, to: script)
        let named = try XE.run(["--plugin", script.path, "-e", "print(1)"])
        #expect(named.status == 2 && named.stdout == "")
        Self.expectSyntaxErrors(named.stderr, file: script.path)
        let imported = try XE.run(["-e", "import \"\(script.path)\""])
        #expect(imported.status == 1)
        Self.expectSyntaxErrors(imported.stderr, file: script.path)
        let folder = try XE.run(["-e", "print(1)"], environment: ["XE_PLUGIN_PATH": dir.path])
        #expect(folder.status == 0 && folder.stdout == "1\n")
        Self.expectSyntaxErrors(folder.stderr, file: script.path)
        #expect(folder.stderr.contains("warning: the plugin '\(script.path)' in a plugin folder did not load"))
    }

    @Test func syntaxErrorsFromPluginAndLoadInTheREPL() throws {
        let dir = try PluginTests.temporaryDirectory()
        let script = dir.appendingPathComponent("broken.xe")
        try Self.write(Self.brokenScript, to: script)
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("xe-state-\(UUID().uuidString)").path
        let t = try Terminal(environment: ["XDG_STATE_HOME": state, "NO_COLOR": "1"])
        #expect(t.wait(for: "xe> "))
        for command in [":plugin", ":load"] {
            t.enter("\(command) \(script.path)")
            t.enter("1 + 41")
            #expect(t.wait(for: "42"))
            let shown = t.after("\(command) \(script.path)").replacingOccurrences(of: "\r\n", with: "\n")
            Self.expectSyntaxErrors(shown, file: script.path)
        }
    }

    @Test func aNamedPluginThatFailsStopsXeWithStatusTwo() throws {
        let dir = try PluginTests.temporaryDirectory()
        let script = dir.appendingPathComponent("run.xe")
        try Self.write("print(\"ran\")\n", to: script)
        let failing: [[String]] = [
            ["--plugin", "/nonexistent-xe-dir/missing.so"],
            ["--plugin", try PluginTests.cPlugin(mode: 4)],
            ["--plugin", try PluginTests.cPlugin(mode: 6), "--plugin", try PluginTests.cPlugin(mode: 5)],
        ]
        for plugins in failing {
            for mode in [["-e", "print(\"ran\")"], [script.path], ["-"], []] {
                let r = try XE.run(plugins + mode, input: "print(\"ran\")\n")
                #expect(r.status == 2 && r.stdout == "" && !r.crashed, "\(plugins) \(mode): \(r.status) \(r.stdout)")
                #expect(r.stderr.contains("error: ") && r.stderr.contains("did not load; stopping (status 2)"))
            }
        }
        // A broken plugin in a plugin folder only warns.
        let folder = try PluginTests.temporaryDirectory()
        try FileManager.default.copyItem(atPath: try PluginTests.cPlugin(mode: 4), toPath: folder.appendingPathComponent("broken.so").path)
        let r = try XE.run(["-e", "print(\"ran\")"], environment: ["XE_PLUGIN_PATH": folder.path])
        #expect(r.status == 0 && r.stdout == "ran\n" && r.stderr.contains("warning: plugin '") && r.stderr.contains("no licence key found"))
    }

    @Test func aNamedPluginWinsOverTheStaleCopyInThePluginFolder() throws {
        let config = try PluginTests.temporaryDirectory()
        let folder = config.appendingPathComponent("xe/plugins")
        try Self.write("# stale\nloss mse(y, p) = 1000\n", to: folder.appendingPathComponent("mse.xe"))
        try Self.build(mode: 6, offset: 1000, to: folder.appendingPathComponent("libsq.so"))
        let work = try PluginTests.temporaryDirectory()
        try Self.write("# fresh\nloss mse(y, p) = mean((p - y) ^ 2)\n", to: work.appendingPathComponent("mse.xe"))
        try Self.build(mode: 6, to: work.appendingPathComponent("libsq.so"))
        let environment = ["XDG_CONFIG_HOME": config.path]
        let stale = try XE.run(["-e", "print(mse(0, 3), sq(0, 3))"], environment: environment)
        #expect(stale.stdout == "1000 1009\n", "\(stale.stderr)")
        let program = "print(mse(0, 3), sq(0, 3))"
        for load in [["--plugin", "mse.xe", "--plugin", "libsq.so", "-e", program],
                     ["-e", "import \"mse.xe\"; import \"libsq.so\"; " + program]] {
            let r = try XE.run(load, environment: environment, directory: work)
            #expect(r.status == 0 && r.stdout == "9 9\n", "\(load): \(r.stdout) \(r.stderr)")
            #expect(r.stderr.contains("note: loss 'mse' of the plugin folder's '\(folder.path)/mse.xe' is replaced by the one from '"))
            #expect(r.stderr.contains("note: loss 'sq' of the plugin folder's '\(folder.path)/libsq.so' is replaced by the one from '"))
            #expect(!r.stderr.contains("error"))
        }
        let skipped = try XE.run(["--no-plugins", "-e", "mse(0, 3)"], environment: environment)
        #expect(skipped.status == 1 && skipped.stderr.contains("unknown name 'mse'") && !skipped.stderr.contains("note:"))
        // Two plugins named explicitly still clash, with only real ways out offered.
        let clash = try XE.run(["--plugin", work.appendingPathComponent("libsq.so").path, "--plugin", folder.appendingPathComponent("libsq.so").path, "-e", "0"],
                               environment: environment)
        #expect(clash.status == 2)
        #expect(clash.stderr.contains("a loss named 'sq' is already registered (from \(work.path)/libsq.so); give one of them another name, or load only one of the two"), "\(clash.stderr)")
        let builtin = try XE.run(["-e", "loss bce(y, p) = 1"])
        #expect(builtin.stderr.contains("a loss named 'bce' is already registered (from built-in); give yours another name"))
        #expect(!builtin.stderr.contains("explicitly"))
    }

    @Test func aRebuiltNativePluginIsReallyLoadedAgain() throws {
        let dir = try PluginTests.temporaryDirectory()
        let library = dir.appendingPathComponent("libsq.so")
        let link = dir.appendingPathComponent("link.so")
        try Self.build(mode: 6, offset: 0, to: library)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: library)
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("xe-state-\(UUID().uuidString)").path
        let t = try Terminal(environment: ["XDG_STATE_HOME": state, "NO_COLOR": "1"])
        #expect(t.wait(for: "xe> "))
        t.enter(":plugin \(library.path)")
        t.enter("sq(0, 3) + 0.5")
        #expect(t.wait(for: "9.5"))
        try Self.build(mode: 6, offset: 100, to: library)
        t.enter(":plugin \(library.path)")
        t.enter("sq(0, 3) + 0.25")
        #expect(t.wait(for: "109.25"), "\(t.screen)")
        #expect(t.after(":plugin \(library.path)").contains("was rebuilt since it was loaded: its new build is loaded"))
        // Another spelling of the same file is the same plugin, not a clash.
        try Self.build(mode: 6, offset: 200, to: library)
        t.enter(":plugin \(link.path)")
        t.enter("sq(0, 3) + 0.125")
        #expect(t.wait(for: "209.125"), "\(t.screen)")
        #expect(!t.after(":plugin \(link.path)").contains("already registered"))
        t.enter(":plugins")
        t.enter("1 + 1")
        #expect(t.wait(for: "2"))
        let listed = t.after(":plugins")
        #expect(listed.components(separatedBy: "libsq.so: sq, rowsq").count == 2, "\(listed)")
        #expect(!listed.contains("link.so"))
        // A build that no longer has rowsq: the old code's rowsq is not left behind.
        try Self.build(mode: 10, offset: 300, to: library)
        t.enter(":plugin \(library.path)")
        t.enter("sq(0, 3) + 0.0625")
        #expect(t.wait(for: "309.0625"), "\(t.screen)")
        #expect(t.after(":plugin \(library.path)").contains("loss 'rowsq' is not in the new build of '\(library.path)'; it is removed"))
        t.enter("rowsq([[0]], [[1]])")
        t.enter("3 + 4")
        #expect(t.wait(for: "7"))
        #expect(t.after("sq(0, 3) + 0.0625").contains("error: unknown name 'rowsq'"), "\(t.screen)")
    }

    @Test func aScriptPluginUnderTwoSpellingsIsOnePlugin() throws {
        let dir = try PluginTests.temporaryDirectory()
        try Self.write("loss mse(y, p) = mean((p - y) ^ 2)\n", to: dir.appendingPathComponent("mse.xe"))
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("link.xe"), withDestinationURL: dir.appendingPathComponent("mse.xe"))
        let program = "import \"\(dir.path)/mse.xe\"; import \"link.xe\"; import \"./mse.xe\"; mse(0, 3)"
        let r = try XE.run(["--plugin", "mse.xe", "-e", program], directory: dir)
        #expect(r.status == 0 && r.stdout == "9\n" && r.stderr == "", "\(r.stderr)")
        // A different file defining the same loss is a clash.
        try Self.write("loss mse(y, p) = 0\n", to: dir.appendingPathComponent("other.xe"))
        let clash = try XE.run(["--plugin", "mse.xe", "-e", "import \"other.xe\""], directory: dir)
        #expect(clash.status == 1 && clash.stderr.contains("a loss named 'mse' is already registered (from ./mse.xe)"), "\(clash.stderr)")
    }

    @Test func anUnwrittenOutputElementIsRefusedNamingPluginAndElement() throws {
        let forward = try PluginTests.cPlugin(mode: 8)
        let r = try XE.run(["--plugin", forward, "-e", "sq([[0, 0], [0, 0]], [[1, 2], [3, 4]], reduction=\"none\")"])
        #expect(r.status == 1 && r.stdout == "")
        #expect(r.stderr.contains("sq (plugin \(forward)): its forward function left element [1, 1] of its output unwritten; it must write all 4 values"), "\(r.stderr)")
        let fine = try XE.run(["--plugin", forward, "-e", "rowsq([[0, 0], [0, 0]], [[1, 2], [3, 4]], reduction=\"none\")"])
        #expect(fine.status == 0 && fine.stdout == "[5, 25]\n")
        let gradient = try PluginTests.cPlugin(mode: 9)
        let g = try XE.run(["--plugin", gradient, "-e", "P = [[1, 2], [3, 4]]; grad(rowsq(0, P), P)"])
        #expect(g.status == 1 && g.stderr.contains("rowsq (plugin \(gradient)): its gradient function left element [0, 0] of its output unwritten"), "\(g.stderr)")
        // A NaN the plugin computes is a value, not a gap.
        let nan = try XE.run(["--plugin", gradient, "-e", "sq(0, nan, reduction=\"none\")"])
        #expect(nan.status == 0 && nan.stdout == "nan\n", "\(nan.stderr)")
    }

    @Test func helpShowsParameterSummariesAndExplainPrintsScalarsAsScalars() throws {
        let help = try XE.run(["--plugin", try PluginTests.cPlugin(mode: 6), "-e", "help(sq)"])
        #expect(help.stdout.hasPrefix("sq(y, p, scale=1, reduction=\"mean\", weight=none)\n  (p - y)^2 times scale\n  scale=1  multiplies the loss\n"), "\(help.stdout)")
        let dice = PluginTests.root.appendingPathComponent("Plugins/dice.xe").path
        let explained = try XE.run(["--plugin", dice, "-e", "explain(dice([1, 0], [0.9, 0.2], smooth=2))"])
        #expect(explained.stdout.contains("\n  smooth = 2\n") && !explained.stdout.contains("[2]"), "\(explained.stdout)")
    }
}
