/// The Cholesky factorization `A = L·Lᵀ` of a symmetric positive definite matrix.
///
/// Reads the lower triangle of `A` only (LAPACK `?potrf`). The factor is stored
/// with its strictly upper triangle set to zero.
///
/// - Complexity: `n³/3` flops to factor; `2·n²` flops per right-hand side to solve.
/// - Accuracy: backward stable; the computed `L` satisfies `L·Lᵀ = A + E` with
///   `‖E‖ ≤ c·n·eps·‖A‖` [Higham 2002, Thm 10.3].
public struct CholeskyFactorization<Scalar: LinearAlgebraScalar>: Sendable {
    /// The lower-triangular factor `L`.
    public let factor: Matrix<Scalar>

    /// Factors `matrix`.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless square,
    ///   ``LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞,
    ///   ``LinearAlgebraError/notPositiveDefinite(operation:minor:)`` with the failing leading minor.
    public init(_ matrix: Matrix<Scalar>) throws {
        let operation = "Cholesky (\(Scalar.routinePrefix)potrf)"
        try matrix.requireSquare(operation)
        try matrix.requireFinite(operation, argument: "A")
        var l = matrix
        let (n, lda) = (l.rows, l.leadingDimension)
        let info = l.withMutableBasePointer { Scalar.potrf(triangle: .lower, n: n, a: $0, lda: lda) }
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(operation: operation, minor: info) }
        if info < 0 { throw LinearAlgebraError.lapackFailure(routine: "\(Scalar.routinePrefix)potrf", info: info) }
        l.zeroStrictTriangle(.upper)
        factor = l
    }

    /// The order `n` of the factored matrix.
    public var order: Int { factor.rows }

    /// Solves `A·X = B` (LAPACK `?potrs`).
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when `B` has
    ///   the wrong number of rows.
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard b.rows == order else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "Cholesky solve", expected: "\(order) rows", actual: "\(b.rows)×\(b.columns)")
        }
        var x = b
        guard !x.isEmpty else { return x }
        let (n, k, ldb) = (x.rows, x.columns, x.leadingDimension)
        let info = factor.withBasePointer { pl in
            x.withMutableBasePointer { px in
                Scalar.potrs(triangle: .lower, n: n, rightHandSides: k, a: pl, lda: factor.leadingDimension,
                             b: px, ldb: ldb)
            }
        }
        if info != 0 { throw LinearAlgebraError.lapackFailure(routine: "\(Scalar.routinePrefix)potrs", info: info) }
        return x
    }

    /// `A⁻¹` formed from the factor (two triangular solves against the identity).
    public func inverse() throws -> Matrix<Scalar> { try solve(.identity(order)) }

    /// `log det A = 2·Σ log l_ii`, without overflow.
    public var logDeterminant: Scalar {
        2 * factor.diagonal.reduce(0) { $0 + .log($1) }
    }
}

extension Matrix {
    /// Sets the strictly upper (or lower) triangle to zero.
    @inlinable
    public mutating func zeroStrictTriangle(_ triangle: Triangle) {
        let (m, n) = (rows, columns)
        storage.withUnsafeMutableBufferPointer { a in
            for j in 0..<n {
                let range = triangle == .upper ? 0..<Swift.min(j, m) : Swift.min(j + 1, m)..<m
                for i in range { a[i + j * m] = 0 }
            }
        }
    }
}
