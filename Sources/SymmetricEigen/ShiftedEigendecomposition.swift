import DenseLinearAlgebra
import LinearOperators

/// `Q·diag(d)·Qᵀ + λI` for a complete or partial (`k < n` eigenpairs) symmetric
/// eigendecomposition: the low-rank-plus-identity form that truncated curvature factors take
/// (B-KFAC's `UΛUᵀ + λI`), as one symmetric operator that also solves and has a determinant.
///
/// Its eigenvalues are `dᵢ + λ` on the captured subspace and `λ` on its `n − k`-dimensional
/// complement, so the solve is the decomposition's damped inverse
/// (``SymmetricEigendecomposition/dampedInverse(applyingTo:damping:)``, `Q·diag(1/(d + λ) − 1/λ)·Qᵀ·B + B/λ`),
/// the trace `Σ dᵢ + n·λ` and `log|det| = Σ log|dᵢ + λ| + (n − k)·log λ`.
///
/// - Complexity: a product or solve costs `4nkc + O(nc)` flops for `c` columns; nothing of
///   size `n × n` is formed.
public struct ShiftedEigendecomposition<Scalar: LinearAlgebraScalar>: SymmetricOperator, SolvableOperator,
    LogDeterminantOperator
{
    /// `Q·diag(d)·Qᵀ + λI` as a lazy shift, which supplies the products, trace and diagonal.
    public let shifted: ShiftedOperator<SymmetricEigendecomposition<Scalar>>

    /// The (possibly partial) decomposition `Q·diag(d)·Qᵀ`; it has eigenvectors. - Complexity: `O(1)`.
    @inlinable public var decomposition: SymmetricEigendecomposition<Scalar> { shifted.base }
    /// The shift `λ ≥ 0`. - Complexity: `O(1)`.
    @inlinable public var shift: Scalar { shifted.shift }

    /// `Q·diag(d)·Qᵀ + λI`. - Complexity: `O(1)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `λ` negative or not
    ///   finite, or a decomposition without eigenvectors.
    @inlinable
    public init(_ decomposition: SymmetricEigendecomposition<Scalar>, shift: Scalar) throws {
        let operation = "ShiftedEigendecomposition"
        try requireValidDamping(shift, operation: operation)
        try decomposition.requireEigenvectors(operation)
        shifted = try ShiftedOperator(decomposition, shift: shift)
    }

    /// `n`. - Complexity: `O(1)`.
    @inlinable public var rows: Int { shifted.rows }
    /// `n`. - Complexity: `O(1)`.
    @inlinable public var columns: Int { shifted.columns }

    /// `Q·diag(d)·Qᵀ·X + λX`. - Complexity: `4nkc + 2nc` flops for `c` columns.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X` has
    ///   `n` rows.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> { try shifted.apply(to: x) }

    /// `Σ dᵢ + n·λ`. - Complexity: `O(k)`.
    @inlinable
    public func trace() throws -> Scalar { try shifted.trace() }

    /// `Σⱼ dⱼ·qᵢⱼ² + λ` for every `i`. - Complexity: `2nk` flops.
    @inlinable
    public func diagonalEntries() throws -> [Scalar] { try shifted.diagonalEntries() }

    /// `(Q·diag(d)·Qᵀ + λI)⁻¹·B`. - Complexity: as ``SymmetricEigendecomposition/dampedInverse(applyingTo:damping:)``.
    /// - Throws: as ``SymmetricEigendecomposition/dampedInverse(applyingTo:damping:)``: above all
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/singularEigenvalue(operation:index:value:)`` for `dᵢ + λ = 0`, or
    ///   `λ = 0` with a partial decomposition.
    @inlinable
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try decomposition.dampedInverse(applyingTo: b, damping: shift)
    }

    /// `Σ log|dᵢ + λ| + (n − k)·log λ` and `Π sign(dᵢ + λ)`. - Complexity: `O(k)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/singularEigenvalue(operation:index:value:)`` for a zero
    ///   eigenvalue `dᵢ + λ` (1-based index `i`), or `λ = 0` with a partial decomposition (index `k + 1`).
    @inlinable
    public func logAbsoluteDeterminant() throws -> (logAbs: Scalar, sign: Scalar) {
        let operation = "ShiftedEigendecomposition.logAbsoluteDeterminant"
        let values = decomposition.eigenvalues.map { $0 + shift }
        var (logAbs, sign) = try logAbsoluteProduct(values, operation: operation)
        let complement = decomposition.order - values.count
        if complement > 0 {
            guard shift > 0 else {
                throw LinearAlgebraError.singularEigenvalue(operation: operation, index: values.count + 1, value: 0)
            }
            logAbs += Scalar(complement) * Scalar.log(shift)
        }
        return (logAbs, sign)
    }
}
