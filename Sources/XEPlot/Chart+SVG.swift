extension Chart {
    /// The chart as a standalone SVG document: a frame with grid lines and tick labels, one
    /// polyline per run of finite points of each series, a legend, the title and axis labels.
    public func svg(width: Int = 720, height: Int = 440) -> String {
        let left = 70.0, right = 20.0, top = title == nil ? 20.0 : 44.0, bottom = xLabel == nil ? 40.0 : 60.0
        let w = Double(width) - left - right, h = Double(height) - top - bottom
        func px(_ x: Double) -> Double { left + (x - xRange.lo) / (xRange.hi - xRange.lo) * w }
        func py(_ y: Double) -> Double { top + (1 - (y - yRange.lo) / (yRange.hi - yRange.lo)) * h }
        func n(_ v: Double) -> String {
            let r = (v * 100).rounded() / 100
            return r == r.rounded() ? String(Int(r)) : String(r)
        }
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="12">
            <rect x="0" y="0" width="\(width)" height="\(height)" fill="white"/>

            """
        for v in Chart.ticks(xRange.lo, xRange.hi, count: 8) {
            let x = n(px(v))
            out += "<line x1=\"\(x)\" y1=\"\(n(top))\" x2=\"\(x)\" y2=\"\(n(top + h))\" stroke=\"#e5e5e5\"/>\n"
            out += "<text x=\"\(x)\" y=\"\(n(top + h + 16))\" text-anchor=\"middle\">\(Chart.escape(Chart.label(v)))</text>\n"
        }
        for v in Chart.ticks(yRange.lo, yRange.hi, count: 6) {
            let y = n(py(v))
            out += "<line x1=\"\(n(left))\" y1=\"\(y)\" x2=\"\(n(left + w))\" y2=\"\(y)\" stroke=\"#e5e5e5\"/>\n"
            out += "<text x=\"\(n(left - 6))\" y=\"\(y)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(Chart.escape(Chart.label(v)))</text>\n"
        }
        out += "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(w))\" height=\"\(n(h))\" fill=\"none\" stroke=\"#333\"/>\n"
        for (s, line) in series.enumerated() {
            let color = Chart.svgColors[s % Chart.svgColors.count]
            var runs: [[String]] = [[]]
            for (x, y) in zip(line.x, line.y) {
                if x.isFinite && y.isFinite {
                    runs[runs.count - 1].append("\(n(px(x))),\(n(py(y)))")
                } else if !runs[runs.count - 1].isEmpty {
                    runs.append([])
                }
            }
            for run in runs where !run.isEmpty {
                if run.count == 1 {
                    let xy = run[0].split(separator: ",")
                    out += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"2\" fill=\"\(color)\"/>\n"
                } else {
                    out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(run.joined(separator: " "))\"/>\n"
                }
            }
        }
        if series.count > 1 {
            for (s, line) in series.enumerated() {
                let y = top + 14 + Double(s) * 18, x = left + w - 170
                out += "<line x1=\"\(n(x))\" y1=\"\(n(y))\" x2=\"\(n(x + 24))\" y2=\"\(n(y))\" stroke=\"\(Chart.svgColors[s % Chart.svgColors.count])\" stroke-width=\"2\"/>\n"
                out += "<text x=\"\(n(x + 30))\" y=\"\(n(y))\" dominant-baseline=\"middle\">\(Chart.escape(line.name))</text>\n"
            }
        }
        if let title {
            out += "<text x=\"\(n(left + w / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">\(Chart.escape(title))</text>\n"
        }
        if let xLabel {
            out += "<text x=\"\(n(left + w / 2))\" y=\"\(n(Double(height) - 14))\" text-anchor=\"middle\">\(Chart.escape(xLabel))</text>\n"
        }
        if let yLabel {
            out += "<text x=\"16\" y=\"\(n(top + h / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(n(top + h / 2)))\">\(Chart.escape(yLabel))</text>\n"
        }
        return out + "</svg>\n"
    }

    /// Text safe inside an XML element or attribute.
    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if let a = ch.asciiValue, a < 32, a != 9, a != 10 { continue }
                out.append(ch)
            }
        }
        return out
    }
}
