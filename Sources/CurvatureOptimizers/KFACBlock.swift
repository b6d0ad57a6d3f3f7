import DenseLinearAlgebra

/// K-FAC's curvature block (Martens & Grosse 2015), and TKFAC's with the trace-restricted
/// factors (Gao et al. 2021): `F ≈ δ·A ⊗ G` with `δ = 1` for K-FAC. The composition of the
/// factor estimate (``KroneckerFactors``, dense moving averages, standard or trace-restricted)
/// with the inversion part the route names (``KroneckerEigenbasisInverse``: `(δ·A ⊗ G + λI)⁻¹`
/// exactly through the eigenbases, with the current `λ`; ``FactoredTikhonovInverse``: the
/// factored Tikhonov approximation with π damping, with the `λ` of its refresh), computed at
/// each refresh. Derivations: `Notes/KFAC-family.md`.
///
/// - Complexity: factor update `(d_in² + d_out²)·b·R` flops; refresh
///   `≈ 9(d_in³ + d_out³)` (eigen) or `(d_in³ + d_out³)` (Cholesky inverses);
///   application `4·d_in·d_out·(d_in + d_out)` (eigen) or `2·d_in·d_out·(d_in + d_out)` flops.
public typealias KFACBlock<Scalar: LinearAlgebraScalar> = KroneckerFactoredBlock<Scalar, KFACPreconditioning>

/// K-FAC's (and TKFAC's) preconditioning: the inversion part the route names
/// (``KroneckerBlockOptions/Route/inversion(_:)``).
public enum KFACPreconditioning: KroneckerPreconditioning {
    /// `"kfac"`, or `"tkfac"` for trace-restricted factors.
    public static func methodName<Scalar: LinearAlgebraScalar>(_ estimate: KroneckerFactors<Scalar>.Estimate) -> String {
        estimate == .standard ? "kfac" : "tkfac"
    }

    /// ``KroneckerEigenbasisInverse`` on the eigen route, ``FactoredTikhonovInverse`` on the inverse route.
    public static func inversion<Scalar: LinearAlgebraScalar>(_: Scalar.Type, options: KroneckerBlockOptions)
        -> any KroneckerFactorInversion<Scalar>.Type {
        options.route.inversion(Scalar.self)
    }
}
