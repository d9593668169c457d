/// A reader for the subset of Python's pickle format that `torch.load(weights_only=True)`
/// accepts: containers (dict, OrderedDict, list, tuple), numbers, strings, bytes, None and
/// booleans, and the calls that rebuild tensors from storages. It never runs anything: a
/// "call" (REDUCE) is allowed only on a short list of known functions, which it interprets
/// itself, and every other global, class or opcode is refused with an error naming it.
///
/// Bounded: every length is checked against the bytes that are left, the stack and the memo
/// against fixed limits, integers are at most 64 bits.
struct Pickle {
    /// A list or dict: a reference, because pickle memoizes a container before filling it.
    final class List { var items: [Value] = [] }
    final class Dict { var items: [(key: Value, value: Value)] = [] }

    /// A storage, as `torch.save` names it in a persistent id: its element type (nil for an
    /// `UntypedStorage`, whose tensor gives the type), the name of its record in the archive
    /// and its length in bytes.
    struct Storage {
        var type: ElementType?
        var key: String
        var bytes: Int
    }

    /// A tensor: a view of a storage (element offset, shape, strides in elements).
    struct TensorView {
        var storage: Storage
        var type: ElementType
        var offset: Int
        var shape: [Int]
        var strides: [Int]
    }

    indirect enum Value {
        case none
        case bool(Bool)
        case int(Int)
        case float(Double)
        case string(String)
        case bytes([UInt8])
        case tuple([Value])
        case list(List)
        case dict(Dict)
        /// An allowed global: a function or class xe knows (never looked up anywhere).
        case global(String)
        case storage(Storage)
        case tensor(TensorView)

        var kind: String {
            switch self {
            case .none: return "None"
            case .bool: return "a bool"
            case .int: return "an int"
            case .float: return "a float"
            case .string: return "a string"
            case .bytes: return "bytes"
            case .tuple: return "a tuple"
            case .list: return "a list"
            case .dict: return "a dict"
            case .global(let g): return g
            case .storage: return "a storage"
            case .tensor: return "a tensor"
            }
        }
    }

    /// The storage classes of `torch.save`'s persistent ids, by element type.
    static let storageTypes: [String: ElementType] = [
        "torch.DoubleStorage": .float64, "torch.FloatStorage": .float32, "torch.HalfStorage": .float16,
        "torch.BFloat16Storage": .bfloat16, "torch.LongStorage": .int64, "torch.IntStorage": .int32,
        "torch.ShortStorage": .int16, "torch.CharStorage": .int8, "torch.ByteStorage": .uint8,
        "torch.BoolStorage": .bool,
        "torch.UInt16Storage": .uint16, "torch.UInt32Storage": .uint32, "torch.UInt64Storage": .uint64,
    ]

    /// The dtypes `_rebuild_tensor_v3` names (for the types without a typed storage class).
    static let dtypes: [String: ElementType] = [
        "torch.float64": .float64, "torch.float32": .float32, "torch.float16": .float16, "torch.bfloat16": .bfloat16,
        "torch.int64": .int64, "torch.int32": .int32, "torch.int16": .int16, "torch.int8": .int8,
        "torch.uint64": .uint64, "torch.uint32": .uint32, "torch.uint16": .uint16, "torch.uint8": .uint8, "torch.bool": .bool,
    ]

    /// The functions and classes a pickle may name: those `weights_only=True` allows for
    /// dense tensors and plain containers.
    static let allowedGlobals: Set<String> = [
        "collections.OrderedDict", "builtins.dict", "builtins.list", "builtins.tuple",
        "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor_v3",
        "torch.storage.UntypedStorage",
        "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
        "torch._tensor._rebuild_from_type_v2", "torch.Tensor", "torch.nn.parameter.Parameter",
    ]

    static let maxStack = 1 << 20
    static let maxMemo = 1 << 20

    let bytes: UnsafeBufferPointer<UInt8>
    /// Says where the pickle is in messages: "'out.pt' entry 'out/data.pkl'".
    let name: String
    private var at = 0
    private var stack: [Value] = []
    private var marks: [Int] = []
    private var memo: [Int: Value] = [:]

    init(_ bytes: UnsafeBufferPointer<UInt8>, name: String) {
        self.bytes = bytes
        self.name = name
    }

    func failure(_ what: String) -> DataFileError {
        .invalid("\(name): \(what) (at byte \(at)); xe reads only tensors and containers of them, what torch.load(weights_only=True) accepts, and never runs code from a file")
    }

    /// Reads the pickle to its STOP and returns the object.
    static func load(_ bytes: UnsafeBufferPointer<UInt8>, name: String) throws(DataFileError) -> Value {
        var pickle = Pickle(bytes, name: name)
        return try pickle.run()
    }

