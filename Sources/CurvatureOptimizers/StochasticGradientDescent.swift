import DenseLinearAlgebra
import NeuralNetworks

/// Stochastic gradient descent with (optionally Nesterov) momentum and L2 weight
/// decay, in the form of PyTorch's `SGD`: `u = ∇W + ωW`, `m ← μm + u`, and
/// `W ← W − η·m` (or `W ← W − η·(u + μm)` with Nesterov; Sutskever et al. 2013).
///
/// - Complexity: one forward and backward pass, then `O(#parameters)` per step.
public struct StochasticGradientDescent<Scalar: LinearAlgebraScalar>: FirstOrderOptimizer {
    /// Update options; defaults from the method catalogue (``OptimizerMethod/sgd``).
    public struct Options: Codable, Sendable, Hashable {
        /// η. Default `0.05`.
        public var learningRate: Double
        /// μ. Default `0.9`.
        public var momentum: Double
        /// Nesterov's look-ahead form of momentum. Default `false`.
        public var nesterov: Bool
        /// ω. Default `0`.
        public var weightDecay: Double
        /// Default `.constant`.
        public var schedule: LearningRateSchedule

        /// Options with the catalogue's defaults where not given.
        /// - Complexity: `O(1)`.
        public init(learningRate: Double = OptimizerMethod.sgd.entry.defaultLearningRate,
                    momentum: Double = MethodSettings.defaults.momentum, nesterov: Bool = false,
                    weightDecay: Double = MethodSettings.defaults.weightDecay,
                    schedule: LearningRateSchedule = MethodSettings.defaults.schedule) {
            self.learningRate = learningRate
            self.momentum = momentum
            self.nesterov = nesterov
            self.weightDecay = weightDecay
            self.schedule = schedule
        }

        /// Throws ``OptimizerError/invalidConfiguration(_:)`` for an option out of range.
        public func validate() throws {
            try MethodOption.learningRate.check(learningRate)
            try MethodOption.momentum.check(momentum)
            try MethodOption.weightDecay.check(weightDecay)
            try schedule.validate()
        }
    }

    public let options: Options
    public private(set) var velocities: [Matrix<Scalar>]
    public var stepCount = 0
    public var timings = PhaseTimings()
    public let parameterShapes: ParameterShapes

    /// - Throws: ``OptimizerError/invalidConfiguration(_:)`` for bad options.
    public init(model: Sequential<Scalar>, options: Options = Options()) throws {
        try options.validate()
        self.options = options
        velocities = model.parameters.map { Matrix(shapeOf: $0) }
        parameterShapes = ParameterShapes(model)
    }

    public var name: String { options.nesterov ? "sgd-nesterov" : "sgd" }
    public var stateSize: Int { velocities.reduce(0) { $0 + $1.elements.count } }
    public var schedule: LearningRateSchedule { options.schedule }
    public var baseLearningRate: Double { options.learningRate }

    public mutating func direction(forLayer index: Int, gradient: Matrix<Scalar>, weight: Matrix<Scalar>) throws
        -> Matrix<Scalar> {
        let (momentum, decay) = (Scalar(options.momentum), Scalar(options.weightDecay))
        try velocities[index].requireSameShape(as: gradient, "SGD momentum")
        try velocities[index].requireSameShape(as: weight, "SGD weight decay")
        // m ← μm + ∇W + ωW, in place: one pass for μm + ∇W.
        try velocities[index].scale(by: momentum, adding: gradient)
        if decay > 0 { try velocities[index].add(weight, scaledBy: decay) }
        guard options.nesterov else { return velocities[index] }
        // u + μm with u = ∇W + ωW.
        var update = gradient
        if decay > 0 { try update.add(weight, scaledBy: decay) }
        try update.add(velocities[index], scaledBy: momentum)
        return update
    }

    /// Decodes an optimizer and checks its options and momenta.
    /// - Throws: `DecodingError.dataCorrupted` for invalid options, a step counter out of range or
    ///   momenta that are not one per layer of the recorded shapes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        options = try container.decode(Options.self, forKey: .options)
        velocities = try container.decode([Matrix<Scalar>].self, forKey: .velocities)
        stepCount = try container.decode(Int.self, forKey: .stepCount)
        timings = try container.decode(PhaseTimings.self, forKey: .timings)
        parameterShapes = try container.decode(ParameterShapes.self, forKey: .parameterShapes)
        try DecodedState.validate(decoder) { try options.validate() }
        try DecodedState.require(DecodedState.isCounter(stepCount), decoder, "step count \(stepCount) out of range")
        try DecodedState.requireOnePerLayer(velocities, parameterShapes, decoder, "momenta")
    }
}
