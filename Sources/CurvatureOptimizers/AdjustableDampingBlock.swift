/// A curvature block whose Tikhonov damping `λ` can be changed between steps: what adaptive
/// damping (``LevenbergMarquardtDamping``, ``AdaptiveKroneckerFactoredOptimizer``) needs.
///
/// The K-FAC family conforms (K-FAC and TKFAC, EKFAC and TEKFAC, the low-rank methods): their
/// damping is the `λ` of `(F̃ + λI)⁻¹` for their curvature approximation `F̃`. Where `λ` enters
/// the preconditioner only when it is applied (the eigen routes, EKFAC's corrected eigenvalues,
/// the low-rank eigen route) a new value acts from the next step; where it is folded into
/// factorisations at a refresh (the inverse routes' Cholesky inverses of the π-damped factors)
/// it acts from the next ``CurvatureBlock/refreshInverse()``, as in kfac-jax, which damps its
/// cached inverses when it recomputes them. SINGD and its relatives do not conform: their `λ`
/// steers the factors' own updates, not a damped inverse applied to each gradient.
public protocol AdjustableDampingBlock<Scalar>: CurvatureBlock {
    /// `λ`, the damping in use.
    var damping: Double { get }

    /// Sets `λ` for the coming steps.
    /// - Complexity: `O(1)`.
    /// - Throws: ``OptimizerError/invalidConfiguration(_:)`` unless `λ` is positive and finite.
    mutating func setDamping(_ damping: Double) throws
}

/// A block configuration built on ``KroneckerBlockOptions`` (damping, decay, sharing, route).
protocol KroneckerBlockConfiguration {
    var options: KroneckerBlockOptions { get set }
}

/// The blocks whose configuration holds ``KroneckerBlockOptions`` share one implementation.
protocol KroneckerOptionsBlock: CurvatureBlock where Configuration: KroneckerBlockConfiguration {
    var configuration: Configuration { get set }
}

extension KroneckerOptionsBlock {
    /// `λ` of the block's options.
    public var damping: Double { configuration.options.damping }

    /// Validates `λ` as the options do, then sets it. The block's diagnostics keep reporting
    /// the damping of the latest refresh.
    public mutating func setDamping(_ damping: Double) throws {
        var options = configuration.options
        options.damping = damping
        try options.validate()
        configuration.options = options
    }
}

extension KFACBlock.Configuration: KroneckerBlockConfiguration {}
extension EKFACBlock.Configuration: KroneckerBlockConfiguration {}
extension LowRankKFACBlock.Configuration: KroneckerBlockConfiguration {}
extension KFACBlock: KroneckerOptionsBlock, AdjustableDampingBlock {}
extension EKFACBlock: KroneckerOptionsBlock, AdjustableDampingBlock {}
extension LowRankKFACBlock: KroneckerOptionsBlock, AdjustableDampingBlock {}
