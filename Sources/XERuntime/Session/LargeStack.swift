import CXEShim

/// The thread xe runs on: its stack is large enough that xe's own limits (the call depth,
/// the parser's nesting) stop any recursion long before the stack runs out. The `xe` tool
/// starts its whole run on one; the interpreter's entry points (`load`, `run`,
/// `runScriptFile`) move onto one when called from another thread (a test runner, a host
/// program), and run in place when already on it.
public enum LargeStack {
    /// The stack size of xe's thread.
    static let bytes = 1 << 30

    /// Runs `body` on a thread with a `bytes` stack and waits for it, or runs it here when this
    /// thread is already such a thread (or none can be started).
    public static func run<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        var result: Result<T, E>?
        withoutActuallyEscaping(body) { body in
            var work = { result = Result { () throws(E) -> T in try body() } }
            let rc = withUnsafeMutablePointer(to: &work) { pointer in
                xe_run_on_big_stack(bytes, { context in
                    context!.assumingMemoryBound(to: (() -> Void).self).pointee()
                }, pointer)
            }
            if rc != 0 { work() }
        }
        return try result!.get()
    }
}
