import DenseLinearAlgebra
import LinearOperators
import SymmetricEigen

extension SymmetricEigendecomposition {
    /// The `k` largest eigenpairs of the symmetric `matrix`, approximately and in descending
    /// order, by a randomized range finder and a Rayleigh–Ritz step on its basis:
    /// `Q = ` ``RangeFinder/basis(of:using:)`` (`n × ℓ`), `eig(Qᵀ·M·Q) = V·D·Vᵀ`, `U = Q·V`
    /// [HMT 2011, Alg. 5.3 with the Rayleigh–Ritz core; Puiu 2022 (RS-KFAC), "SRE"].
    ///
    /// The result is a partial decomposition (`k` pairs of an `n × n` matrix), so
    /// ``/SymmetricEigen/SymmetricEigendecomposition/dampedInverse(applyingTo:damping:)`` applies
    /// `(U·D·Uᵀ + λI)⁻¹` in `O(n·k)` per column, RS-KFAC's preconditioner.
    ///
    /// Differences from the references: the range finder's `q` counts HMT power iterations,
    /// `Y = (M·Mᵀ)^q·M·Ω = M^{2q+1}·Ω`; RS-KFAC's `Y = M³·Ω` (its `q = 3`) is `q = 1` here.
    /// Of the `ℓ` Ritz pairs the `k` algebraically largest are kept (Alg. 5.3 keeps all `ℓ`).
    ///
    /// - Complexity: `(2q + 2)·2n²ℓ` flops in GEMMs (`2q + 2` passes over `M`), `2q + 1`
    ///   QR factorizations of `n × ℓ` (`≈ 4nℓ²` each), an `ℓ × ℓ` eigenproblem and `2nℓk`
    ///   for `U`. Against a full `?syevd` (`≈ 9n³`) this wins by about `n / (4(q+1)ℓ)`.
    /// - Accuracy: the range finder's subspace captures the dominant eigenvalues by magnitude,
    ///   so the promise is for matrices whose `k` largest eigenvalues are also the `k` largest
    ///   in magnitude (positive semidefinite ones in particular): `‖M − QQᵀMQQᵀ‖ ≤ 2‖M − QQᵀM‖`
    ///   [HMT §5.3], which the range finder bounds (``RangeFinder``); each Ritz value lies below
    ///   the true eigenvalue of its rank (Cauchy interlacing) and, for exact rank `≤ ℓ`, equals it
    ///   to `c·n·eps·‖M‖`.
    /// - Throws: as ``RangeFinder/sampleCount(rows:columns:)`` (`1 ≤ k ≤ n`);
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless square;
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞;
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when `M` is not symmetric to
    ///   `16·n·eps·max|M|`.
    @inlinable
    public static func randomizedLargest(
        of matrix: Matrix<Scalar>, rangeFinder: RangeFinder<Scalar>, using generator: inout some RandomNumberGenerator
    ) throws -> Self {
        try randomizedLargest(of: matrix, rangeFinder: rangeFinder, startingFrom: nil, using: &generator)
    }

    /// ``randomizedLargest(of:rangeFinder:using:)`` with the range finder warm-started from `start`
    /// (``RangeFinder/basis(of:startingFrom:using:)``): SRE-KFAC passes the previous refresh's
    /// eigenvectors. `nil` is the cold start.
    /// - Complexity: as ``randomizedLargest(of:rangeFinder:using:)``.
    /// - Throws: as ``randomizedLargest(of:rangeFinder:using:)`` and ``RangeFinder/basis(of:startingFrom:using:)``.
    @inlinable
    public static func randomizedLargest(
        of matrix: Matrix<Scalar>, rangeFinder: RangeFinder<Scalar>, startingFrom start: Matrix<Scalar>?,
        using generator: inout some RandomNumberGenerator
    ) throws -> Self {
        try matrix.requireSymmetric("SymmetricEigendecomposition.randomizedLargest")
        // M = Mᵀ (checked): every product is the non-transposed gemm, faster than the transposed
        // one for this shape (`Notes/RandomizedRange.md`, "Second pass on the peers' rows").
        let q = try rangeFinder.basis(rows: matrix.rows, columns: matrix.columns, product: matrix.apply(to:),
                                      transposedProduct: matrix.apply(to:), startingFrom: start, using: &generator)
        let core = try q.multiplied(by: matrix.multiplied(by: q), transposingSelf: .transpose)
        let ritz = try largest(rangeFinder.options.rank, of: core)
        return try Self(eigenvalues: ritz.eigenvalues, eigenvectors: q.multiplied(by: ritz.eigenvectors))
    }

