import Foundation
import FoundationXML
import Testing

/// `load` and `save` on .npy files written by NumPy (every dtype, both byte orders, Fortran
/// order, versions 1 to 3) and on .csv files, exact round trips, and every broken file.
@Suite struct DataFileTests {
    static let data = XE.fixture("data")

    static let expectedFiles: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: data.path)) ?? []
        return files.filter { $0.hasSuffix(".expected") }.map { String($0.dropLast(".expected".count)) }.sorted()
    }()

    @Test(arguments: DataFileTests.expectedFiles)
    func loadsWhatNumPyWrote(_ name: String) throws {
        let expected = try String(contentsOf: Self.data.appendingPathComponent(name + ".expected"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let shape = expected[0].split(separator: " ").map { Double($0)! }
        let values = expected.dropFirst().filter { !$0.isEmpty }.map { Double($0)! }
        // One value per line, exactly: the shortest form that reads back to the same float64.
        let r = try XE.run(["-e", "x = load(\"\(name)\"); print(shape(x)); for v in reshape(x, [-1]) { print(v) }"],
                           directory: Self.data)
        #expect(r.status == 0, "\(name): \(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        try #require(!lines.isEmpty)
        #expect(XE.numbers(in: lines[0]) == shape, "\(name): shape \(lines[0])")
        let got = lines.dropFirst().map { Double($0) ?? .nan }
        #expect(got.map(\.bitPattern) == values.map(\.bitPattern), "\(name): \(got) != \(values)")
    }

    @Test(arguments: [
        ("object.npy", "object array (a pickle)"),
        ("complex.npy", "has dtype '<c16', which xe does not read"),
        ("strings.npy", "has dtype '<U2'"),
        ("truncated.npy", "is truncated: shape (3, 4) needs 96 bytes of data, the file has 91"),
        ("badmagic.npy", "is not a .npy file"),
        ("version9.npy", "format version 9.0"),
        ("header_cut.npy", "is truncated: its header says"),
        ("badshape.npy", "the shape (3, x) holds 'x'"),
        ("trailing.npy", "8 unexpected bytes after its data"),
        ("twice.npy", "names 'descr' twice"),
        ("long_header.npy", "an .npy header is at most 65536"),
        ("ragged.csv", "line 2: 2 values, but the first row has 3"),
        ("words.csv", "line 3, column 2: 'abc' is not a number"),
        ("missing.npy", "cannot open 'missing.npy'"),
        ("matrix.txt", "is not a data file xe knows"),
    ])
    func brokenFilesAreClearErrors(_ name: String, _ message: String) throws {
        let r = try XE.run(["-e", "load(\"\(name)\")"], directory: Self.data)
        #expect(r.status == 1 && !r.crashed)
        #expect(r.stderr.contains("-e:1:1: error: ") && r.stderr.contains(message), "\(name): \(r.stderr)")
    }

    @Test func everyTruncationOfAFileIsAnError() throws {
        let bytes = try Data(contentsOf: Self.data.appendingPathComponent("f8_le.npy"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xe-npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // Each cut in its own run: every one must fail cleanly.
        for n in stride(from: 0, to: bytes.count, by: 7) {
            try bytes.prefix(n).write(to: dir.appendingPathComponent("cut\(n).npy"))
            let r = try XE.run(["-e", "load(\"cut\(n).npy\")"], directory: dir)
            #expect(r.status == 1 && !r.crashed && r.stderr.contains("error: "), "cut at \(n): \(r.stderr)")
        }
    }

    @Test func roundTripsAreExact() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xe-save-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let program = """
            seed(3)
            A = randn([40, 7]) * 10 ^ randn([40, 7]) * 30
            A[0, 0] = -0
            A[1, 1] = 5e-324
            A[2, 2] = inf
            v = rand(1001)
            save("a.npy", A); save("a.csv", A); save("v.npy", v); save("v.csv", v); save("s.npy", 2.5)
            save("t.npy", randn([2, 3, 4]))
            B = load("a.npy"); C = load("a.csv")
            print(all(B == A), all(C == A), 1 / B[0, 0], 1 / C[0, 0])
            print(all(load("v.npy") == v), all(load("v.csv") == v), load("s.npy"), shape(load("t.npy")))
            """
        let r = try XE.run([], input: program, directory: dir)
        #expect(r.stdout == "1 1 -inf -inf\n1 1 2.5 [2, 3, 4]\n", "\(r.stdout)\(r.stderr)")
        let header = try Data(contentsOf: dir.appendingPathComponent("a.npy")).prefix(128)
        let text = String(decoding: header.dropFirst(10), as: UTF8.self)
        #expect(text.hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': (40, 7), }"))
        #expect((10 + Int(header[8]) + Int(header[9]) * 256) % 64 == 0)
        let bad = try XE.run(["-e", "save(\"t.csv\", zeros([2, 2, 2]))"], directory: dir)
        #expect(bad.status == 1 && bad.stderr.contains("a .csv file holds a vector or a matrix"))
    }

    @Test func plotsInTheTerminalOverAPipe() throws {
        let r = try XE.run(["-e", "plot(p -> bce(1, p), p -> bce(0, p), 0.01, 0.99, labels=(\"y = 1\", \"y = 0\"), title=\"bce\")"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(lines.contains { $0.contains("┤") } && lines.contains { $0.contains("└") && $0.contains("┬") })
        #expect(lines.last?.contains("• y = 1") == true && lines.last?.contains("× y = 0") == true)
        #expect(!r.stdout.contains("\u{1B}["))
        #expect(lines.count == 1 + 16 + 2 + 1)
        let one = try XE.run(["-e", "x = linspace(-4, 4, 81); plot(x, sigmoid(x), width=50, height=8)"])
        let rows = one.stdout.split(separator: "\n")
        #expect(rows.count == 8 + 2 && rows.allSatisfy { $0.count <= 50 })
        #expect(one.stdout.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })
        for bad in ["plot()", "plot(p -> p, 1, 0)", "plot([1, 2], [1, 2, 3])", "plot(nan)", "plot(p -> [p, p], 0, 1)"] {
            let e = try XE.run(["-e", bad])
            #expect(e.status == 1 && e.stderr.contains("error: plot") || e.stderr.contains("plot():") || e.stderr.contains("nothing to plot"), "\(bad): \(e.stderr)")
        }
        // Values further apart than a float64 holds are refused, in the terminal and to SVG.
        for wide in ["plot([-1e308, 1e308], [0, 1])", "plot([0, 1], [-1e308, 1e308])", "plot([-1e308, 1e308], [0, 1], file=\"wide.svg\")"] {
            let e = try XE.run(["-e", wide])
            #expect(!e.crashed && e.status == 1 && e.stderr.contains("further apart than a float64 can hold"), "\(wide): \(e.stderr)")
        }
        // Flat values at the largest float64s still draw.
        for flat in ["plot([1, 2], [1.7976931348623157e308, 1.7976931348623157e308], width=40, height=4)",
                     "plot([-1.7976931348623157e308, -1.7976931348623157e308], [1, 2], width=40, height=4)"] {
            let r = try XE.run(["-e", flat])
            #expect(r.status == 0 && r.stdout.contains("┤"), "\(flat): \(r.stderr)")
        }
    }

    @Test func plotsWriteValidSVG() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xe-svg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let r = try XE.run(["-e", """
            plot(p -> bce(1, p), p -> bce(0, p), 0.01, 0.99, labels=("y = 1", "y < 1 & 0"), title="bce", xlabel="p", ylabel="loss", file="out.svg")
            """], directory: dir)
        #expect(r.status == 0 && r.stdout.isEmpty, "\(r.stderr)")
        let data = try Data(contentsOf: dir.appendingPathComponent("out.svg"))
        let parser = XMLParser(data: data)
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
        let svg = String(decoding: data, as: UTF8.self)
        #expect(svg.components(separatedBy: "<polyline").count == 3)
        #expect(svg.contains("y &lt; 1 &amp; 0") && svg.contains(">loss</text>") && svg.contains(">bce</text>"))
    }
}
