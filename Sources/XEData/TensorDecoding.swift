import XETensor

extension Tensor {
    /// `count` elements of `type` at `source` as float64, in a new storage array; a bad element
    /// is an error naming `path`.
    static func decode(_ count: Int, _ type: ElementType, from source: UnsafeRawPointer, bigEndian: Bool, path: String) throws(DataFileError) -> [Double] {
        var failure: DataFileError?
        let values = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(DataFileError) {
                try type.convert(source, count: count, bigEndian: bigEndian, into: buffer.baseAddress!)
            } catch {
                failure = error
                for i in 0..<count { buffer[i] = 0 }
            }
            initialized = count
        }
        if let failure { throw .invalid("'\(path)': \(failure.message)") }
        return values
    }
}
