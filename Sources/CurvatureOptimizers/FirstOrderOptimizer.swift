import DenseLinearAlgebra
import Distributed
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
        try step(&model, input: input, target: target, loss: loss, communicator: SingleProcessCommunicator())
    }

    /// The step on this process's slice of the global batch: the gradients (and the loss) are
    /// averaged over the processes before the update, which is then the same on every process.
    public mutating func step<L: Loss>(_ model: inout Sequential<Scalar>, input: Matrix<Scalar>,
                                       target: Matrix<Scalar>, loss: L, communicator: any Communicator) throws
        -> StepResult<Scalar> where L.Scalar == Scalar {
        try parameterShapes.validate(model)
        var result = StepResult(loss: Scalar(0), output: Matrix<Scalar>())
        timings.forwardBackward += try PhaseTimings.seconds {
            let (value, output) = try model.computeGradients(input: input, target: target, loss: loss)
            result = StepResult(loss: value, output: output)
        }
        // Data-parallel hook: the global batch's mean gradients (nil in one process).
        let averaged = communicator.size > 1
            ? try DataParallelStep.averageGradients(model.trainableLayers.map { $0.weightGradient }, loss: &result.loss,
                                                    communicator: communicator)
            : nil
        let rate = Scalar(schedule.rate(base: baseLearningRate, step: stepCount))
        timings.application += try PhaseTimings.seconds {
            for index in 0..<model.trainableLayerCount {
                let update = try direction(forLayer: index, of: model, averagedGradient: averaged?[index])
                try model.apply(update: update, scaledBy: -rate, toParameterizedLayer: index)
            }
        }
        stepCount += 1
        return result
    }

    /// ``direction(forLayer:gradient:weight:)`` for trainable layer `index` of `model`. No copy of the
    /// layer outlives the call, so the update that follows finds the weight's storage unshared.
    private mutating func direction(forLayer index: Int, of model: Sequential<Scalar>,
                                    averagedGradient: Matrix<Scalar>?) throws -> Matrix<Scalar> {
        let layer = model.trainableLayers[index]
        return try direction(forLayer: index, gradient: averagedGradient ?? layer.weightGradient, weight: layer.weight)
    }
}

/// Checks of options that are not in the method catalogue (Adam's β₁, β₂); catalogue
/// options use `MethodOption.check(_:)`.
enum OptionCheck {
    static func unitInterval(_ value: Double, _ name: String) throws {
        guard (0..<1).contains(value) else {
            throw OptimizerError.invalidConfiguration("\(name) must lie in [0, 1), got \(value)")
        }
    }
}
