import Foundation
import Testing

/// The reference cases of the product contract (copied from the shared conformance set), run
/// through the real binary: printed numbers within tolerance, or a clean error.
struct ConformanceTests {
    struct Case: Decodable, CustomStringConvertible {
        var id: String
        var program: String
        var expect: Expectation
        var tol: Double
        var atol: Double
        var description: String { id }
    }

    enum Expectation: Decodable {
        case numbers([Double])
        case error

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self), s == "error" {
                self = .error
            } else {
                self = .numbers(try c.decode([Double].self))
            }
        }
    }

    static let cases: [Case] = {
        let files = (try? FileManager.default.contentsOfDirectory(at: XE.fixture("conformance"), includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }.flatMap { url in
            (try? JSONDecoder().decode([Case].self, from: Data(contentsOf: url))) ?? []
        }
    }()

    @Test func casesAreLoaded() {
        #expect(ConformanceTests.cases.count >= 120)
    }

    @Test(arguments: ConformanceTests.cases)
    func conformance(_ c: Case) throws {
        let r = try XE.program(c.program)
        #expect(!r.crashed, "\(c.id) crashed: \(r.stderr)")
        switch c.expect {
        case .error:
            #expect(r.status == 1, "\(c.id): status \(r.status)")
            #expect(r.stderr.contains("error:"), "\(c.id): stderr \(r.stderr)")
        case .numbers(let expected):
            #expect(r.status == 0, "\(c.id): \(r.stderr)")
            let got = XE.numbers(in: r.stdout)
            #expect(got.count == expected.count, "\(c.id): got \(r.stdout)")
            for (g, e) in zip(got, expected) {
                #expect(abs(g - e) <= c.atol + c.tol * abs(e), "\(c.id): \(g) vs \(e)")
            }
        }
    }
}
