extension SVGChart.Series {
    /// The median of several runs' curves, with their range (minimum to maximum) as the band.
    ///
    /// The runs are evaluated at different abscissae (rows at every step near a target, times
    /// that differ from run to run), so every curve is interpolated linearly at the union of
    /// all abscissae; at each one the median and range are taken over the runs whose span
    /// covers it (a run that stopped early leaves the statistics from its last point on).
    /// Points with a non-finite coordinate are dropped first.
    /// - Complexity: O(u · c · log p) for u distinct abscissae, c curves of at most p points.
    static func median(label: String, of curves: [[(x: Double, y: Double)]]) -> SVGChart.Series {
        let cleaned = curves.map { curve in
            curve.filter { $0.x.isFinite && $0.y.isFinite }.sorted { $0.x < $1.x }
        }
        var abscissae = cleaned.flatMap { $0.map(\.x) }.sorted()
        abscissae = abscissae.enumerated().filter { $0.offset == 0 || abscissae[$0.offset - 1] != $0.element }
            .map(\.element)
        var points: [(x: Double, y: Double)] = []
        var band: [(x: Double, low: Double, high: Double)] = []
        for x in abscissae {
            let values = cleaned.compactMap { interpolate($0, at: x) }
            guard let median = SeedSummary.median(values), let low = values.min(), let high = values.max() else {
                continue
            }
            points.append((x, median))
            band.append((x, low, high))
        }
        return SVGChart.Series(label: label, points: points, band: band)
    }

    /// `curve` (sorted by x) at `x` by linear interpolation; `nil` outside its span.
    private static func interpolate(_ curve: [(x: Double, y: Double)], at x: Double) -> Double? {
        guard let first = curve.first, let last = curve.last, x >= first.x, x <= last.x else { return nil }
        var low = 0, high = curve.count - 1 // invariant: curve[low].x ≤ x ≤ curve[high].x
        while high - low > 1 {
            let middle = (low + high) / 2
            if curve[middle].x <= x { low = middle } else { high = middle }
        }
        let (a, b) = (curve[low], curve[high])
        if x == a.x || b.x == a.x { return a.y }
        if x == b.x { return b.y }
        return a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x)
    }
}
