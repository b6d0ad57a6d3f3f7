import DenseLinearAlgebra
import LinearOperators

/// A Kronecker product is a ``/LinearOperators/LinearOperator`` through its factored products
/// (mode products, ``apply(to:into:workspace:)``); trace, diagonal, solve and determinant come
/// from the factors (``trace()``, ``diagonalEntries()``, ``solve(_:)``, ``logAbsoluteDeterminant()``).
extension KroneckerProduct: LinearOperator, SolvableOperator, LogDeterminantOperator {
    /// `(A₁ ⊗ … ⊗ A_d)·X`. - Complexity: as ``apply(to:into:workspace:)``, plus a fresh result and workspace.
    /// - Throws: as ``apply(to:into:workspace:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var result = Matrix<Scalar>()
        try apply(to: x, into: &result)
        return result
    }

    /// `(A₁ ⊗ … ⊗ A_d)ᵀ·X`. - Complexity: as ``applyTransposed(to:into:workspace:)``.
    /// - Throws: as ``applyTransposed(to:into:workspace:)``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var result = Matrix<Scalar>()
        try applyTransposed(to: x, into: &result)
        return result
    }

    /// `result = (A₁ ⊗ … ⊗ A_d)·X` into `result`'s storage.
    /// - Complexity: as ``apply(to:into:workspace:)``; keep a ``KroneckerWorkspace`` and call
    ///   that form to reuse the scratch memory too.
    /// - Throws: as ``apply(to:into:workspace:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>, into result: inout Matrix<Scalar>) throws {
        var workspace = KroneckerWorkspace<Scalar>()
        try apply(to: x, into: &result, workspace: &workspace)
    }

    /// `result = (A₁ ⊗ … ⊗ A_d)ᵀ·X` into `result`'s storage.
    /// - Complexity: as ``apply(to:into:)``. - Throws: as ``applyTransposed(to:into:workspace:)``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>, into result: inout Matrix<Scalar>) throws {
        var workspace = KroneckerWorkspace<Scalar>()
        try applyTransposed(to: x, into: &result, workspace: &workspace)
    }
}
