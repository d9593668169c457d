import Synchronization

/// The size limit on one tensor, checked before anything is allocated: 2^28 elements (2 GiB)
/// normally; the fuzzer lowers it so that it explores the language rather than the memory.
public enum TensorLimits {
    public static let standardMaxElements = 1 << 28

    private static let maxElements = Atomic<Int>(standardMaxElements)

    /// The largest number of elements one tensor may hold.
    public static var elements: Int {
        get { maxElements.load(ordering: .relaxed) }
        set { maxElements.store(newValue, ordering: .relaxed) }
    }
}
