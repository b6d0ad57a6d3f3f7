// Householder QR steps in place on a view, for kernels that keep the reflectors or the
// orthonormal factor inside a larger matrix (the residual basis of a Brand update).

extension MutableMatrixView {
    /// QR factorization with column pivoting `A·P = Q·R` of this view, in place (LAPACK `?geqp3`):
    /// `R` on and above the diagonal (`|R₁₁| ≥ |R₂₂| ≥ …`), the reflectors of `Q` below it and in `tau`.
    /// On exit `pivots[j] − 1` is the column of `A` that became column `j` of `A·P`; pass zeros so
    /// that every column may move.
    /// - Complexity: `4mn² − 4n³/3` flops for `m ≥ n`.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` when `pivots` holds fewer than
    ///   `columns` or `tau` fewer than `min(rows, columns)` entries,
    ///   ``LinearAlgebraError/lapackFailure(routine:info:)`` when LAPACK reports an error.
    @inlinable
    public func factorQRWithColumnPivoting(pivots: inout [Int32], tau: inout [Scalar]) throws {
        let routine = "\(Scalar.routinePrefix)geqp3"
        guard pivots.count >= columns, tau.count >= Swift.min(rows, columns) else {
            throw LinearAlgebraError.invalidArgument(
                operation: routine, detail: "\(pivots.count) pivots and \(tau.count) reflector scalars for a "
                    + "\(rows)×\(columns) view (need \(columns) and \(Swift.min(rows, columns)))")
        }
        guard !isEmpty else { return }
        let info = try Scalar.geqp3(m: rows, n: columns, a: start, lda: leadingDimension, pivots: &pivots, tau: &tau)
        if info != 0 { throw LinearAlgebraError.lapackFailure(routine: routine, info: info) }
    }

    /// Overwrites this view (`m × n`, `m ≥ n`) with the first `n` columns of `Q = H₁⋯H_k` from the
    /// `k = reflectors` Householder vectors stored below its diagonal and in `tau` (LAPACK `?orgqr`).
    /// - Complexity: `4mnk − 2(m + n)k² + 4k³/3` flops.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` unless `0 ≤ k ≤ n ≤ m` and
    ///   `tau` holds `k` entries, ``LinearAlgebraError/lapackFailure(routine:info:)`` when LAPACK reports an error.
    @inlinable
    public func formOrthonormalFactor(reflectors k: Int, tau: [Scalar]) throws {
        let routine = "\(Scalar.routinePrefix)orgqr"
        guard k >= 0, k <= columns, columns <= rows, tau.count >= k else {
            throw LinearAlgebraError.invalidArgument(
                operation: routine, detail: "\(k) reflectors (\(tau.count) scalars) for a \(rows)×\(columns) view "
                    + "(need 0 ≤ k ≤ columns ≤ rows)")
        }
        guard !isEmpty else { return }
        let info = try Scalar.orgqr(m: rows, n: columns, k: k, a: start, lda: leadingDimension, tau: tau)
        if info != 0 { throw LinearAlgebraError.lapackFailure(routine: routine, info: info) }
    }
}
