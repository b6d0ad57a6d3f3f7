import DenseLinearAlgebra
import LinearOperators
import SymmetricEigen

/// The eigendecomposition of a Kronecker sum is the symmetric operator `A ⊕ B` it represents,
/// `(Q_A ⊗ Q_B)·diag(e)·(Q_A ⊗ Q_B)ᵀ` with `e_{i + n_B·j} = d_A[j] + d_B[i]`: its products go
/// through the factored eigenbasis, its solve is ``solve(_:shift:)`` at `σ = 0`, and its trace,
/// diagonal and determinant come from the factors' eigenpairs.
extension KroneckerSumEigendecomposition: SymmetricOperator, SolvableOperator, LogDeterminantOperator {
    /// `n_A·n_B`. - Complexity: `O(1)`.
    @inlinable public var rows: Int { order }
    /// `n_A·n_B`. - Complexity: `O(1)`.
    @inlinable public var columns: Int { order }

    /// `(A ⊕ B)·X = Q·diag(e)·Qᵀ·X` with `Q = Q_A ⊗ Q_B` kept factored.
    /// - Complexity: two Kronecker products with `k` columns, `4·n_A·n_B·(n_A + n_B)·k` flops.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X` has
    ///   `n_A·n_B` rows.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, rows: order, "KroneckerSumEigendecomposition.apply")
        return try eigenvectors.spectralProduct(eigenvalues(), x)
    }

    /// `n_B·Σ d_A + n_A·Σ d_B`. - Complexity: `O(n_A + n_B)`.
    @inlinable
    public func trace() throws -> Scalar {
        try Scalar(second.order) * first.trace() + Scalar(first.order) * second.trace()
    }

    /// `diag(A) ⊗ 1 + 1 ⊗ diag(B)` with `diag(A)_p = Σⱼ d_A[j]·Q_A[p, j]²` from the factors'
    /// decompositions. - Complexity: `2(n_A² + n_B²) + n_A·n_B` flops.
    @inlinable
    public func diagonalEntries() throws -> [Scalar] {
        let (a, b) = (try first.diagonalEntries(), try second.diagonalEntries())
        return a.flatMap { ai in b.map { ai + $0 } }
    }

    /// `(A ⊕ B)⁻¹·C`: ``solve(_:shift:)`` with `σ = 0`.
    /// - Complexity: as ``solve(_:shift:)``. - Throws: as ``solve(_:shift:)``.
    @inlinable
    public func solve(_ c: Matrix<Scalar>) throws -> Matrix<Scalar> { try solve(c, shift: 0) }

    /// `Σ log|d_A[j] + d_B[i]|` over all `n_A·n_B` pairs and the sign of their product.
    /// - Complexity: `O(n_A·n_B)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/singularEigenvalue(operation:index:value:)`` for a zero sum
    ///   (1-based index `r = i + n_B·j + 1`), and as ``eigenvalues()``.
    @inlinable
    public func logAbsoluteDeterminant() throws -> (logAbs: Scalar, sign: Scalar) {
        try logAbsoluteProduct(eigenvalues(), operation: "KroneckerSumEigendecomposition.logAbsoluteDeterminant")
    }
}
