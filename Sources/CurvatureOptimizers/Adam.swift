import DenseLinearAlgebra
import NeuralNetworks

/// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019):
/// `m ← β₁m + (1−β₁)u`, `v ← β₂v + (1−β₂)u⊙u`, `W ← W − η·m̂ ⊘ (√v̂ + ε)` with the
/// bias corrections `m̂ = m/(1−β₁ᵗ)`, `v̂ = v/(1−β₂ᵗ)`. Weight decay ω enters the
/// gradient (`u = ∇W + ωW`, Adam) or is applied decoupled (`W ← W − ηωW`, AdamW).
///
/// - Complexity: one forward and backward pass, then `O(#parameters)` per step.
public struct Adam<Scalar: LinearAlgebraScalar>: FirstOrderOptimizer {
    /// Update options; defaults of the paper.
    public struct Options: Codable, Sendable, Hashable {
        /// η. Default `1e-3`.
        public var learningRate: Double
        /// β₁. Default `0.9`.
        public var beta1: Double
        /// β₂. Default `0.999`.
        public var beta2: Double
        /// ε. Default `1e-8`.
        public var epsilon: Double
        /// ω. Default `0`.
        public var weightDecay: Double
        /// Decoupled weight decay (AdamW). Default `false`.
        public var decoupledWeightDecay: Bool
        /// Default `.constant`.
        public var schedule: LearningRateSchedule

        public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                    weightDecay: Double = 0, decoupledWeightDecay: Bool = false,
                    schedule: LearningRateSchedule = .constant) {
            self.learningRate = learningRate
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
            self.weightDecay = weightDecay
            self.decoupledWeightDecay = decoupledWeightDecay
            self.schedule = schedule
        }

        /// Throws ``OptimizerError/invalidConfiguration(_:)`` for an option out of range.
        public func validate() throws {
            try OptionCheck.learningRate(learningRate)
            try OptionCheck.unitInterval(beta1, "β₁")
            try OptionCheck.unitInterval(beta2, "β₂")
            guard epsilon > 0, epsilon.isFinite else {
                throw OptimizerError.invalidConfiguration("ε must be positive and finite, got \(epsilon)")
            }
            try OptionCheck.nonNegative(weightDecay, "weight decay")
            try schedule.validate()
        }
    }

    public let options: Options
    /// First and second moment estimates, one per layer.
    public private(set) var firstMoments: [Matrix<Scalar>]
    public private(set) var secondMoments: [Matrix<Scalar>]
    public var stepCount = 0
    public var timings = PhaseTimings()
    public let parameterShapes: ParameterShapes

    /// - Throws: ``OptimizerError/invalidConfiguration(_:)`` for bad options.
    public init(model: Sequential<Scalar>, options: Options = Options()) throws {
        try options.validate()
        self.options = options
        firstMoments = model.parameters.map { Matrix(rows: $0.rows, columns: $0.columns) }
        secondMoments = firstMoments
        parameterShapes = ParameterShapes(model)
    }

    public var name: String { options.decoupledWeightDecay ? "adamw" : "adam" }
    public var stateSize: Int { 2 * firstMoments.reduce(0) { $0 + $1.elements.count } }
    public var schedule: LearningRateSchedule { options.schedule }
    public var baseLearningRate: Double { options.learningRate }

    public mutating func direction(forLayer index: Int, gradient: Matrix<Scalar>, weight: Matrix<Scalar>) throws
        -> Matrix<Scalar> {
        let (beta1, beta2, epsilon) = (Scalar(options.beta1), Scalar(options.beta2), Scalar(options.epsilon))
        // The step being taken is stepCount + 1 (stepCount counts completed steps).
        let t = Double(stepCount + 1)
        let correction1 = Scalar(1 - Double.pow(options.beta1, t))
        let correction2 = Scalar(1 - Double.pow(options.beta2, t))
        let decay = Scalar(options.weightDecay)
        var u = gradient
        if decay > 0 && !options.decoupledWeightDecay { try u.add(weight, scaledBy: decay) }
        var first = firstMoments[index].scaled(by: beta1)
        try first.add(u, scaledBy: 1 - beta1)
        var second = secondMoments[index].scaled(by: beta2)
        try second.add(u.hadamard(u), scaledBy: 1 - beta2)
        firstMoments[index] = first
        secondMoments[index] = second
        var direction = Matrix<Scalar>(rows: first.rows, columns: first.columns) { i, j in
            (first[i, j] / correction1) / (Scalar.sqrt(second[i, j] / correction2) + epsilon)
        }
        if decay > 0 && options.decoupledWeightDecay { try direction.add(weight, scaledBy: decay) }
        return direction
    }
}
