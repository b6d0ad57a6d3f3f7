/// The schedule and update options of ``KroneckerFactoredOptimizer``; defaults from
/// Notes/REFERENCES.md (kfac-pytorch).
public struct KroneckerOptimizerOptions: Codable, Sendable, Hashable {
    /// η. Default `0.05`.
    public var learningRate: Double
    /// μ. Default `0.9`.
    public var momentum: Double
    /// ω, L2 weight decay added to the preconditioned update. Default `0`.
    public var weightDecay: Double
    /// κ for KL clipping; `nil` disables it. Default `1e-3`.
    public var klClip: Double?
    /// `T_cov`: steps between factor updates. Default `10`.
    public var factorUpdatePeriod: Int
    /// `T_inv`: steps between refreshes of the factorisations. Default `100`.
    public var inverseUpdatePeriod: Int
    /// Which gradients estimate `G`. Default `.monteCarlo`.
    public var curvature: CurvatureEstimate
    /// The learning-rate schedule. Default `.constant`.
    public var schedule: LearningRateSchedule

    public init(learningRate: Double = 0.05, momentum: Double = 0.9, weightDecay: Double = 0,
                klClip: Double? = 1e-3, factorUpdatePeriod: Int = 10, inverseUpdatePeriod: Int = 100,
                curvature: CurvatureEstimate = .monteCarlo, schedule: LearningRateSchedule = .constant) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.klClip = klClip
        self.factorUpdatePeriod = factorUpdatePeriod
        self.inverseUpdatePeriod = inverseUpdatePeriod
        self.curvature = curvature
        self.schedule = schedule
    }

    /// Throws ``OptimizerError/invalidConfiguration(_:)`` for an option out of range.
    public func validate() throws {
        try OptionCheck.learningRate(learningRate)
        try OptionCheck.unitInterval(momentum, "momentum")
        try OptionCheck.nonNegative(weightDecay, "weight decay")
        if let klClip, !(klClip > 0 && klClip.isFinite) {
            throw OptimizerError.invalidConfiguration("KL clip must be positive, got \(klClip)")
        }
        guard factorUpdatePeriod >= 1, inverseUpdatePeriod >= 1 else {
            throw OptimizerError.invalidConfiguration(
                "update periods must be ≥ 1, got T_cov = \(factorUpdatePeriod), T_inv = \(inverseUpdatePeriod)")
        }
        try schedule.validate()
    }
}
