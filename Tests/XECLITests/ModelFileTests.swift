import Foundation
import Testing

/// `.npz`, PyTorch `.pt` and `.safetensors` files written by NumPy, PyTorch and the safetensors
/// library (`Scripts/make_model_fixtures.py`), read exactly; hostile files of each format as
/// clear errors; `save` and the workspace round trips; a failed save leaves the old file.
@Suite struct ModelFileTests {
    static let models = XE.fixture("models")

    struct Manifest: Decodable {
        struct Array: Decodable {
            var file: String
            var name: String?
            var shape: [Int]
            var values: [String]
        }
        struct File: Decodable {
            var file: String
            var names: [String]
        }
        struct Hostile: Decodable, CustomTestStringConvertible {
            var file: String
            var error: String
            var testDescription: String { file }
        }
        var arrays: [Array]
        var files: [File]
        var hostile: [Hostile]
    }

    static let manifest: Manifest = {
        let data = (try? Data(contentsOf: models.appendingPathComponent("manifest.json"))) ?? Data()
        return (try? JSONDecoder().decode(Manifest.self, from: data)) ?? Manifest(arrays: [], files: [], hostile: [])
    }()

    static let filesWithArrays = Array(Set(manifest.arrays.map(\.file))).sorted()

    /// Every array of a file, by name, compared bit for bit with what the library read back.
    @Test(arguments: ModelFileTests.filesWithArrays)
    func readsEveryArrayExactly(_ file: String) throws {
        let expected = Self.manifest.arrays.filter { $0.file == file }
        try #require(!expected.isEmpty)
        var program = ""
        for a in expected {
            let call = a.name.map { "load(\"\(file)\", \"\($0)\")" } ?? "load(\"\(file)\")"
            program += "x = \(call); print(\"#\", shape(x)); for v in reshape(x, [-1]) { print(v) }\n"
        }
        let r = try XE.run(["-e", program], directory: Self.models)
        #expect(r.status == 0 && !r.crashed, "\(file): \(r.stderr)")
        let blocks = r.stdout.split(separator: "#", omittingEmptySubsequences: true)
        try #require(blocks.count == expected.count, "\(file): \(r.stdout.prefix(400)) \(r.stderr)")
        for (a, block) in zip(expected, blocks) {
            let lines = block.split(separator: "\n").map(String.init)
            #expect(XE.numbers(in: lines[0]).map { Int($0) } == a.shape, "\(file) \(a.name ?? ""): shape \(lines[0])")
            let got = lines.dropFirst().map { Double($0) ?? -.infinity }
            let want = a.values.map { Double($0)! }
            #expect(got.count == want.count, "\(file) \(a.name ?? "")")
            for (g, w) in zip(got, want) where !(g.bitPattern == w.bitPattern || (g.isNaN && w.isNaN)) {
                Issue.record("\(file) \(a.name ?? ""): \(got) != \(want)")
                break
            }
        }
    }

    /// A whole-file load gives a tuple in the file's order, shown with the names.
    @Test(arguments: ModelFileTests.manifest.files.map(\.file))
    func loadsAWholeFileInOrderWithNames(_ file: String) throws {
        let names = Self.manifest.files.first { $0.file == file }!.names
        let r = try XE.run(["-e", "t = load(\"\(file)\"); print(len(t)); t"], directory: Self.models)
        #expect(r.status == 0, "\(file): \(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == String(names.count), "\(file): \(r.stdout.prefix(200))")
        let shown = lines.compactMap { line -> String? in
            guard let eq = line.range(of: " =") else { return nil }
            return String(line[..<eq.lowerBound])
        }
        #expect(shown == names, "\(file)")
    }

    @Test(arguments: ModelFileTests.manifest.hostile)
    func hostileFilesAreClearErrors(_ hostile: Manifest.Hostile) throws {
        let r = try XE.run(["-e", "load(\"\(hostile.file)\")"], directory: Self.models, timeout: 30)
        #expect(r.status == 1 && !r.crashed, "\(hostile.file): status \(r.status) \(r.stderr)")
        #expect(r.stderr.contains("-e:1:1: error: '\(hostile.file)'") || r.stderr.contains("-e:1:1: error: cannot"), "\(hostile.file): \(r.stderr)")
        #expect(r.stderr.contains(hostile.error), "\(hostile.file): \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: Self.models.appendingPathComponent("pwned.txt").path))
    }

