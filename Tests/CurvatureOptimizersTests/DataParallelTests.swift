import CurvatureOptimizers
import DenseLinearAlgebra
import Distributed
import Foundation
import NeuralNetworks
import Synchronization
import Testing

/// The data-parallel step on two threads of this process (``ThreadGroupCommunicator``), so that
/// `swift test` covers it without MPI (`make test-mpi` runs the same comparison under mpirun):
/// each rank's parameters equal one process's on the whole batches within the summation-order
/// bound, and the ranks' parameters are bit-identical.
@Suite("Data-parallel steps on a group of threads")
struct DataParallelTests {
    enum Method: CaseIterable { case sgd, adam, kfac, kfacInverse, ekfac, bKFAC, rsKFAC }

    static let (features, hidden, classes, steps, globalBatch, damping) = (12, 24, 4, 8, 16, 1e-2)

    /// Factor updates every step and refreshes every 3 (steps 0, 3, 6); the Monte-Carlo Fisher.
    static func optimizer<Scalar: LinearAlgebraScalar>(_ method: Method, _ model: Sequential<Scalar>) throws
        -> any Optimizer<Scalar> {
        let options = KroneckerOptimizerOptions(learningRate: 0.1, factorUpdatePeriod: 1, inverseUpdatePeriod: 3)
        let block = KroneckerBlockOptions(damping: damping)
        switch method {
        case .sgd: return try StochasticGradientDescent<Scalar>(model: model, options: .init(learningRate: 0.1))
        case .adam: return try Adam<Scalar>(model: model, options: .init(learningRate: 1e-2))
        case .kfac: return try KFAC<Scalar>(model: model, options: options, configuration: .init(options: block), seed: 7)
        case .kfacInverse:
            var inverse = block
            inverse.route = .inverse
            return try KFAC<Scalar>(model: model, options: options, configuration: .init(options: inverse), seed: 7)
        case .ekfac: return try EKFAC<Scalar>(model: model, options: options, configuration: .init(options: block), seed: 7)
        case .bKFAC:
            return try LowRankKFAC<Scalar>(model: model, options: options, configuration: .init(
                options: block, method: .brand, rank: 6, seed: 7), seed: 7)
        case .rsKFAC:
            return try LowRankKFAC<Scalar>(model: model, options: options, configuration: .init(
                options: block, method: .randomizedSVD, rank: 6, oversampling: 2, powerIterations: 1, seed: 7), seed: 7)
        }
    }

    /// The parameters after `steps` steps on `communicator`'s slices of seeded global batches.
    static func train<Scalar: LinearAlgebraScalar>(_: Scalar.Type, _ method: Method,
                                                   communicator: any Communicator) throws -> [Matrix<Scalar>] {
        var generator = Xoshiro256StarStar(seed: 18)
        var model = try Sequential<Scalar>([
            Dense(inputSize: features, outputSize: hidden, initialization: .glorotUniform, using: &generator),
            Activation(.tanh, size: hidden),
            Dense(inputSize: hidden, outputSize: hidden, initialization: .glorotUniform, using: &generator),
            Activation(.tanh, size: hidden),
            Dense(inputSize: hidden, outputSize: classes, initialization: .glorotUniform, using: &generator),
        ])
        var optimizer = try optimizer(method, model)
        let slice = try communicator.shard(of: globalBatch)
        for _ in 0..<steps {
            let input = try Matrix<Scalar>.randomGaussian(rows: features, columns: globalBatch, using: &generator)
            let labels = (0..<globalBatch).map { _ in Int.random(in: 0..<classes, using: &generator) }
            let target = try Matrix<Scalar>.oneHot(labels, classCount: classes)
            _ = try optimizer.step(&model, input: input.columns(slice), target: target.columns(slice),
                                   loss: SoftmaxCrossEntropy<Scalar>(), communicator: communicator)
        }
        return model.parameters
    }

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

    func parallelStepsMatchOneProcess<Scalar: LinearAlgebraScalar>(_: Scalar.Type, _ method: Method) throws {
        let communicators = ThreadGroupCommunicator.group(size: 2)
        let ranks = try Self.onThreads(2) { rank in try Self.train(Scalar.self, method, communicator: communicators[rank]) }
        let single = try Self.train(Scalar.self, method, communicator: SingleProcessCommunicator())
        // Bit-identical across the ranks.
        #expect(zip(ranks[0], ranks[1]).allSatisfy { $0.elements.map { Double($0).bitPattern }
                == $1.elements.map { Double($0).bitPattern } })
        // One process sums each batch in one order, two ranks as two halves (γ_B·Σ|terms| ≈ B·u per sum,
        // Higham 2002 §4.2); a step passes the perturbation through a preconditioner whose condition
        // number is at most c/λ (1 for the first-order methods), and T steps add up; ×10 for
        // cancellation in the sums (Notes/Distributed.md). Adam's m̂/(√v̂ + ε) is homogeneous of degree 0
        // in the gradients where √v̂ ≫ ε, so it at most doubles their relative perturbation; it gets
        // the K-FAC family's 1/λ as margin.
        let amplification = method == .sgd ? 1 : 1 / Self.damping
        let bound = Double(Self.steps * Self.globalBatch) * Double(Scalar.ulpOfOne) * amplification * 10
        for (parallel, one) in zip(ranks[0], single) {
            let scale = one.elements.map { Double(abs($0)) }.max() ?? 1
            let gap = zip(parallel.elements, one.elements).map { Double(abs($0 - $1)) }.max() ?? 0
            #expect(gap <= bound * scale, "\(method) \(Scalar.self): relative difference \(gap / scale), bound \(bound)")
        }
    }

    @Test(arguments: Method.allCases)
    func parallelStepsMatchOneProcessInFloat(_ method: Method) throws {
        try parallelStepsMatchOneProcess(Float.self, method)
    }

    @Test(arguments: Method.allCases)
    func parallelStepsMatchOneProcessInDouble(_ method: Method) throws {
        try parallelStepsMatchOneProcess(Double.self, method)
    }

    @Test func aBatchThatDoesNotSplitEvenlyIsRefused() throws {
        let communicators = ThreadGroupCommunicator.group(size: 2)
        #expect(throws: CommunicationError.self) { try communicators[0].shard(of: 15) }
        #expect(try communicators[1].shard(of: 16) == 8..<16)
    }
}
