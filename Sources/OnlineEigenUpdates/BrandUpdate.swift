import DenseLinearAlgebra
import SymmetricEigen

/// Brand's low-rank update of a truncated symmetric eigendecomposition: from
/// `M ≈ U·diag(d)·Uᵀ` (`n × r`, orthonormal `U`) and new columns `X` (`n × c`), the
/// eigendecomposition of
///
/// ```
/// M' = α·U·diag(d)·Uᵀ + β·X·Xᵀ
/// ```
///
/// truncated to a target rank, in `O(n·(r + c)²)` flops instead of the `O(n³)` of
/// decomposing `M'` [Brand 2006, §2–3; Puiu 2022 ("Brand New K-FACs"), Alg. 1].
///
/// With `X = U·P + Q·R` (`ResidualBasis`: projection, pivoted QR of the residual),
/// `M' = [U Q]·K·[U Q]ᵀ` for the small symmetric core
///
/// ```
/// K = [α·diag(d) + β·P·Pᵀ   β·P·Rᵀ]  =  α·diag(d, 0) + β·[P; R]·[P; R]ᵀ
///     [β·R·Pᵀ               β·R·Rᵀ]
/// ```
///
/// of order `r + ρ ≤ r + c`, whose eigendecomposition `K = W·diag(s)·Wᵀ` (`?syevd`,
/// through SymmetricEigen) gives `U' = [U Q]·W`, `d' = s`, truncated to the target rank.
/// OnlineEigenUpdates uses SymmetricEigen for this core problem only.
///
/// The update is an algorithm value: its ``Options`` fix the target rank, which
/// eigenvalues survive truncation, the re-orthogonalisation policy and the rank
/// tolerance. Results are ``/SymmetricEigen/SymmetricEigendecomposition`` values with `k ≤ n` pairs in
/// descending order (by value, or by magnitude), so their spectral functions — the
/// damped inverse `(U·D·Uᵀ + λI)⁻¹·X` in `O(n·k)` per column among them — apply directly.
///
/// ## Accuracy contract
/// Without truncation the result is the exact eigendecomposition of a matrix within
/// `c·n·eps·(|α|·‖d‖∞ + |β|·‖X‖²_F)` of `M'` (backward stable, like a dense EVD of `M'`),
/// provided `U` is orthonormal to working precision; the residual directions dropped
/// by the rank tolerance are inside that bound. Truncation to rank `k` adds exactly the
/// discarded eigenvalues: `‖M' − U'·diag(d')·U'ᵀ‖₂ = max |discarded s|`. Orthogonality
/// of `U'` is that of `U` plus `c·(r + c)·eps`, so it drifts slowly over many updates;
/// ``Options/orthogonalityTolerance`` or ``/OnlineEigenUpdates/SymmetricEigen/SymmetricEigendecomposition/reorthonormalized()``
/// restore it. Derivations and measurements: `Notes/OnlineEigenUpdates.md`.
public struct BrandUpdate<Scalar: LinearAlgebraScalar>: Sendable {
    /// Which eigenpairs a truncation keeps.
    public enum Truncation: Sendable, Hashable {
        /// The algebraically largest eigenvalues (K-FAC's positive semidefinite factors).
        case largest
        /// The eigenvalues largest in magnitude (indefinite matrices, downdates).
        case largestMagnitude
    }

