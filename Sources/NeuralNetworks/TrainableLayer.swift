import DenseLinearAlgebra

/// A layer with one matrix of trained parameters, its gradient, and a way to replace it:
/// what every optimizer reads and writes.
///
/// Two kinds conform. A ``ParameterizedLayer`` is an affine map `y = W̃ ã` shared over
/// positions and also captures the `(a, g)` pairs that Kronecker-factored curvature blocks
/// are built from. Other trainable layers — ``LayerNorm``'s scale and shift,
/// ``PositionEmbedding``'s table — have parameters that act elementwise; optimizers give them
/// a diagonal preconditioner (see `Notes/KFAC-family.md`).
public protocol TrainableLayer<Scalar>: Layer {
    /// The parameters, in a shape fixed at initialisation.
    var weight: Matrix<Scalar> { get }
    /// `∂L/∂weight` of the last backward pass that computed parameter gradients, the shape of ``weight``.
    var weightGradient: Matrix<Scalar> { get }

    /// Replaces the parameters.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for a
    ///   different shape, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN or ±∞.
    mutating func setWeight(_ newWeight: Matrix<Scalar>) throws
}

extension TrainableLayer {
    /// `W ← W + α·U`, e.g. `α = −learning rate` and `U` a (preconditioned) gradient.
    /// - Complexity: one pass over `W` (`axpy`).
    /// - Throws: as ``setWeight(_:)``.
    @inlinable
    public mutating func apply(update: Matrix<Scalar>, scaledBy alpha: Scalar) throws {
        var updated = weight
        do {
            try updated.add(update, scaledBy: alpha)
        } catch {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "TrainableLayer.apply(update:scaledBy:)", expected: "update \(weight.rows)×\(weight.columns)",
                actual: "\(update.rows)×\(update.columns)")
        }
        try setWeight(updated)
    }
}

/// Checks a replacement parameter matrix against the current one's shape and for finiteness.
/// - Throws: as ``TrainableLayer/setWeight(_:)``.
@inlinable
func requireReplacement<Scalar>(_ newWeight: Matrix<Scalar>, for weight: Matrix<Scalar>, _ operation: String) throws {
    guard newWeight.rows == weight.rows, newWeight.columns == weight.columns else {
        throw LinearAlgebraError.dimensionMismatch(
            operation: operation, expected: "weight \(weight.rows)×\(weight.columns)",
            actual: "\(newWeight.rows)×\(newWeight.columns)")
    }
    try newWeight.requireFinite(operation, argument: "weight")
}
