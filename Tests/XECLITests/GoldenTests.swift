import Foundation
import Testing

/// Golden programs: each `golden/NAME.xe` says what it prints in its own comments, as the test
/// programs of Crafting Interpreters do. `# expect: TEXT`, after a statement on its line or on
/// the lines after it, is one line of standard output; `# expect error: TEXT` is one line of
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

        /// What follows `marker` on the line, less the one space after it; nil without it.
        static func text(after marker: String, in line: Substring) -> String? {
            guard let found = line.range(of: marker) else { return nil }
            let rest = line[found.upperBound...]
            return String(rest.first == " " ? rest.dropFirst() : rest)
        }
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
