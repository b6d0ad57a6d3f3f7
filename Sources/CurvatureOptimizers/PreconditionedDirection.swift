import DenseLinearAlgebra
import KroneckerOperators

/// One layer's preconditioned gradient `V` as the optimizer's update uses it: a formed matrix, or
/// the parts `σ·∇W + L·Rᵀ` of a block that has that form (`CurvatureBlock.preconditionedParts(_:factoredAs:)`),
/// which the update folds into the momentum without forming `V`.
enum PreconditionedDirection<Scalar: LinearAlgebraScalar> {
    case matrix(Matrix<Scalar>)
    case parts(ScaledPlusLowRank<Scalar>)

    /// `⟨V, ∇W⟩` for the layer's gradient `∇W`, the KL clip's term: a `?dot` of `V` and `∇W`, or
    /// `σ·‖∇W‖² + ⟨L·Rᵀ, ∇W⟩` from the parts (one pass over `∇W`, the low-rank term stored; from
    /// the Gram matrices of its factors when `∇W` was left unformed).
    func innerProduct(with gradient: LayerGradient<Scalar>) throws -> Double {
        switch self {
        case .matrix(let direction):
            return Double(try direction.elements.dot(gradient.formedWeight().elements))
        case .parts(let parts):
            if let (outputGradients, inputs) = gradient.unformedFactors {
                return try parts.innerProduct(withProductOf: outputGradients, inputs)
            }
            return try parts.innerProduct(with: gradient.formedWeight())
        }
    }
}
