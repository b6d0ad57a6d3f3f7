import DenseLinearAlgebra
import NeuralNetworks

/// An optimizer whose update of each layer depends only on that layer's gradient
/// and its own per-layer state (SGD, Adam): the step — forward, backward, then
/// `W ← W − η·direction` layer by layer — is shared here.
public protocol FirstOrderOptimizer<Scalar>: Optimizer {
    /// The learning-rate schedule and base rate.
    var schedule: LearningRateSchedule { get }
    var baseLearningRate: Double { get }
    /// Shapes checked before each step.
    var parameterShapes: ParameterShapes { get }
    var timings: PhaseTimings { get set }
    var stepCount: Int { get set }

    /// The direction `W ← W − η·direction` for trainable layer `index`, updating
    /// that layer's state.
    mutating func direction(forLayer index: Int, gradient: Matrix<Scalar>, weight: Matrix<Scalar>) throws
        -> Matrix<Scalar>
}

extension FirstOrderOptimizer {
    public mutating func step<L: Loss>(_ model: inout Sequential<Scalar>, input: Matrix<Scalar>,
                                       target: Matrix<Scalar>, loss: L) throws -> StepResult<Scalar>
        where L.Scalar == Scalar {
        try parameterShapes.validate(model)
        var result = StepResult(loss: Scalar(0), output: Matrix<Scalar>())
        timings.forwardBackward += try PhaseTimings.seconds {
            let (value, output) = try model.computeGradients(input: input, target: target, loss: loss)
            result = StepResult(loss: value, output: output)
        }
        let rate = Scalar(schedule.rate(base: baseLearningRate, step: stepCount))
        timings.application += try PhaseTimings.seconds {
            for (index, layer) in model.trainableLayers.enumerated() {
                let update = try direction(forLayer: index, gradient: layer.weightGradient, weight: layer.weight)
                try model.apply(update: update, scaledBy: -rate, toParameterizedLayer: index)
            }
        }
        stepCount += 1
        return result
    }
}

/// Checks shared by every optimizer's options.
enum OptionCheck {
    static func learningRate(_ rate: Double) throws {
        guard rate > 0, rate.isFinite else {
            throw OptimizerError.invalidConfiguration("learning rate must be positive and finite, got \(rate)")
        }
    }

    static func unitInterval(_ value: Double, _ name: String) throws {
        guard (0..<1).contains(value) else {
            throw OptimizerError.invalidConfiguration("\(name) must lie in [0, 1), got \(value)")
        }
    }

    static func nonNegative(_ value: Double, _ name: String) throws {
        guard value >= 0, value.isFinite else {
            throw OptimizerError.invalidConfiguration("\(name) must be ≥ 0 and finite, got \(value)")
        }
    }
}
