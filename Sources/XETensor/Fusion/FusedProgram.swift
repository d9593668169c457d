import CXEKernels

/// A program for the C kernel `xe_fused`, built one instruction at a time in SSA form (each
/// instruction a new value), then pruned to what its outputs need and given block registers
/// by a linear scan, so a long expression needs only as many cache-sized registers as values
/// alive at once.
struct FusedProgram {
    /// A value of the program: an input tensor or the result of an instruction.
    enum Ref: Equatable {
        case input(Int)
        case value(Int)
    }

    private struct Instruction {
        var op: xe_fused_op
        var function: xe_function = XE_FN_LOG
        var operands: [Ref]
    }

    /// The number of elements of the result.
    let count: Int
    private var inputs: [(tensor: Tensor, length: Int, inner: Int)] = []
    private var code: [Instruction] = []
    /// Common subexpressions: an input already read (the same storage in the same layout, or
    /// the same scalar) or an instruction already emitted is not added again, so
    /// `(1-p)^2 · log(1-p)` computes 1 - p once, and the gradient pass shares the forward's.
    private var knownInputs: [InputKey: Int] = [:]
    /// Range checks of inputs, made on each block as it is read (`check`).
    private var checks: [xe_fused_check] = []
    private var knownValues: [[Int]: Int] = [:]

    private enum InputKey: Hashable {
        case scalar(UInt64)
        case array(UInt, length: Int, inner: Int)
    }

    init(count: Int) {
        self.count = count
    }

    /// The layout of a tensor of `shape` broadcast to `result` as `xe_fused` reads it (element
    /// i reads (i / inner) % length), or nil when it is none of a scalar, the full result, or
    /// one contiguous band of the result's axes (a row or a column).
    static func layout(of shape: [Int], in result: [Int]) -> (length: Int, inner: Int)? {
        let n = shape.reduce(1, *)
        let total = result.reduce(1, *)
        if n == 1 { return (1, 1) }
        if n == total { return (n, 1) }
        let padded = [Int](repeating: 1, count: result.count - shape.count) + shape
        guard let first = padded.firstIndex(where: { $0 != 1 }), let last = padded.lastIndex(where: { $0 != 1 }) else { return (1, 1) }
        for axis in first...last where padded[axis] != result[axis] { return nil }
        return (n, result[(last + 1)...].reduce(1, *))
    }

