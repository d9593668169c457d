/// The elements that an index expression selects, resolved as NumPy does.
///
/// Integers and slices are basic indices: an integer drops its axis, a slice keeps it. Arrays of
/// positions and boolean masks are advanced indices (a mask over k axes is the k arrays of the
/// positions where it is true); when there is one, integers count as advanced too. The advanced
/// indices are broadcast together to a shape B and select one element per position of B. B
/// takes the place of the advanced indices in the result when they stand next to each other,
/// and comes first when a slice separates them (`T[0, :, [0, 1, 2]]` has shape (3, n)).
///
/// The plan walks the selection as a product of axes, each of which adds one of its offsets to
/// the source offset: a slice's positions times its stride, or for the advanced block, the
/// offset of each position of B.
public struct IndexPlan: Sendable {
    /// For each axis walked (in the result's order), the source offsets it adds.
    var offsets: [[Int]]
    /// The shape of the selection.
    public var resultShape: [Int]

    /// One index after masks are expanded: the axis of the source it applies to.
    private enum Part {
        case at(Int)
        case slice([Int])
        case array([Int], shape: [Int])
    }

    /// Resolves `indices` against a tensor of `shape`; missing trailing indices take everything.
    public init(shape: [Int], indices: [TensorIndex]) throws(TensorError) {
        var parts: [Part] = []
        var axis = 0
        func tooMany(_ used: Int) -> TensorError {
            .invalid(shape.isEmpty
                ? "a scalar cannot be indexed"
                : "too many indices (\(used)) for a tensor of shape \(Tensor.describe(shape: shape)) (rank \(shape.count))")
        }
        let used = indices.reduce(0) { n, index in
            switch index {
            case .mask(_, let maskShape): return n + maskShape.count
            case .ellipsis: return n
            default: return n + 1
            }
        }
        guard used <= shape.count else { throw tooMany(used) }
        guard indices.filter({ $0 == .ellipsis }).count <= 1 else { throw .invalid("an index can have only one '...'") }
        for index in indices {
            switch index {
            case .ellipsis:
                for _ in 0..<(shape.count - used) {
                    parts.append(.slice(Array(0..<shape[axis])))
                    axis += 1
                }
            case .at(let i):
                parts.append(.at(try IndexPlan.position(i, axis: axis, size: shape[axis])))
                axis += 1
            case .range(let start, let stop, let step):
                parts.append(.slice(try IndexPlan.slice(start: start, stop: stop, step: step, size: shape[axis])))
                axis += 1
            case .positions(let items, let itemShape):
                var checked: [Int] = []
                checked.reserveCapacity(items.count)
                for i in items { checked.append(try IndexPlan.position(i, axis: axis, size: shape[axis])) }
                parts.append(.array(checked, shape: itemShape))
                axis += 1
            case .mask(let mask, let maskShape):
                guard !maskShape.isEmpty else { throw .invalid("a boolean mask used as an index needs at least one axis") }
                let covered = Array(shape[axis..<(axis + maskShape.count)])
                guard covered == maskShape else {
                    let axes = maskShape.count == 1 ? "axis \(axis)" : "axes \(axis) to \(axis + maskShape.count - 1)"
                    throw .invalid("a boolean mask of shape \(Tensor.describe(shape: maskShape)) does not fit \(axes) of a tensor of shape \(Tensor.describe(shape: shape)) (shape \(Tensor.describe(shape: covered)) there); a mask must have the shape of the axes it selects from")
                }
                // The positions where the mask is true, one array per axis (NumPy's nonzero).
                var arrays = [[Int]](repeating: [], count: maskShape.count)
                let strides = Tensor.strides(of: maskShape)
                for (k, isSet) in mask.enumerated() where isSet {
                    for d in 0..<maskShape.count { arrays[d].append(k / strides[d] % maskShape[d]) }
                }
                let n = mask.reduce(0) { $1 ? $0 + 1 : $0 }
                for a in arrays { parts.append(.array(a, shape: [n])) }
                axis += maskShape.count
            }
        }
        while axis < shape.count {
            parts.append(.slice(Array(0..<shape[axis])))
            axis += 1
        }
        let strides = Tensor.strides(of: shape)
        var offsets: [[Int]] = []
        var resultShape: [Int] = []
        let advanced = parts.indices.filter { i in
            if case .array = parts[i] { return true }
            return false
        }
        if advanced.isEmpty {
            for (a, part) in parts.enumerated() {
                switch part {
                case .at(let p):
                    offsets.append([p * strides[a]])
                case .slice(let positions):
                    offsets.append(positions.map { $0 * strides[a] })
                    resultShape.append(positions.count)
                case .array:
                    break
                }
            }
        } else {
            // Integers are advanced indices now: every non-slice part joins the block.
            let block = parts.indices.filter { i in
                if case .slice = parts[i] { return false }
                return true
            }
            let (blockShape, blockOffsets) = try IndexPlan.advancedBlock(parts: block.map { parts[$0] }, strides: block.map { strides[$0] })
            let adjacent = block.last! - block.first! == block.count - 1
            if !adjacent {
                offsets.append(blockOffsets)
                resultShape += blockShape
            }
            for (a, part) in parts.enumerated() {
                if adjacent && a == block.first! {
                    offsets.append(blockOffsets)
                    resultShape += blockShape
                }
                if case .slice(let positions) = part {
                    offsets.append(positions.map { $0 * strides[a] })
                    resultShape.append(positions.count)
                }
            }
        }
        // Lists may repeat positions: the selection can be far larger than the source.
        _ = try Tensor.elementCount(resultShape)
        self.offsets = offsets
        self.resultShape = resultShape
    }

