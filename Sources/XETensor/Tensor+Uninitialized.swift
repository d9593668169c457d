import CXEShim

extension Tensor {
    /// Buffers from this size up are given transparent huge pages before they are written.
    @usableFromInline static let hugePageThreshold = 1 << 22

    /// A storage array of `count` elements filled by `body` (which must write every element),
    /// without zeroing it first: kernels write their output in one pass. A large one first
    /// keeps the allocator's cache of freed memory bounded (`xe_bound_allocator_cache`).
    @inlinable @inline(__always)
    public static func uninitialized(_ count: Int, _ body: (UnsafeMutablePointer<Double>) -> Void) -> [Double] {
        guard count > 0 else { return [] }
        if count * 8 >= hugePageThreshold { xe_bound_allocator_cache(count * 8) }
        return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count * 8 >= hugePageThreshold { xe_advise_huge_pages(buffer.baseAddress, count * 8) }
            body(buffer.baseAddress!)
            initialized = count
        }
    }

    /// `count` copies of `value`, written once (on huge pages when large).
    public static func filled(_ count: Int, with value: Double) -> [Double] {
        uninitialized(count) { p in p.initialize(repeating: value, count: count) }
    }
}
