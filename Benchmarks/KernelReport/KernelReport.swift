import Foundation

/// One row of the report: a kernel timed against its baseline in the same run.
struct ReportRow: Codable {
    var name: String
    var size: String
    var seconds: Double
    var baseline: String
    var baselineSeconds: Double
    /// `baselineSeconds / seconds`: above 1 the kernel is faster than its baseline.
    var speedup: Double
    /// Achieved GFLOP/s of the kernel (nil when a flop count is not meaningful).
    var gflops: Double?

    enum CodingKeys: String, CodingKey { case name, size, seconds, baseline, baselineSeconds, speedup, gflops }

    /// Every key is always present; a missing flop count is written as `null`.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(size, forKey: .size)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(baseline, forKey: .baseline)
        try container.encode(baselineSeconds, forKey: .baselineSeconds)
        try container.encode(speedup, forKey: .speedup)
        if let gflops { try container.encode(gflops, forKey: .gflops) } else { try container.encodeNil(forKey: .gflops) }
    }
}

/// A kernel timed at several sizes, with the fitted scaling exponent.
struct ScalingRow: Codable {
    var name: String
    var sizes: [Int]
    var seconds: [Double]
    var exponent: Double
}

/// A KronKit computation timed alone, to be set against its NumPy/SciPy peer
/// (`Benchmarks/peers/peers.py`, which times the rows of the same `id`).
struct PeerRow: Codable {
    /// The key shared with the NumPy/SciPy script, "kron-matmat" for example.
    var id: String
    var name: String
    var size: String
    var seconds: Double
}

/// Collects rows as the sections run; printed as markdown and written as JSON.
struct KernelReport {
    /// Short sizes and fewer repetitions (the whole report in under a minute on 2 cores).
    let quick: Bool
    private(set) var rows: [ReportRow] = []
    private(set) var scaling: [ScalingRow] = []
    private(set) var peers: [PeerRow] = []

    /// The width section's widths, method filter and curvature periods (`--widths`,
    /// `--width-methods`, `--width-periods`); nil for its defaults.
    let widths: [Int]?
    let widthMethods: [String]?
    let widthPeriods: WidthSection.Periods?

    init(quick: Bool, widths: [Int]? = nil, widthMethods: [String]? = nil, widthPeriods: WidthSection.Periods? = nil) {
        (self.quick, self.widths, self.widthMethods, self.widthPeriods) = (quick, widths, widthMethods, widthPeriods)
    }

    /// Repetitions per timing.
    var repetitions: Int { quick ? 3 : 10 }

    /// Times `kernel` and `baseline` alternately (each best-of-N) and records a row.
    /// - Parameter flops: the kernel's flop count, for GFLOP/s; nil to omit.
    /// - Parameter repetitions: best of how many pairs; the report's default when nil.
    mutating func compare(_ name: String, size: String, flops: Double? = nil, repetitions: Int? = nil,
                          kernel: () throws -> Void, baseline baselineName: String,
                          _ baseline: () throws -> Void) rethrows {
        let (kernelSeconds, baselineSeconds) = try Timing.bestPair(repetitions: repetitions ?? self.repetitions,
                                                                   kernel, baseline)
        rows.append(ReportRow(name: name, size: size, seconds: kernelSeconds, baseline: baselineName,
                              baselineSeconds: baselineSeconds, speedup: baselineSeconds / kernelSeconds,
                              gflops: flops.map { $0 / kernelSeconds / 1e9 }))
        print("  \(name) [\(size)]: \(format(kernelSeconds)) vs \(baselineName) \(format(baselineSeconds))")
    }

    /// Times `kernel` alone (best of N after a warm-up) and records it as the KronKit side of peer row `id`.
    /// - Parameter repetitions: best of how many runs; the report's default when nil.
    mutating func measure(_ id: String, _ name: String, size: String, repetitions: Int? = nil,
                          _ kernel: () throws -> Void) rethrows {
        let seconds = try Timing.best(repetitions: repetitions ?? self.repetitions, budget: 4, kernel)
        peers.append(PeerRow(id: id, name: name, size: size, seconds: seconds))
        print("  \(id) \(name) [\(size)]: \(format(seconds))")
    }

    /// Times `kernel(size)` at each size and records the fitted exponent.
    mutating func scale(_ name: String, sizes: [Int], _ kernel: (Int) throws -> Void) rethrows {
        var seconds: [Double] = []
        for size in sizes {
            seconds.append(try Timing.best(repetitions: repetitions) { try kernel(size) })
        }
        let exponent = Timing.scalingExponent(sizes: sizes, seconds: seconds)
        scaling.append(ScalingRow(name: name, sizes: sizes, seconds: seconds, exponent: exponent))
        print("  \(name): exponent \(String(format: "%.2f", exponent)) over sizes \(sizes)")
    }

    /// Adds a row measured by the section itself.
    mutating func record(_ row: ReportRow) { rows.append(row) }

    /// Adds a scaling row whose times the section measured itself.
    mutating func record(_ row: ScalingRow) { scaling.append(row) }

    /// The markdown tables.
    func markdown(machine: [String: String]) -> String {
        var text = "Machine: " + machine.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        if !peers.isEmpty {
            text += "\n\n| peer row | kernel | size | seconds |\n|---|---|---|---:|\n"
            for row in peers { text += "| \(row.id) | \(row.name) | \(row.size) | \(format(row.seconds)) |\n" }
        }
        guard !rows.isEmpty || !scaling.isEmpty else { return text }
        text += "\n\n| kernel | size | seconds | baseline | baseline seconds | speedup | GFLOP/s |\n"
        text += "|---|---|---:|---|---:|---:|---:|\n"
        for row in rows {
            let gflops = row.gflops.map { String(format: "%.1f", $0) } ?? "–"
            text += "| \(row.name) | \(row.size) | \(format(row.seconds)) | \(row.baseline) | "
                + "\(format(row.baselineSeconds)) | \(String(format: "%.3f", row.speedup)) | \(gflops) |\n"
        }
        if !scaling.isEmpty {
            text += "\n| scaling | sizes | seconds | exponent |\n|---|---|---|---:|\n"
            for row in scaling {
                let times = row.seconds.map(format).joined(separator: ", ")
                text += "| \(row.name) | \(row.sizes.map(String.init).joined(separator: ", ")) | \(times) | "
                    + "\(String(format: "%.2f", row.exponent)) |\n"
            }
        }
        return text
    }

    /// The JSON document `{"machine": …, "rows": […], "scaling": […], "peers": […]}`.
    func json(machine: [String: String]) throws -> Data {
        struct Document: Codable {
            var machine: [String: String]
            var rows: [ReportRow]
            var scaling: [ScalingRow]
            var peers: [PeerRow]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(Document(machine: machine, rows: rows, scaling: scaling, peers: peers))
    }
}

/// Seconds with a unit that keeps three significant digits.
func format(_ seconds: Double) -> String {
    if seconds < 1e-3 { return String(format: "%.1f µs", seconds * 1e6) }
    if seconds < 1 { return String(format: "%.2f ms", seconds * 1e3) }
    return String(format: "%.2f s", seconds)
}
