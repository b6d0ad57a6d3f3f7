import DenseLinearAlgebra
import NeuralNetworks

extension Dense: TangentLinearLayer {}
extension Conv2d: TangentLinearLayer {}
extension Flatten: InputLinearLayer {}
extension MeanPool: InputLinearLayer {}
extension Patchify: InputLinearLayer {}

extension Activation: TangentLinearLayer {
    /// `φ′(x) ⊙ dx` with the derivative from the output, as the layer's backward pass takes
    /// it: `ReLU′ = [y > 0]`, `tanh′ = 1 − y²`, `σ′ = y(1 − y)`.
    /// - Complexity: one pass over the batch.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `dx`
    ///   has the output's shape.
    public func inputTangent(_ dx: Matrix<Scalar>, input x: Matrix<Scalar>, output y: Matrix<Scalar>) throws
        -> Matrix<Scalar> {
        try dx.requireSameShape(as: y, "Activation.inputTangent")
        let derivative: Matrix<Scalar>
        switch kind {
        case .relu: derivative = y.map { $0 > 0 ? 1 : 0 }
        case .tanh: derivative = y.map { 1 - $0 * $0 }
        case .sigmoid: derivative = y.map { $0 * (1 - $0) }
        }
        return try derivative.hadamard(dx)
    }
}
