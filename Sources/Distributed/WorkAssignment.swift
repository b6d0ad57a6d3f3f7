/// Spreads independent jobs of known cost over `workers` processes: the longest-processing-time
/// rule (Graham 1969), as KAISA assigns K-FAC's factor decompositions to workers (Pauloski et al.
/// 2021): jobs by decreasing cost (ties by index), each to the least-loaded worker so far (ties to
/// the lowest rank). Deterministic, so every process computes the same assignment.
///
/// The largest load is at most `4/3 − 1/(3·workers)` times the best possible (Graham), and at most
/// the mean load plus the largest single cost.
public struct WorkAssignment: Sendable, Hashable {
    /// The worker of each job, in job order.
    public let owners: [Int]
    /// The summed cost per worker.
    public let loads: [Double]

    /// The assignment of jobs with the given costs (non-negative, finite) to `workers` workers.
    /// - Complexity: `O(jobs·(log jobs + workers))`.
    /// - Throws: ``CommunicationError/invalidArgument(operation:detail:)`` for `workers < 1` or a cost
    ///   that is negative or not finite, naming it.
    public init(costs: [Double], workers: Int) throws {
        guard workers >= 1 else {
            throw CommunicationError.invalidArgument(operation: "WorkAssignment", detail: "workers \(workers) must be ≥ 1")
        }
        if let bad = costs.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
            throw CommunicationError.invalidArgument(
                operation: "WorkAssignment", detail: "cost \(costs[bad]) of job \(bad) must be ≥ 0 and finite")
        }
        var owners = [Int](repeating: 0, count: costs.count)
        var loads = [Double](repeating: 0, count: workers)
        let order = costs.indices.sorted { costs[$0] != costs[$1] ? costs[$0] > costs[$1] : $0 < $1 }
        for job in order {
            var worker = 0
            for candidate in 1..<workers where loads[candidate] < loads[worker] { worker = candidate }
            owners[job] = worker
            loads[worker] += costs[job]
        }
        self.owners = owners
        self.loads = loads
    }

    /// The jobs assigned to `worker`, in job order.
    /// - Complexity: `O(jobs)`.
    public func jobs(of worker: Int) -> [Int] { owners.indices.filter { owners[$0] == worker } }
}
