import DenseLinearAlgebra
import NeuralNetworks

/// What one parameterised layer saw in a step, as curvature blocks read it:
/// the inputs `a` of the forward pass and the output gradients `g` of one or more
/// backward passes (one for the empirical or Monte-Carlo Fisher, one per column of
/// the loss Hessian's square root for the exact GGN).
///
/// Columns are example-major (`i·R + r`), as ``/NeuralNetworks/ParameterizedLayer`` captures them;
/// `g` is the gradient of the batch-mean loss. See `Notes/KFAC-family.md`.
public struct LayerCapture<Scalar: LinearAlgebraScalar>: Sendable {
    /// `ã`, `d_in × (b·R)` (with the homogeneous row of ones when the layer has a bias).
    public var inputs: Matrix<Scalar>
    /// One `d_out × (b·R)` matrix `g` per backward pass.
    public var outputGradientPasses: [Matrix<Scalar>]
    /// `b`, examples in the batch.
    public var batchSize: Int
    /// `R`, positions per example that share the weight.
    public var sharedDimension: Int

    /// A capture from its parts.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` without a backward pass,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when a pass does not
    ///   have `b·R` columns.
    public init(inputs: Matrix<Scalar>, outputGradientPasses: [Matrix<Scalar>], batchSize: Int,
                sharedDimension: Int) throws {
        guard let first = outputGradientPasses.first else {
            throw LinearAlgebraError.invalidArgument(operation: "LayerCapture", detail: "needs at least one backward pass")
        }
        guard outputGradientPasses.allSatisfy({ $0.rows == first.rows && $0.columns == inputs.columns }),
              inputs.columns == batchSize * sharedDimension else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "LayerCapture", expected: "inputs and every gradient pass with b·R = \(batchSize * sharedDimension) columns",
                actual: "inputs \(inputs.rows)×\(inputs.columns), passes \(outputGradientPasses.map { "\($0.rows)×\($0.columns)" })")
        }
        self.inputs = inputs
        self.outputGradientPasses = outputGradientPasses
        self.batchSize = batchSize
        self.sharedDimension = sharedDimension
    }

    /// The rows of the factors under a weight-sharing approximation.
    @inlinable
    func factorRows(_ approximation: WeightSharingApproximation) throws -> FactorRows<Scalar> {
        try FactorRows(inputs: inputs, outputGradientPasses: outputGradientPasses, batchSize: batchSize,
                       sharedDimension: sharedDimension, approximation: approximation)
    }
}
