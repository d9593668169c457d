import XERuntime

/// One fuzzing input: the bytes as a program, loaded (lexed, parsed with every syntax error,
/// the parse that also decides the REPL's continuation lines, compiled) and run by a fresh
/// interpreter with a time budget of 200 ms and tensors of at most 2^20 elements; its errors
/// rendered as the REPL would. Anything but a clean result or a clean error (a trap, a hang)
/// is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    Interpreter.maxTensorElements = 1 << 20
    let source = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let interpreter = Interpreter()
    interpreter.output = { _ in }
    Interpreter.clearInterrupt()
    Interpreter.interrupt(afterMilliseconds: 200)
    defer {
        Interpreter.interrupt(afterMilliseconds: 0)
        Interpreter.clearInterrupt()
    }
    do {
        _ = try interpreter.run(source, file: "fuzz.xe")
    } catch {
        _ = interpreter.render(error, color: false)
    }
    return 0
}
