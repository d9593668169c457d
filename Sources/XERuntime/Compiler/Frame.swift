/// The local variables of one function call, and the frame of the function it was defined in
/// (for closures). The slots are a fixed block of memory (their number is known when the
/// function is compiled), so reading and writing one is a plain load and store.
final class Frame {
    let slots: UnsafeMutablePointer<Value?>
    let count: Int
    let parent: Frame?
    /// Whether this call's result is the root of a `grad`, whose value nobody reads
    /// (`Interpreter.gradientRoot`): a body that is one fused region may leave it out.
    var givesGradientRoot = false

    init(count: Int, parent: Frame?) {
        self.count = count
        slots = UnsafeMutablePointer<Value?>.allocate(capacity: Swift.max(count, 1))
        slots.initialize(repeating: nil, count: Swift.max(count, 1))
        self.parent = parent
    }

    deinit {
        slots.deinitialize(count: Swift.max(count, 1))
        slots.deallocate()
    }

    /// The frame `depth` levels out.
    @inline(__always)
    func ancestor(_ depth: Int) -> Frame {
        var f = self
        for _ in 0..<depth { f = f.parent! }
        return f
    }
}