    private mutating func byte() throws(DataFileError) -> UInt8 {
        guard at < bytes.count else { throw truncated() }
        at += 1
        return bytes[at - 1]
    }

    private func truncated() -> DataFileError {
        .invalid("\(name) is truncated: the pickle ends before its STOP (at byte \(at))")
    }

    private mutating func take(_ n: Int) throws(DataFileError) -> UnsafeBufferPointer<UInt8> {
        guard n >= 0, n <= bytes.count - at else { throw truncated() }
        defer { at += n }
        return UnsafeBufferPointer(rebasing: bytes[at..<(at + n)])
    }

    private mutating func unsigned(_ n: Int) throws(DataFileError) -> Int {
        let b = try take(n)
        var v: UInt64 = 0
        for k in stride(from: n - 1, through: 0, by: -1) { v = v << 8 | UInt64(b[k]) }
        guard v <= UInt64(Int.max) else { throw failure("a length of \(v)") }
        return Int(v)
    }

    private mutating func text(_ n: Int) throws(DataFileError) -> String {
        String(decoding: try take(n), as: UTF8.self)
    }

    /// A `module\nname\n` line pair of GLOBAL.
    private mutating func line() throws(DataFileError) -> String {
        let start = at
        while at < bytes.count, bytes[at] != 0x0A {
            at += 1
            guard at - start <= 256 else { throw failure("a GLOBAL name of more than 256 bytes") }
        }
        guard at < bytes.count else { throw truncated() }
        defer { at += 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
    }

    private mutating func push(_ v: Value) throws(DataFileError) {
        guard stack.count < Pickle.maxStack else { throw failure("a stack of more than \(Pickle.maxStack) objects") }
        stack.append(v)
    }

    private mutating func pop() throws(DataFileError) -> Value {
        guard let v = stack.popLast(), stack.count >= (marks.last ?? 0) else { throw failure("an opcode with nothing on the stack for it") }
        return v
    }

    /// The objects since the last MARK, and the mark removed.
    private mutating func popMark() throws(DataFileError) -> [Value] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw failure("an opcode that needs a MARK without one") }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    private mutating func memoize(_ index: Int) throws(DataFileError) {
        guard let top = stack.last, stack.count > (marks.last ?? 0) else { throw failure("a memo store with nothing on the stack") }
        guard memo.count < Pickle.maxMemo || memo[index] != nil else { throw failure("more than \(Pickle.maxMemo) memo entries") }
        memo[index] = top
    }

    private func recall(_ index: Int) throws(DataFileError) -> Value {
        guard let v = memo[index] else { throw failure("a memo read of entry \(index), which was never stored") }
        return v
    }

