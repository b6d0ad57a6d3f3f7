/// A curvature block whose Tikhonov damping `λ` can be changed between steps: what adaptive
/// damping (``LevenbergMarquardtDamping``, ``AdaptiveKroneckerFactoredOptimizer``) needs.
///
/// The K-FAC family conforms (K-FAC and TKFAC, EKFAC and TEKFAC, the low-rank methods): their
/// damping is the `λ` of `(F̃ + λI)⁻¹` for their curvature approximation `F̃`.
///
/// **When a new `λ` acts.** Where `λ` enters only when the preconditioner is applied, the
/// application takes the block's current `λ`, so a new value acts from the next preconditioned
/// gradient, without a refresh: K-FAC's eigen route (`1/(δ·d_G d_Aᵀ + λ)` in the eigenbasis),
/// EKFAC's corrected eigenvalues (`1/(S + λ)`), and both routes of the low-rank block (which
/// forms its damped inverse at each application). Where `λ` is folded into factorisations at a
/// refresh, on K-FAC's inverse route (Cholesky inverses of the π-damped factors), the
/// preconditioner keeps the `λ` of its refresh and a new value acts from the next
/// ``CurvatureBlock/refreshInverse()``. This is kfac-jax's rule: its eigen-based inverses take
/// the damping at each multiplication, its cached inverses are damped when recomputed. Under a
/// fixed `λ` the two agree. SINGD and its relatives do not conform: their `λ` steers the factors'
/// own updates, not a damped inverse applied to each gradient.
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

    /// Validates `λ` as the options do, then sets it; it acts as ``AdjustableDampingBlock`` says.
    /// The block's diagnostics keep reporting the damping of the latest refresh.
    public mutating func setDamping(_ damping: Double) throws {
        var options = configuration.options
        options.damping = damping
        try options.validate()
        configuration.options = options
    }
}

extension KroneckerFactoredBlock.Configuration: KroneckerBlockConfiguration {}
extension LowRankKFACBlock.Configuration: KroneckerBlockConfiguration {}
extension KroneckerFactoredBlock: KroneckerOptionsBlock, AdjustableDampingBlock {}
extension LowRankKFACBlock: KroneckerOptionsBlock, AdjustableDampingBlock {}
