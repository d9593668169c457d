import Foundation
import Testing

/// The options of the command line: `-` for standard input, `-q`, `--no-plugins`, `--help`.
@Suite struct CommandLineOptionTests {
    @Test func dashReadsTheProgramFromStandardInputWithArguments() throws {
        let r = try XE.run(["-", "a", "b"], input: "print(len(args), args[1])\nx = 2\nx * 3\n")
        #expect(r.status == 0 && r.stdout == "2 b\n", "\(r.stderr)")
        let failing = try XE.run(["-"], input: "print(1)\nnope\n")
        #expect(failing.status == 1 && failing.stdout == "1\n" && failing.stderr.hasPrefix("<stdin>:2:1: error: unknown name 'nope'"))
    }

    @Test func quietDropsTheBanner() throws {
        // The banner starts with what --version prints.
        let version = try XE.run(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for arguments in [["-q"], ["--quiet"], []] {
            let state = FileManager.default.temporaryDirectory.appendingPathComponent("xe-state-\(UUID().uuidString)").path
            let t = try Terminal(arguments: arguments, environment: ["XDG_STATE_HOME": state])
            #expect(t.wait(for: "xe> "))
            t.enter("6 * 7")
            #expect(t.wait(for: "42"))
            #expect(t.screen.contains(version) == arguments.isEmpty, "\(arguments): \(t.screen)")
        }
    }

    @Test func helpListsOptionsEnvironmentAndExitStatus() throws {
        let r = try XE.run(["--help"])
        #expect(r.status == 0)
        for text in ["usage:", "--plugin PATH", "--no-plugins", "-q, --quiet", "xe - [ARG ...]",
                     "XE_PLUGIN_PATH", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "NO_COLOR", "COLUMNS", "TMPDIR",
                     "exit status:", "0    success", "1    an error in the program", "2    bad usage", "N    the program called exit(N)"] {
            #expect(r.stdout.contains(text), "\(text)")
        }
        #expect(r.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 }, "fits an 80-column terminal")
        let wrong = try XE.run(["--frobnicate"])
        #expect(wrong.status == 2 && wrong.stderr.contains("unknown option '--frobnicate'") && wrong.stderr.contains("usage:"))
    }
}
