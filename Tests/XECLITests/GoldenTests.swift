import Foundation
import Testing

/// Golden programs: each `golden/NAME.xe` runs and its standard output must equal `NAME.out`
/// exactly; where `NAME.err` exists, the run must fail with status 1 and that standard error.
struct GoldenTests {
    static let programs: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: XE.fixture("golden").path)) ?? []
        return files.filter { $0.hasSuffix(".xe") }.sorted()
    }()

    @Test(arguments: GoldenTests.programs)
    func golden(_ name: String) throws {
        let dir = XE.fixture("golden")
        let base = String(name.dropLast(3))
        let r = try XE.run([name], directory: dir)
        #expect(!r.crashed)
        let expectedOut = (try? String(contentsOf: dir.appendingPathComponent(base + ".out"), encoding: .utf8)) ?? ""
        #expect(r.stdout == expectedOut, "\(name) stdout:\n\(r.stdout)")
        if let expectedErr = try? String(contentsOf: dir.appendingPathComponent(base + ".err"), encoding: .utf8) {
            #expect(r.status == 1)
            #expect(r.stderr == expectedErr, "\(name) stderr:\n\(r.stderr)")
        } else {
            #expect(r.status == 0, "\(name): \(r.stderr)")
        }
    }
}
