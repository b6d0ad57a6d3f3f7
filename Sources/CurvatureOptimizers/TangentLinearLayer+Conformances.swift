import DenseLinearAlgebra
import NeuralNetworks

extension Dense: TangentLinearLayer {}
extension Conv2d: TangentLinearLayer {}
extension Flatten: InputLinearLayer {}
extension MeanPool: InputLinearLayer {}
extension Patchify: InputLinearLayer {}

extension Activation: TangentLinearLayer {
    /// `φ′(x) ⊙ dx` with the derivative the layer's backward pass uses (``/NeuralNetworks/Activation/derivative(input:output:)``):
    /// from the output for ReLU, tanh and the sigmoid, from the input for GELU.
    /// - Complexity: one pass over the batch.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `dx`
    ///   and `x` have the output's shape.
    public func inputTangent(_ dx: Matrix<Scalar>, input x: Matrix<Scalar>, output y: Matrix<Scalar>) throws
        -> Matrix<Scalar> {
        try dx.requireSameShape(as: y, "Activation.inputTangent")
        try x.requireSameShape(as: y, "Activation.inputTangent")
        var tangent = Matrix(shapeOf: y)
        tangent.withUnsafeMutableBufferPointer { t in
            x.withUnsafeBufferPointer { xs in
                y.withUnsafeBufferPointer { ys in
                    dx.withUnsafeBufferPointer { d in
                        for k in t.indices { t[k] = derivative(input: xs[k], output: ys[k]) * d[k] }
                    }
                }
            }
        }
        return tangent
    }
}
