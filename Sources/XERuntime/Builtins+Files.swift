import XETensor

extension Builtins {
    static let files: [Builtin] = [
        Builtin("load", [ParameterSpec("path", required: true)],
                summary: "reads a tensor from a NumPy .npy file or a .csv file of numbers",
                details: """
                .npy: versions 1.0, 2.0 and 3.0; float64, float32, (unsigned) integers and bool, either
                byte order, C or Fortran order; object arrays (pickles) are refused.
                .csv: comma-separated numbers, an optional header row; one row or column gives a vector.
                Example: y = load("labels.npy")
                """) { call in
            let path = try call.string(0, "the path")
            do {
                if path.hasSuffix(".npy") { return Value(try NPYFormat.decode(try FileSystem.read(path), path: path)) }
                if path.hasSuffix(".csv") { return Value(try CSVFormat.decode(try FileSystem.read(path), path: path)) }
            } catch let error as DataFileError {
                throw XEError(.io(error.message), at: call.location)
            } catch let error as XEError {
                throw XEError(error.problem, at: call.location)
            }
            throw XEError(.io("load(): '\(path)' is neither .npy nor .csv; xe reads NumPy .npy files and .csv files of numbers"), at: call.location)
        },
        Builtin("save", [ParameterSpec("path", required: true), ParameterSpec("x", required: true)],
                summary: "writes a tensor to a .npy file (float64) or a .csv file; load reads it back exactly",
                details: """
                .npy: format 1.0, '<f8', C order, as numpy.save writes it.
                .csv: one number per line for a vector, comma-separated rows for a matrix, numbers in
                the shortest form that reads back to the same float64.
                Example: save("p.npy", sigmoid(z))
                """) { call in
            let path = try call.string(0, "the path")
            let x = try call.tensor(1, "tensor to save").value
            do {
                if path.hasSuffix(".npy") {
                    try FileSystem.write(path, NPYFormat.encode(x))
                } else if path.hasSuffix(".csv") {
                    try FileSystem.write(path, Array(try CSVFormat.encode(x, path: path).utf8))
                } else {
                    throw XEError(.io("save(): '\(path)' is neither .npy nor .csv; name the file .npy or .csv"), at: call.location)
                }
            } catch let error as DataFileError {
                throw XEError(.io(error.message), at: call.location)
            } catch let error as XEError {
                throw XEError(error.problem, at: call.location)
            }
            return .none
        },
    ]
}
