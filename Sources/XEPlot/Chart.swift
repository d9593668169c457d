import XETensor

/// A line chart of one or more series, drawn in the terminal with Unicode characters or
/// written as a standalone SVG file. Points that are not finite break a line.
public struct Chart {
    /// One line of the chart, with its name for the legend.
    public struct Series {
        public var name: String
        public var x: [Double]
        public var y: [Double]

        public init(name: String, x: [Double], y: [Double]) {
            self.name = name
            self.x = x
            self.y = y
        }
    }

    /// Why there is no chart to draw.
    public enum Problem: Error {
        /// No point of any series has a finite x and y.
        case nothingToPlot
        /// The values of an axis ("x" or "y") lie further apart than a float64 can hold.
        case tooWide(axis: String, lo: Double, hi: Double)

        public var message: String {
            switch self {
            case .nothingToPlot: "nothing to plot: no point has a finite x and y"
            case .tooWide(let axis, let lo, let hi):
                "the \(axis) values run from \(Tensor.format(lo)) to \(Tensor.format(hi)), further apart than a float64 can hold; scale them down"
            }
        }
    }

    public private(set) var series: [Series]
    var title: String?
    var xLabel: String?
    var yLabel: String?
    /// The ranges drawn: the finite data, widened when flat.
    let xRange: (lo: Double, hi: Double)
    let yRange: (lo: Double, hi: Double)

    public init(series: [Series], title: String? = nil, xLabel: String? = nil, yLabel: String? = nil) throws(Problem) {
        self.series = series
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        var xs: [Double] = [], ys: [Double] = []
        for s in series {
            for (x, y) in zip(s.x, s.y) where x.isFinite && y.isFinite {
                xs.append(x)
                ys.append(y)
            }
        }
        guard let xlo = xs.min(), let xhi = xs.max(), let ylo = ys.min(), let yhi = ys.max() else {
            throw .nothingToPlot
        }
        xRange = Chart.widened(xlo, xhi)
        yRange = Chart.rounded(Chart.widened(ylo, yhi))
        // Every position on the chart is a fraction of hi - lo: it must be a finite number.
        guard (xRange.hi - xRange.lo).isFinite else { throw .tooWide(axis: "x", lo: xlo, hi: xhi) }
        guard (yRange.hi - yRange.lo).isFinite else { throw .tooWide(axis: "y", lo: ylo, hi: yhi) }
    }

    /// The range grown out to round numbers (the step of about five ticks), so that the axis
    /// starts and ends on a labelled tick.
    static func rounded(_ range: (lo: Double, hi: Double)) -> (lo: Double, hi: Double) {
        let step = tickStep(range.hi - range.lo, count: 5)
        guard step > 0, step.isFinite else { return range }
        let lo = (range.lo / step).rounded(.down) * step, hi = (range.hi / step).rounded(.up) * step
        return lo.isFinite && hi.isFinite && hi > lo ? (lo, hi) : range
    }

    /// 1, 2 or 5 times a power of ten: the tick step that gives about `count` ticks over `span`.
    static func tickStep(_ span: Double, count: Int) -> Double {
        guard span > 0, span.isFinite, count > 1 else { return 0 }
        let raw = span / Double(count - 1)
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        return [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
    }

    /// A range that is not empty: a flat one grows by 1 (or 10%) each way (one way only at the
    /// largest float64s, where the other would overflow).
    static func widened(_ lo: Double, _ hi: Double) -> (lo: Double, hi: Double) {
        guard hi > lo else {
            let d = lo == 0 ? 1 : Swift.abs(lo) * 0.1
            return ((lo - d).isFinite ? lo - d : lo, (hi + d).isFinite ? hi + d : hi)
        }
        return (lo, hi)
    }

    /// About `count` round tick values (1, 2 or 5 times a power of ten apart) inside [lo, hi].
    static func ticks(_ lo: Double, _ hi: Double, count: Int) -> [Double] {
        let step = tickStep(hi - lo, count: count)
        guard step > 0 else { return [lo] }
        var values: [Double] = []
        var k = (lo / step).rounded(.up)
        // (hi + step·1e-9 is infinite at the largest float64s: k·step must stay finite too.)
        while k * step <= hi + step * 1e-9, (k * step).isFinite, values.count < 50 {
            let v = k * step
            values.append(Swift.abs(v) < step * 1e-9 ? 0 : v)
            k += 1
        }
        return values
    }

    /// A tick label: few digits, no trailing zeros.
    static func label(_ v: Double) -> String {
        Tensor.formatSignificant(v)
    }

    /// The colours of the series, in order (terminal ANSI codes and SVG colours).
    static let ansiColors = [34, 31, 32, 35, 36, 33]
    static let svgColors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#17becf", "#ff7f0e"]
    /// The marks of the series when the terminal has no colour.
    static let glyphs: [Character] = ["•", "×", "+", "∘", "*", "#"]
}
