/// The schedule and update options of ``KroneckerFactoredOptimizer``; defaults from the
/// method catalogue (``MethodSettings/defaults``; why: `Notes/KFAC-family.md`, "Defaults").
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
    /// `T_inv`: steps between refreshes of the factorisations. Default `20`.
    public var inverseUpdatePeriod: Int
    /// Which gradients estimate `G`. Default `.monteCarlo`.
    public var curvature: CurvatureEstimate
    /// The learning-rate schedule. Default `.constant`.
    public var schedule: LearningRateSchedule

    /// Options with the catalogue's defaults where not given.
    /// - Complexity: `O(1)`.
    public init(learningRate: Double = OptimizerMethod.kfac.entry.defaultLearningRate,
                momentum: Double = MethodSettings.defaults.momentum,
                weightDecay: Double = MethodSettings.defaults.weightDecay,
                klClip: Double? = MethodSettings.defaults.klClip,
                factorUpdatePeriod: Int = MethodSettings.defaults.factorUpdatePeriod,
                inverseUpdatePeriod: Int = MethodSettings.defaults.inverseUpdatePeriod,
                curvature: CurvatureEstimate = MethodSettings.defaults.curvature,
                schedule: LearningRateSchedule = MethodSettings.defaults.schedule) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.klClip = klClip
        self.factorUpdatePeriod = factorUpdatePeriod
        self.inverseUpdatePeriod = inverseUpdatePeriod
        self.curvature = curvature
        self.schedule = schedule
    }

    /// Throws for an option out of its catalogue range.
    /// - Throws: ``OptimizerError/optionOutOfRange(option:value:validRange:)``;
    ///   ``OptimizerError/invalidConfiguration(_:)`` for the schedule.
    public func validate() throws {
        try MethodOption.learningRate.check(learningRate)
        try MethodOption.momentum.check(momentum)
        try MethodOption.weightDecay.check(weightDecay)
        if let klClip { try MethodOption.klClip.check(klClip) }
        try MethodOption.factorUpdatePeriod.check(factorUpdatePeriod)
        try MethodOption.inverseUpdatePeriod.check(inverseUpdatePeriod)
        try schedule.validate()
    }
}
