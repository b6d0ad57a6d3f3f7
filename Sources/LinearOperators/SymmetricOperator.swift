import DenseLinearAlgebra

/// A square operator with `Aᵀ = A`: ``LinearOperator/applyTransposed(to:)`` is
/// ``LinearOperator/apply(to:)``, and symmetric algorithms (conjugate gradients, Lanczos)
/// accept it.
///
/// Conforming promises symmetry of the *structure* (a symmetric eigendecomposition, a
/// Kronecker sum of symmetric factors); numerical symmetry of a dense matrix is not checked
/// by the type system, so a dense `Matrix` is not a `SymmetricOperator`.
public protocol SymmetricOperator<Scalar>: LinearOperator {}

extension SymmetricOperator {
    /// `Aᵀ·X = A·X`. - Complexity: as ``LinearOperator/apply(to:)``.
    /// - Throws: as ``LinearOperator/apply(to:)``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> { try apply(to: x) }
}
