import XETensor

extension Tensor {
    /// `count` elements of `type` at `source` as float64, in a new storage array; a bad element
    /// is an error naming `path`.
    static func decode(_ count: Int, _ type: ElementType, from source: UnsafeRawPointer, bigEndian: Bool, path: String) throws(DataFileError) -> [Double] {
        var failure: DataFileError?
        // Tensor.uninitialized: a large array on huge pages, as every computed one is (the
        // kernels stream through it with fewer TLB misses).
        let values = Tensor.uninitialized(count) { p in
            do throws(DataFileError) {
                try type.convert(source, count: count, bigEndian: bigEndian, into: p)
            } catch {
                failure = error
                p.initialize(repeating: 0, count: count)
            }
        }
        if let failure { throw .invalid("'\(path)': \(failure.message)") }
        return values
    }
}
