import DenseLinearAlgebra
import LinearOperators

/// A decomposition is the operator it represents, `Q·diag(d)·Qᵀ`: the matrix itself for a
/// complete decomposition, its rank-`k` part for a selection (``largest(_:of:options:)``).
/// Products, trace, diagonal come from the factors; solves and the determinant need all `n`
/// eigenpairs.
extension SymmetricEigendecomposition: SymmetricOperator, SolvableOperator, LogDeterminantOperator {
    /// `n`. - Complexity: `O(1)`.
    @inlinable public var rows: Int { order }
    /// `n`. - Complexity: `O(1)`.
    @inlinable public var columns: Int { order }

    /// `Q·diag(d)·Qᵀ·X`. - Complexity: `4nkc` flops for `k` eigenpairs and `c` columns.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` without eigenvectors,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X` has `n` rows.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try spectralApply(eigenvalues, to: x, "SymmetricEigendecomposition.apply")
    }

    /// `Q·diag(d)·Qᵀ`. - Complexity: as ``reconstructed()``. - Throws: as ``reconstructed()``.
    @inlinable
    public func dense() throws -> Matrix<Scalar> { try reconstructed() }

    /// `Σ dᵢ` (the trace of `Q·diag(d)·Qᵀ`, `Q` orthonormal). - Complexity: `O(k)`.
    @inlinable
    public func trace() throws -> Scalar { eigenvalues.reduce(0, +) }

    /// `Σⱼ dⱼ·qᵢⱼ²` for every `i`. - Complexity: `2nk` flops.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` without eigenvectors.
    @inlinable
    public func diagonalEntries() throws -> [Scalar] {
        try requireEigenvectors("SymmetricEigendecomposition.diagonalEntries")
        return (0..<order).map { i in
            eigenvalues.indices.reduce(Scalar(0)) { $0 + eigenvalues[$1] * eigenvectors[i, $1] * eigenvectors[i, $1] }
        }
    }

    /// `Q·diag(1/d)·Qᵀ·B`. - Complexity: `4n²c` flops for `c` columns.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` without eigenvectors or
    ///   for a partial decomposition, ``/DenseLinearAlgebra/LinearAlgebraError/singularEigenvalue(operation:index:value:)``
    ///   for an eigenvalue whose reciprocal is not finite,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/numericallySingular(operation:reciprocalCondition:)`` as an LU solve
    ///   does, when `min|dᵢ| < eps·max|dᵢ|`,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `B` has `n` rows.
    @inlinable
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        let operation = "SymmetricEigendecomposition.solve"
        try requireComplete(operation)
        let reciprocals = try reciprocalsOfShifted(eigenvalues, shift: 0, operation: operation)
        try requireNumericallyNonsingular(reciprocalCondition: reciprocalCondition(ofEigenvalues: eigenvalues),
                                          operation: operation)
        return try spectralApply(reciprocals, to: b, operation)
    }

    /// `Σ log|dᵢ|` and `Π sign(dᵢ)`. Of a numerically singular matrix (some `|dᵢ| < eps·max|dⱼ|`)
    /// these are the rounding's, as an LU factorization's are; ``solve(_:)`` refuses such a matrix.
    /// - Complexity: `O(n)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for a partial
    ///   decomposition, ``/DenseLinearAlgebra/LinearAlgebraError/singularEigenvalue(operation:index:value:)`` for a zero
    ///   eigenvalue (1-based index).
    @inlinable
    public func logAbsoluteDeterminant() throws -> (logAbs: Scalar, sign: Scalar) {
        let operation = "SymmetricEigendecomposition.logAbsoluteDeterminant"
        guard isComplete else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "needs all \(order) eigenvalues, the decomposition holds \(eigenvalues.count)")
        }
        return try logAbsoluteProduct(eigenvalues, operation: operation)
    }

    /// `Q·diag(c)·Qᵀ·X`.
    @inlinable
    func spectralApply(_ coefficients: [Scalar], to x: Matrix<Scalar>, _ operation: String) throws -> Matrix<Scalar> {
        try requireEigenvectors(operation)
        try requireOperand(x, rows: order, operation)
        var projected = try eigenvectors.multiplied(by: x, transposingSelf: .transpose)
        try projected.scaleRows(by: coefficients)
        return try eigenvectors.multiplied(by: projected)
    }
}
