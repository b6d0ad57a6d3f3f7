import Foundation

/// A line chart written as standalone SVG: labelled axes with rounded ticks,
/// one polyline per series, and a legend. Used for `report.svg`.
///
/// The output is well-formed XML (every text node escaped) and renders the same
/// in browsers and in `rsvg-convert`/ImageMagick.
struct SVGChart {
    /// One named curve, optionally with a shaded band around it (the range of several runs).
    struct Series {
        var label: String
        var points: [(x: Double, y: Double)]
        /// The band's lower and upper edges at each `x`, drawn under the curve; empty for none.
        var band: [(x: Double, low: Double, high: Double)] = []
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series]
    /// Plot `log10(y)` instead of `y` (for losses spanning decades).
    var logarithmicY = false
    /// Values above this are left out of the axis range, and their lines leave the frame
    /// at the top (a diverging run must not flatten the others).
    var yLimit: Double?

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
                          "#17becf", "#7f7f7f", "#bcbd22", "#393b79", "#637939"]

    /// The chart as an SVG `<g>` element of size `width × height` placed at `(originX, originY)`;
    /// the legend sits to the right of the plot area, so it never hides a curve.
    /// - Parameter identifier: unique within the document; names the clip path of the plot area.
    func group(originX: Double, originY: Double, width: Double, height: Double, identifier: Int = 0) -> String {
        let margin = (left: 70.0, right: 120.0, top: 34.0, bottom: 48.0)
        let plotWidth = width - margin.left - margin.right
        let plotHeight = height - margin.top - margin.bottom
        let transformY: (Double) -> Double = { logarithmicY ? log10(Swift.max($0, 1e-300)) : $0 }
        let visible = series.map { curve in curve.points.filter { $0.x.isFinite && transformY($0.y).isFinite } }
        let bands = series.map { curve in
            curve.band.filter { $0.x.isFinite && transformY($0.low).isFinite && transformY($0.high).isFinite }
        }
        let edges = bands.flatMap { $0.flatMap { [(x: $0.x, y: $0.low), (x: $0.x, y: $0.high)] } }
        let finite = (visible.flatMap { $0 } + edges).filter { yLimit == nil || $0.y <= yLimit! }
        let xRange = Self.paddedRange(finite.map(\.x))
        let yRange = Self.paddedRange(finite.map { transformY($0.y) })
        func px(_ x: Double) -> Double { margin.left + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * plotWidth }
        func py(_ transformed: Double) -> Double {
            let y = margin.top + plotHeight - (transformed - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * plotHeight
            return Swift.min(Swift.max(y, margin.top - 20), margin.top + plotHeight + 20) // cut off by the clip path
        }
        let clip = "plot-area-\(identifier)"

        var svg = "<g transform=\"translate(\(svgNumber(originX)),\(svgNumber(originY)))\">\n"
        svg += "<rect x=\"0\" y=\"0\" width=\"\(svgNumber(width))\" height=\"\(svgNumber(height))\" fill=\"white\"/>\n"
        svg += text(title, x: width / 2, y: 20, anchor: "middle", size: 15, weight: "bold")
        svg += "<clipPath id=\"\(clip)\"><rect x=\"\(svgNumber(margin.left))\" y=\"\(svgNumber(margin.top))\" "
            + "width=\"\(svgNumber(plotWidth))\" height=\"\(svgNumber(plotHeight))\"/></clipPath>\n"
        for tick in Self.ticks(xRange) {
            svg += line(px(tick), margin.top, px(tick), margin.top + plotHeight, stroke: "#e5e5e5")
            svg += text(Self.label(tick), x: px(tick), y: margin.top + plotHeight + 16, anchor: "middle", size: 11)
        }
        let yTicks = logarithmicY ? Self.logarithmicTicks(yRange).map { (log10($0), $0) } : Self.ticks(yRange).map { ($0, $0) }
        for (position, value) in yTicks {
            svg += line(margin.left, py(position), margin.left + plotWidth, py(position), stroke: "#e5e5e5")
            svg += text(Self.label(value), x: margin.left - 6, y: py(position) + 4, anchor: "end", size: 11)
        }
        svg += "<rect x=\"\(svgNumber(margin.left))\" y=\"\(svgNumber(margin.top))\" width=\"\(svgNumber(plotWidth))\" "
            + "height=\"\(svgNumber(plotHeight))\" fill=\"none\" stroke=\"#333\" stroke-width=\"1\"/>\n"
        svg += text(xLabel, x: margin.left + plotWidth / 2, y: height - 10, anchor: "middle", size: 12)
        svg += "<text x=\"16\" y=\"\(svgNumber(margin.top + plotHeight / 2))\" font-family=\"sans-serif\" font-size=\"12\" "
            + "text-anchor=\"middle\" transform=\"rotate(-90 16 \(svgNumber(margin.top + plotHeight / 2)))\">"
            + "\(Self.escape(yLabel + (logarithmicY ? " (log scale)" : "")))</text>\n"
        for (index, band) in bands.enumerated() where band.count > 1 {
            let color = Self.palette[index % Self.palette.count]
            let outline = band.map { (x: $0.x, y: $0.high) } + band.reversed().map { (x: $0.x, y: $0.low) }
            let points = outline.map { "\(svgNumber(px($0.x))),\(svgNumber(py(transformY($0.y))))" }
            svg += "<polygon clip-path=\"url(#\(clip))\" fill=\"\(color)\" fill-opacity=\"0.18\" stroke=\"none\" "
                + "points=\"\(points.joined(separator: " "))\"/>\n"
        }
        for (index, curve) in series.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            let points = visible[index].map { "\(svgNumber(px($0.x))),\(svgNumber(py(transformY($0.y))))" }
            if points.count == 1 {
                let point = visible[index][0]
                svg += "<circle cx=\"\(svgNumber(px(point.x)))\" cy=\"\(svgNumber(py(transformY(point.y))))\" r=\"3\" "
                    + "fill=\"\(color)\"/>\n"
            } else if points.count > 1 {
                svg += "<polyline clip-path=\"url(#\(clip))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\" stroke-linejoin=\"round\" "
                    + "points=\"\(points.joined(separator: " "))\"/>\n"
            }
            let legendX = margin.left + plotWidth + 10
            let legendY = margin.top + 10 + Double(index) * 17
            svg += line(legendX, legendY - 4, legendX + 20, legendY - 4, stroke: color, width: 3)
            svg += text(curve.label, x: legendX + 26, y: legendY, anchor: "start", size: 12)
        }
        return svg + "</g>\n"
    }

    /// A whole SVG document holding `charts` in a grid of `columns` columns.
    static func document(_ charts: [SVGChart], columns: Int = 2, chartWidth: Double = 620,
                         chartHeight: Double = 360) -> String {
        let rows = (charts.count + columns - 1) / columns
        let width = chartWidth * Double(columns)
        let height = chartHeight * Double(Swift.max(rows, 1))
        var svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(svgNumber(width))\" height=\"\(svgNumber(height))\" "
            + "viewBox=\"0 0 \(svgNumber(width)) \(svgNumber(height))\">\n"
        for (index, chart) in charts.enumerated() {
            svg += chart.group(originX: Double(index % columns) * chartWidth,
                               originY: Double(index / columns) * chartHeight, width: chartWidth, height: chartHeight,
                               identifier: index)
        }
        return svg + "</svg>\n"
    }

    /// The data range widened by 5 % (or to a unit interval when flat or empty).
    static func paddedRange(_ values: [Double]) -> ClosedRange<Double> {
        guard let low = values.min(), let high = values.max() else { return 0...1 }
        if high - low < 1e-12 * Swift.max(1, abs(high)) { return (low - 0.5)...(high + 0.5) }
        let pad = 0.05 * (high - low)
        return (low - pad)...(high + pad)
    }

    /// About five ticks at 1, 2 or 5 times a power of ten.
    static func ticks(_ range: ClosedRange<Double>) -> [Double] {
        let span = range.upperBound - range.lowerBound
        let raw = span / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var tick = ceil(range.lowerBound / step) * step
        var result: [Double] = []
        while tick <= range.upperBound + 1e-9 * step {
            result.append(abs(tick) < 1e-12 * step ? 0 : tick)
            tick += step
        }
        return result
    }

    /// Ticks of a logarithmic axis whose range is given in `log10` units: the values 1, 2 and 5
    /// times a power of ten inside it, or every 1…9 times one when that gives fewer than three,
    /// thinned to at most eight.
    static func logarithmicTicks(_ range: ClosedRange<Double>) -> [Double] {
        func candidates(_ mantissas: [Double]) -> [Double] {
            let low = Int(floor(range.lowerBound)), high = Int(ceil(range.upperBound))
            return (low...high).flatMap { power in mantissas.map { $0 * pow(10, Double(power)) } }
                .filter { range.contains(log10($0)) }
        }
        var ticks = candidates([1, 2, 5])
        if ticks.count < 3 { ticks = candidates(Array(stride(from: 1.0, through: 9, by: 1))) }
        if ticks.count < 2 { return [pow(10, (range.lowerBound + range.upperBound) / 2)] }
        let thinning = (ticks.count + 7) / 8
        return ticks.enumerated().filter { $0.offset % thinning == 0 }.map(\.element)
    }

    /// A tick label: `%g` for ordinary magnitudes, scientific notation for very large or small ones.
    static func label(_ value: Double) -> String {
        if value == 0 { return "0" }
        if abs(value) >= 1e5 || abs(value) < 1e-3 { return String(format: "%.1e", value) }
        return String(format: "%g", (value * 1e6).rounded() / 1e6)
    }

    /// XML-escapes text content and attribute values.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    func text(_ content: String, x: Double, y: Double, anchor: String, size: Int, weight: String = "normal") -> String {
        "<text x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" font-family=\"sans-serif\" font-size=\"\(size)\" "
            + "font-weight=\"\(weight)\" text-anchor=\"\(anchor)\">\(Self.escape(content))</text>\n"
    }

    func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1) -> String {
        "<line x1=\"\(svgNumber(x1))\" y1=\"\(svgNumber(y1))\" x2=\"\(svgNumber(x2))\" y2=\"\(svgNumber(y2))\" stroke=\"\(stroke)\" "
            + "stroke-width=\"\(svgNumber(width))\"/>\n"
    }
}

/// A coordinate with two decimals.
func svgNumber(_ value: Double) -> String { String(format: "%.2f", value) }
