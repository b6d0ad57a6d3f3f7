import DenseLinearAlgebra

/// A square operator that can solve `A·X = B` exactly (up to rounding): a factorization, an
/// eigendecomposition, a Kronecker product of solvable factors.
///
/// Applying the inverse lazily is ``InverseOperator``.
public protocol SolvableOperator<Scalar>: LinearOperator {
    /// `X = A⁻¹·B` for `B` of `n` rows.
    /// - Complexity: the structure's; a dense LU solve is `2n³/3 + 2n²k` flops.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless
    ///   square with `B` of `n` rows; ``/DenseLinearAlgebra/LinearAlgebraError/singularMatrix(operation:index:)`` or
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/singularEigenvalue(operation:index:value:)`` for a singular operator.
    func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar>
}
