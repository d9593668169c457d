extension Chart {
    /// The chart as text `width` columns wide with a plot area `height` rows high.
    ///
    /// One series (or several, in colour) is drawn with Braille dots, 2×4 per character; several
    /// series without colour are drawn with one mark per series (•, ×, +, ...) per character.
    public func terminal(width: Int, height: Int, color: Bool) -> String {
        let yTicks = Chart.ticks(yRange.lo, yRange.hi, count: 5)
        let yLabels = yTicks.map(Chart.label)
        let labelWidth = Swift.max(yLabels.map(\.count).max() ?? 1, 1)
        let columns = Swift.max(width - labelWidth - 2, 10)
        let rows = Swift.max(height, 3)
        let braille = series.count == 1 || color
        var cells = [[Character]](repeating: [Character](repeating: " ", count: columns), count: rows)
        var owner = [[Int]](repeating: [Int](repeating: -1, count: columns), count: rows)
        var dots = [[UInt8]](repeating: [UInt8](repeating: 0, count: columns), count: rows)
        let (dx, dy) = braille ? (2, 4) : (1, 1)
        let gridW = columns * dx, gridH = rows * dy

        func plotPoint(_ gx: Int, _ gy: Int, _ s: Int) {
            guard gx >= 0, gx < gridW, gy >= 0, gy < gridH else { return }
            let c = gx / dx, r = gy / dy
            owner[r][c] = s
            if braille {
                let bits: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]
                dots[r][c] |= bits[gy % 4][gx % 2]
            } else {
                cells[r][c] = Chart.glyphs[s % Chart.glyphs.count]
            }
        }
        func grid(_ x: Double, _ y: Double) -> (Int, Int) {
            let fx = (x - xRange.lo) / (xRange.hi - xRange.lo), fy = (y - yRange.lo) / (yRange.hi - yRange.lo)
            let gx = Int((fx * Double(gridW - 1)).rounded()), gy = Int(((1 - fy) * Double(gridH - 1)).rounded())
            return (gx, gy)
        }
        for (s, line) in series.enumerated() {
            var previous: (Int, Int)?
            for (x, y) in zip(line.x, line.y) {
                guard x.isFinite, y.isFinite else { previous = nil; continue }
                let point = grid(x, y)
                if let p = previous {
                    let steps = Swift.max(Swift.abs(point.0 - p.0), Swift.abs(point.1 - p.1), 1)
                    for k in 0...steps {
                        let t = Double(k) / Double(steps)
                        plotPoint(p.0 + Int((Double(point.0 - p.0) * t).rounded()), p.1 + Int((Double(point.1 - p.1) * t).rounded()), s)
                    }
                } else {
                    plotPoint(point.0, point.1, s)
                }
                previous = point
            }
        }

        // The row of each y tick.
        var tickAtRow: [Int: String] = [:]
        for (v, text) in zip(yTicks, yLabels) {
            let r = Int(((1 - (v - yRange.lo) / (yRange.hi - yRange.lo)) * Double(rows - 1)).rounded())
            if r >= 0 && r < rows { tickAtRow[r] = text }
        }
        var lines: [String] = []
        if let title { lines.append(String(repeating: " ", count: labelWidth + 2 + Swift.max(0, (columns - title.count) / 2)) + title) }
        if let yLabel { lines.append(yLabel) }
        for r in 0..<rows {
            var text = ""
            if let label = tickAtRow[r] {
                text += String(repeating: " ", count: labelWidth - label.count) + label + " ┤"
            } else {
                text += String(repeating: " ", count: labelWidth) + " │"
            }
            var current = -1
            for c in 0..<columns {
                let s = owner[r][c]
                if color && s != current {
                    text += s < 0 ? "\u{1B}[0m" : "\u{1B}[\(Chart.ansiColors[s % Chart.ansiColors.count])m"
                    current = s
                }
                if braille {
                    text += dots[r][c] == 0 ? " " : String(Character(Unicode.Scalar(0x2800 + UInt32(dots[r][c]))!))
                } else {
                    text.append(cells[r][c])
                }
            }
            if color && current >= 0 { text += "\u{1B}[0m" }
            lines.append(text.replacingTrailingSpaces)
        }

        // The x axis with its ticks and labels.
        let xTicks = Chart.ticks(xRange.lo, xRange.hi, count: Swift.max(2, columns / 12))
        var axis = [Character](repeating: "─", count: columns)
        var labels = [Character](repeating: " ", count: columns + labelWidth + 2)
        var free = 0
        for v in xTicks {
            let c = Int(((v - xRange.lo) / (xRange.hi - xRange.lo) * Double(columns - 1)).rounded())
            guard c >= 0 && c < columns else { continue }
            axis[c] = "┬"
            let text = Array(Chart.label(v))
            let start = Swift.max(labelWidth + 2 + c - text.count / 2, free)
            guard start + text.count <= labels.count else { continue }
            for (k, ch) in text.enumerated() { labels[start + k] = ch }
            free = start + text.count + 1
        }
        lines.append(String(repeating: " ", count: labelWidth) + " └" + String(axis))
        lines.append(String(labels).replacingTrailingSpaces)
        if let xLabel { lines.append(String(repeating: " ", count: labelWidth + 2 + Swift.max(0, (columns - xLabel.count) / 2)) + xLabel) }
        if series.count > 1 {
            let entries = series.enumerated().map { s, line -> String in
                if color { return "\u{1B}[\(Chart.ansiColors[s % Chart.ansiColors.count])m━━\u{1B}[0m \(line.name)" }
                return "\(Chart.glyphs[s % Chart.glyphs.count]) \(line.name)"
            }
            lines.append(String(repeating: " ", count: labelWidth + 2) + entries.joined(separator: "   "))
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// Without trailing spaces.
    fileprivate var replacingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
