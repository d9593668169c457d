import CXEShim
import Glibc
import XEPlot
import XETensor

extension Builtins {
    static let plots: [Builtin] = [
        Builtin("plot", [
            ParameterSpec("file", keywordOnly: true), ParameterSpec("title", keywordOnly: true),
            ParameterSpec("labels", keywordOnly: true), ParameterSpec("xlabel", keywordOnly: true),
            ParameterSpec("ylabel", keywordOnly: true), ParameterSpec("width", keywordOnly: true),
            ParameterSpec("height", default: .number(16), keywordOnly: true),
            ParameterSpec("points", default: .number(201), keywordOnly: true),
        ], variadic: true,
                summary: "a line chart in the terminal, or an SVG file with file=\"out.svg\"",
                details: """
                Forms: plot(f, a, b) draws the function f on [a, b] (sampled at `points` points);
                plot(f, g, ..., a, b) draws several; plot(x, y) and plot(x, y1, y2, ...) draw series
                against x (a matrix y draws each row); plot(y) draws y against 0, 1, 2, ...
                Options: title=, xlabel=, ylabel=, labels=("a", "b") for the legend, width= (columns;
                the terminal's width by default, 80 over a pipe), height= (rows, 16).
                Example: plot(p -> bce(1, p), p -> bce(0, p), 0.01, 0.99, labels=("y = 1", "y = 0"))
                """) { call in
            let chart = try makeChart(call)
            if let file = try optionalString(call, 0, "file") {
                guard file.hasSuffix(".svg") else {
                    throw XEError(.io("plot(): file= names an SVG file, such as \"out.svg\", not '\(file)'"), at: call.location)
                }
                do {
                    try FileSystem.write(file, Array(chart.svg().utf8))
                } catch let error as XEError {
                    throw XEError(error.problem, at: call.location)
                }
                return .none
            }
            var width = 80
            if xe_isatty(1) != 0, xe_terminal_columns(1) > 0 {
                width = Int(xe_terminal_columns(1))
            } else if let columns = getenv("COLUMNS").flatMap({ Int(String(cString: $0)) }), columns > 0 {
                width = columns
            }
            if call.value(5) != nil { width = try call.integer(5, "width") }
            let height = try call.integer(6, "height")
            guard (20...1000).contains(width), (3...200).contains(height) else {
                throw XEError.argument("plot(): width must be 20 to 1000 columns and height 3 to 200 rows", at: call.location)
            }
            let color = xe_isatty(1) != 0 && getenv("NO_COLOR") == nil && chart.series.count > 1
            call.interpreter.output(chart.terminal(width: width, height: height, color: color) + "\n")
            return .none
        },
    ]

    static func optionalString(_ call: BuiltinCall, _ i: Int, _ what: String) throws -> String? {
        call.value(i) == nil ? nil : try call.string(i, what)
    }

    /// The series of a plot call from its positional arguments.
    static func makeChart(_ call: BuiltinCall) throws -> Chart {
        let args = call.rest
        guard !args.isEmpty else {
            throw XEError.argument("plot() needs something to draw: plot(f, a, b), plot(x, y) or plot(y)", at: call.location)
        }
        var names: [String] = []
        var series: [Chart.Series] = []
        let functions = args.prefix { if case .function = $0 { return true } else { return false } }
        if !functions.isEmpty {
            guard args.count == functions.count + 2, let a = args[functions.count].tensorValue, let b = args[functions.count + 1].tensorValue,
                  a.count == 1, b.count == 1, a.storage[0].isFinite, b.storage[0].isFinite, a.storage[0] < b.storage[0] else {
                throw XEError.argument("plot(f, a, b): after the functions give the interval as two finite numbers a < b, e.g. plot(p -> bce(1, p), 0.01, 0.99)", at: call.location)
            }
            let n = try call.integer(7, "points")
            guard (2...100_000).contains(n) else { throw XEError.argument("plot(): points must be 2 to 100000", at: call.location) }
            let lo = a.storage[0], hi = b.storage[0]
            let xs = (0..<n).map { lo + (hi - lo) * Double($0) / Double(n - 1) }
            for case .function(let f) in functions {
                var ys: [Double] = []
                ys.reserveCapacity(n)
                for x in xs {
                    if xe_interrupted() != 0 { throw XEError(.interrupted, at: call.location) }
                    let v = try call.interpreter.call(.function(f), Arguments([.number(x)]), at: call.location)
                    guard let t = v.tensorValue, t.count == 1 else {
                        throw XEError.type("plot(): the function must give one number for each x, but at x = \(Tensor.format(x)) it gave \(v.kindDescription)", at: call.location)
                    }
                    ys.append(t.storage[0])
                }
                series.append(Chart.Series(name: (f as? UserFunction)?.template.display ?? f.name, x: xs, y: ys))
            }
        } else {
            let tensors = try args.map { v -> Tensor in
                guard let t = v.tensorValue else {
                    throw XEError.type("plot(): expected functions or tensors, not \(v.kindDescription)", at: call.location)
                }
                return t
            }
            if tensors.count == 1 {
                let y = tensors[0]
                guard y.rank <= 1 else {
                    throw XEError.type("plot(y): y must be a vector, not a tensor of shape \(Tensor.describe(shape: y.shape)); give x too: plot(x, y)", at: call.location)
                }
                series.append(Chart.Series(name: "y", x: (0..<y.count).map(Double.init), y: y.storage))
            } else {
                let x = tensors[0]
                guard x.rank <= 1 else {
                    throw XEError.type("plot(x, y): x must be a vector, not a tensor of shape \(Tensor.describe(shape: x.shape))", at: call.location)
                }
                for (k, y) in tensors.dropFirst().enumerated() {
                    let rows: [[Double]]
                    if y.rank <= 1 {
                        rows = [y.storage]
                    } else if y.rank == 2 && y.shape[1] == x.count {
                        rows = (0..<y.shape[0]).map { Array(y.storage[($0 * x.count)..<(($0 + 1) * x.count)]) }
                    } else {
                        throw XEError.type("plot(x, y): y must be a vector of \(x.count) values (or a matrix of rows of \(x.count)), not a tensor of shape \(Tensor.describe(shape: y.shape))", at: call.location)
                    }
                    for row in rows {
                        guard row.count == x.count else {
                            throw XEError.type("plot(x, y): x has \(x.count) values but series \(k + 1) has \(row.count)", at: call.location)
                        }
                        series.append(Chart.Series(name: "y\(series.count + 1)", x: x.storage, y: row))
                    }
                }
            }
        }
        if let labels = call.value(2) {
            switch labels {
            case .string(let s): names = [s]
            case .tuple(let items):
                names = try items.map { item in
                    guard case .string(let s) = item else {
                        throw XEError.type("plot(): labels= holds strings, such as labels=(\"y = 1\", \"y = 0\")", at: call.location)
                    }
                    return s
                }
            default:
                throw XEError.type("plot(): labels= is a string or a tuple of strings, not \(labels.kindDescription)", at: call.location)
            }
            for (i, name) in names.enumerated() where i < series.count { series[i].name = name }
        }
        do {
            return try Chart(series: series, title: optionalString(call, 1, "the title"),
                             xLabel: optionalString(call, 3, "xlabel"), yLabel: optionalString(call, 4, "ylabel"))
        } catch let problem as Chart.Problem {
            throw XEError(.other("plot(): \(problem.message)"), at: call.location)
        }
    }
}
