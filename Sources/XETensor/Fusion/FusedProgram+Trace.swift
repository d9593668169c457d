import CXEKernels
import Glibc

/// The fused programs as they run, written to standard error when the environment variable
/// `XE_FUSION_TRACE` is set (to anything but empty or 0): for finding out what a workload
/// runs — how many passes, how many instructions and block registers, which full-size arrays
/// each pass reads and writes. Read once, at the first fused pass.
enum FusionTrace {
    static let isOn: Bool = {
        guard let value = getenv("XE_FUSION_TRACE").map({ String(cString: $0) }) else { return false }
        return !value.isEmpty && value != "0"
    }()

    /// One pass: its size, what it reads, writes and sums, then its instructions one a line
    /// (`r2 = mul r0 in1`; `in` k an input, `r` k a block register).
    static func write(count: Int, inputs: [(length: Int, inner: Int)], code: [xe_fused_instruction], registers: Int32,
                      outputs: [Int32], reduce: Int32, along: (length: Int, inner: Int)?) {
        func name(_ operand: Int32) -> String {
            operand >= XE_OUTPUT_OPERAND ? "out\(operand - XE_OUTPUT_OPERAND)" : operand >= 0 ? "r\(operand)" : "in\(-1 - Int(operand))"
        }
        let read = inputs.enumerated().map { k, input in
            "in\(k)=" + (input.length == 1 ? "scalar" : input.length == count ? "full" : "band(\(input.length), inner \(input.inner))")
        }
        let sum = reduce == XE_NO_OPERAND ? "none" : along.map { "\(name(reduce)) along (\($0.length), inner \($0.inner))" } ?? name(reduce)
        var text = "xe fused: \(count) elements, \(code.count) instructions, \(registers) registers; reads \(read.joined(separator: " ")); "
            + "writes \(outputs.isEmpty ? "nothing" : outputs.map(name).joined(separator: " ")); sums \(sum)\n"
        for ins in code {
            let operands = [ins.a, ins.b, ins.c].filter { $0 != XE_NO_OPERAND }.map(name)
            let op = opName(ins.op) + (ins.op == Int32(XE_OP_FUNCTION.rawValue) || ins.op == Int32(XE_OP_DERIVATIVE.rawValue)
                ? "[\(functionName(ins.function))]" : "")
            text += "  \(name(ins.destination)) = \(op) \(operands.joined(separator: " "))\n"
        }
        var bytes = Array(text.utf8)
        _ = Glibc.write(2, &bytes, bytes.count)
    }

    private static let opNames: [UInt32: String] = Dictionary(uniqueKeysWithValues: [
        (XE_OP_ADD, "add"), (XE_OP_SUB, "sub"), (XE_OP_MUL, "mul"), (XE_OP_DIV, "div"), (XE_OP_POW, "pow"),
        (XE_OP_SQUARE, "square"), (XE_OP_NEG, "neg"), (XE_OP_ONE_MINUS, "one_minus"), (XE_OP_NOT, "not"),
        (XE_OP_EQ, "eq"), (XE_OP_NE, "ne"), (XE_OP_LT, "lt"), (XE_OP_LE, "le"), (XE_OP_GT, "gt"), (XE_OP_GE, "ge"),
        (XE_OP_MAX, "max"), (XE_OP_MIN, "min"), (XE_OP_CLIP, "clip"), (XE_OP_FUNCTION, "function"),
        (XE_OP_DERIVATIVE, "derivative"), (XE_OP_POW_DBASE, "pow_dbase"), (XE_OP_POW_DEXPONENT, "pow_dexponent"),
        (XE_OP_DIV_DDENOMINATOR, "div_ddenominator"), (XE_OP_SHARE_MAX, "share_max"), (XE_OP_SHARE_MIN, "share_min"),
        (XE_OP_EXP_NEG_ABS, "exp_neg_abs"), (XE_OP_SIGMOID_GIVEN, "sigmoid_given"), (XE_OP_WEIGHT, "weight"),
        (XE_OP_LOG1P_UNIT, "log1p_unit"),
    ].map { ($0.0.rawValue, $0.1) })

    private static func opName(_ op: Int32) -> String {
        opNames[UInt32(bitPattern: op)] ?? "op\(op)"
    }

    private static func functionName(_ f: Int32) -> String {
        UnaryFunction.allCases.first { Int32($0.kernel.rawValue) == f }?.rawValue ?? "f\(f)"
    }
}
