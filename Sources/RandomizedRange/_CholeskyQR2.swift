import DenseLinearAlgebra

extension Matrix {
    /// An orthonormal basis of the columns of `self` (`m × ℓ`, `m ≥ ℓ`, finite): CholeskyQR2
    /// when the columns are well enough conditioned for it, else Householder QR.
    ///
    /// CholeskyQR2 [Fukaya, Nakatsukasa, Yanagisawa & Yamamoto 2014; Yamamoto et al. 2015]
    /// runs `G = XᵀX` (`?syrk`), `G = LLᵀ` (`?potrf`), `X ← X·L⁻ᵀ` (`?trsm`) twice: `4mℓ²` flops
    /// in level-3 BLAS, where Householder's `?geqrf` + `?orgqr` (the same flops) spends half in
    /// level-2 panel updates, 2–3.5 times slower at `2048 × 42` (`Notes/RandomizedRange.md`).
    /// It gives `‖QᵀQ − I‖ ≤ 6(mℓ + ℓ(ℓ + 1))·eps`, with the range of `Y` kept to `c·ℓ·eps·‖Y‖`
    /// (the triangular solves' backward error; the factor's own error only costs orthogonality,
    /// which the second pass restores), when
    /// `cond(Y)² · 11(mℓ + ℓ(ℓ + 1))·eps ≤ 1`. That is checked on `?pocon`'s estimate of the
    /// Gram matrix's reciprocal condition (a 1-norm estimate, within a factor `ℓ` of the
    /// 2-norm one, so the test asks `ℓ` times more); otherwise, when the Gram matrix is not
    /// positive definite (rank-deficient samples), overflows or is so small that its entries
    /// lose precision, Householder QR (``QRFactorization``) is used instead.
    /// - Complexity: `4mℓ² + O(ℓ³)` flops by CholeskyQR2, `≈ 4mℓ²` (partly level-2) by Householder.
    /// - Throws: as ``QRFactorization/init(_:)`` on the fallback.
    @inlinable
    func orthonormalColumns() throws -> Matrix {
        let (m, l) = (rows, columns)
        guard l > 0, m >= l else { return try QRFactorization(self).q }
        let eps = Scalar.ulpOfOne
        let bound = 11 * (Scalar(m) * Scalar(l) + Scalar(l) * Scalar(l + 1)) * eps * Scalar(l)
        var q = self
        for _ in 0..<2 {
            let gram = try q.gram(.transpose)
            // A Gram matrix of subnormal size has lost digits that the condition estimate does not see.
            guard let largest = gram.diagonal.max(), largest >= Scalar.leastNormalMagnitude / eps,
                  let cholesky = try? CholeskyFactorization(gram), cholesky.reciprocalCondition >= bound
            else { return try QRFactorization(self).q }
            try Matrix.triangularSolve(cholesky.factor, &q, side: .right, triangle: .lower, transpose: .transpose)
        }
        return q
    }
}
