import CXEShim
import Testing
@testable import XETensor

struct TensorTests {
    let m = Tensor(shape: [2, 3], storage: [1, 2, 3, 4, 5, 6])

    @Test func broadcastingFollowsNumPy() throws {
        #expect(try Tensor.broadcastShape([2, 3], [3], operation: "+") == [2, 3])
        #expect(try Tensor.broadcastShape([4, 1], [1, 5], operation: "+") == [4, 5])
        #expect(throws: TensorError.self) { try Tensor.broadcastShape([2], [3], operation: "+") }
        let sum = try Tensor.elementwise(.add, m, Tensor(vector: [10, 20, 30]))
        #expect(sum.storage == [11, 22, 33, 14, 25, 36])
        let col = try Tensor.elementwise(.multiply, m, Tensor(shape: [2, 1], storage: [1, -1]))
        #expect(col.storage == [1, 2, 3, -4, -5, -6])
        let outer = try Tensor.elementwise(.subtract, Tensor(shape: [3, 1], storage: [1, 2, 3]), Tensor(vector: [1, 2]))
        #expect(outer.shape == [3, 2] && outer.storage == [0, -1, 1, 0, 2, 1])
    }

    @Test func reductionsWithAxes() throws {
        #expect(try m.reduce(.sum, axis: 0).storage == [5, 7, 9])
        #expect(try m.reduce(.mean, axis: 1).storage == [2, 5])
        #expect(try m.reduce(.sum, axis: -1, keepdims: true).shape == [2, 1])
        #expect(try m.reduce(.max, axis: nil).storage == [6])
        #expect(try m.reduce(.argmin, axis: 1).storage == [0, 0])
        #expect(throws: TensorError.self) { try m.reduce(.sum, axis: 2) }
        #expect(throws: TensorError.self) { try Tensor(vector: []).reduce(.max, axis: nil) }
    }

    @Test func pairwiseSumIsAccurate() {
        let n = 1_000_003
        let t = Tensor(vector: [Double](repeating: 0.1, count: n))
        #expect(abs(t.sumAll() - 0.1 * Double(n)) < 1e-9)
    }

    @Test func matmulShapes() throws {
        let a = Tensor(shape: [2, 2], storage: [1, 2, 3, 4])
        #expect(try Tensor.matmul(a, Tensor(shape: [2, 1], storage: [5, 6])).storage == [17, 39])
        #expect(try Tensor.matmul(a, Tensor(vector: [1, 1])).shape == [2])
        #expect(try Tensor.matmul(Tensor(vector: [1, 2, 3]), Tensor(vector: [4, 5, 6])).storage == [32])
        #expect(try Tensor.matmul(Tensor(vector: [1, 1]), a).storage == [4, 6])
        #expect(throws: TensorError.self) { try Tensor.matmul(a, Tensor(vector: [1, 2, 3])) }
    }

    @Test func indexingAndSlicing() throws {
        let row = m.gather(try IndexPlan(shape: m.shape, indices: [.at(-1)]))
        #expect(row.shape == [3] && row.storage == [4, 5, 6])
        let col = m.gather(try IndexPlan(shape: m.shape, indices: [.range(start: nil, stop: nil, step: nil), .at(0)]))
        #expect(col.storage == [1, 4])
        let rev = m.gather(try IndexPlan(shape: m.shape, indices: [.at(0), .range(start: nil, stop: nil, step: -1)]))
        #expect(rev.storage == [3, 2, 1])
        let picked = m.gather(try IndexPlan(shape: m.shape, indices: [.at(1), .list([2, 0, 2])]))
        #expect(picked.storage == [6, 4, 6])
        #expect(throws: TensorError.self) { try IndexPlan(shape: m.shape, indices: [.at(2)]) }
        #expect(throws: TensorError.self) { try IndexPlan(shape: m.shape, indices: [.at(0), .at(0), .at(0)]) }
        var copy = m
        try copy.assign(try IndexPlan(shape: m.shape, indices: [.range(start: nil, stop: nil, step: nil), .at(1)]), Tensor(scalar: 0))
        #expect(copy.storage == [1, 0, 3, 4, 0, 6])
        let huge = try IndexPlan(shape: [5], indices: [.range(start: 0, stop: nil, step: Int.max)])
        #expect(huge.resultShape == [1])
    }

