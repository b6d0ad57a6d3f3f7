import DenseLinearAlgebra
import LinearOperators

/// A fixed-rank randomized range finder: an `m × ℓ` matrix `Q` with orthonormal
/// columns whose range approximates the dominant `k`-dimensional left singular
/// subspace of `A`, so that `A ≈ Q·Qᵀ·A` [Halko, Martinsson & Tropp 2011 (HMT), Alg. 4.4].
///
/// RandomizedRange depends on DenseLinearAlgebra for `Matrix`, QR, SVD and Cholesky, on
/// LinearOperators so that the range finders take any operator (only its products are used),
/// and on SymmetricEigen for the small core eigenproblem of the randomized symmetric
/// EVD and for its result type, so that a randomized EVD feeds the partial-decomposition
/// spectral functions (RS-KFAC's damped inverse) directly.
///
/// With `ℓ = min(k + p, m, n)` samples and `q` power iterations the basis spans
///
///     Y = (A·Aᵀ)^q · A · Ω,      Ω an n × ℓ test matrix (``SketchDistribution``),
///
/// computed with a re-orthonormalisation after every application of `A` or `Aᵀ`
/// (HMT Alg. 4.4, "randomized subspace iteration"): without it the columns of
/// `(A·Aᵀ)^q·A·Ω` collapse onto the top singular vector in floating point, and every
/// singular value below `eps^{1/(2q+1)}·σ₁` is lost (HMT §4.5).
///
/// ## Accuracy contract (the module's; derivations in `Notes/RandomizedRange.md`)
/// - Exact rank `r ≤ ℓ`: `‖A − Q·Qᵀ·A‖ ≤ c·max(m, n)·eps·‖A‖` with probability 1 for a
///   Gaussian `Ω` (and, in practice, for the other sketches).
/// - General `A`, Gaussian `Ω`, `p ≥ 2`: in expectation [HMT Thm 10.5, 10.6, Cor. 10.10]
///   `E‖A − QQᵀA‖ ≤ [(1 + √(k/(p−1)))·σ_{k+1}^{2q+1} + (e·√(k+p)/p)·(Σ_{j>k} σ_j^{2(2q+1)})^{1/2}]^{1/(2q+1)}`,
///   and the deviation above it is exponentially unlikely in `p` [HMT Thm 10.8].
///   For `q ≥ 1` and a decaying spectrum the error is a small multiple of the optimal `σ_{k+1}`.
/// - ``basis(of:using:)`` returns `Q` orthonormal to `‖QᵀQ − I‖ ≤ c·m·ℓ·eps` (CholeskyQR2 when
///   the sample is well conditioned, `cond² ≤ 1/(11·mℓ²·eps)` roughly; Householder QR otherwise).
/// - Not promised: a particular basis (only its range is meaningful); agreement with another
///   sketch or seed beyond the bounds above; bit-identical results across BLAS libraries or
///   thread counts (same seed and same backend give identical output).
public struct RangeFinder<Scalar: LinearAlgebraScalar>: Sendable {
    /// The knobs of the fixed-rank range finder.
    public struct Options: Sendable, Hashable {
        /// The target rank `k ≥ 1`; the approximation aims at `σ_{k+1}`.
        public var rank: Int
        /// Extra samples `p ≥ 0`; `ℓ = k + p` columns are drawn. Default `10`
        /// [HMT 2011, §4.2: "p = 5 or p = 10 is often adequate"; RS-KFAC, Puiu 2022, uses 10].
        /// When `k + p > min(m, n)`, `ℓ` is clamped to `min(m, n)` (the samples beyond
        /// `min(m, n)` cannot add to the range); `k > min(m, n)` throws instead.
        public var oversampling: Int
        /// Power iterations `q ≥ 0`: `Y = (A·Aᵀ)^q·A·Ω`, `2q + 1` passes over `A`. Default `2`
        /// [HMT 2011, §4.5: `q = 1` or `2` "usually suffices" for slowly decaying spectra].
        /// RS-KFAC (Puiu 2022) counts products with the symmetric factor `M` and uses
        /// `Y = M³·Ω`, which is `q = 1` here.
        public var powerIterations: Int
        /// The distribution of `Ω`. Default ``SketchDistribution/gaussian`` (the one HMT's bounds hold for).
        public var distribution: SketchDistribution

