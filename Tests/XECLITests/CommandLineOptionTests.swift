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
    /// XE_FUSION_TRACE prints each fused pass to standard error: what it reads, writes (a sum
    /// alone writes nothing) and sums, then its instructions; standard output is unchanged.
    @Test func fusionTraceDescribesEachPass() throws {
        let program = "p = rand(5000)\nprint(sum(p * p) >= 0)\nprint(grad(mean(p * p), p)[0] == p[0] / 2500)\n"
        let traced = try XE.run(["-"], input: program, environment: ["XE_FUSION_TRACE": "1"])
        let plain = try XE.run(["-"], input: program, environment: ["XE_FUSION_TRACE": "0"])
        #expect(traced.status == 0 && traced.stdout == "1\n1\n" && plain.stdout == traced.stdout, "\(traced.stderr)")
        #expect(traced.stderr.contains("xe fused: 5000 elements, 1 instructions, 1 registers; reads in0=full; writes nothing; sums r0\n  r0 = mul in0 in0\n"),
                "\(traced.stderr)")
        #expect(traced.stderr.contains("writes out0") && !traced.stderr.contains("writes ;"), "\(traced.stderr)")
        #expect(plain.stderr.isEmpty, "\(plain.stderr)")
    }
}
