import DenseLinearAlgebra

/// The symmetric part `(A + Aᵀ)/2` of a square operator: a ``SymmetricOperator`` made from any
/// square one without promising anything about it. For an operator that is symmetric only up
/// to an approximation (a compressed HODLR matrix of a symmetric kernel, a Kronecker sum of
/// symmetric dense factors) it is the nearest symmetric operator in the Frobenius norm, and
/// what symmetric algorithms (``ConjugateGradients``, ``StochasticLanczosQuadrature``, block
/// Lanczos) should be given.
public struct SymmetrizedOperator<Base: LinearOperator>: SymmetricOperator {
    /// The scalar type of the base.
    public typealias Scalar = Base.Scalar
    /// `A`.
    public let base: Base

    /// `(A + Aᵀ)/2`. - Complexity: `O(1)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `A` is
    ///   square.
    @inlinable
    public init(_ base: Base) throws {
        try base.requireSquare("SymmetrizedOperator")
        self.base = base
    }

    /// `n`. - Complexity: `O(1)`.
    @inlinable public var rows: Int { base.rows }
    /// `n`. - Complexity: `O(1)`.
    @inlinable public var columns: Int { base.columns }

    /// `(A·X + Aᵀ·X)/2`. - Complexity: one product and one transposed product of the base, `2nk` flops.
    /// - Throws: as the base's ``LinearOperator/apply(to:)`` and ``LinearOperator/applyTransposed(to:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var result = try base.apply(to: x)
        try result.add(base.applyTransposed(to: x), scaledBy: 1)
        result.scale(by: 1 / 2)
        return result
    }

    /// `tr A` (the symmetric part has the same diagonal). - Complexity: the base's trace.
    /// - Throws: as the base's ``LinearOperator/trace()``.
    @inlinable
    public func trace() throws -> Scalar { try base.trace() }

    /// `diag A`. - Complexity: the base's diagonal. - Throws: as the base's ``LinearOperator/diagonalEntries()``.
    @inlinable
    public func diagonalEntries() throws -> [Scalar] { try base.diagonalEntries() }
}