    @Test func namedArraysAndMissingNames() throws {
        let r = try XE.run(["-e", "Z, y = load(\"numpy_stored.npz\"); print(shape(Z)); load(\"torch_checkpoint.pt\", \"model.2.bias\")"], directory: Self.models)
        #expect(r.status == 1 && r.stderr.contains("cannot unpack a tuple of 17 into 2 names"), "\(r.stderr)")
        let missing = try XE.run(["-e", "load(\"torch_state_dict.pt\", \"weight\")"], directory: Self.models)
        #expect(missing.stderr.contains("has no array named 'weight'; it holds '0.weight', '0.bias', '2.weight', '2.bias'"), "\(missing.stderr)")
        let single = try XE.run(["-e", "load(\"f2_special.npy\", \"x\")"], directory: Self.models)
        #expect(single.stderr.contains("holds one array without a name"), "\(single.stderr)")
    }

    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xe-models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func saveAndLoadRoundTripsByName() throws {
        let dir = try Self.scratch()
        let r = try XE.run(["-e", """
            seed(1); Z = randn([30, 4]); y = rand(30); Z[0, 0] = -0
            save("out.npz", Z, logits=Z, labels=y); save("out.safetensors", logits=Z, labels=y)
            a, b, c = load("out.npz"); d, e = load("out.safetensors")
            print(all(a == Z), all(b == Z), all(c == y), all(d == Z), all(e == y), 1 / b[0, 0])
            print(all(load("out.npz", "labels") == y), all(load("out.safetensors", "logits") == Z))
            load("out.npz")
            """], directory: dir)
        #expect(r.stdout.hasPrefix("1 1 1 1 1 -inf\n1 1\narr_0 =\n"), "\(r.stdout.prefix(300)) \(r.stderr)")
        #expect(r.stdout.contains("\nlogits =\n") && r.stdout.contains("\nlabels = ["))
        for bad in ["save(\"x.npy\", a=[1])": "holds one unnamed tensor", "save(\"x.npz\")": "needs something to save",
                    "save(\"x.pt\", a=[1])": "does not write PyTorch .pt files", "save(\"x.npz\", f=\"text\")": "must be a number or tensor",
                    "save(\"x.npy\", [1], [2])": "holds one array, not 2; name the file .npz"] {
            let e = try XE.run(["-e", bad.key], directory: dir)
            #expect(e.status == 1 && e.stderr.contains(bad.value), "\(bad.key): \(e.stderr)")
        }
        // Nothing is left behind: no temporary files beside the saved ones.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(left == ["out.npz", "out.safetensors"], "\(left)")
    }

    /// A save that fails part way (here the file size limit, as a full disk would) leaves the
    /// old file whole and no temporary file.
    @Test func aFailedSaveLeavesTheOldFile() throws {
        let dir = try Self.scratch()
        let old = try XE.run(["-e", "save(\"a.npy\", [1, 2, 3]); save(\"s.npz\", x=[1])"], directory: dir)
        try #require(old.status == 0, "\(old.stderr)")
        let before = try Data(contentsOf: dir.appendingPathComponent("a.npy"))
        let xe = XE.binary.path
        for target in ["a.npy", "s.npz"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "trap '' XFSZ; ulimit -f 16; exec \"$0\" -e 'save(\"\(target)\", zeros(100000))'", xe]
            process.currentDirectoryURL = dir
            let err = Pipe()
            process.standardError = err
            try process.run()
            process.waitUntilExit()
            let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 1 && message.contains("cannot write '\(target)'") && message.contains("left as it was"), "\(message)")
        }
        #expect(try Data(contentsOf: dir.appendingPathComponent("a.npy")) == before)
        let check = try XE.run(["-e", "print(load(\"a.npy\"), load(\"s.npz\"))"], directory: dir)
        #expect(check.stdout == "[1, 2, 3] [1]\n", "\(check.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(left == ["a.npy", "s.npz"], "\(left)")
    }

    /// `xe -i session.npz` restores the variables before the program on standard input.
    @Test func aSessionFileIsRestoredWithDashI() throws {
        let dir = try Self.scratch()
        let made = try XE.run(["-e", "save(\"session.npz\", Z=[[1, 2], [3, 4]], y=[0, 1], n=3)"], directory: dir)
        try #require(made.status == 0, "\(made.stderr)")
        let restored = try XE.run(["-i", "session.npz"], input: "print(Z @ y, n)\n", directory: dir)
        #expect(restored.stdout == "[2, 4] 3\n", "\(restored.stdout) \(restored.stderr)")
        let unicode = try XE.run(["-e", "σ² = [0.5]; save(\"u.npz\", σ²=σ², for_=1);"], directory: dir)
        try #require(unicode.status == 0, "\(unicode.stderr)")
        let back = try XE.run(["-i", "u.npz"], input: "print(σ², for_)\n", directory: dir)
        #expect(back.stdout == "[0.5] 1\n", "\(back.stderr)")
        let positional = try XE.run(["-i", "numpy_positional.npz"], input: "print(arr_0)\n", directory: Self.models)
        #expect(positional.stdout == "[0, 1, 2]\n", "\(positional.stderr)")
        let hostile = try XE.run(["-i", "bomb_size.npz"], input: "print(1)\n", directory: Self.models)
        #expect(hostile.stderr.contains("inflates to more than") && hostile.stdout == "1\n", "\(hostile.stderr)")
    }

    /// In the REPL: `:save` and `:restore` a session, and a loaded file's arrays shown by name.
    @Test func theREPLSavesAndRestoresTheSession() throws {
        let dir = try Self.scratch()
        let t = try Terminal(environment: ["XDG_STATE_HOME": dir.path])
        #expect(t.wait(for: "xe> "))
        let session = dir.appendingPathComponent("session.npz").path
        t.enter("Z = [[1, 2], [3, 4]]; y = [0, 1]; n = 3; f(x) = x")
        t.enter(":save \(session)")
        #expect(t.after(":save").contains("saved 3 variables to \(session) (not saved, as they are not tensors: f)"))
        t.enter(":reset")
        t.enter(":restore \(session)")
        #expect(t.after(":restore").contains("restored Z, y, n"))
        t.enter("Z @ y + n")
        #expect(t.after("Z @ y + n").contains("[5, 7]"))
        t.enter("load(\"\(Self.models.appendingPathComponent("torch_tuple.pt").path)\")")
        #expect(t.after("[5, 7]").contains("0 =") && t.after("[5, 7]").contains("1 = [1, 0]"), "\(t.screen.suffix(600))")
        t.enter(":save")
        #expect(t.after(":save\r\n").contains("usage: :save FILE.npz"))
        t.type(":quit\r")
        #expect(t.exitStatus() == 0)
    }
}
