import XETensor

/// NumPy's `.npz`: a zip file of `.npy` files, one per array, named after it (`logits.npy`),
/// stored by `np.savez` and deflated by `np.savez_compressed`. xe writes it as `np.savez` does.
enum NPZFormat {
    /// The arrays in the file's order, or only the one named `only`.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, path: String, only: String?) throws(DataFileError) -> [NamedTensor] {
        let archive = try ZipArchive(bytes, path: path)
        // The largest entry worth inflating: the largest tensor in the smallest element type
        // plus the longest header.
        let limit = Tensor.maxElements * 8 + NPYFormat.maxHeaderLength + 12
        var arrays: [NamedTensor] = []
        for entry in archive.entries {
            guard entry.name.hasSuffix(".npy") else {
                throw .invalid("'\(path)' holds '\(entry.name)', which is not an .npy array; an .npz file holds only arrays")
            }
            let name = String(entry.name.dropLast(4))
            if let only, only != name { continue }
            let tensor = try archive.withContents(of: entry, in: bytes, limit: limit) { (data) throws(DataFileError) -> Tensor in
                try NPYFormat.decode(data, path: "\(path)' entry '\(entry.name)")
            }
            arrays.append(NamedTensor(name: name, tensor: tensor))
        }
        if let only, arrays.isEmpty {
            throw DataFile.missing(only, in: path, among: archive.entries.map { String($0.name.dropLast(4)) })
        }
        return arrays
    }

    /// Writes the arrays as `np.savez` does: stored entries `NAME.npy`.
    static func write(_ arrays: [NamedTensor], to file: AtomicFile) throws(DataFileError) {
        var zip = ZipWriter(file)
        for array in arrays {
            try zip.add(array.name + ".npy") { (sink) throws(DataFileError) in try NPYFormat.write(array.tensor, to: sink) }
        }
        try zip.finish()
    }
}
