import DenseLinearAlgebra

/// A square operator whose determinant is available exactly (up to rounding), as
/// `log |det A|` and its sign so that it neither overflows nor underflows.
public protocol LogDeterminantOperator<Scalar>: LinearOperator {
    /// `log |det A|` and the sign of `det A` (`±1`; `logAbs = -∞` with sign `0` is not
    /// returned: a singular operator throws).
    /// - Complexity: the structure's; a dense LU is `2n³/3` flops.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless
    ///   square; ``/DenseLinearAlgebra/LinearAlgebraError/singularMatrix(operation:index:)`` or
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/singularEigenvalue(operation:index:value:)`` for a singular operator.
    func logAbsoluteDeterminant() throws -> (logAbs: Scalar, sign: Scalar)
}