    /// The knobs of an update, with defaults for K-FAC factors.
    public struct Options: Sendable, Hashable {
        /// The rank kept after an update; `nil` keeps every pair of the core problem
        /// (`r + ρ`, exact). B-KFAC keeps the rank of its factor fixed [Puiu 2022, §3].
        public var targetRank: Int?
        /// Which eigenpairs survive truncation. Default ``Truncation/largest``.
        public var truncation: Truncation
        /// Classical Gram–Schmidt passes projecting `X` off `U`: 2 (the default) keeps
        /// `‖UᵀQ‖` at working precision, 1 is cheaper and loses orthogonality when `X`
        /// lies nearly in the span of `U`.
        public var projectionPasses: Int
        /// Residual directions with `|R_jj| ≤ rankTolerance·‖X‖_F` are dropped (pivoted QR);
        /// `nil` means `n·eps`, inside the backward error of a dense EVD.
        public var rankTolerance: Scalar?
        /// When set, `‖U'ᵀU' − I‖_max` is measured after the update (`2n·k²` flops) and,
        /// above this tolerance, the result is re-orthonormalised
        /// (``/OnlineEigenUpdates/SymmetricEigen/SymmetricEigendecomposition/reorthonormalized()``). Default `nil`: never checked.
        public var orthogonalityTolerance: Scalar?

        /// Options with the defaults above.
        /// - Complexity: `O(1)`.
        public init(targetRank: Int? = nil, truncation: Truncation = .largest, projectionPasses: Int = 2,
                    rankTolerance: Scalar? = nil, orthogonalityTolerance: Scalar? = nil) {
            self.targetRank = targetRank
            self.truncation = truncation
            self.projectionPasses = projectionPasses
            self.rankTolerance = rankTolerance
            self.orthogonalityTolerance = orthogonalityTolerance
        }
    }

    /// This update's options.
    public var options: Options

    /// An update with `options`.
    /// - Complexity: `O(1)`.
    public init(options: Options = Options()) {
        self.options = options
    }

    /// The eigendecomposition of `α·U·diag(d)·Uᵀ + β·X·Xᵀ` for `current = (d, U)`,
    /// truncated as ``options`` say, eigenvalues in descending order.
    ///
    /// Start from an empty decomposition (`SymmetricEigendecomposition(eigenvalues: [],
    /// eigenvectors: Matrix(rows: n, columns: 0))`) to build one from columns alone.
    /// - Complexity: `4n·r·c·passes + 4n·c² + 9(r + c)³ + 2n·(r + c)·k` flops for `k` pairs kept.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X` has
    ///   `n` rows, ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for a decomposition
    ///   without eigenvectors, a target rank below 0, fewer than one projection pass or a negative
    ///   rank tolerance, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ in
    ///   `X`, `α` or `β`, and ``/DenseLinearAlgebra/LinearAlgebraError/lapackFailure(routine:info:)`` from LAPACK.
    @inlinable
    public func updated(_ current: SymmetricEigendecomposition<Scalar>, adding x: Matrix<Scalar>,
                        currentWeight alpha: Scalar = 1, updateWeight beta: Scalar = 1) throws
        -> SymmetricEigendecomposition<Scalar> {
        let operation = "BrandUpdate.updated"
        try validate(current, x, weights: [alpha, beta], operation: operation)
        let n = current.order
        let u = current.eigenvectors
        let split = try ResidualBasis(splitting: x, along: u, passes: options.projectionPasses,
                                      tolerance: rankTolerance(order: n) * x.frobeniusNorm)
        // K = β·[P; R]·[P; R]ᵀ + α·diag(d, 0), one syrk.
        var core = try split.stackedCoordinates.gram(alpha: beta)
        for (i, value) in current.eigenvalues.enumerated() { core[i, i] += alpha * value }
        let small = try SymmetricEigendecomposition(core)
        let kept = keptIndices(of: small.eigenvalues)
        let result = try SymmetricEigendecomposition(
            eigenvalues: kept.map { small.eigenvalues[$0] },
            eigenvectors: rotate(u, split, by: small.eigenvectors.columns(at: kept)))
        return try enforcingOrthogonality(result)
    }

