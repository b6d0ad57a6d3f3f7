import DataParallelTestSupport
import DenseLinearAlgebra
import Distributed
import Foundation
import Synchronization
import Testing

/// The data-parallel step on two threads of this process (``ThreadGroupCommunicator``), so that
/// `swift test` covers it without MPI (`make test-mpi` runs the same comparison under mpirun):
/// each rank's parameters equal one process's on the whole batches within the summation-order
/// bound (`EquivalenceCheck.bound`), and the ranks' parameters are bit-identical. Every optimizer
/// kind: first-order, K-FAC on both routes, EKFAC, B-KFAC and RS-KFAC (whose sketch generator
/// travels in the refresh's broadcast).
@Suite("Data-parallel steps on a group of threads")
struct DataParallelTests {
    /// `body(rank)` on one thread per rank, the results in rank order.
    static func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        let results = Mutex<[Int: Result<T, any Error>]>([:])
        let group = DispatchGroup()
        for rank in 0..<count {
            group.enter()
            let thread = Thread {
                let result = Result { try body(rank) }
                results.withLock { $0[rank] = result }
                group.leave()
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
        group.wait()
        return try (0..<count).map { rank in try results.withLock { $0[rank] }!.get() }
    }

    /// 8 steps with factor updates every step and refreshes every 3 (steps 0, 3, 6), batch 16.
    func parallelStepsMatchOneProcess<Scalar: LinearAlgebraScalar>(_ method: EquivalenceCheck<Scalar>.Method) throws {
        let check = EquivalenceCheck<Scalar>(method: method, steps: 8, globalBatch: 16, factorUpdatePeriod: 1,
                                             inverseUpdatePeriod: 3)
        let communicators = ThreadGroupCommunicator.group(size: 2)
        let ranks = try Self.onThreads(2) { rank in try check.train(on: communicators[rank]) }
        let single = try check.train(on: SingleProcessCommunicator())
        #expect(EquivalenceCheck<Scalar>.bitDifferences(ranks[0], ranks[1]) == 0)
        let difference = EquivalenceCheck<Scalar>.relativeDifference(ranks[0], single)
        #expect(difference <= check.bound, "\(method) \(Scalar.self): relative difference \(difference), bound \(check.bound)")
    }

    /// The transformer's diagonal blocks (LayerNorm, position table) shift the Kronecker blocks'
    /// layer indices: the refresh assignment must follow them (it once indexed past the blocks).
    @Test(arguments: [EquivalenceCheck<Double>.Method.kfac, .ekfac])
    func parallelTransformerStepsMatchOneProcess(_ method: EquivalenceCheck<Double>.Method) throws {
        var transformerCheck = EquivalenceCheck<Double>(method: method, steps: 4, globalBatch: 8, factorUpdatePeriod: 1,
                                                        inverseUpdatePeriod: 2)
        transformerCheck.onTransformer = true
        let check = transformerCheck
        let communicators = ThreadGroupCommunicator.group(size: 2)
        let ranks = try Self.onThreads(2) { rank in try check.train(on: communicators[rank]) }
        let single = try check.train(on: SingleProcessCommunicator())
        #expect(EquivalenceCheck<Double>.bitDifferences(ranks[0], ranks[1]) == 0)
        let difference = EquivalenceCheck<Double>.relativeDifference(ranks[0], single)
        #expect(difference <= check.bound, "\(method) transformer: relative difference \(difference), bound \(check.bound)")
    }

    /// EKFAC is compared in Double only: its correction `S` lives in the factors' eigenbasis, which
    /// a rounding-sized perturbation turns by `ε/gap` (Davis–Kahan), so in Float no bound in `u`
    /// holds on every BLAS (3.9e-2 against 1.5e-2 on OpenBLAS's Haswell kernels; `Notes/Distributed.md`).
    @Test(arguments: EquivalenceCheck<Float>.Method.allCases.filter { $0 != .ekfac })
    func parallelStepsMatchOneProcessInFloat(_ method: EquivalenceCheck<Float>.Method) throws {
        try parallelStepsMatchOneProcess(method)
    }

    @Test(arguments: EquivalenceCheck<Double>.Method.allCases)
    func parallelStepsMatchOneProcessInDouble(_ method: EquivalenceCheck<Double>.Method) throws {
        try parallelStepsMatchOneProcess(method)
    }

    @Test func aBatchThatDoesNotSplitEvenlyIsRefused() throws {
        let communicators = ThreadGroupCommunicator.group(size: 2)
        #expect(throws: CommunicationError.self) { try communicators[0].shard(of: 15) }
        #expect(try communicators[1].shard(of: 16) == 8..<16)
    }
}
