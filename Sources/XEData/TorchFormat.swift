import XETensor

/// PyTorch's `.pt` files as `torch.save` writes them since 1.6: a zip file with a folder of one
/// name (`out/` or `archive/`) holding `data.pkl` (the object, pickled), `byteorder`
/// (`little` or `big`), and `data/0`, `data/1`, ... (the raw bytes of each storage).
///
/// The object may be a tensor, or dicts, lists and tuples of tensors (a `state_dict`, a
/// checkpoint); its tensors are named by their path: `logits`, `model.weight`, `0`, `1.bias`.
/// Plain numbers in it become scalars; strings and None are skipped. Tensors may be views:
/// offset into their storage, strided, transposed — each is read as `torch.Tensor.contiguous`
/// would give it.
enum TorchFormat {
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, path: String, only: String?) throws(DataFileError) -> [NamedTensor] {
        let file = "'\(path)'"
        guard ZipArchive.looksLikeZip(bytes) else {
            if bytes.count >= 2, bytes[0] == 0x80 {
                throw .invalid("\(file) is in PyTorch's legacy format (torch.save with _use_new_zipfile_serialization=False, or before 1.6); re-save it with a current torch.save")
            }
            throw .invalid("\(file) is not a PyTorch file (torch.save writes a zip file)")
        }
        let archive = try ZipArchive(bytes, path: path)
        let pickles = archive.entries.filter { $0.name.hasSuffix("/data.pkl") && $0.name.split(separator: "/", omittingEmptySubsequences: false).count == 2 }
        guard pickles.count == 1, let pickleEntry = pickles.first else {
            throw .invalid("\(file) is not a PyTorch file: it has \(pickles.count == 0 ? "no" : "more than one") FOLDER/data.pkl")
        }
        let prefix = String(pickleEntry.name.dropLast("data.pkl".count))
        var bigEndian = false
        if let order = archive.entry(named: prefix + "byteorder") {
            let text = try archive.withContents(of: order, in: bytes, limit: 16) { (b) throws(DataFileError) -> String in String(decoding: b, as: UTF8.self) }
            guard text == "little" || text == "big" else { throw .invalid("\(file): its byteorder record says '\(text.prefix(16))'") }
            bigEndian = text == "big"
        }
        // The pickle of a state dict of thousands of tensors is a few hundred kilobytes.
        let object = try archive.withContents(of: pickleEntry, in: bytes, limit: 1 << 28) { (b) throws(DataFileError) -> Pickle.Value in
            try Pickle.load(b, name: "\(file) entry '\(pickleEntry.name)'")
        }
        var found: [(name: String, value: Pickle.Value)] = []
        var budget = maxVisits
        try collect(object, name: "", into: &found, depth: 0, budget: &budget, path: path)
        if found.isEmpty { throw .invalid("\(file) holds no tensors") }
        var arrays: [NamedTensor] = []
        for (name, value) in found where only == nil || only == name {
            let tensor: Tensor
            switch value {
            case .tensor(let view): tensor = try materialize(view, archive: archive, prefix: prefix, bytes: bytes, bigEndian: bigEndian, name: name, path: path)
            case .int(let n): tensor = Tensor(scalar: Double(n))
            case .float(let x): tensor = Tensor(scalar: x)
            case .bool(let b): tensor = Tensor(scalar: b ? 1 : 0)
            default: continue
            }
            arrays.append(NamedTensor(name: name, tensor: tensor))
        }
        if let only, arrays.isEmpty { throw DataFile.missing(only, in: path, among: found.map(\.name)) }
        return arrays
    }

    /// The most containers and values looked at in one object: a pickle can share one tuple
    /// twice in the next, and so on, making a small file describe an exponential tree.
    static let maxVisits = 1 << 22

    /// The tensors and numbers of the object with their paths, in order.
    static func collect(_ value: Pickle.Value, name: String, into found: inout [(name: String, value: Pickle.Value)], depth: Int,
                        budget: inout Int, path: String) throws(DataFileError) {
        guard depth <= 64 else { throw .invalid("'\(path)' nests containers more than 64 deep") }
        budget -= 1
        guard budget >= 0 else { throw .invalid("'\(path)' holds more than \(maxVisits) values (counting shared ones each time)") }
        func child(_ key: String) -> String { name.isEmpty ? key : name + "." + key }
        switch value {
        case .tensor, .int, .float, .bool: found.append((name, value))
        case .dict(let d):
            for (key, item) in d.items {
                let text: String
                switch key {
                case .string(let s): text = s
                case .int(let n): text = String(n)
                default: continue
                }
                try collect(item, name: child(text), into: &found, depth: depth + 1, budget: &budget, path: path)
            }
        case .list(let l):
            for (i, item) in l.items.enumerated() { try collect(item, name: child(String(i)), into: &found, depth: depth + 1, budget: &budget, path: path) }
        case .tuple(let items):
            for (i, item) in items.enumerated() { try collect(item, name: child(String(i)), into: &found, depth: depth + 1, budget: &budget, path: path) }
        case .none, .string, .bytes, .global, .storage: break
        }
    }

    /// The elements of a view, read from its storage's record: every index the shape and
    /// strides reach is checked to lie inside the storage, and the storage inside its record.
    static func materialize(_ view: Pickle.TensorView, archive: ZipArchive, prefix: String, bytes: UnsafeBufferPointer<UInt8>,
                            bigEndian: Bool, name: String, path: String) throws(DataFileError) -> Tensor {
        let shown = "'\(path)': the tensor '\(name)'"
        let count: Int
        do {
            count = try Tensor.elementCount(view.shape)
        } catch {
            throw .invalid("\(shown) of shape \(Tensor.describe(shape: view.shape)) is too large (\(error.message))")
        }
        let type = view.type
        if count == 0 { return Tensor(shape: view.shape, storage: []) }
        guard let record = archive.entry(named: prefix + "data/" + view.storage.key) else {
            throw .invalid("\(shown) uses the storage '\(view.storage.key)', which the file does not hold")
        }
        guard record.size >= view.storage.bytes else {
            throw .invalid("\(shown) uses a storage of \(view.storage.bytes) bytes, but its record has \(record.size)")
        }
        let storageCount = view.storage.bytes / type.size
        // The furthest element reached: offset + Σ (size - 1) · stride, inside the storage.
        do {
            var last = view.offset
            for (n, s) in zip(view.shape, view.strides) {
                guard let step = (n - 1).times(s), let sum = last.adding(step) else { last = Int.max; break }
                last = sum
            }
            guard last < storageCount else {
                throw .invalid("\(shown) of shape \(Tensor.describe(shape: view.shape)), strides \(view.strides) and offset \(view.offset) reaches past its storage of \(storageCount) \(type.name) elements")
            }
        }
        return try archive.withContents(of: record, in: bytes, limit: Tensor.maxElements * 8) { (data) throws(DataFileError) -> Tensor in
            let base = UnsafeRawPointer(data.baseAddress!)
            let contiguous = Tensor.strides(of: view.shape)
            if zip(view.shape, zip(view.strides, contiguous)).allSatisfy({ $0 == 1 || $1.0 == $1.1 }) {
                let values = try Tensor.decode(count, type, from: base + view.offset * type.size, bigEndian: bigEndian, path: "\(path)' tensor '\(name)")
                return Tensor(shape: view.shape, storage: values)
            }
            // A strided view: gather element by element with an odometer over the shape.
            var values = [Double](repeating: 0, count: count)
            var index = [Int](repeating: 0, count: view.shape.count)
            var source = view.offset
            var failure: DataFileError?
            values.withUnsafeMutableBufferPointer { out in
                for i in 0..<count {
                    do throws(DataFileError) {
                        try type.convert(base + source * type.size, count: 1, bigEndian: bigEndian, into: out.baseAddress! + i)
                    } catch {
                        failure = error
                        return
                    }
                    var axis = view.shape.count - 1
                    while axis >= 0 {
                        index[axis] += 1
                        source += view.strides[axis]
                        if index[axis] < view.shape[axis] { break }
                        source -= view.strides[axis] * view.shape[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
            if let failure { throw .invalid("'\(path)' tensor '\(name)': \(failure.message)") }
            return Tensor(shape: view.shape, storage: values)
        }
    }
}
