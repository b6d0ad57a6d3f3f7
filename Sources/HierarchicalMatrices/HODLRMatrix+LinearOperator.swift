import DenseLinearAlgebra
import LinearOperators

/// A HODLR matrix is a ``/LinearOperators/LinearOperator`` through its fast products: `H·X`
/// (``apply(to:)``) and `Hᵀ·X` on the same tree with the off-diagonal blocks swapped and
/// transposed.
extension HODLRMatrix: LinearOperator {
    /// `n`. - Complexity: `O(1)`.
    @inlinable public var rows: Int { order }
    /// `n`. - Complexity: `O(1)`.
    @inlinable public var columns: Int { order }

    /// `Hᵀ·X`. - Complexity: as ``apply(to:)``.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X` has
    ///   `n` rows.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, rows: order, "HODLRMatrix.applyTransposed")
        guard order > 0 else { return x }
        return try root.product(x, transposed: true)
    }
}
