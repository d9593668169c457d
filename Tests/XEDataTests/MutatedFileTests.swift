import Glibc
import Testing
import XETensor
@testable import XEData

/// A fuzz-style test of the readers: thousands of corruptions of real files (bytes flipped,
/// size fields set to extremes, cut short, bytes inserted and removed) each read in-process.
/// Every one must give the arrays or a `DataFileError` naming the file, never a trap, a hang
/// or a huge allocation (the process would die and the test with it).
@Suite struct MutatedFileTests {
    static let fixtures: String = {
        // This file's folder, then its sibling's fixtures.
        let file = "\(#filePath)"
        let folder = file[..<(file.lastIndex(of: "/") ?? file.endIndex)]
        return folder + "/../XECLITests/Fixtures/"
    }()

    static let files = [
        "models/numpy_stored.npz", "models/numpy_deflated.npz", "models/torch_dtypes.pt", "models/torch_checkpoint.pt",
        "models/torch_protocol4.pt", "models/torch.safetensors", "models/numpy.safetensors", "models/f2_special.npy",
        "data/fortran.npy", "data/v3.npy",
    ]

    /// SplitMix64: the same corruptions on every run.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    static func mutate(_ original: [UInt8], _ random: inout Random) -> [UInt8] {
        var bytes = original
        for _ in 0...random.below(3) {
            guard !bytes.isEmpty else { break }
            let at = random.below(bytes.count)
            switch random.below(6) {
            case 0: bytes[at] ^= UInt8(truncatingIfNeeded: 1 << random.below(8))
            case 1: bytes[at] = UInt8(truncatingIfNeeded: random.next())
            case 2: // a size or offset field set to an extreme
                let value: [UInt8] = [[0xFF, 0xFF, 0xFF, 0xFF], [0, 0, 0, 0], [0xFF, 0xFF, 0xFF, 0x7F], [1, 0, 0, 0]][random.below(4)]
                for k in 0..<min(4, bytes.count - at) { bytes[at + k] = value[k] }
            case 3: bytes.removeLast(random.below(bytes.count))
            case 4: bytes.insert(contentsOf: [UInt8](repeating: UInt8(truncatingIfNeeded: random.next()), count: 1 + random.below(8)), at: at)
            default: bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.below(8)))
            }
        }
        return bytes
    }

    @Test(arguments: MutatedFileTests.files)
    func corruptedFilesAreReadOrRefused(_ name: String) throws {
        let original = fileBytes(Self.fixtures + name)
        try #require(!original.isEmpty, "missing fixture \(name)")
        let kind = try #require(DataFile.Kind(path: name))
        let good = try DataFile.read(original, kind: kind, path: name)
        #expect(!good.isEmpty)
        var random = Random(state: UInt64(name.utf8.reduce(0) { $0 &* 31 &+ Int($1) }.magnitude))
        var refused = 0
        for _ in 0..<1000 {
            let bytes = Self.mutate(original, &random)
            do {
                _ = try DataFile.read(bytes, kind: kind, path: name)
            } catch {
                refused += 1
                #expect(error.message.contains("'\(name)"), "\(error.message)")
            }
        }
        // Most corruptions are caught (CRCs, sizes, offsets); some change only values.
        #expect(refused > 200, "\(name): only \(refused) of 1000 corruptions refused")
    }
}
