import DenseLinearAlgebra

/// EKFAC's curvature block (George et al. 2018), and TEKFAC's when the basis comes from
/// TKFAC's trace-weighted factors: keep the Kronecker eigenbasis `Q_A ⊗ Q_G` and replace the
/// eigenvalue products by `S`, the running second moment of the per-example gradients in that
/// basis. The composition of the factor estimate (``KroneckerFactors``) with
/// ``EigenvalueCorrectedInverse`` (the eigen route's basis and `S`), built at each refresh and
/// given the factor update's rows at each update. Derivation: `Notes/KFAC-family.md`.
///
/// - Complexity: per update, the factor `syrk`s plus `2m(d_in² + d_out²) + 2·d_in·d_out·m`
///   flops for `S`; refresh `≈ 9(d_in³ + d_out³)`; application `4·d_in·d_out·(d_in + d_out)`.
public typealias EKFACBlock<Scalar: LinearAlgebraScalar> = KroneckerFactoredBlock<Scalar, EKFACPreconditioning>

/// EKFAC's (and TEKFAC's) preconditioning: ``EigenvalueCorrectedInverse`` whatever the route
/// (the correction lives in the eigenbasis).
public enum EKFACPreconditioning: KroneckerPreconditioning {
    /// `"ekfac"`, or `"tekfac"` for the trace-restricted factors' basis.
    public static func methodName<Scalar: LinearAlgebraScalar>(_ estimate: KroneckerFactors<Scalar>.Estimate) -> String {
        estimate == .standard ? "ekfac" : "tekfac"
    }

    /// ``EigenvalueCorrectedInverse``.
    public static func inversion<Scalar: LinearAlgebraScalar>(_: Scalar.Type, options _: KroneckerBlockOptions)
        -> any KroneckerFactorInversion<Scalar>.Type {
        EigenvalueCorrectedInverse<Scalar>.self
    }
}
