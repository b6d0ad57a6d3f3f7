import DenseLinearAlgebra
import Distributed
import Testing

/// The longest-processing-time assignment of decompositions to workers: its choices on cases
/// worked by hand, Graham's bound on random costs, and its errors.
@Suite("Work assignment (greedy by cost, as KAISA)")
struct WorkAssignmentTests {
    /// Costs n³ of an MLP 784-1024-1024-10's layers (d_in³ + d_out³, bias folded in).
    static let mlpCosts: [Double] = [785, 1025, 1025].enumerated().map { index, input in
        let output: Double = index == 2 ? 10 : 1024
        return input * input * input + output * output * output
    }

    @Test func largestJobsGoToTheLeastLoadedWorkerFirst() throws {
        // By hand: costs 7 (job 1), 5 (job 3), 4 (job 0), 3 (job 4), 1 (job 2) in turn to the lighter
        // worker: 7 → 0 (loads 7, 0), 5 → 1 (7, 5), 4 → 1 (7, 9), 3 → 0 (10, 9), 1 → 1 (10, 10).
        let assignment = try WorkAssignment(costs: [4, 7, 1, 5, 3], workers: 2)
        #expect(assignment.owners == [1, 0, 1, 1, 0])
        #expect(assignment.loads == [10, 10])
        #expect(assignment.jobs(of: 0) == [1, 4])
        // Equal costs are dealt round-robin in job order.
        #expect(try WorkAssignment(costs: [1, 1, 1, 1], workers: 3).owners == [0, 1, 2, 0])
    }

    @Test func theMLPsTwoWideLayersLandOnDifferentRanks() throws {
        let assignment = try WorkAssignment(costs: Self.mlpCosts, workers: 2)
        #expect(assignment.owners[1] != assignment.owners[2])
        #expect(try WorkAssignment(costs: Self.mlpCosts, workers: 1).owners == [0, 0, 0])
        // More workers than jobs: each job alone, the rest idle.
        let wide = try WorkAssignment(costs: Self.mlpCosts, workers: 8)
        #expect(Set(wide.owners).count == 3 && wide.loads.filter { $0 == 0 }.count == 5)
    }

    @Test func theLargestLoadKeepsTheListSchedulingBound() throws {
        var generator = Xoshiro256StarStar(seed: 18)
        for workers in 1...6 {
            let costs = (0..<17).map { _ in Double.random(in: 0...1000, using: &generator) }
            let assignment = try WorkAssignment(costs: costs, workers: workers)
            let total = costs.reduce(0, +)
            // Every job assigned once: the loads add up (exact sums of the same numbers in another
            // order differ by at most 17·eps·total).
            #expect(abs(assignment.loads.reduce(0, +) - total) <= 17 * Double.ulpOfOne * total)
            // Greedy list scheduling: the last job put on the most loaded worker went to the least
            // loaded one, whose load was at most the mean of the others; so max ≤ mean + largest job.
            let bound = total / Double(workers) + (costs.max() ?? 0)
            #expect(assignment.loads.max()! <= bound * (1 + 1e-12))
        }
    }

    @Test func badWorkerCountsAndCostsThrowNamingThem() {
        #expect(throws: CommunicationError.invalidArgument(operation: "WorkAssignment", detail: "workers 0 must be ≥ 1")) {
            try WorkAssignment(costs: [1], workers: 0)
        }
        #expect(throws: CommunicationError.invalidArgument(
            operation: "WorkAssignment", detail: "cost -1.0 of job 1 must be ≥ 0 and finite")) {
            try WorkAssignment(costs: [1, -1], workers: 2)
        }
        #expect(throws: CommunicationError.self) { try WorkAssignment(costs: [.nan], workers: 2) }
    }
}
