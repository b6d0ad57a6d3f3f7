import DenseLinearAlgebra
import Distributed
import NeuralNetworks

/// A training method: one call of ``step(_:input:target:loss:)`` runs the forward
/// and backward passes on a batch and updates the model's parameters.
///
/// Every optimizer is `Codable`: its whole state (curvature factors and their
/// factorisations, momenta, step counter, random stream) round-trips exactly, so
/// a run checkpointed at step `k` and resumed continues bit for bit
/// (see ``TrainingCheckpoint``).
public protocol Optimizer<Scalar>: Codable, Sendable {
    associatedtype Scalar: LinearAlgebraScalar

    /// The method's short name (`"sgd"`, `"adam"`, `"kfac"`, …).
    var name: String { get }
    /// Steps taken so far.
    var stepCount: Int { get }
    /// Seconds spent in each phase so far.
    var timings: PhaseTimings { get }
    /// The number of scalars the optimizer keeps besides the model (momenta, factors, …).
    var stateSize: Int { get }

    /// One step on a batch (`input`: features × batch, `target`: the loss's targets).
    /// - Returns: the batch's mean loss and the model's output, both before the update.
    /// - Throws: ``OptimizerError/modelMismatch(_:)`` for a model of another shape, and
    ///   the model's and loss's errors.
    mutating func step<L: Loss>(_ model: inout Sequential<Scalar>, input: Matrix<Scalar>, target: Matrix<Scalar>,
                                loss: L) throws -> StepResult<Scalar> where L.Scalar == Scalar

    /// One data-parallel step: every process of `communicator` passes its own equal, contiguous
    /// slice (in rank order) of the same global batch, and every process's model and optimizer
    /// end the step as one process's would on the whole batch, up to summation order
    /// (`Notes/Distributed.md`). With a ``/Distributed/SingleProcessCommunicator`` it is
    /// ``step(_:input:target:loss:)``.
    /// - Returns: the global batch's mean loss (the same on every process) and this process's output.
    /// - Throws: as ``step(_:input:target:loss:)``, and ``/Distributed/CommunicationError`` when a
    ///   collective fails or the step failed on another process.
    mutating func step<L: Loss>(_ model: inout Sequential<Scalar>, input: Matrix<Scalar>, target: Matrix<Scalar>,
                                loss: L, communicator: any Communicator) throws -> StepResult<Scalar>
        where L.Scalar == Scalar
}

/// What one optimizer step reports.
public struct StepResult<Scalar: LinearAlgebraScalar>: Sendable {
    /// The batch's mean loss before the update.
    public var loss: Scalar
    /// The model's output on the batch before the update.
    public var output: Matrix<Scalar>
}

/// The shapes `d_out × d_in` of a model's parameterised layers, which an optimizer
/// checks before every step.
public struct ParameterShapes: Codable, Sendable, Hashable {
    public let shapes: [[Int]]

    public init<Scalar>(_ model: Sequential<Scalar>) {
        shapes = model.parameters.map { [$0.rows, $0.columns] }
    }

    /// Decodes the shapes and checks that each is a pair of non-negative sizes.
    /// - Throws: `DecodingError.dataCorrupted` otherwise.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        shapes = try container.decode([[Int]].self, forKey: .shapes)
        try DecodedState.require(shapes.allSatisfy { $0.count == 2 && $0[0] >= 0 && $0[1] >= 0 }, decoder,
                                 "layer shapes \(shapes) are not pairs of sizes")
    }

    /// Throws ``OptimizerError/modelMismatch(_:)`` unless `model` has these shapes.
    public func validate<Scalar>(_ model: Sequential<Scalar>) throws {
        let actual = ParameterShapes(model)
        guard actual == self else {
            throw OptimizerError.modelMismatch("optimizer state is for layers \(shapes), model has \(actual.shapes)")
        }
    }
}
