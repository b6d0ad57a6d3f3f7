import DenseLinearAlgebra
import Distributed
import NeuralNetworks

extension Optimizer {
    /// The single-process step for a communicator of one process; an optimizer of another package
    /// that has no data-parallel step refuses more processes.
    /// - Throws: ``OptimizerError/invalidConfiguration(_:)`` for a communicator of more than one
    ///   process; otherwise as ``step(_:input:target:loss:)``.
    public mutating func step<L: Loss>(_ model: inout Sequential<Scalar>, input: Matrix<Scalar>, target: Matrix<Scalar>,
                                       loss: L, communicator: any Communicator) throws -> StepResult<Scalar>
        where L.Scalar == Scalar {
        guard communicator.size == 1 else {
            throw OptimizerError.invalidConfiguration("\(name) has no data-parallel step for \(communicator.size) processes")
        }
        return try step(&model, input: input, target: target, loss: loss)
    }
}
