import DenseLinearAlgebra
import LinearOperators

/// A Kronecker sum is a ``/LinearOperators/LinearOperator`` through its factored product
/// (``apply(to:)``); its transpose is `Aᵀ ⊕ Bᵀ`, its trace and diagonal come from the
/// factors, and it solves through the factors' eigendecompositions when they are symmetric
/// (``solve(_:shift:)`` with `σ = 0`).
extension KroneckerSum: LinearOperator, SolvableOperator {
    /// `n_A·n_B`. - Complexity: `O(1)`.
    @inlinable public var rows: Int { order }
    /// `n_A·n_B`. - Complexity: `O(1)`.
    @inlinable public var columns: Int { order }

    /// `(A ⊕ B)ᵀ·X = (Aᵀ ⊕ Bᵀ)·X`. - Complexity: as ``apply(to:)`` plus the two transposes
    /// (`n_A² + n_B²`). - Throws: as ``apply(to:)``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try KroneckerSum(first.transposed(), second.transposed()).apply(to: x)
    }

    /// `n_B·tr A + n_A·tr B`. - Complexity: `O(n_A + n_B)`.
    @inlinable
    public func trace() throws -> Scalar {
        try Scalar(second.rows) * first.trace() + Scalar(first.rows) * second.trace()
    }

    /// `(A ⊕ B)[r, r] = a_{ii} + b_{jj}` for `r = i·n_B + j`. - Complexity: `O(n_A·n_B)`.
    @inlinable
    public func diagonalEntries() throws -> [Scalar] {
        let (a, b) = (first.diagonal, second.diagonal)
        return a.flatMap { ai in b.map { ai + $0 } }
    }

    /// `(A ⊕ B)⁻¹·C` for symmetric `A`, `B`: ``solve(_:shift:)`` with `σ = 0`.
    /// - Complexity: as ``solve(_:shift:)``. - Throws: as ``solve(_:shift:)``.
    @inlinable
    public func solve(_ c: Matrix<Scalar>) throws -> Matrix<Scalar> { try solve(c, shift: 0) }
}