    private mutating func run() throws(DataFileError) -> Value {
        while true {
            let op = try byte()
            switch op {
            case 0x80: // PROTO
                let version = try byte()
                guard version <= 5 else { throw failure("pickle protocol \(version)") }
            case 0x95: _ = try take(8) // FRAME: a length hint
            case 0x2E: // STOP
                guard marks.isEmpty, stack.count == 1 else { throw failure("a STOP with \(stack.count) objects on the stack") }
                return stack[0]
            case 0x28: // MARK
                guard marks.count < 4096 else { throw failure("MARKs nested more than 4096 deep") }
                marks.append(stack.count)
            case 0x4E: try push(.none) // NONE
            case 0x88: try push(.bool(true)) // NEWTRUE
            case 0x89: try push(.bool(false)) // NEWFALSE
            case 0x4B: try push(.int(try unsigned(1))) // BININT1
            case 0x4D: try push(.int(try unsigned(2))) // BININT2
            case 0x4A: try push(.int(Int(Int32(truncatingIfNeeded: try unsigned(4))))) // BININT
            case 0x8A, 0x8B: // LONG1, LONG4: a little-endian two's-complement integer
                let n = op == 0x8A ? try unsigned(1) : try unsigned(4)
                guard n <= 8 else { throw failure("an integer of \(n) bytes; xe reads integers of up to 64 bits") }
                let b = try take(n)
                var v: UInt64 = 0
                for k in stride(from: n - 1, through: 0, by: -1) { v = v << 8 | UInt64(b[k]) }
                if n > 0, n < 8, b[n - 1] & 0x80 != 0 { v |= ~0 << UInt64(8 * n) }
                try push(.int(Int(Int64(bitPattern: v))))
            case 0x47: // BINFLOAT: big-endian float64
                let b = try take(8)
                var v: UInt64 = 0
                for k in 0..<8 { v = v << 8 | UInt64(b[k]) }
                try push(.float(Double(bitPattern: v)))
            case 0x58: try push(.string(try text(try unsigned(4)))) // BINUNICODE
            case 0x8C: try push(.string(try text(try unsigned(1)))) // SHORT_BINUNICODE
            case 0x8D: try push(.string(try text(try unsigned(8)))) // BINUNICODE8
            case 0x54: try push(.string(try text(try unsigned(4)))) // BINSTRING (protocol 1)
            case 0x55: try push(.string(try text(try unsigned(1)))) // SHORT_BINSTRING
            case 0x42: try push(.bytes(Array(try take(try unsigned(4))))) // BINBYTES
            case 0x43: try push(.bytes(Array(try take(try unsigned(1))))) // SHORT_BINBYTES
            case 0x8E: try push(.bytes(Array(try take(try unsigned(8))))) // BINBYTES8
            case 0x7D: try push(.dict(Dict())) // EMPTY_DICT
            case 0x5D: try push(.list(List())) // EMPTY_LIST
            case 0x29: try push(.tuple([])) // EMPTY_TUPLE
            case 0x74: try push(.tuple(try popMark())) // TUPLE
            case 0x85: try push(.tuple([try pop()])) // TUPLE1
            case 0x86: // TUPLE2
                let b = try pop(), a = try pop()
                try push(.tuple([a, b]))
            case 0x87: // TUPLE3
                let c = try pop(), b = try pop(), a = try pop()
                try push(.tuple([a, b, c]))
            case 0x6C: // LIST
                let list = List()
                list.items = try popMark()
                try push(.list(list))
            case 0x64: // DICT
                let dict = Dict()
                try fill(dict, try popMark())
                try push(.dict(dict))
            case 0x61: // APPEND
                let v = try pop()
                guard case .list(let list)? = stack.last else { throw failure("APPEND to \(stack.last?.kind ?? "nothing"), not a list") }
                list.items.append(v)
            case 0x65: // APPENDS
                let items = try popMark()
                guard case .list(let list)? = stack.last else { throw failure("APPENDS to \(stack.last?.kind ?? "nothing"), not a list") }
                list.items += items
            case 0x73: // SETITEM
                let v = try pop(), k = try pop()
                guard case .dict(let dict)? = stack.last else { throw failure("SETITEM on \(stack.last?.kind ?? "nothing"), not a dict") }
                try fill(dict, [k, v])
            case 0x75: // SETITEMS
                let items = try popMark()
                guard case .dict(let dict)? = stack.last else { throw failure("SETITEMS on \(stack.last?.kind ?? "nothing"), not a dict") }
                try fill(dict, items)
            case 0x71: try memoize(try unsigned(1)) // BINPUT
            case 0x72: try memoize(try unsigned(4)) // LONG_BINPUT
            case 0x94: try memoize(memo.count) // MEMOIZE
            case 0x68: try push(try recall(try unsigned(1))) // BINGET
            case 0x6A: try push(try recall(try unsigned(4))) // LONG_BINGET
            case 0x63: // GLOBAL
                let module = try line(), name = try line()
                try push(try global(module, name))
            case 0x93: // STACK_GLOBAL
                guard case .string(let name) = try pop(), case .string(let module) = try pop() else {
                    throw failure("STACK_GLOBAL without two strings")
                }
                try push(try global(module, name))
            case 0x51: // BINPERSID: torch's storage reference
                try push(try storage(try pop()))
            case 0x52: // REDUCE
                let args = try pop(), callable = try pop()
                try push(try call(callable, args))
            case 0x62: // BUILD: the state of an OrderedDict (its _metadata) or a tensor, unused
                let state = try pop()
                guard let target = stack.last, stack.count > (marks.last ?? 0) else { throw failure("BUILD with nothing to build") }
                switch (target, state) {
                case (.dict, .dict), (.dict, .tuple), (.tensor, _), (.dict, .none): break
                default: throw failure("BUILD of \(target.kind) with \(state.kind)")
                }
            case 0x30: _ = try pop() // POP
            case 0x31: _ = try popMark() // POP_MARK
            case 0x32: // DUP
                guard let top = stack.last else { throw failure("DUP with nothing on the stack") }
                try push(top)
            default:
                let shown = op >= 0x20 && op < 0x7F ? " ('\(Character(Unicode.Scalar(op)))')" : ""
                let what = Pickle.opcodeNames[op].map { "the opcode \($0)" } ?? "the opcode 0x\(String(op, radix: 16))\(shown)"
                throw failure("\(what), which xe does not read")
            }
        }
    }