    /// Adds an input read with `layout(of:in:)`; nil when it cannot be read that way.
    mutating func input(_ t: Tensor, shape result: [Int]) -> Ref? {
        guard let (length, inner) = FusedProgram.layout(of: t.shape, in: result) else { return nil }
        let key: InputKey = length == 1 ? .scalar(t.storage[0].bitPattern)
            : .array(t.storage.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }, length: length, inner: inner)
        if let k = knownInputs[key] { return .input(k) }
        inputs.append((t, length, inner))
        knownInputs[key] = inputs.count - 1
        return .input(inputs.count - 1)
    }

    /// Asks the run whether an element of input `r` is outside [lo, hi] (NaN included), found
    /// on each block as it is read (`run`'s `outside`); false when `r` is not an input.
    mutating func check(_ r: Ref, lo: Double, hi: Double) -> Bool {
        guard case .input(let k) = r else { return false }
        checks.append(xe_fused_check(input: Int32(k), lo: lo, hi: hi))
        return true
    }

    /// Adds a scalar input.
    mutating func constant(_ x: Double) -> Ref {
        input(Tensor(scalar: x), shape: [])!
    }

    /// Adds an instruction and returns its value.
    mutating func emit(_ op: xe_fused_op, _ operands: Ref..., function: xe_function = XE_FN_LOG) -> Ref {
        // Arithmetic on scalars is done here, once, and x·1 is x (exactly, NaN and -0 too).
        let scalars = operands.map { r -> Double? in
            if case .input(let k) = r, inputs[k].length == 1 { return inputs[k].tensor.storage[0] }
            return nil
        }
        if op == XE_OP_MUL, scalars[1] == 1 { return operands[0] }
        if op == XE_OP_SUB, scalars[0] == 1, scalars[1] == nil { return emit(XE_OP_ONE_MINUS, operands[1]) }
        if op == XE_OP_MUL, scalars[0] == 1 { return operands[1] }
        // a + (-x) is a - x and (-x) + a is a - x, a - (-x) is a + x, exactly (IEEE 754
        // defines subtraction as the addition of the negation): the negation is then not
        // computed where nothing else reads it (the gradient's chain rule makes many).
        if op == XE_OP_ADD, let x = negated(operands[1]) { return emit(XE_OP_SUB, operands[0], x) }
        if op == XE_OP_ADD, let x = negated(operands[0]) { return emit(XE_OP_SUB, operands[1], x) }
        if op == XE_OP_SUB, let x = negated(operands[1]) { return emit(XE_OP_ADD, operands[0], x) }
        if scalars.allSatisfy({ $0 != nil }) {
            let x = scalars.map { $0! }
            switch op {
            case XE_OP_ADD: return constant(x[0] + x[1])
            case XE_OP_SUB: return constant(x[0] - x[1])
            case XE_OP_MUL: return constant(x[0] * x[1])
            case XE_OP_DIV: return constant(x[0] / x[1])
            case XE_OP_NEG: return constant(-x[0])
            case XE_OP_ONE_MINUS: return constant(1 - x[0])
            default: break
            }
        }
        let key = [Int(op.rawValue), Int(function.rawValue)] + operands.map { r in
            switch r {
            case .input(let k): return -1 - k
            case .value(let v): return v
            }
        }
        if let v = knownValues[key] { return .value(v) }
        code.append(Instruction(op: op, function: function, operands: operands))
        knownValues[key] = code.count - 1
        return .value(code.count - 1)
    }

    /// x when `r` is the instruction -x.
    private func negated(_ r: Ref) -> Ref? {
        guard case .value(let v) = r, code[v].op == XE_OP_NEG else { return nil }
        return code[v].operands[0]
    }

    /// Runs the program: writes each of `outputs` into a new array of `count` elements and
    /// returns them with the sum of `reduce` (0 without one): over every element, or with
    /// `along` into `along.length` sums, element i adding into sum (i / inner) % length; and
    /// whether a range check (`check`) found an element outside.
    func run(outputs: [Ref], reduce: Ref?, along: (length: Int, inner: Int)? = nil) throws(TensorError)
        -> (outputs: [[Double]], sum: Double, sums: [Double], outside: Bool) {
        // Prune: keep the instructions the outputs depend on.
        var needed = [Bool](repeating: false, count: code.count)
        for case .value(let v) in outputs + (reduce.map { [$0] } ?? []) { needed[v] = true }
        for i in stride(from: code.count - 1, through: 0, by: -1) where needed[i] {
            for case .value(let v) in code[i].operands { needed[v] = true }
        }
        // The last instruction reading each value (outputs are read after every instruction).
        var lastUse = [Int](repeating: -1, count: code.count)
        for i in code.indices where needed[i] {
            for case .value(let v) in code[i].operands { lastUse[v] = i }
        }
        for case .value(let v) in outputs + (reduce.map { [$0] } ?? []) { lastUse[v] = Int.max }
        // An output's instruction writes straight into it (no register, no copy).
        var register = [Int32](repeating: -1, count: code.count)
        for (k, output) in outputs.enumerated() {
            if case .value(let v) = output, register[v] < 0 { register[v] = XE_OUTPUT_OPERAND + Int32(k) }
        }
        // Linear scan: a register is reused once the value in it is read for the last time
        // (after the destination is chosen, so no instruction writes over its own operand).
        var free: [Int32] = []
        var registers: Int32 = 0
        var instructions: [xe_fused_instruction] = []
        func encode(_ r: Ref) -> Int32 {
            switch r {
            case .input(let k): return -1 - Int32(k)
            case .value(let v): return register[v]
            }
        }
        for i in code.indices where needed[i] {
            let ins = code[i]
            let operands = ins.operands.map(encode) + [Int32](repeating: XE_NO_OPERAND, count: 3 - ins.operands.count)
            if register[i] >= XE_OUTPUT_OPERAND {
                // written into its output
            } else if let r = free.popLast() {
                register[i] = r
            } else {
                register[i] = registers
                registers += 1
            }
            instructions.append(xe_fused_instruction(op: Int32(ins.op.rawValue), function: Int32(ins.function.rawValue),
                                                     destination: register[i], a: operands[0], b: operands[1], c: operands[2]))
            var released = Set<Int>()
            for case .value(let v) in ins.operands where lastUse[v] == i && released.insert(v).inserted {
                free.append(register[v])
            }
        }
        let outputOperands = outputs.map(encode)
        let reduceOperand = reduce.map(encode) ?? XE_NO_OPERAND
        let specs = inputs.map { (length: Int64($0.length), inner: Int64($0.inner)) }
        if FusionTrace.isOn {
            FusionTrace.write(count: count, inputs: inputs.map { ($0.length, $0.inner) }, code: instructions, registers: registers,
                              outputs: outputOperands, reduce: reduceOperand, along: along)
        }
        var sum = 0.0
        var status: Int32 = 0
        var outside: Int32 = 0
        var sums = [Double](repeating: 0, count: along?.length ?? 0)
        let results = FusedProgram.buffers(outputs.count, count, []) { outs in sums.withUnsafeMutableBufferPointer { sumsPointer in
            FusedProgram.withPointers(inputs.map(\.tensor), []) { pointers in
                let cInputs = zip(pointers, specs).map { xe_fused_input(data: $0, length: $1.length, inner: $1.inner) }
                instructions.withUnsafeBufferPointer { codePointer in
                    cInputs.withUnsafeBufferPointer { inputPointer in
                        outs.map { Optional($0) }.withUnsafeBufferPointer { outPointer in
                            outputOperands.withUnsafeBufferPointer { operandPointer in
                                var program = xe_fused_program(
                                    count: Int64(count), code: codePointer.baseAddress, instruction_count: Int32(instructions.count),
                                    register_count: registers, inputs: inputPointer.baseAddress, input_count: Int32(cInputs.count),
                                    outputs: outPointer.baseAddress, output_operands: operandPointer.baseAddress,
                                    output_count: Int32(outs.count), reduce: reduceOperand,
                                    reduce_out: along == nil ? nil : sumsPointer.baseAddress,
                                    reduce_length: Int64(along?.length ?? 0), reduce_inner: Int64(along?.inner ?? 1),
                                    checks: nil, check_count: 0, outside: nil)
                                checks.withUnsafeBufferPointer { checkPointer in
                                    withUnsafeMutablePointer(to: &outside) { flag in
                                        program.checks = checkPointer.baseAddress
                                        program.check_count = Int32(checkPointer.count)
                                        program.outside = flag
                                        status = xe_fused(&program, &sum)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        } }
        if status != 0 { throw .invalid("no memory left for the scratch blocks of a fused expression") }
        return (results, sum, sums, outside != 0)
    }

    /// `k` new arrays of `n` elements, each filled through its pointer by `body`.
    private static func buffers(_ k: Int, _ n: Int, _ pointers: [UnsafeMutablePointer<Double>],
                                _ body: ([UnsafeMutablePointer<Double>]) -> Void) -> [[Double]] {
        if k == 0 {
            body(pointers)
            return []
        }
        var rest: [[Double]] = []
        let first = Tensor.uninitialized(n) { p in rest = buffers(k - 1, n, pointers + [p], body) }
        return [first] + rest
    }

    /// Runs `body` with a pointer to the storage of each of `tensors`.
    private static func withPointers(_ tensors: ArraySlice<Tensor>, _ pointers: [UnsafePointer<Double>],
                                     _ body: ([UnsafePointer<Double>]) -> Void) {
        guard let first = tensors.first else { return body(pointers) }
        first.storage.withUnsafeBufferPointer { p in
            withPointers(tensors.dropFirst(), pointers + [p.baseAddress!], body)
        }
    }

    private static func withPointers(_ tensors: [Tensor], _ pointers: [UnsafePointer<Double>],
                                     _ body: ([UnsafePointer<Double>]) -> Void) {
        withPointers(tensors[...], pointers, body)
    }
}