    @Test func formatting() {
        #expect(Tensor.format(0.1) == "0.1")
        #expect(Tensor.format(1e-15) == "1e-15")
        #expect(Tensor.format(3) == "3")
        #expect(Tensor.format(-4) == "-4")
        #expect(Tensor.format(.infinity) == "inf")
        #expect(Tensor.format(-.infinity) == "-inf")
        #expect(Tensor.format(.nan) == "nan")
        #expect(Tensor.format(1e20) == "1e+20")
        #expect(Tensor(vector: [0.9, 0.1]).description == "[0.9, 0.1]")
        #expect(Tensor(shape: [2, 2], storage: [1, 2, 3, 40]).description == "[[ 1,  2],\n [ 3, 40]]")
        let long = Tensor(vector: (0..<2000).map(Double.init))
        #expect(long.description == "[0, 1, 2, ..., 1997, 1998, 1999]")
        #expect(Tensor(shape: [2, 1, 2], storage: [1, 2, 3, 4]).description == "[[[1, 2]],\n\n [[3, 4]]]")
    }

    /// Rows wrapped between elements at a width, continuation lines indented under the first
    /// element and every element aligned; `.short` has 6 significant digits.
    @Test func formattingAtAWidthAndInShortStyle() {
        let v = Tensor(vector: (0..<12).map(Double.init))
        #expect(v.description(width: 80, style: .long) == "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]")
        #expect(v.description(width: 20, style: .long) == "[ 0,  1,  2,  3,  4,\n  5,  6,  7,  8,  9,\n 10, 11]")
        let m = Tensor(shape: [2, 4], storage: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(m.description(width: 12, style: .long) == "[[1, 2, 3,\n  4],\n [5, 6, 7,\n  8]]")
        for width in [10, 17, 33, 80] {
            let text = Tensor(vector: (0..<50).map { Double($0) / 7 }).description(width: width, style: .long)
            #expect(text.split(separator: "\n").allSatisfy { $0.count <= max(width, 21) })
            #expect(text.filter { $0 == "," }.count == 49)
        }
        #expect(Tensor.format(1.0 / 3, style: .short) == "0.333333")
        #expect(Tensor.format(2.0 / 3e7, style: .short) == "6.66667e-08")
        #expect(Tensor.format(1234567, style: .short) == "1234567")
        #expect(Tensor.format(.nan, style: .short) == "nan")
        #expect(Tensor(vector: [1.0 / 3, 20.0 / 3, 1]).description(width: nil, style: .short) == "[0.333333,  6.66667,        1]")
    }

    @Test func sizeLimitsAreErrors() {
        #expect(throws: TensorError.self) { try Tensor(shape: [1 << 20, 1 << 20], repeating: 0) }
        #expect(throws: TensorError.self) { try Tensor(shape: [Int.max, 2], repeating: 0) }
        #expect(throws: TensorError.self) { try Tensor(shape: [-1], repeating: 0) }
    }

    /// Large tensors are weighed against the free memory; the refusal says what is needed.
    @Test func freeMemoryIsKnownAndTheRefusalExplainsItself() {
        #expect(xe_available_memory() > 0)
        let message = TensorError.outOfMemory(elements: 1 << 28, available: 3 << 29).message
        #expect(message.contains("needs 2 GiB") && message.contains("only 1.5 GiB"), "\(message)")
    }

    @Test func softmaxIsStable() throws {
        let z = Tensor(shape: [2, 2], storage: [1000, 1000, -1000, 0])
        let s = try z.softmax(axis: -1)
        #expect(s.storage[0] == 0.5 && s.storage[1] == 0.5)
        #expect(try z.logSumExp(axis: -1).storage[0] == 1000 + 0.6931471805599453)
        #expect(try z.logSoftmax(axis: -1).storage.allSatisfy { $0.isFinite })
    }
}
