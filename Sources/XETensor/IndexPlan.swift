/// The element positions that an index expression selects: for each axis of the source, the
/// positions taken, and the shape of the result.
public struct IndexPlan: Sendable {
    /// The positions taken along each axis of the source, in order.
    public var positions: [[Int]]
    /// The shape of the selection.
    public var resultShape: [Int]
    /// The source's strides.
    var strides: [Int]

    /// Resolves `indices` against a tensor of `shape`; missing trailing indices take everything.
    public init(shape: [Int], indices: [TensorIndex]) throws(TensorError) {
        guard indices.count <= shape.count else {
            throw .invalid(shape.isEmpty
                ? "a scalar cannot be indexed"
                : "too many indices (\(indices.count)) for a tensor of shape \(Tensor.describe(shape: shape)) (rank \(shape.count))")
        }
        var positions: [[Int]] = []
        var resultShape: [Int] = []
        var lists = 0
        for (axis, n) in shape.enumerated() {
            let index = axis < indices.count ? indices[axis] : .range(start: nil, stop: nil, step: nil)
            switch index {
            case .at(let i):
                positions.append([try IndexPlan.position(i, axis: axis, size: n)])
            case .list(let items):
                lists += 1
                guard lists == 1 else { throw .invalid("only one axis may be indexed by a list of positions") }
                var axisPositions: [Int] = []
                axisPositions.reserveCapacity(items.count)
                for i in items { axisPositions.append(try IndexPlan.position(i, axis: axis, size: n)) }
                positions.append(axisPositions)
                resultShape.append(items.count)
            case .range(let start, let stop, let step):
                let p = try IndexPlan.slice(start: start, stop: stop, step: step, size: n)
                positions.append(p)
                resultShape.append(p.count)
            }
        }
        // A list of positions may repeat them: the selection can be far larger than the source.
        _ = try Tensor.elementCount(resultShape)
        self.positions = positions
        self.resultShape = resultShape
        self.strides = Tensor.strides(of: shape)
    }

    static func position(_ i: Int, axis: Int, size: Int) throws(TensorError) -> Int {
        let p = i < 0 ? i + size : i
        guard p >= 0, p < size else { throw .indexOutOfRange(index: i, axis: axis, size: size) }
        return p
    }

    /// The positions of `start:stop:step` on an axis of `size`, with Python's clamping.
    static func slice(start: Int?, stop: Int?, step: Int?, size n: Int) throws(TensorError) -> [Int] {
        let step = step ?? 1
        guard step != 0 else { throw .invalid("slice step cannot be zero") }
        func clamp(_ v: Int, _ lo: Int, _ hi: Int) -> Int { min(max(v, lo), hi) }
        var result: [Int] = []
        if step > 0 {
            var a = start ?? 0
            var b = stop ?? n
            if a < 0 { a += n }
            if b < 0 { b += n }
            a = clamp(a, 0, n)
            b = clamp(b, 0, n)
            var i = a
            while i < b {
                result.append(i)
                let (next, overflow) = i.addingReportingOverflow(step)
                if overflow { break }
                i = next
            }
        } else {
            var a = start ?? n - 1
            var b = stop ?? -n - 1
            if a < 0 { a += n }
            if b < 0 { b += n }
            a = clamp(a, -1, n - 1)
            b = clamp(b, -1, n - 1)
            var i = a
            while i > b {
                result.append(i)
                let (next, overflow) = i.addingReportingOverflow(step)
                if overflow { break }
                i = next
            }
        }
        return result
    }

    /// Calls `body` with the source offset of each selected element, in the result's order.
    public func forEachOffset(_ body: (Int) -> Void) {
        forEachRow { base, last, stride in
            for p in last { body(base + p * stride) }
        }
    }

    /// Calls `body` once per row of the selection (every axis but the last fixed), in the
    /// result's order, with the row's base offset in the source, the positions taken along the
    /// last axis and that axis's stride.
    public func forEachRow(_ body: (Int, [Int], Int) -> Void) {
        let last = positions.count - 1
        guard last >= 0 else { return }
        func visit(_ axis: Int, _ base: Int) {
            if axis == last {
                body(base, positions[last], strides[last])
                return
            }
            let stride = strides[axis]
            for p in positions[axis] { visit(axis + 1, base + p * stride) }
        }
        visit(0, 0)
    }

    /// Whether the positions taken along the last axis are consecutive (a plain slice).
    public var lastAxisIsContiguous: Bool {
        guard let last = positions.last else { return true }
        return zip(last, last.dropFirst()).allSatisfy { $1 == $0 + 1 }
    }
}
