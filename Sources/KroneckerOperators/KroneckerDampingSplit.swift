import DenseLinearAlgebra

/// How a damping `λ` for `A₁ ⊗ … ⊗ A_d + λI` is split into per-factor dampings `μᵢ`
/// with `Π μᵢ = λ`, so that `(A₁ + μ₁I) ⊗ … ⊗ (A_d + μ_dI)` stays a Kronecker product
/// (K-FAC's factored Tikhonov damping, its "inverse route").
///
/// Expanding two factors, `(A + μ_A I) ⊗ (G + μ_G I) = A ⊗ G + μ_A μ_G I + μ_G A ⊗ I + μ_A I ⊗ G`:
/// the `λI` term is exact and the cross terms are the price of staying factored.
/// π-damping chooses the split that minimises the cross terms' norm bound
/// `μ_G·‖A ⊗ I‖ + μ_A·‖I ⊗ G‖` under `μ_A μ_G = λ`, with the normalised traces
/// `tᵢ = tr Aᵢ / nᵢ` as the norms [Martens & Grosse 2015, §6.3]:
/// `π = sqrt(t_A / t_G)`, `μ_A = π·√λ`, `μ_G = √λ / π`.
///
/// For `d` factors, minimising `Σᵢ tᵢ⁻¹·μᵢ` (each cross term's weight relative to
/// its own factor) under `Π μᵢ = λ` gives `μᵢ = πᵢ·λ^{1/d}` with
/// `πᵢ = tᵢ / (Π t_j)^{1/d}`, so `Π πᵢ = 1`; for `d = 2` this is K-FAC's `π`.
/// Derivation: `Notes/KroneckerOperators.md`.
public enum KroneckerDampingSplit: Sendable, Hashable {
    /// `μᵢ = λ^{1/d}` for every factor (plain factored Tikhonov damping, `√λ` each for two).
    case tikhonov
    /// `μᵢ = πᵢ·λ^{1/d}`, `πᵢ = tᵢ / (Π t_j)^{1/d}`, `tᵢ = tr Aᵢ / nᵢ` (K-FAC's π-damping).
    case pi

    /// The per-factor dampings `μᵢ` (`Π μᵢ = λ`) for factors with normalised traces
    /// `tᵢ = tr Aᵢ / nᵢ` (as an optimizer that tracks traces has them).
    /// - Complexity: `O(d)`; computed in the log domain, so no overflow for large `d`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for no factors, `λ < 0` or
    ///   non-finite, or (`.pi`) a normalised trace that is not positive and finite — π is undefined
    ///   for a zero factor; ``tikhonov`` needs no traces.
    @inlinable
    public func factorDampings<Scalar: LinearAlgebraScalar>(
        damping lambda: Scalar, normalizedTraces traces: [Scalar]
    ) throws -> [Scalar] {
        let operation = "KroneckerDampingSplit.factorDampings"
        let d = traces.count
        guard d > 0 else {
            throw LinearAlgebraError.invalidArgument(operation: operation, detail: "needs at least one factor, got 0")
        }
        try requireValidDamping(lambda, operation: operation)
        let root = Scalar.pow(lambda, 1 / Scalar(d))
        switch self {
        case .tikhonov:
            return [Scalar](repeating: root, count: d)
        case .pi:
            if let index = traces.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
                throw LinearAlgebraError.invalidArgument(
                    operation: operation,
                    detail: "π-damping needs positive normalised traces, factor \(index) has tr/n = \(traces[index])")
            }
            let logs = traces.map { Scalar.log($0) }
            let meanLog = logs.reduce(0, +) / Scalar(d)
            return logs.map { Scalar.exp($0 - meanLog) * root }
        }
    }

    /// The per-factor dampings for square `factors`, with `tᵢ = tr Aᵢ / nᵢ`.
    /// - Complexity: `Σ nᵢ`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for a non-square
    ///   or empty (`0 × 0`) factor, and as ``factorDampings(damping:normalizedTraces:)``.
    @inlinable
    public func factorDampings<Scalar: LinearAlgebraScalar>(
        damping lambda: Scalar, factors: [Matrix<Scalar>]
    ) throws -> [Scalar] {
        let traces = try factors.enumerated().map { index, factor in
            guard factor.isSquare, factor.rows > 0 else {
                throw LinearAlgebraError.dimensionMismatch(
                    operation: "KroneckerDampingSplit.factorDampings", expected: "non-empty square factors",
                    actual: "factor \(index) of size \(factor.rows)×\(factor.columns)")
            }
            return try factor.trace() / Scalar(factor.rows)
        }
        return try factorDampings(damping: lambda, normalizedTraces: traces)
    }
}

extension KroneckerProduct {
    /// `(A₁ + μ₁I) ⊗ … ⊗ (A_d + μ_dI)` with `μᵢ` from `split` (`Π μᵢ = λ`): the factored
    /// approximation of `A₁ ⊗ … ⊗ A_d + λI` that K-FAC's inverse route inverts factor by factor.
    /// - Complexity: `Σ nᵢ²` (copies of the factors).
    /// - Throws: as ``KroneckerDampingSplit/factorDampings(damping:factors:)``.
    @inlinable
    public func damped(_ lambda: Scalar, split: KroneckerDampingSplit) throws -> KroneckerProduct {
        let dampings = try split.factorDampings(damping: lambda, factors: factors)
        return KroneckerProduct(uncheckedFactors: try zip(factors, dampings).map { factor, mu in
            var shifted = factor
            try shifted.addToDiagonal(mu)
            return shifted
        })
    }
}