    /// The exponential moving average `ρ·M + (1 − ρ)·X·Xᵀ/b` of the current factor and
    /// the batch `X` (`n × b`, one example per column) — K-FAC's factor update
    /// `A ← ρ·A + (1 − ρ)·aᵀa/b` done on the truncated eigendecomposition (B-KFAC).
    /// - Complexity: as ``updated(_:adding:currentWeight:updateWeight:)``.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` unless `0 ≤ ρ ≤ 1`
    ///   and `b ≥ 1`, and as ``updated(_:adding:currentWeight:updateWeight:)``.
    @inlinable
    public func movingAverage(_ current: SymmetricEigendecomposition<Scalar>, batch x: Matrix<Scalar>,
                              decay rho: Scalar) throws -> SymmetricEigendecomposition<Scalar> {
        guard rho >= 0, rho <= 1 else {
            throw LinearAlgebraError.invalidArgument(
                operation: "BrandUpdate.movingAverage", detail: "decay ρ = \(rho) must be in [0, 1]")
        }
        guard x.columns > 0 else {
            throw LinearAlgebraError.invalidArgument(
                operation: "BrandUpdate.movingAverage", detail: "the batch must hold at least one column")
        }
        return try updated(current, adding: x, currentWeight: rho, updateWeight: (1 - rho) / Scalar(x.columns))
    }

    /// The indices of the core eigenvalues (ascending from `?syevd`) that survive
    /// truncation, in the result's order: descending by value or by magnitude.
    @inlinable
    func keptIndices(of values: [Scalar]) -> [Int] {
        let count = Swift.min(options.targetRank ?? values.count, values.count)
        switch options.truncation {
        case .largest:
            return Array(values.indices.reversed().prefix(count))
        case .largestMagnitude:
            let byMagnitude = values.indices.sorted { (abs(values[$0]), $0) > (abs(values[$1]), $1) }
            return Array(byMagnitude.prefix(count))
        }
    }

    /// The absolute rank tolerance relative to `‖X‖_F`.
    @inlinable
    func rankTolerance(order n: Int) -> Scalar {
        options.rankTolerance ?? Scalar(Swift.max(n, 1)) * Scalar.ulpOfOne
    }

    /// `decomposition`, re-orthonormalised when ``Options/orthogonalityTolerance`` is set and exceeded.
    @inlinable
    func enforcingOrthogonality(_ decomposition: SymmetricEigendecomposition<Scalar>) throws
        -> SymmetricEigendecomposition<Scalar> {
        guard let tolerance = options.orthogonalityTolerance,
              try decomposition.orthogonalityLoss() > tolerance else { return decomposition }
        return try decomposition.reorthonormalized()
    }

    /// The checks shared by every update: options in range, a decomposition with
    /// eigenvectors, `X` of `n` rows and finite, finite weights.
    @inlinable
    func validate(_ current: SymmetricEigendecomposition<Scalar>, _ x: Matrix<Scalar>, weights: [Scalar],
                  operation: String) throws {
        try validateOptions(operation: operation)
        guard current.hasEigenvectors || current.eigenvalues.isEmpty else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "the decomposition was computed without eigenvectors")
        }
        guard x.rows == current.order else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "X with \(current.order) rows", actual: "\(x.rows)×\(x.columns)")
        }
        guard weights.allSatisfy(\.isFinite) else {
            throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: "weights \(weights)")
        }
        try x.requireFinite(operation, argument: "X")
    }

    /// Throws unless the options are in range.
    @inlinable
    func validateOptions(operation: String) throws {
        if let rank = options.targetRank, rank < 0 {
            throw LinearAlgebraError.invalidArgument(operation: operation, detail: "target rank \(rank) must be ≥ 0")
        }
        guard options.projectionPasses >= 1 else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "projection passes \(options.projectionPasses) must be ≥ 1")
        }
        if let tolerance = options.rankTolerance, !(tolerance >= 0 && tolerance.isFinite) {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "rank tolerance \(tolerance) must be finite and ≥ 0")
        }
        if let tolerance = options.orthogonalityTolerance, !(tolerance >= 0 && tolerance.isFinite) {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "orthogonality tolerance \(tolerance) must be finite and ≥ 0")
        }
    }
}
