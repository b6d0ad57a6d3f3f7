import CurvatureOptimizers

/// One method's runs over several seeds (`--seeds N`), summarised against a target: the
/// median and the range of the steps and seconds to it, with runs that never reach it
/// counted, not dropped.
struct SeedSummary: Sendable {
    /// The median and range of a quantity some runs may never attain (a step or a time to a
    /// target). An unattained value ranks after every attained one, as an infinite time would:
    /// the median is `nil` ("not reached") when the middle run (either middle run, for an even
    /// count) did not attain it, and the maximum is `nil` when any run did not.
    struct Spread: Equatable, Sendable {
        /// The middle value, or the mean of the two middle values for an even count.
        var median: Double?
        /// The smallest attained value; `nil` when no run attained one.
        var minimum: Double?
        /// The largest value; `nil` when some run did not attain one.
        var maximum: Double?
        /// Runs that attained a value.
        var attained: Int
        /// All runs.
        var count: Int

        /// A spread given by its parts.
        init(median: Double?, minimum: Double?, maximum: Double?, attained: Int, count: Int) {
            (self.median, self.minimum, self.maximum, self.attained, self.count) =
                (median, minimum, maximum, attained, count)
        }

        /// The spread of `values`, `nil` marking a run that did not attain one.
        /// - Complexity: O(n log n) for n values.
        init(_ values: [Double?]) {
            let reached = values.compactMap { $0 }.sorted()
            let ranked: [Double?] = reached + Array(repeating: nil, count: values.count - reached.count)
            count = values.count
            attained = reached.count
            minimum = reached.first
            maximum = reached.count == values.count ? reached.last : nil
            if ranked.isEmpty {
                median = nil
            } else if ranked.count % 2 == 1 {
                median = ranked[ranked.count / 2]
            } else if let low = ranked[ranked.count / 2 - 1], let high = ranked[ranked.count / 2] {
                median = (low + high) / 2
            } else {
                median = nil
            }
        }
    }

    var method: OptimizerMethod
    /// The method's runs, one per seed, in the order they ran.
    var records: [RunRecord]
    /// Steps to the target over the runs.
    var steps: Spread
    /// Training seconds to the target over the runs.
    var seconds: Spread

    /// The summary of `records`, all runs of `method`, against `target`.
    /// - Complexity: O(r) for r metrics rows in all, plus sorting the runs.
    init(method: OptimizerMethod, records: [RunRecord], target: RunRecord.Target) {
        self.method = method
        self.records = records
        let reached = records.map { $0.firstRow(reaching: target) }
        steps = Spread(reached.map { $0.map { Double($0.step) } })
        seconds = Spread(reached.map { $0?.seconds })
    }

    /// `records` as one summary per method against `target`, in the order each method first appears.
    static func grouped(_ records: [RunRecord], target: RunRecord.Target) -> [SeedSummary] {
        runsByMethod(records).map { SeedSummary(method: $0[0].method, records: $0, target: target) }
    }

    /// `records` split into each method's runs (never empty), in the order each method first appears.
    static func runsByMethod(_ records: [RunRecord]) -> [[RunRecord]] {
        var order: [OptimizerMethod] = []
        var groups: [OptimizerMethod: [RunRecord]] = [:]
        for record in records {
            if groups[record.method] == nil { order.append(record.method) }
            groups[record.method, default: []].append(record)
        }
        return order.compactMap { groups[$0] }
    }

    /// The median of `values` (the mean of the two middle ones for an even count); `nil` when empty.
    static func median(_ values: [Double]) -> Double? { Spread(values.map { $0 }).median }

    /// Runs that failed (an error or a diverging loss) before their end.
    var failures: Int { records.filter { if case .failed = $0.outcome { true } else { false } }.count }
}
