import XETensor

/// An array read from or written to a data file, with its name in the file.
public struct NamedTensor: Sendable {
    public var name: String
    public var tensor: Tensor

    public init(name: String, tensor: Tensor) {
        self.name = name
        self.tensor = tensor
    }
}

/// The data files xe reads and writes, chosen by the file's extension.
public enum DataFile {
    /// The kinds of file, by extension.
    public enum Kind: Sendable {
        case npy, npz, csv, torch, safetensors

        /// The kind a path names, or nil.
        public init?(path: String) {
            let lower = path.lowercased()
            if lower.hasSuffix(".npy") { self = .npy }
            else if lower.hasSuffix(".npz") { self = .npz }
            else if lower.hasSuffix(".csv") { self = .csv }
            else if lower.hasSuffix(".pt") || lower.hasSuffix(".pth") || lower.hasSuffix(".bin") { self = .torch }
            else if lower.hasSuffix(".safetensors") { self = .safetensors }
            else { return nil }
        }

        /// Whether the file holds named arrays (an archive) rather than one.
        public var holdsMany: Bool { self == .npz || self == .torch || self == .safetensors }
    }

    /// What `load` reads, for messages.
    public static let readable = ".npy, .npz, .csv, PyTorch .pt/.pth/.bin and .safetensors"

    /// The arrays of a file in the file's order (one, named "", for a single-array file), or
    /// only the one named `only`.
    public static func read(_ bytes: [UInt8], kind: Kind, path: String, only: String? = nil) throws(DataFileError) -> [NamedTensor] {
        try bytes.withUnsafeBufferPointer { (b) throws(DataFileError) -> [NamedTensor] in
            switch kind {
            case .npy, .csv:
                if let only {
                    throw .invalid("'\(path)' holds one array without a name; load it as load(\"\(path)\"), not by the name '\(only)'")
                }
                let t = kind == .npy ? try NPYFormat.decode(b, path: path) : try CSVFormat.decode(bytes, path: path)
                return [NamedTensor(name: "", tensor: t)]
            case .npz: return try NPZFormat.read(b, path: path, only: only)
            case .torch: return try TorchFormat.read(b, path: path, only: only)
            case .safetensors: return try SafetensorsFormat.read(b, path: path, only: only)
            }
        }
    }

    /// Writes the arrays: `.npz` any number (named), `.npy` and `.csv` exactly one. The file is
    /// replaced only once it is complete.
    public static func write(_ arrays: [NamedTensor], kind: Kind, path: String) throws(DataFileError) {
        switch kind {
        case .npy, .csv:
            guard arrays.count == 1 else {
                throw .invalid("a \(kind == .npy ? ".npy" : ".csv") file holds one array, not \(arrays.count); name the file .npz to save several")
            }
            let t = arrays[0].tensor
            if kind == .csv && t.rank > 2 { throw CSVFormat.shapeError(t) }
            try AtomicFile.write(path) { (file) throws(DataFileError) in
                if kind == .npy { try NPYFormat.write(t, to: file) } else { try CSVFormat.write(t, to: file) }
            }
        case .npz:
            var seen: Set<String> = []
            for a in arrays where !seen.insert(a.name).inserted {
                throw .invalid("the name '\(a.name)' is given twice; each array of an .npz file has its own name")
            }
            try AtomicFile.write(path) { (file) throws(DataFileError) in try NPZFormat.write(arrays, to: file) }
        case .safetensors:
            try AtomicFile.write(path) { (file) throws(DataFileError) in try SafetensorsFormat.write(arrays, to: file) }
        case .torch:
            throw .invalid("xe does not write PyTorch .pt files (that needs a pickle); save as .npz or .safetensors, which torch reads with numpy.load or safetensors.torch.load_file")
        }
    }

    /// The error for a name that is not in the file.
    static func missing(_ name: String, in path: String, among names: [String]) -> DataFileError {
        let list = names.prefix(20).map { "'\($0)'" }.joined(separator: ", ") + (names.count > 20 ? ", ..." : "")
        return .invalid("'\(path)' has no array named '\(name)'; it holds \(names.isEmpty ? "none" : list)")
    }
}
