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

        /// Options with the paper's β₁, β₂, ε and the catalogue's other defaults where not given.
        /// - Complexity: `O(1)`.
        public init(learningRate: Double = OptimizerMethod.adam.entry.defaultLearningRate, beta1: Double = 0.9,
                    beta2: Double = 0.999, epsilon: Double = 1e-8,
                    weightDecay: Double = MethodSettings.defaults.weightDecay, decoupledWeightDecay: Bool = false,
                    schedule: LearningRateSchedule = MethodSettings.defaults.schedule) {
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
            try MethodOption.learningRate.check(learningRate)
            try OptionCheck.unitInterval(beta1, "β₁")
            try OptionCheck.unitInterval(beta2, "β₂")
            guard epsilon > 0, epsilon.isFinite else {
                throw OptimizerError.invalidConfiguration("ε must be positive and finite, got \(epsilon)")
            }
            try MethodOption.weightDecay.check(weightDecay)
            try schedule.validate()
        }
    }

    public let options: Options
    /// First moment estimates `m`, one per layer.
    public private(set) var firstMoments: [Matrix<Scalar>]
    /// Second moment estimates `v`, one per layer.
    public private(set) var secondMoments: [Matrix<Scalar>]
    public var stepCount = 0
    public var timings = PhaseTimings()
    public let parameterShapes: ParameterShapes

    /// - Throws: ``OptimizerError/invalidConfiguration(_:)`` for bad options.
    public init(model: Sequential<Scalar>, options: Options = Options()) throws {
        try options.validate()
        self.options = options
        firstMoments = model.parameters.map { Matrix(shapeOf: $0) }
        secondMoments = firstMoments
        parameterShapes = ParameterShapes(model)
    }

    public var name: String { options.decoupledWeightDecay ? "adamw" : "adam" }
    public var stateSize: Int { 2 * firstMoments.reduce(0) { $0 + $1.elements.count } }
    public var schedule: LearningRateSchedule { options.schedule }
    public var baseLearningRate: Double { options.learningRate }

    /// One fused pass over the layer's entries, updating both moments in place.
    /// - Complexity: `O(d_out·d_in)`, one `sqrt` per entry; allocates only the direction.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func direction(forLayer index: Int, gradient: Matrix<Scalar>, weight: Matrix<Scalar>) throws
        -> Matrix<Scalar> {
        try firstMoments[index].requireSameShape(as: gradient, "Adam moments")
        try firstMoments[index].requireSameShape(as: weight, "Adam weight decay")
        let (beta1, beta2, epsilon) = (Scalar(options.beta1), Scalar(options.beta2), Scalar(options.epsilon))
        // 1 − β in Double: in Float, 1 − Float(0.999) is off by 1.3e-5 relative, which the bias
        // correction (computed in Double) would not cancel.
        let (complement1, complement2) = (Scalar(1 - options.beta1), Scalar(1 - options.beta2))
        // The step being taken is stepCount + 1 (stepCount counts completed steps).
        let t = Double(stepCount + 1)
        let correction1 = Scalar(1 - Double.pow(options.beta1, t))
        let correction2 = Scalar(1 - Double.pow(options.beta2, t))
        let decay = Scalar(options.weightDecay)
        let (coupledDecay, decoupledDecay) = options.decoupledWeightDecay ? (Scalar(0), decay) : (decay, Scalar(0))
        var direction = Matrix<Scalar>(shapeOf: gradient)
        firstMoments[index].withUnsafeMutableBufferPointer { m in
            secondMoments[index].withUnsafeMutableBufferPointer { v in
                gradient.withUnsafeBufferPointer { g in
                    weight.withUnsafeBufferPointer { w in
                        direction.withUnsafeMutableBufferPointer { d in
                            for k in 0..<d.count {
                                let u = coupledDecay > 0 ? g[k] + coupledDecay * w[k] : g[k]
                                m[k] = beta1 * m[k] + complement1 * u
                                v[k] = beta2 * v[k] + complement2 * (u * u)
                                let step = (m[k] / correction1) / (Scalar.sqrt(v[k] / correction2) + epsilon)
                                d[k] = decoupledDecay > 0 ? step + decoupledDecay * w[k] : step
                            }
                        }
                    }
                }
            }
        }
        return direction
    }

    /// Decodes an optimizer and checks its options and moments.
    /// - Throws: `DecodingError.dataCorrupted` for invalid options, a step counter out of range or
    ///   moments that are not one per layer of the recorded shapes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        options = try container.decode(Options.self, forKey: .options)
        firstMoments = try container.decode([Matrix<Scalar>].self, forKey: .firstMoments)
        secondMoments = try container.decode([Matrix<Scalar>].self, forKey: .secondMoments)
        stepCount = try container.decode(Int.self, forKey: .stepCount)
        timings = try container.decode(PhaseTimings.self, forKey: .timings)
        parameterShapes = try container.decode(ParameterShapes.self, forKey: .parameterShapes)
        try DecodedState.validate(decoder) { try options.validate() }
        try DecodedState.require(DecodedState.isCounter(stepCount), decoder, "step count \(stepCount) out of range")
        try DecodedState.requireOnePerLayer(firstMoments, parameterShapes, decoder, "first moments")
        try DecodedState.requireOnePerLayer(secondMoments, parameterShapes, decoder, "second moments")
    }
}
