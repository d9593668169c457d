import Glibc
import Testing
import XETensor
@testable import XEData

/// Archives xe writes, read back by xe's own readers: every name and value, the zip64 end
/// records of an archive of more than 65 535 entries, and a save that fails before it starts.
@Suite struct ArchiveRoundTripTests {
    static func temporaryPath(_ name: String) -> String {
        var template = Array("/tmp/xe-archive-XXXXXX".utf8CString)
        let dir = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        return dir + "/" + name
    }

    @Test func manyEntriesUseZip64EndRecords() throws {
        let path = Self.temporaryPath("many.npz")
        let arrays = (0..<65_600).map { NamedTensor(name: "a\($0)", tensor: Tensor(vector: [Double($0), -0.5])) }
        try DataFile.write(arrays, kind: .npz, path: path)
        defer { Self.remove(path) }
        let bytes = fileBytes(path)
        let back = try DataFile.read(bytes, kind: .npz, path: path)
        #expect(back.count == 65_600)
        #expect(back.map(\.name) == arrays.map(\.name))
        #expect(back[65_599].tensor.storage == [65_599, -0.5])
        // The 16-bit entry counts of the end record are all ones, and a zip64 end record exists.
        let end = bytes.count - 22
        #expect(bytes[end..<(end + 4)].elementsEqual([0x50, 0x4B, 0x05, 0x06]))
        #expect(bytes[(end + 8)..<(end + 12)].allSatisfy { $0 == 0xFF })
        #expect(bytes[(end - 20)..<(end - 16)].elementsEqual([0x50, 0x4B, 0x06, 0x07]))
    }

    @Test func safetensorsAndNpzRoundTrip() throws {
        let t = Tensor(shape: [2, 3], storage: [1, -0.0, .infinity, .leastNonzeroMagnitude, .nan, 1e308])
        for kind in [DataFile.Kind.npz, .safetensors] {
            let path = Self.temporaryPath(kind == .npz ? "x.npz" : "x.safetensors")
            try DataFile.write([NamedTensor(name: "t", tensor: t), NamedTensor(name: "s", tensor: Tensor(scalar: 2))], kind: kind, path: path)
            defer { Self.remove(path) }
            let back = try DataFile.read(fileBytes(path), kind: kind, path: path)
            #expect(back.map(\.name) == ["t", "s"])
            #expect(back[0].tensor.shape == [2, 3] && back[0].tensor.storage.map(\.bitPattern) == t.storage.map(\.bitPattern))
            #expect(back[1].tensor.shape == [] && back[1].tensor.storage == [2])
        }
    }

    @Test func namesGivenTwiceAreRefusedBeforeWriting() {
        let path = Self.temporaryPath("twice.npz")
        let a = NamedTensor(name: "x", tensor: Tensor(scalar: 1))
        #expect(throws: DataFileError.self) { try DataFile.write([a, a], kind: .npz, path: path) }
        #expect(access(path, F_OK) != 0)
        Self.remove(path)
    }

    /// Removes the file (if any) and its temporary folder.
    static func remove(_ path: String) {
        unlink(path)
        rmdir(String(path[..<path.lastIndex(of: "/")!]))
    }
}
