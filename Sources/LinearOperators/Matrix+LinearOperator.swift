import DenseLinearAlgebra

/// A dense matrix is the operator it stores: products by BLAS `gemm`, solves and determinants
/// by LU (LAPACK `?getrf`/`?getrs`).
extension Matrix: LinearOperator, SolvableOperator, LogDeterminantOperator {
    /// `A·X` by `gemm`. - Complexity: `2mnk` flops.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X`
    ///   has `n` rows.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, rows: columns, "Matrix.apply")
        return try multiplied(by: x)
    }

    /// `Aᵀ·X` by `gemm`. - Complexity: `2mnk` flops.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X`
    ///   has `m` rows.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, rows: rows, "Matrix.applyTransposed")
        return try multiplied(by: x, transposingSelf: .transpose)
    }

    /// `result = A·X` by `gemm` into `result`'s storage when it is `m × k` already.
    /// - Complexity: `2mnk` flops; no allocation when `result` has the shape.
    /// - Throws: as ``apply(to:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>, into result: inout Matrix<Scalar>) throws {
        try requireOperand(x, rows: columns, "Matrix.apply")
        if result.rows != rows || result.columns != x.columns { result = try Matrix(rows: rows, columns: x.columns) }
        try Matrix.multiply(self, x, into: &result)
    }

    /// The matrix itself. - Complexity: `O(1)` (copy-on-write).
    @inlinable
    public func dense() throws -> Matrix<Scalar> { self }

    /// The stored diagonal. - Complexity: `O(min(m, n))`.
    @inlinable
    public func diagonalEntries() throws -> [Scalar] { diagonal }

    /// `A⁻¹·B` by LU with partial pivoting.
    /// - Complexity: `2n³/3 + 2n²k` flops.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless square
    ///   with `B` of `n` rows, and as ``/DenseLinearAlgebra/LUFactorization/solve(_:transpose:)``.
    @inlinable
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireSquare("Matrix.solve")
        try requireOperand(b, rows: rows, "Matrix.solve")
        return try LUFactorization(self).solve(b)
    }

    /// `log |det A|` and its sign by LU.
    /// - Complexity: `2n³/3` flops.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless square,
    ///   and as ``/DenseLinearAlgebra/LUFactorization/init(_:)`` (an exactly singular matrix).
    @inlinable
    public func logAbsoluteDeterminant() throws -> (logAbs: Scalar, sign: Scalar) {
        try requireSquare("Matrix.logAbsoluteDeterminant")
        guard rows > 0 else { return (0, 1) }
        return try LUFactorization(self).logAbsoluteDeterminant()
    }
}
