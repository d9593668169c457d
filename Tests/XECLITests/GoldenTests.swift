import Foundation
import Testing

/// Golden programs: each `golden/NAME.xe` says what it prints in its own comments, as the test
/// programs of Crafting Interpreters do. `# expect: TEXT`, a comment after a statement on its
/// line or on the lines after it, is one line of standard output (TEXT exactly, trailing
/// spaces included; an empty TEXT is an empty line); `# expect error: TEXT` is one line of
/// standard error, and a program with any of them must stop with status 1. Both streams must
/// equal the expected lines exactly, in order.
struct GoldenTests {
    static let programs: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: XE.fixture("golden").path)) ?? []
        return files.filter { $0.hasSuffix(".xe") }.sorted()
    }()

    /// The output a golden program expects, read from its `# expect` comments.
    struct Expectations {
        var stdout = ""
        var stderr = ""
        var failsWithError = false

        init(program: String) {
            for line in program.split(separator: "\n", omittingEmptySubsequences: false) {
                if let text = Expectations.text(after: "# expect error:", in: line) {
                    stderr += text + "\n"
                    failsWithError = true
                } else if let text = Expectations.text(after: "# expect:", in: line) {
                    stdout += text + "\n"
                }
            }
        }

        /// What follows `marker` on the line, less the one space after it, when the line's
        /// comment starts with `marker`; nil otherwise (a `#` inside a string literal, such as
        /// `print("# expect: x")`, starts no comment).
        static func text(after marker: String, in line: Substring) -> String? {
            guard let comment = comment(in: line), comment.hasPrefix(marker) else { return nil }
            let rest = comment.dropFirst(marker.count)
            return String(rest.first == " " ? rest.dropFirst() : rest)
        }

        /// The line from its first `#` outside a string literal (`"..."` with `\` escapes).
        static func comment(in line: Substring) -> Substring? {
            var inString = false, escaped = false
            for i in line.indices {
                let c = line[i]
                if inString {
                    if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                } else if c == "\"" {
                    inString = true
                } else if c == "#" {
                    return line[i...]
                }
            }
            return nil
        }
    }

    /// The expectations are read from comments only, exactly: a string holding `# expect:` is
    /// output, not an expectation; trailing spaces are kept; an empty one is an empty line.
    @Test func expectationsAreReadFromCommentsOnly() {
        let program = #"""
        print("# expect: not this")  # expect: # expect: not this
        print("a \"#\" b")  # expect: a "#" b
        print("x  ")  # expect: x\#u{20}\#u{20}
        print("")
        # expect:
        x = 1  # a note, then # expect: not an expectation
        f()  # expect error: boom
        """#
        let e = Expectations(program: program)
        #expect(e.stdout == "# expect: not this\na \"#\" b\nx  \n\n")
        #expect(e.stderr == "boom\n" && e.failsWithError)
    }

    @Test(arguments: GoldenTests.programs)
    func golden(_ name: String) throws {
        let dir = XE.fixture("golden")
        let expected = Expectations(program: try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8))
        #expect(!expected.stdout.isEmpty || expected.failsWithError, "\(name) expects nothing")
        let r = try XE.run([name], directory: dir)
        #expect(!r.crashed)
        #expect(r.stdout == expected.stdout, "\(name) stdout:\n\(r.stdout)")
        #expect(r.stderr == expected.stderr, "\(name) stderr:\n\(r.stderr)")
        #expect(r.status == (expected.failsWithError ? 1 : 0), "\(name): \(r.stderr)")
    }
}