    /// The rank-`k` stabilised Nyström approximation `M ≈ U·Λ·Uᵀ` of a positive
    /// semidefinite `matrix`, and how many of the `k` returned eigenvalues were clamped at `0`
    /// [Tropp, Yurtsever, Udell & Cevher 2017, Alg. 3; RandLAPACK REVD2].
    ///
    /// With `Ω` (`n × ℓ`) an orthonormalised test matrix after `q` power steps
    /// (`Ω ← qr(M·Ω)`, re-orthonormalised each time):
    ///
    ///     Y = M·Ω,  ν = eps·‖Y‖_F,  Y_ν = Y + ν·Ω,  L·Lᵀ = Ωᵀ·Y_ν (Cholesky),
    ///     E = Y_ν·L⁻ᵀ = U·Σ·Wᵀ (SVD),  Λ = max(Σ² − ν, 0),
    ///
    /// keeping the leading `k` pairs. The shift `ν` makes the Cholesky factorization of the
    /// (possibly singular) core `ΩᵀMΩ` well defined and is removed again from `Σ²`; where
    /// rounding leaves `σᵢ² − ν < 0` the eigenvalue is set to `0` and counted in `clampedCount`.
    ///
    /// Differences from the references: `‖Y‖_F` replaces `‖Y‖₂` in the shift (cheaper, at most
    /// `√ℓ` times larger, still `O(eps)`); `Ω` is orthonormalised so that `ΩᵀΩ = I`; `q` power
    /// steps make Nyström's error that of HMT's `q`-step range finder on `M^{1/2}`. The
    /// orthonormalisations are the range finder's (CholeskyQR2 under its condition gate,
    /// Householder QR otherwise), and the SVD of `E` is taken as `E = B·(BᵀE)` with `B` such a
    /// basis of `E` and the SVD of the `ℓ × ℓ` matrix `BᵀE`, `U = B·Ũ`.
    ///
    /// - Complexity: `(q + 1)·2n²ℓ` flops (`q + 1` passes over `M`), `q + 2` orthonormalisations
    ///   of `n × ℓ` (`≈ 4nℓ²` each), `2nℓ²` each for `ΩᵀY` and `BᵀE`, `ℓ³/3` Cholesky, `nℓ²`
    ///   triangular solve, an `ℓ × ℓ` SVD and `2nℓk` for `U`.
    ///   Half the passes of ``randomizedLargest(of:rangeFinder:using:)`` for the same `q`.
    /// - Accuracy: `M − UΛUᵀ` is positive semidefinite up to rounding and
    ///   `‖M − M̂‖ = ‖(I − P)M^{1/2}‖²` for `P` the projector on the range of `M^{q+1/2}Ω`
    ///   [Gittens & Mahoney 2016, Lemma 1], so HMT Cor. 10.10 applied to `M^{1/2}` bounds it by
    ///   `λ_{k+1}` times a factor close to 1 for decaying spectra (before the truncation to
    ///   `k`, which adds at most `λ_{k+1}(M̂) ≤ λ_{k+1}`); exact to `c·n·eps·‖M‖` for rank `≤ ℓ`.
    /// - Throws: as ``randomizedLargest(of:rangeFinder:using:)``;
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for a negative diagonal entry
    ///   (then `M` is not positive semidefinite); ``/DenseLinearAlgebra/LinearAlgebraError/notPositiveDefinite(operation:minor:)``
    ///   when `Ωᵀ·M·Ω + νI` is not positive definite (the sketch saw a negative direction).
    ///   An indefinite `M` whose negative part the sketch misses is not detected.
    @inlinable
    public static func nystrom(
        of matrix: Matrix<Scalar>, rangeFinder: RangeFinder<Scalar>, using generator: inout some RandomNumberGenerator
    ) throws -> (decomposition: Self, clampedCount: Int) {
        let operation = "SymmetricEigendecomposition.nystrom"
        try matrix.requireSymmetric(operation)
        let n = matrix.rows
        let l = try rangeFinder.sampleCount(rows: n, columns: n)
        let k = rangeFinder.options.rank
        if let negative = matrix.diagonal.firstIndex(where: { $0 < 0 }) {
            throw LinearAlgebraError.invalidArgument(
                operation: operation,
                detail: "M[\(negative),\(negative)] = \(matrix[negative, negative]) < 0, so M is not positive semidefinite")
        }
        var omega = try rangeFinder.options.distribution.testMatrix(rows: n, columns: l, as: Scalar.self, using: &generator)
            .orthonormalColumns()
        for _ in 0..<rangeFinder.options.powerIterations {
            omega = try matrix.multiplied(by: omega).orthonormalColumns()
        }
        var y = try matrix.multiplied(by: omega)
        let norm = y.frobeniusNorm
        guard norm > 0 else {
            // M·Ω = 0: the approximation M·Ω·(ΩᵀMΩ)⁺·ΩᵀM is exactly zero.
            return (try Self(eigenvalues: Array(repeating: 0, count: k), eigenvectors: omega.columns(0..<k)), 0)
        }
        let shift = Scalar.ulpOfOne * norm
        try y.add(omega, scaledBy: shift)
        let core = try omega.multiplied(by: y, transposingSelf: .transpose)
        let cholesky: CholeskyFactorization<Scalar>
        do {
            cholesky = try CholeskyFactorization(core)
        } catch let LinearAlgebraError.notPositiveDefinite(_, minor) {
            throw LinearAlgebraError.notPositiveDefinite(
                operation: "\(operation) (Cholesky of Ωᵀ·M·Ω + νI, ν = \(shift))", minor: minor)
        }
        try Matrix.triangularSolve(cholesky.factor, &y, side: .right, triangle: .lower, transpose: .transpose)
        // E = B·(BᵀE) with B an orthonormal basis of E: the SVD of the ℓ × ℓ BᵀE instead of the n × ℓ E.
        let basis = try y.orthonormalColumns()
        let svd = try SingularValueDecomposition(basis.multiplied(by: y, transposingSelf: .transpose))
        var clamped = 0
        let values = svd.singularValues.prefix(k).map { sigma -> Scalar in
            let value = sigma * sigma - shift
            if value < 0 { clamped += 1 }
            return Swift.max(value, 0)
        }
        return (try Self(eigenvalues: values, eigenvectors: basis.multiplied(by: svd.u.columns(0..<k))), clamped)
    }
}
