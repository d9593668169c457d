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
        /// `xe - ARGS...`: the program on standard input, even from a terminal.
        case standardInput
        case version
        case help
    }

    var mode: Mode = .automatic
    var plugins: [String] = []
    /// `--no-plugins`: the plugin folders are not loaded.
    var noPluginFolders = false
    /// `-q`: no banner.
    var quiet = false
    /// The strings the program sees as `args`.
    var arguments: [String] = []

    /// A command line that cannot be understood (exit status 2).
    struct UsageError: Error {
        var message: String
    }

    static let usage = """
        usage: xe [OPTION ...] [FILE.xe | - | -e SOURCE | -i FILE] [ARG ...]

          xe                     the REPL (standard input runs as a script if it is
                                 not a terminal)
          xe FILE.xe [ARG ...]   run a script; the ARGs are in the variable `args`
          xe - [ARG ...]         run the program on standard input
          xe -e 'SOURCE' [ARG ...]
                                 run SOURCE; print the value of its last expression
          xe -i FILE.xe [ARG ...]
                                 run the script, then open the REPL with its variables
          xe -i SESSION.npz      open the REPL with the variables saved by :save
          xe --version | --help

        options:
          --plugin PATH    load a plugin (.so or .xe) first; repeatable. A PATH that
                           names a file loads that file; a bare name that is no file
                           is looked for in the plugin folders. If the plugin does not
                           load, xe stops with status 2 before running anything.
          --no-plugins     do not load the plugins of the plugin folders
          -q, --quiet      no banner when the REPL starts
          -h, --help       this text
          -V, --version    the version

        environment:
          XE_PLUGIN_PATH   colon-separated folders whose .so and .xe plugins load at
                           start-up
          XDG_CONFIG_HOME  the user's plugin folder is $XDG_CONFIG_HOME/xe/plugins
                           (default ~/.config/xe/plugins)
          XDG_STATE_HOME   the REPL's history is $XDG_STATE_HOME/xe/history
                           (default ~/.xe_history)
          NO_COLOR         if set, errors and plots are not coloured
          COLUMNS          the width of plots when standard output is not a terminal
          TMPDIR           where a rebuilt native plugin is copied to be loaded again
                           when its own folder is not writable (default /tmp)
          XE_FUSION_TRACE  if set (and not 0), every fused pass is printed to standard
                           error (its inputs, outputs, instructions and registers)
          XE_SIMD          the widest vector path the kernels may take: avx2 (no
                           AVX-512) or portable (libm); unset (or anything else), the
                           widest the CPU has

        exit status:
          0    success
          1    an error in the program (or in a file it runs)
          2    bad usage: an unknown option, a script that cannot be opened, a
               --plugin that does not load
          N    the program called exit(N)
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
            case "--no-plugins":
                options.noPluginFolders = true
            case "-q", "--quiet":
                options.quiet = true
            case "-":
                options.mode = .standardInput
                options.arguments = Array(argv[(i + 1)...])
                return options
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
                } else if arg.hasPrefix("-") {
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
