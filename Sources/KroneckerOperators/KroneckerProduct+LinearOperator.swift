import DenseLinearAlgebra
import LinearOperators

/// A Kronecker product is a ``/LinearOperators/LinearOperator`` through its factored products
/// (``multiplied(by:transpose:)->Matrix<Scalar>``); trace, diagonal, solve and determinant come
/// from the factors (``trace()``, ``diagonalEntries()``, ``solve(_:)``, ``logAbsoluteDeterminant()``).
extension KroneckerProduct: LinearOperator, SolvableOperator, LogDeterminantOperator {
    /// `(A₁ ⊗ … ⊗ A_d)·X`. - Complexity: as ``multiplied(by:transpose:)->Matrix<Scalar>``.
    /// - Throws: as ``multiplied(by:transpose:)->Matrix<Scalar>``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> { try multiplied(by: x) }

    /// `(A₁ ⊗ … ⊗ A_d)ᵀ·X`. - Complexity: as ``multiplied(by:transpose:)->Matrix<Scalar>``.
    /// - Throws: as ``multiplied(by:transpose:)->Matrix<Scalar>``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try multiplied(by: x, transpose: .transpose)
    }

    /// `result = (A₁ ⊗ … ⊗ A_d)·X` into `result`'s storage.
    /// - Complexity: as ``multiplied(by:transpose:)->Matrix<Scalar>``; keep a ``KroneckerWorkspace`` and call
    ///   ``multiply(_:transpose:into:workspace:)`` to reuse the scratch memory too.
    /// - Throws: as ``multiplied(by:transpose:)->Matrix<Scalar>``.
    @inlinable
    public func apply(to x: Matrix<Scalar>, into result: inout Matrix<Scalar>) throws {
        var workspace = KroneckerWorkspace<Scalar>()
        try multiply(x, into: &result, workspace: &workspace)
    }

    /// `result = (A₁ ⊗ … ⊗ A_d)ᵀ·X` into `result`'s storage.
    /// - Complexity: as ``apply(to:into:)``. - Throws: as ``multiplied(by:transpose:)->Matrix<Scalar>``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>, into result: inout Matrix<Scalar>) throws {
        var workspace = KroneckerWorkspace<Scalar>()
        try multiply(x, transpose: .transpose, into: &result, workspace: &workspace)
    }
}
