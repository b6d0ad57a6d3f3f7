import CurvatureOptimizers
import DenseLinearAlgebra
import Distributed
import NeuralNetworks

/// The comparison of issue 18, shared by `swift test` (two threads) and `make test-mpi` (mpirun):
/// `steps` data-parallel steps of one method on this rank's slices of seeded global batches, against
/// one process's steps on the whole batches, in one precision.
///
/// The model is an MLP `12-24-24-4` (tanh): at a global batch of 16 its middle layer's block
/// prefers the gradient's rank-16 form (gathered factors), the first and last layers' the dense
/// gradient, so both paths of the data-parallel step run. The K-FAC family uses the Monte-Carlo
/// Fisher (the sampled labels are compared too) with damping ``damping``.
public struct EquivalenceCheck<Scalar: LinearAlgebraScalar>: Sendable {
    /// The methods compared.
    public enum Method: String, CaseIterable, Sendable {
        case sgd, adam, kfac
        case kfacInverse = "kfac-inverse"
        case ekfac
        case bKFAC = "b-kfac"
        case rsKFAC = "rs-kfac"
    }

    public static var features: Int { 12 }
    public static var hidden: Int { 24 }
    public static var classes: Int { 4 }
    /// The K-FAC family's damping λ; the bound scales with `1/λ`.
    public static var damping: Double { 1e-2 }

    public let method: Method
    public let steps: Int
    public let globalBatch: Int
    public let factorUpdatePeriod: Int
    public let inverseUpdatePeriod: Int
    /// A small vision transformer (8 × 8 images, 4 × 4 patches, width 8, 2 heads, one block)
    /// instead of the MLP: its LayerNorms and position table take diagonal blocks, so the
    /// Kronecker blocks are fewer than the trainable layers.
    public var onTransformer = false

    /// A comparison of `steps` steps with the K-FAC family's periods.
    public init(method: Method, steps: Int, globalBatch: Int, factorUpdatePeriod: Int, inverseUpdatePeriod: Int) {
        self.method = method
        self.steps = steps
        self.globalBatch = globalBatch
        self.factorUpdatePeriod = factorUpdatePeriod
        self.inverseUpdatePeriod = inverseUpdatePeriod
    }

    /// The summation-order bound on `max|W_P − W_1| / max|W_1|` after `T` steps on batches of `B`.
    ///
    /// One process forms every batch sum (the weight gradients `Σᵢ gᵢaᵢᵀ` over `B` examples, the
    /// factors' Gram matrices, the loss) in one order; `P` processes form `P` partial sums and add
    /// them, and scale the output gradients by `1/b` then `1/P` instead of `1/B`. Each sum of `B`
    /// terms then differs by at most `γ_B·Σ|terms| ≈ B·u·Σ|terms|` (Higham 2002, §4.2). A step maps
    /// that perturbation into the update through the preconditioner, whose condition number is at
    /// most `c/λ` for the damped K-FAC family (`c = 1`: normalised second moments; 1 for SGD; Adam's
    /// `m̂/(√v̂ + ε)` is homogeneous of degree 0 in the gradients where `√v̂ ≫ ε` and gets `1/λ` as
    /// margin), and the perturbations of `T` steps add (the weights move little). Hence
    /// `T·B·u·(c/λ)·10`, the 10 for cancellation in the sums (`Notes/Distributed.md`).
    public var bound: Double {
        let amplification = method == .sgd ? 1 : 1 / Self.damping
        return Double(steps * globalBatch) * Double(Scalar.ulpOfOne) * amplification * 10
    }

    /// The parameters after `steps` steps, each on `communicator`'s slice of the step's global batch.
    /// - Throws: the optimizer's and the communicator's errors.
    public func train(on communicator: any Communicator) throws -> [Matrix<Scalar>] {
        var generator = Xoshiro256StarStar(seed: 18)
        let features = onTransformer ? 64 : Self.features
        var model = onTransformer
            ? try ReferenceModels.visionTransformer(height: 8, width: 8, patchSize: 4, width: 8, depth: 1, heads: 2,
                                                    classCount: Self.classes, as: Scalar.self, using: &generator)
            : try Sequential<Scalar>([
                Dense(inputSize: Self.features, outputSize: Self.hidden, initialization: .glorotUniform, using: &generator),
                Activation(.tanh, size: Self.hidden),
                Dense(inputSize: Self.hidden, outputSize: Self.hidden, initialization: .glorotUniform, using: &generator),
                Activation(.tanh, size: Self.hidden),
                Dense(inputSize: Self.hidden, outputSize: Self.classes, initialization: .glorotUniform, using: &generator),
            ])
        var optimizer = try makeOptimizer(model)
        let slice = try communicator.shard(of: globalBatch)
        for _ in 0..<steps {
            let input = try Matrix<Scalar>.randomGaussian(rows: features, columns: globalBatch, using: &generator)
            let labels = (0..<globalBatch).map { _ in Int.random(in: 0..<Self.classes, using: &generator) }
            let target = try Matrix<Scalar>.oneHot(labels, classCount: Self.classes)
            _ = try optimizer.step(&model, input: input.columns(slice), target: target.columns(slice),
                                   loss: SoftmaxCrossEntropy<Scalar>(), communicator: communicator)
        }
        return model.parameters
    }

    /// `max|W_P − W_1| / max|W_1|` over the layers.
    public static func relativeDifference(_ parallel: [Matrix<Scalar>], _ single: [Matrix<Scalar>]) -> Double {
        zip(parallel, single).reduce(0.0) { largest, pair in
            let scale = pair.1.elements.map { Double(abs($0)) }.max() ?? 1
            let gap = zip(pair.0.elements, pair.1.elements).map { Double(abs($0 - $1)) }.max() ?? 0
            return max(largest, gap / scale)
        }
    }

    /// The count of parameters whose bits differ between `a` and `b`.
    public static func bitDifferences(_ a: [Matrix<Scalar>], _ b: [Matrix<Scalar>]) -> Int {
        zip(a, b).reduce(0) { count, pair in
            count + zip(pair.0.elements, pair.1.elements).filter { Double($0.0).bitPattern != Double($0.1).bitPattern }.count
        }
    }

    private func makeOptimizer(_ model: Sequential<Scalar>) throws -> any Optimizer<Scalar> {
        let options = KroneckerOptimizerOptions(learningRate: 0.1, factorUpdatePeriod: factorUpdatePeriod,
                                                inverseUpdatePeriod: inverseUpdatePeriod)
        var block = KroneckerBlockOptions(damping: Self.damping)
        switch method {
        case .sgd: return try StochasticGradientDescent<Scalar>(model: model, options: .init(learningRate: 0.1))
        case .adam: return try Adam<Scalar>(model: model, options: .init(learningRate: 1e-2))
        case .kfac: return try KFAC<Scalar>(model: model, options: options, configuration: .init(options: block), seed: 7)
        case .kfacInverse:
            block.route = .inverse
            return try KFAC<Scalar>(model: model, options: options, configuration: .init(options: block), seed: 7)
        case .ekfac: return try EKFAC<Scalar>(model: model, options: options, configuration: .init(options: block), seed: 7)
        case .bKFAC:
            return try LowRankKFAC<Scalar>(model: model, options: options, configuration: .init(
                options: block, method: .brand, rank: 6, seed: 7), seed: 7)
        case .rsKFAC:
            return try LowRankKFAC<Scalar>(model: model, options: options, configuration: .init(
                options: block, method: .randomizedSVD, rank: 6, oversampling: 2, powerIterations: 1, seed: 7), seed: 7)
        }
    }
}
