/// What the command line asks for (SPEC §1).
struct CommandLineOptions {
    enum Mode {
        /// `xe`: the REPL on a terminal, otherwise standard input as a script.
        case automatic
        /// `xe FILE.xe ARGS...`
        case script(String)
        /// `xe -e SOURCE`
        case evaluate(String)
        /// `xe -i FILE.xe`: the script, then the REPL.
        case interactive(String)
        case version
        case help
    }

    var mode: Mode = .automatic
    var plugins: [String] = []
    /// The strings the program sees as `args`.
    var arguments: [String] = []

    /// A command line that cannot be understood (exit status 2).
    struct UsageError: Error {
        var message: String
    }

    static let usage = """
        usage: xe                        start the REPL (or run standard input when it is not a terminal)
               xe FILE.xe [ARG ...]      run a script; ARGs are in the variable `args`
               xe -e 'SOURCE' [ARG ...]  run SOURCE and print the value of its last expression
               xe -i FILE.xe [ARG ...]   run the script, then open the REPL with its variables
               xe --plugin PATH ...      load a plugin (.so or .xe) first; repeatable
               xe --version | --help
        """

    static func parse(_ argv: [String]) throws(UsageError) -> CommandLineOptions {
        var options = CommandLineOptions()
        var i = 0
        func value(_ flag: String) throws(UsageError) -> String {
            i += 1
            guard i < argv.count else { throw UsageError(message: "\(flag) needs a value") }
            return argv[i]
        }
        while i < argv.count {
            let arg = argv[i]
            switch arg {
            case "--version", "-V":
                options.mode = .version
                return options
            case "--help", "-h":
                options.mode = .help
                return options
            case "--plugin":
                options.plugins.append(try value(arg))
            case "-e":
                options.mode = .evaluate(try value(arg))
                options.arguments = Array(argv[(i + 1)...])
                return options
            case "-i":
                options.mode = .interactive(try value(arg))
                options.arguments = Array(argv[(i + 1)...])
                return options
            case "--":
                if i + 1 < argv.count {
                    options.mode = .script(argv[i + 1])
                    options.arguments = Array(argv[(i + 2)...])
                }
                return options
            default:
                if arg.hasPrefix("--plugin=") {
                    options.plugins.append(String(arg.dropFirst("--plugin=".count)))
                } else if arg.hasPrefix("-"), arg != "-" {
                    throw UsageError(message: "unknown option '\(arg)'")
                } else {
                    options.mode = .script(arg)
                    options.arguments = Array(argv[(i + 1)...])
                    return options
                }
            }
            i += 1
        }
        return options
    }
}