    /// The advanced indices broadcast together: their common shape and, for each of its
    /// positions in row-major order, the source offset Σ index·stride.
    private static func advancedBlock(parts: [Part], strides: [Int]) throws(TensorError) -> ([Int], [Int]) {
        var shape: [Int] = []
        for part in parts {
            guard case .array(_, let s) = part else { continue }
            do {
                shape = try Tensor.broadcastShape(shape, s, operation: "advanced indexing")
            } catch {
                let shapes = parts.compactMap { p -> String? in
                    if case .array(_, let s) = p { return Tensor.describe(shape: s) }
                    return nil
                }
                throw .invalid("the index arrays do not broadcast together: shapes \(shapes.joined(separator: ", "))")
            }
        }
        let n = try Tensor.elementCount(shape)
        var offsets = [Int](repeating: 0, count: n)
        for (part, stride) in zip(parts, strides) {
            switch part {
            case .at(let p):
                for k in 0..<n { offsets[k] += p * stride }
            case .array(let positions, let s):
                if s == shape {
                    for k in 0..<n { offsets[k] += positions[k] * stride }
                } else {
                    let read = Tensor.broadcastStrides(s, to: shape)
                    var k = 0
                    Tensor.forEachRow(shape: shape, strides: read) { _, start, inner in
                        let step = shape.isEmpty ? 0 : read[shape.count - 1]
                        for j in 0..<inner {
                            offsets[k] += positions[start + j * step] * stride
                            k += 1
                        }
                    }
                }
            case .slice:
                break
            }
        }
        return (shape, offsets)
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
        forEachRow { base, last in
            for o in last { body(base + o) }
        }
    }

    /// Calls `body` once per row of the walk (every axis but the last fixed), in the result's
    /// order, with the row's base offset in the source and the offsets the last axis adds.
    public func forEachRow(_ body: (Int, [Int]) -> Void) {
        let last = offsets.count - 1
        guard last >= 0 else {
            body(0, [0])
            return
        }
        func visit(_ axis: Int, _ base: Int) {
            if axis == last {
                body(base, offsets[last])
                return
            }
            for o in offsets[axis] { visit(axis + 1, base + o) }
        }
        visit(0, 0)
    }

    /// Whether the last axis walked reads consecutive elements (a plain slice of the last axis).
    public var lastAxisIsContiguous: Bool {
        guard let last = offsets.last else { return true }
        return zip(last, last.dropFirst()).allSatisfy { $1 == $0 + 1 }
    }

    /// For each selected element (in the result's order), whether a later one selects the same
    /// source element, so that an assignment overwrites what it wrote; nil when none repeats.
    public var overwritten: [Bool]? {
        var offsets: [Int] = []
        forEachOffset { offsets.append($0) }
        var seen = Set<Int>()
        var result = [Bool](repeating: false, count: offsets.count)
        var any = false
        for k in stride(from: offsets.count - 1, through: 0, by: -1) where !seen.insert(offsets[k]).inserted {
            result[k] = true
            any = true
        }
        return any ? result : nil
    }
}
