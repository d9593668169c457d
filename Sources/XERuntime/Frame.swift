/// The local variables of one function call, and the frame of the function it was defined in
/// (for closures).
final class Frame {
    var slots: [Value?]
    let parent: Frame?

    init(count: Int, parent: Frame?) {
        self.slots = [Value?](repeating: nil, count: count)
        self.parent = parent
    }

    /// The frame `depth` levels out.
    @inline(__always)
    func ancestor(_ depth: Int) -> Frame {
        var f = self
        for _ in 0..<depth { f = f.parent! }
        return f
    }
}
