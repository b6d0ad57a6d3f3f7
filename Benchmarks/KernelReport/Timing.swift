import Foundation

/// Wall-clock timing for the report: the best of several repetitions, so the
/// figure is the kernel's speed rather than the machine's noise.
enum Timing {
    /// Monotonic seconds.
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    /// The fastest of `repetitions` runs of `body`, after one untimed warm-up run.
    /// Repetitions stop early once `budget` seconds have been spent (at least 3 are kept).
    static func best(repetitions: Int, budget: Double = 2, _ body: () throws -> Void) rethrows -> Double {
        try body()
        var best = Double.infinity
        let start = now()
        for index in 0..<repetitions {
            let t0 = now()
            try body()
            best = min(best, now() - t0)
            if index >= 2 && now() - start > budget { break }
        }
        return best
    }

    /// The fastest runs of `kernel` and of `baseline`, timed alternately so that both
    /// see the same machine state (thread wake-up, frequency, other load).
    static func bestPair(repetitions: Int, budget: Double = 4, _ kernel: () throws -> Void,
                         _ baseline: () throws -> Void) rethrows -> (kernel: Double, baseline: Double) {
        try kernel()
        try baseline()
        var best = (kernel: Double.infinity, baseline: Double.infinity)
        let start = now()
        for index in 0..<repetitions {
            var t0 = now()
            try kernel()
            best.kernel = min(best.kernel, now() - t0)
            t0 = now()
            try baseline()
            best.baseline = min(best.baseline, now() - t0)
            if index >= 2 && now() - start > budget { break }
        }
        return best
    }

    /// The least-squares slope of `log(seconds)` against `log(size)`: the empirical
    /// exponent `p` in `seconds ≈ c·sizeᵖ`.
    static func scalingExponent(sizes: [Int], seconds: [Double]) -> Double {
        let x = sizes.map { log(Double($0)) }
        let y = seconds.map { log($0) }
        let n = Double(x.count)
        let meanX = x.reduce(0, +) / n
        let meanY = y.reduce(0, +) / n
        let covariance = zip(x, y).map { ($0 - meanX) * ($1 - meanY) }.reduce(0, +)
        let variance = x.map { ($0 - meanX) * ($0 - meanX) }.reduce(0, +)
        return variance > 0 ? covariance / variance : .nan
    }
}
