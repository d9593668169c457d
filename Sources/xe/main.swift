import CXEShim
import Glibc
import XERuntime

let options: CommandLineOptions
do {
    options = try CommandLineOptions.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    Console.error("xe: \(error.message)\n\(CommandLineOptions.usage)")
    exit(2)
}

xe_tune_allocator()
xe_ignore_sigpipe()
xe_unblock_stop_signals()
let app = App(options: options)
LargeStack.run { app.run() }
exit(app.status)
