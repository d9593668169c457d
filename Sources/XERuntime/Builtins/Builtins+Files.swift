import XEData
import XETensor

extension Builtins {
    static let files: [Builtin] = [
        Builtin("load", [ParameterSpec("path", required: true), ParameterSpec("name")],
                summary: "reads arrays from .npy, .npz, .csv, PyTorch .pt and .safetensors files",
                details: """
                load("f.npz", "logits") reads one array by its name; load("f.npz") reads all of them as a
                tuple in the file's order (the REPL shows their names), or the array itself when there
                is one. .pt (.pth, .bin): written by torch.save (a tensor, or dicts, lists and tuples of tensors;
                nested names joined by dots, as "model.weight"); only tensors and containers are read,
                never code. .safetensors: every tensor by name. Element types: float64, float32, float16,
                bfloat16, (unsigned) integers and bool, converted exactly to float64.
                .npy: versions 1.0 to 3.0, either byte order, C or Fortran order.
                .csv: comma-separated numbers, an optional header row; one row or column gives a vector.
                Example: logits, labels = load("out.npz")
                """) { call in
            let path = try call.string(0, "the path")
            let name = call.value(1) == nil ? nil : try call.string(1, "the name")
            let arrays = try call.dataFile(path) { (kind) throws(DataFileError) -> [NamedTensor] in
                try DataFile.read(try FileSystem.readData(path), kind: kind, path: path, only: name)
            }
            if arrays.count == 1 { return Value(arrays[0].tensor) }
            let items = arrays.map { Value($0.tensor) }
            call.interpreter.rememberNames(arrays.map(\.name), of: items)
            return .tuple(items)
        },
        Builtin("save", [ParameterSpec("path", required: true)], variadic: true, namedRest: true,
                summary: "writes tensors to .npy, .csv, .npz or .safetensors files (float64); load reads them back exactly",
                details: """
                save("p.npy", x) and save("p.csv", x) write one tensor; save("out.npz", logits=Z, labels=y)
                writes several by name, as numpy.savez (unnamed ones are arr_0, arr_1, ...), and so does
                .safetensors. The file is written beside the old one and replaces it only when complete.
                .npy: format 1.0, '<f8', C order, as numpy.save writes it.
                .csv: one number per line for a vector, comma-separated rows for a matrix, numbers in
                the shortest form that reads back to the same float64.
                Example: save("p.npy", sigmoid(z))
                """) { call in
            let path = try call.string(0, "the path")
            var arrays: [NamedTensor] = []
            for (i, value) in call.rest.enumerated() {
                guard let t = value.tensorValue else {
                    throw XEError.type("save(): argument \(i + 2) must be a number or tensor, not \(value.kindDescription)", at: call.location)
                }
                arrays.append(NamedTensor(name: "arr_\(i)", tensor: t))
            }
            for (name, value) in call.named {
                guard let t = value.tensorValue else {
                    throw XEError.type("save(): '\(name)' must be a number or tensor, not \(value.kindDescription)", at: call.location)
                }
                arrays.append(NamedTensor(name: name, tensor: t))
            }
            guard !arrays.isEmpty else {
                throw XEError.argument("save() needs something to save: save(\"\(path)\", x) or save(\"f.npz\", logits=Z, labels=y)", at: call.location)
            }
            try call.dataFile(path) { (kind) throws(DataFileError) in
                if !kind.holdsMany, !call.named.isEmpty {
                    throw .invalid("save(): a \(kind == .npy ? ".npy" : ".csv") file holds one unnamed tensor; name the file .npz to save tensors by name")
                }
                try DataFile.write(arrays, kind: kind, path: path)
            }
            return .none
        },
    ]
}

extension BuiltinCall {
    /// Runs `body` with the kind of data file `path` names, its errors located at the call.
    func dataFile<T>(_ path: String, _ body: (DataFile.Kind) throws(DataFileError) -> T) throws -> T {
        guard let kind = DataFile.Kind(path: path) else {
            throw XEError(.io("\(name)(): '\(path)' is not a data file xe knows; it reads and writes \(DataFile.readable) files, named by their extension"), at: location)
        }
        do {
            return try body(kind)
        } catch {
            throw XEError(.io(error.message), at: location)
        }
    }
}
