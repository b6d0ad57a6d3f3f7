import DenseLinearAlgebra
import NeuralNetworks

/// A layer whose linearisation ``GaussNewtonOperator`` can propagate forward: the
/// Jacobian-vector product `dy = (∂y/∂x)·dx` at the input `x` where the layer was evaluated.
///
/// The GGN-vector product `Jᵀ·H·J·v` needs `J·v` (forward mode) besides the backward pass the
/// layers already have. Rather than extending every layer of `NeuralNetworks`, the curvature
/// module asks each layer type for its tangent map through this protocol and conforms the
/// library's layers in `TangentLinearLayer+Conformances.swift`: parameterised layers
/// (``/NeuralNetworks/Dense``, ``/NeuralNetworks/Conv2d``) by evaluating themselves with
/// other weights (no finite differences: the map is affine in `x` and linear in `W̃`),
/// elementwise activations from the captured output, and the parameter-free linear layers
/// (``/NeuralNetworks/Flatten``, ``/NeuralNetworks/MeanPool``, ``/NeuralNetworks/Patchify``)
/// by applying themselves to `dx` (``InputLinearLayer``). A layer type that does not conform
/// makes the operator throw when it is built, never a silent wrong product.
public protocol TangentLinearLayer<Scalar>: Layer {
    /// `dy = (∂f/∂x)(x)·dx` for the batch `x` (`inputSize × b`) with output `y = f(x)`
    /// (`outputSize × b`); `dx` has the shape of `x`, the result that of `y`.
    /// - Complexity: about one forward pass of the layer.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for
    ///   mismatched shapes.
    func inputTangent(_ dx: Matrix<Scalar>, input x: Matrix<Scalar>, output y: Matrix<Scalar>) throws -> Matrix<Scalar>
}

/// A parameter-free layer that is linear in its input (a reshape, a mean, a patch gather):
/// its tangent map is the layer itself, `dy = f(dx)`.
public protocol InputLinearLayer<Scalar>: TangentLinearLayer {}

extension InputLinearLayer {
    /// `f(dx)`, the layer applied to the tangent (on a copy; the layer's capture is untouched).
    /// - Complexity: one forward pass of the layer.
    /// - Throws: as the layer's forward pass.
    public func inputTangent(_ dx: Matrix<Scalar>, input x: Matrix<Scalar>, output y: Matrix<Scalar>) throws
        -> Matrix<Scalar> {
        var copy = self
        return try copy.forward(dx)
    }
}

extension TangentLinearLayer where Self: ParameterizedLayer {
    /// `W·dx` without the bias: the layer evaluated on `dx` with its bias column set to zero
    /// (the layer is affine in its input, so this is its Jacobian-vector product exactly).
    /// - Complexity: one forward pass of the layer and a copy of `W̃`.
    /// - Throws: as the layer's forward pass.
    public func inputTangent(_ dx: Matrix<Scalar>, input x: Matrix<Scalar>, output y: Matrix<Scalar>) throws
        -> Matrix<Scalar> {
        var linear = self
        if hasBias {
            let w = weight
            try linear.setWeight(try Matrix(rows: w.rows, columns: w.columns) { i, j in j == w.columns - 1 ? 0 : w[i, j] })
        }
        return try linear.forward(dx)
    }
}

extension ParameterizedLayer {
    /// `(∂y/∂W̃)·dW̃`: the layer evaluated on `x` with the weight `dW̃` (bias column included),
    /// since `y = W̃·ã(x)` is linear in `W̃`. The layer's own forward pass keeps its output
    /// layout (positions, channels), so no layout is assumed here.
    /// - Complexity: one forward pass of the layer.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when `dW̃`
    ///   is not of the weight's shape, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)``
    ///   for NaN/∞ in it; as the forward pass.
    public func weightTangent(_ dW: Matrix<Scalar>, input x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var copy = self
        try copy.setWeight(dW)
        return try copy.forward(x)
    }
}
