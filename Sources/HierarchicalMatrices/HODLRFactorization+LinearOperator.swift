import DenseLinearAlgebra
import LinearOperators

/// A HODLR factorization is the solvable operator `H` it factors: products by the matrix's fast
/// products, ``solve(_:)`` and ``logAbsoluteDeterminant()`` by the factorization.
extension HODLRFactorization: LinearOperator, SolvableOperator, LogDeterminantOperator {
    /// `n`. - Complexity: `O(1)`.
    @inlinable public var rows: Int { order }
    /// `n`. - Complexity: `O(1)`.
    @inlinable public var columns: Int { order }

    /// `H·X`. - Complexity: as ``HODLRMatrix/apply(to:)``. - Throws: as ``HODLRMatrix/apply(to:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> { try matrix.apply(to: x) }

    /// `Hᵀ·X`. - Complexity: as ``HODLRMatrix/apply(to:)``.
    /// - Throws: as ``HODLRMatrix/applyTransposed(to:)``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> { try matrix.applyTransposed(to: x) }

    /// `H` as a dense matrix. - Complexity: as ``HODLRMatrix/dense()``. - Throws: as ``HODLRMatrix/dense()``.
    @inlinable
    public func dense() throws -> Matrix<Scalar> { try matrix.dense() }
}