        /// Options for target rank `rank`.
        /// - Complexity: `O(1)`.
        public init(rank: Int, oversampling: Int = 10, powerIterations: Int = 2,
                    distribution: SketchDistribution = .gaussian) {
            self.rank = rank
            self.oversampling = oversampling
            self.powerIterations = powerIterations
            self.distribution = distribution
        }
    }

    /// The options this range finder runs with.
    public var options: Options

    /// A range finder with `options`.
    /// - Complexity: `O(1)`.
    public init(options: Options) {
        self.options = options
    }

    /// A range finder for target rank `rank` with the other options at their defaults.
    /// - Complexity: `O(1)`.
    public init(rank: Int) {
        self.init(options: Options(rank: rank))
    }

    /// `ℓ = min(k + p, m, n)`: the number of columns of the basis for an `m × n` input.
    /// - Complexity: `O(1)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` unless `1 ≤ k ≤ min(m, n)`,
    ///   `p ≥ 0` and `q ≥ 0`.
    @inlinable
    public func sampleCount(rows m: Int, columns n: Int) throws -> Int {
        let operation = "RangeFinder"
        let (k, p, q) = (options.rank, options.oversampling, options.powerIterations)
        let smaller = Swift.min(m, n)
        guard k >= 1, k <= smaller else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "target rank k = \(k) must be in 1...min(m, n) = \(smaller) for \(m)×\(n)")
        }
        guard p >= 0 else {
            throw LinearAlgebraError.invalidArgument(operation: operation, detail: "oversampling p = \(p) must be ≥ 0")
        }
        guard q >= 0 else {
            throw LinearAlgebraError.invalidArgument(operation: operation, detail: "power iterations q = \(q) must be ≥ 0")
        }
        // k + p may overflow for absurd p; the sample count is capped at min(m, n) anyway.
        let (sum, overflow) = k.addingReportingOverflow(p)
        return overflow ? smaller : Swift.min(sum, smaller)
    }

    /// An orthonormal basis `Q` (`m × ℓ`, `ℓ = min(k + p, m, n)`) of the range of
    /// `(A·Aᵀ)^q·A·Ω` [HMT 2011, Alg. 4.4; Alg. 4.1 for `q = 0`], for any
    /// ``/LinearOperators/LinearOperator`` `A`: a dense `Matrix`, or a Kronecker product, HODLR
    /// matrix or composition that is never formed (only ``/LinearOperators/LinearOperator/apply(to:)``
    /// and ``/LinearOperators/LinearOperator/applyTransposed(to:)`` on `ℓ` columns are used).
    ///
    /// - Complexity: `q + 1` products with `A` and `q` with `Aᵀ` on `ℓ` columns (`(2q + 1)·2mnℓ`
    ///   flops for a dense `A`), and `2q + 1` QR factorizations of `m × ℓ` or `n × ℓ` matrices
    ///   (`≈ 4(m+n)ℓ²·(q + ½)` flops); memory `(m + n)·ℓ` besides `A`.
    /// - Accuracy: the module's contract (``RangeFinder``): exact to `c·max(m,n)·eps·‖A‖` for
    ///   rank `≤ ℓ`, else within HMT Cor. 10.10's bound of `σ_{k+1}` in expectation; `‖A‖`
    ///   includes the operator's own rounding.
    /// - Throws: as ``sampleCount(rows:columns:)``, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)``
    ///   when a product holds NaN/∞ (so for NaN/∞ in a dense `A`),
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when a product has
    ///   the wrong shape, as ``SketchDistribution/testMatrix(rows:columns:as:using:)``, and what the
    ///   operator's products throw.
    @inlinable
    public func basis<Op: LinearOperator<Scalar>>(
        of a: Op, using generator: inout some RandomNumberGenerator
    ) throws -> Matrix<Scalar> {
        try basis(of: a, startingFrom: nil, using: &generator)
    }

    /// ``basis(of:using:)`` with the first `s ≤ ℓ` columns of the test matrix given, `Ω = [S Ω_r]`,
    /// and only the other `ℓ − s` drawn: a warm start. With `S` the basis a previous call returned
    /// for a nearby matrix (RS-KFAC's and SRE-KFAC's refresh of a slowly moving factor), the
    /// subspace iteration continues from where it stopped instead of from a random subspace, so
    /// the same `q` reaches a smaller error: for `A` with a gap after `σ_k`, `‖(I − QQᵀ)U_k‖`
    /// shrinks by `(σ_{ℓ+1}/σ_k)^{2q+1}` per call from the start's instead of from a random
    /// subspace's (subspace iteration continued; HMT §4.5). `nil` or `s = 0` is the cold start.
    ///
    /// - Complexity: as ``basis(of:using:)``; `n·(ℓ − s)` random draws instead of `n·ℓ`.
    /// - Accuracy: the HMT bounds of ``RangeFinder`` assume a Gaussian `Ω`; with a start they are
    ///   not claimed, only that `range(S)` is refined by the same power iterations.
    /// - Throws: as ``basis(of:using:)``; ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)``
    ///   unless `S` has `n` rows and at most `ℓ` columns; ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)``
    ///   for NaN/∞ in `S`.
    @inlinable
    public func basis<Op: LinearOperator<Scalar>>(
        of a: Op, startingFrom start: Matrix<Scalar>?, using generator: inout some RandomNumberGenerator
    ) throws -> Matrix<Scalar> {
        try basis(rows: a.rows, columns: a.columns, product: a.apply(to:), transposedProduct: a.applyTransposed(to:),
                  startingFrom: start, using: &generator)
    }

    /// ``basis(of:startingFrom:using:)`` on the products of an `m × n` operator given as closures:
    /// the symmetric algorithms pass `M·X` for both, so that a dense `M = Mᵀ` is read by the
    /// non-transposed `gemm` throughout (`Notes/RandomizedRange.md`, "Second pass on the peers' rows").
    /// - Complexity: as ``basis(of:using:)``.
    /// - Throws: as ``basis(of:startingFrom:using:)``.
    @inlinable
    func basis(
        rows m: Int, columns n: Int, product: (Matrix<Scalar>) throws -> Matrix<Scalar>,
        transposedProduct: (Matrix<Scalar>) throws -> Matrix<Scalar>, startingFrom start: Matrix<Scalar>?,
        using generator: inout some RandomNumberGenerator
    ) throws -> Matrix<Scalar> {
        let l = try sampleCount(rows: m, columns: n)
        let given = start?.columns ?? 0
        if let start {
            guard start.rows == n, start.columns <= l else {
                throw LinearAlgebraError.dimensionMismatch(
                    operation: "RangeFinder", expected: "a start of \(n) rows and at most ℓ = \(l) columns",
                    actual: "\(start.rows)×\(start.columns)")
            }
            try start.requireFinite("RangeFinder", argument: "start")
        }
        var omega: Matrix<Scalar> = try options.distribution.testMatrix(rows: n, columns: l - given, using: &generator)
        if let start, given > 0 { omega = try Matrix(rows: n, columns: l, columnMajor: start.elements + omega.elements) }
        var q = try Self.orthonormalizedProduct(product, omega, rows: m, argument: "A·Ω")
        for _ in 0..<options.powerIterations {
            let w = try Self.orthonormalizedProduct(transposedProduct, q, rows: n, argument: "Aᵀ·Q")
            q = try Self.orthonormalizedProduct(product, w, rows: m, argument: "A·Q̃")
        }
        return q
    }

    /// An orthonormal basis of `product(x)` (CholeskyQR2, or Householder QR when the product is too
    /// ill-conditioned for it: `Matrix.orthonormalColumns()`) after checking that the product is a
    /// finite `rows × x.columns` matrix.
    @inlinable
    static func orthonormalizedProduct(
        _ product: (Matrix<Scalar>) throws -> Matrix<Scalar>, _ x: Matrix<Scalar>, rows: Int, argument: String
    ) throws -> Matrix<Scalar> {
        let y = try product(x)
        guard y.rows == rows, y.columns == x.columns else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "RangeFinder (\(argument))", expected: "\(rows)×\(x.columns)", actual: "\(y.rows)×\(y.columns)")
        }
        try y.requireFinite("RangeFinder", argument: argument)
        return try y.orthonormalColumns()
    }
}
