/// The thin QR factorization `A = Q·R` of an `m × n` matrix with `m ≥ n`:
/// `Q` is `m × n` with orthonormal columns, `R` is `n × n` upper triangular.
///
/// Householder reflections (LAPACK `?geqrf`), then `Q` formed explicitly (`?orgqr`).
/// For `m < n` the factorization is `Q` (`m × m`) and `R` (`m × n`, upper trapezoidal).
///
/// - Complexity: `2mn² − 2n³/3` flops for `geqrf` plus about as many for `orgqr`.
/// - Accuracy: backward stable; `‖QᵀQ − I‖ ≤ c·m·n·eps` and
///   `‖QR − A‖ ≤ c·m·n·eps·‖A‖` [Higham 2002, Thm 19.4].
public struct QRFactorization<Scalar: LinearAlgebraScalar>: Sendable {
    /// `Q` with orthonormal columns.
    public let q: Matrix<Scalar>
    /// The upper-triangular (trapezoidal) `R`.
    public let r: Matrix<Scalar>

    /// Factors `matrix`.
    /// - Throws: ``LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ entries,
    ///   ``LinearAlgebraError/lapackFailure(routine:info:)`` if LAPACK reports an error.
    @inlinable
    public init(_ matrix: Matrix<Scalar>) throws {
        try matrix.requireFinite("QR (\(Scalar.routinePrefix)geqrf)", argument: "A")
        let (m, n) = (matrix.rows, matrix.columns)
        let k = Swift.min(m, n)
        var a = matrix
        var tau = [Scalar](repeating: 0, count: Swift.max(1, k))
        if k > 0 {
            let lda = a.leadingDimension
            let info = try a.withMutableBasePointer { try Scalar.geqrf(m: m, n: n, a: $0, lda: lda, tau: &tau) }
            if info != 0 { throw LinearAlgebraError.lapackFailure(routine: "\(Scalar.routinePrefix)geqrf", info: info) }
        }
        var upper = try a.submatrix(rows: 0..<k, columns: 0..<n)
        upper.zeroStrictTriangle(.lower)
        r = upper
        var qFactor = try a.columns(0..<k)
        if k > 0 {
            let ldq = qFactor.leadingDimension
            let info = try qFactor.withMutableBasePointer { try Scalar.orgqr(m: m, n: k, k: k, a: $0, lda: ldq, tau: tau) }
            if info != 0 { throw LinearAlgebraError.lapackFailure(routine: "\(Scalar.routinePrefix)orgqr", info: info) }
        }
        q = qFactor
    }
}

extension Matrix {
    /// An orthonormal basis of the column space, `Q` of the thin QR factorization.
    /// - Complexity: about `4mn² − 4n³/3` flops.
    public func orthonormalized() throws -> Matrix { try QRFactorization(self).q }
}
