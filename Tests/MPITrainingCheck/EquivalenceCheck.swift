import CurvatureOptimizers
import DenseLinearAlgebra
import Distributed
import NeuralNetworks

/// One method's check: `steps` data-parallel steps on this rank's slices of seeded global batches
/// against one process's steps on the whole batches, in one precision.
struct EquivalenceCheck<Scalar: LinearAlgebraScalar> {
    /// The methods of issue 18's test.
    enum Method: String, CaseIterable {
        case sgd, kfac, ekfac, bKFAC = "b-kfac"
    }

    static var features: Int { 12 }
    /// 24 hidden units at a global batch of 16 (2 ranks): the middle layer's block prefers the
    /// gradient's rank-16 form (gathered factors), the first and last layers' the dense gradient; both
    /// paths run.
    static var hidden: Int { 24 }
    static var classes: Int { 4 }
    static var steps: Int { 20 }
    /// The damping of the K-FAC family's runs; the bound below scales with 1/λ.
    static var damping: Double { 1e-2 }

    let method: Method
    let globalBatch: Int
    let communicator: any Communicator

    /// What the check found.
    struct Outcome {
        /// `max |W_parallel − W_one| / max |W_one|` over the layers.
        var relativeDifference: Double
        /// The bound it must stay below.
        var bound: Double
        /// Parameters that differ in any bit from rank 0's, summed over every rank.
        var bitDifferencesAcrossRanks: Int
        var passed: Bool { relativeDifference <= bound && bitDifferencesAcrossRanks == 0 }
    }

    /// The summation-order bound after `T` steps on batches of `B` examples.
    ///
    /// One process forms every batch sum (the weight gradients `Σᵢ gᵢaᵢᵀ` over `B` examples, the
    /// factors' Gram matrices, the loss) in one order; `P` processes form `P` partial sums and add
    /// them, and scale the output gradients by `1/b` then `1/P` instead of `1/B`. Each sum of `B`
    /// terms then differs by at most `γ_B·Σ|terms| ≈ B·u·Σ|terms|` (Higham 2002, §4.2), i.e. by
    /// `B·u` relative to the sum where no cancellation occurs; the factors' scaling adds `2u`. A
    /// step maps that perturbation into the update through the preconditioner, whose condition
    /// number is at most `(‖A‖‖G‖ + λ)/λ ≤ c/λ` for the damped K-FAC family (`c = 1` for SGD), and
    /// the perturbations of `T` steps add up (the weights move little in 20 steps, so the map is
    /// close to linear). Hence `T · B · u · c/λ · s`, with a safety factor `s = 10` for the
    /// cancellation in the sums (random data: `Σ|terms| ≲ √B·|Σ terms|` on average, far less than `s·B`).
    var bound: Double {
        let amplification = method == .sgd ? 1 : 1 / Self.damping
        return Double(Self.steps * globalBatch) * Double(Scalar.ulpOfOne) * amplification * 10
    }

    func run() throws -> Outcome {
        let parallel = try train(slicedFor: communicator)
        let single = try train(slicedFor: SingleProcessCommunicator())
        var difference = 0.0
        for (p, s) in zip(parallel, single) {
            let scale = s.elements.map { Double(abs($0)) }.max() ?? 1
            let gap = zip(p.elements, s.elements).map { Double(abs($0 - $1)) }.max() ?? 0
            difference = max(difference, gap / scale)
        }
        // Bit-identity across ranks: rank 0's parameters against this rank's.
        var differing = 0
        for var parameter in parallel {
            let own = parameter.elements
            try communicator.broadcast(&parameter, from: 0)
            differing += zip(own, parameter.elements).filter { Double($0.0).bitPattern != Double($0.1).bitPattern }.count
        }
        var total = [Int64(differing)]
        try communicator.allReduceSum(&total)
        return Outcome(relativeDifference: difference, bound: bound, bitDifferencesAcrossRanks: Int(total[0]))
    }

    /// The parameters after `steps` steps, each on `communicator`'s slice of the step's global batch.
    private func train(slicedFor communicator: any Communicator) throws -> [Matrix<Scalar>] {
        var generator = Xoshiro256StarStar(seed: 18)
        var model = try Sequential<Scalar>([
            Dense(inputSize: Self.features, outputSize: Self.hidden, initialization: .glorotUniform, using: &generator),
            Activation(.tanh, size: Self.hidden),
            Dense(inputSize: Self.hidden, outputSize: Self.hidden, initialization: .glorotUniform, using: &generator),
            Activation(.tanh, size: Self.hidden),
            Dense(inputSize: Self.hidden, outputSize: Self.classes, initialization: .glorotUniform, using: &generator),
        ])
        var optimizer = try makeOptimizer(model)
        let slice = try communicator.shard(of: globalBatch)
        for _ in 0..<Self.steps {
            let input = try Matrix<Scalar>.randomGaussian(rows: Self.features, columns: globalBatch, using: &generator)
            let labels = (0..<globalBatch).map { _ in Int.random(in: 0..<Self.classes, using: &generator) }
            let target = try Matrix<Scalar>.oneHot(labels, classCount: Self.classes)
            _ = try optimizer.step(&model, input: input.columns(slice), target: target.columns(slice),
                                   loss: SoftmaxCrossEntropy<Scalar>(), communicator: communicator)
        }
        return model.parameters
    }

    /// Factor updates every 2 steps and refreshes every 5, so that 20 steps hold 10 and 4 of them
    /// (the first at step 0); the Monte-Carlo Fisher, so that the sampled labels are checked too.
    private func makeOptimizer(_ model: Sequential<Scalar>) throws -> any Optimizer<Scalar> {
        let options = KroneckerOptimizerOptions(learningRate: 0.1, factorUpdatePeriod: 2, inverseUpdatePeriod: 5)
        let block = KroneckerBlockOptions(damping: Self.damping)
        switch method {
        case .sgd: return try StochasticGradientDescent<Scalar>(model: model, options: .init(learningRate: 0.1))
        case .kfac: return try KFAC<Scalar>(model: model, options: options, configuration: .init(options: block), seed: 7)
        case .ekfac: return try EKFAC<Scalar>(model: model, options: options, configuration: .init(options: block), seed: 7)
        case .bKFAC:
            return try LowRankKFAC<Scalar>(model: model, options: options, configuration: .init(
                options: block, method: .brand, rank: 6, seed: 7), seed: 7)
        }
    }
}
