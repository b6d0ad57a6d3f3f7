import DenseLinearAlgebra

extension Matrix {
    /// `self ← β·self + x`, the momentum recurrence `m ← μm + ∇W`, in one pass (rounded as
    /// ``/DenseLinearAlgebra/Matrix/scale(by:)`` followed by ``/DenseLinearAlgebra/Matrix/add(_:scaledBy:)``
    /// with `α = 1`: the product is rounded before the sum).
    /// - Complexity: one pass over `self` and `x`; no allocation when the storage is unshared.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` naming
    ///   `operation` for another shape.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    mutating func scale(by beta: Scalar, adding x: Matrix, _ operation: String) throws {
        try requireSameShape(as: x, operation)
        x.withUnsafeBufferPointer { source in
            withUnsafeMutableBufferPointer { target in
                for k in target.indices { target[k] = beta * target[k] + source[k] }
            }
        }
    }
}