    /// Names of opcodes that are refused, for messages.
    static let opcodeNames: [UInt8: String] = [
        0x69: "INST (creates an object)", 0x6F: "OBJ (creates an object)", 0x81: "NEWOBJ (creates an object)",
        0x92: "NEWOBJ_EX (creates an object)", 0x50: "PERSID", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4",
        0x49: "INT (protocol 0)", 0x4C: "LONG (protocol 0)", 0x46: "FLOAT (protocol 0)", 0x53: "STRING (protocol 0)",
        0x56: "UNICODE (protocol 0)", 0x70: "PUT (protocol 0)", 0x67: "GET (protocol 0)",
        0x8F: "EMPTY_SET", 0x90: "ADDITEMS", 0x91: "FROZENSET", 0x96: "BYTEARRAY8", 0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER",
    ]

    private func fill(_ dict: Dict, _ items: [Value]) throws(DataFileError) {
        guard items.count % 2 == 0 else { throw failure("a dict with a key and no value") }
        for i in stride(from: 0, to: items.count, by: 2) {
            switch items[i] {
            case .string, .int, .bool, .none, .float, .tuple: break
            default: throw failure("a dict key that is \(items[i].kind)")
            }
            dict.items.append((items[i], items[i + 1]))
        }
    }

    private func global(_ module: String, _ name: String) throws(DataFileError) -> Value {
        let full = module + "." + name
        if Pickle.allowedGlobals.contains(full) || Pickle.storageTypes[full] != nil || Pickle.dtypes[full] != nil { return .global(full) }
        if module == "torch", name.hasSuffix("Storage") || ["float", "complex", "qint", "quint", "bits", "int", "uint"].contains(where: name.hasPrefix) {
            throw .invalid("\(self.name): a tensor of type torch.\(name.prefix(40)), which xe does not read; it reads float64, float32, float16, bfloat16, integers and bool")
        }
        throw failure("the pickle asks for '\(full.prefix(200))'")
    }

    /// `('storage', torch.FloatStorage, '0', 'cpu', 6)`: 6 elements, or 6 bytes of an
    /// `UntypedStorage`.
    private func storage(_ pid: Value) throws(DataFileError) -> Value {
        guard case .tuple(let p) = pid, p.count == 5, case .string("storage") = p[0], case .global(let type) = p[1],
              case .string(let key) = p[2], case .int(let count) = p[4], count >= 0 else {
            throw failure("a persistent id that is not a torch storage")
        }
        if type == "torch.storage.UntypedStorage" { return .storage(Storage(type: nil, key: key, bytes: count)) }
        guard let element = Pickle.storageTypes[type], let bytes = count.times(element.size) else {
            throw failure("a persistent id that is not a torch storage")
        }
        return .storage(Storage(type: element, key: key, bytes: bytes))
    }

    /// The few calls a weights-only pickle makes, interpreted here.
    private func call(_ callable: Value, _ args: Value) throws(DataFileError) -> Value {
        guard case .global(let function) = callable, case .tuple(let a) = args else {
            throw failure("a call of \(callable.kind) with \(args.kind)")
        }
        switch function {
        case "collections.OrderedDict", "builtins.dict":
            guard a.isEmpty else { throw failure("\(function) called with arguments") }
            return .dict(Dict())
        case "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor_v3":
            // (storage, storage_offset, size, stride[, requires_grad, backward_hooks[, dtype (v3)][, metadata]])
            guard a.count >= 4, case .storage(let storage) = a[0], case .int(let offset) = a[1], offset >= 0,
                  let shape = integers(a[2]), let strides = integers(a[3]), shape.count == strides.count, shape.count <= 32 else {
                throw failure("\(function) called with arguments that do not describe a tensor")
            }
            var type = storage.type
            if function.hasSuffix("v3") {
                guard a.count >= 7, case .global(let dtype) = a[6], let t = Pickle.dtypes[dtype] else {
                    throw failure("\(function) called without a dtype xe reads")
                }
                type = t
            }
            guard let type else { throw failure("a tensor of an untyped storage without a dtype") }
            return .tensor(TensorView(storage: storage, type: type, offset: offset, shape: shape, strides: strides))
        case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
            guard let data = a.first, case .tensor = data else { throw failure("\(function) called without a tensor") }
            return data
        case "torch._tensor._rebuild_from_type_v2":
            // (func, type, args, state): func(*args) as a plain tensor or parameter.
            guard a.count == 4, case .global(let type) = a[1], type == "torch.Tensor" || type == "torch.nn.parameter.Parameter" else {
                throw failure("\(function) for a tensor subclass")
            }
            return try call(a[0], a[2])
        default:
            throw failure("a call of \(function)")
        }
    }

    private func integers(_ v: Value) -> [Int]? {
        guard case .tuple(let items) = v else { return nil }
        var out: [Int] = []
        for item in items {
            guard case .int(let n) = item, n >= 0 else { return nil }
            out.append(n)
        }
        return out
    }
}
