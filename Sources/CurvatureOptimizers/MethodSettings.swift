/// The value of every ``MethodOption`` for a run, starting from the one default of each:
/// the declarations below are the defaults of the whole module (the option structs of
/// SGD, Adam, K-FAC's blocks and optimizer, the low-rank and SINGD blocks take theirs from
/// ``defaults``) and of the `kronkit` tool. Why these values: `Notes/KFAC-family.md`, "Defaults".
///
/// ``given`` records the options a user set, so that an option the chosen methods do not
/// read is refused (``requireUsed(by:)``) rather than ignored.
public struct MethodSettings: Sendable, Hashable {
    /// Every option at its default.
    public static let defaults = MethodSettings()

    /// Learning rates given for all methods or per method; a method not covered takes
    /// ``OptimizerMethod/Entry/defaultLearningRate``.
    public var learningRates = LearningRates()
    /// μ of SGD and of the curvature methods' update.
    public var momentum = 0.9
    /// ω.
    public var weightDecay = 0.0
    /// The learning-rate schedule.
    public var schedule = LearningRateSchedule.constant
    /// λ of the K-FAC family.
    public var damping = 0.1
    /// ρ of the factors' moving averages.
    public var factorDecay = 0.95
    /// `T_cov`.
    public var factorUpdatePeriod = 10
    /// `T_inv`.
    public var inverseUpdatePeriod = 20
    /// κ of KL clipping; `nil` turns clipping off.
    public var klClip: Double? = 1e-3
    /// Which output gradients estimate `G`.
    public var curvature = CurvatureEstimate.monteCarlo
    /// Expand or reduce for layers with weight sharing.
    public var weightSharing = WeightSharingApproximation.expand
    /// π-damping on the inverse route.
    public var piDamping = true
    /// The low-rank methods' rank (RS-KFAC's reference value).
    public var rank = 220
    /// λ of SINGD's and IKFAC's factor update.
    public var singdDamping = 0.1
    /// SINGD's structures of `K` and `C`.
    public var structures = SINGDStructures()
    /// Tuning-free steps (``AdaptiveKroneckerFactoredOptimizer``) for the K-FAC-family methods.
    public var adaptive = false
    /// The options a user set (the rest are at their defaults).
    public var given: Set<MethodOption> = []

    /// Every option at its default, none given.
    /// - Complexity: `O(1)`.
    public init() {}

    /// The learning rate `method` runs with.
    /// - Complexity: `O(1)`.
    public func learningRate(for method: OptimizerMethod) -> Double {
        learningRates.rate(for: method) ?? method.entry.defaultLearningRate
    }

    /// `option`'s value for `method` as written on the command line (`0.1`, `off`, `dense,dense`).
    /// - Complexity: `O(1)`.
    public func text(for option: MethodOption, method: OptimizerMethod) -> String {
        switch option {
        case .learningRate: return "\(learningRate(for: method))"
        case .momentum: return "\(momentum)"
        case .weightDecay: return "\(weightDecay)"
        case .schedule: return schedule.description
        case .damping: return "\(damping)"
        case .factorDecay: return "\(factorDecay)"
        case .factorUpdatePeriod: return "\(factorUpdatePeriod)"
        case .inverseUpdatePeriod: return "\(inverseUpdatePeriod)"
        case .klClip: return klClip.map { "\($0)" } ?? "off"
        case .curvature: return curvature.optionValue
        case .weightSharing: return weightSharing.rawValue
        case .piDamping: return piDamping ? "on" : "off"
        case .rank: return "\(rank)"
        case .singdDamping: return "\(singdDamping)"
        case .structures: return structures.description
        case .adaptive: return adaptive ? "on" : "off"
        }
    }

    /// What fixes `method`'s trajectory among these settings: every option it reads, by flag,
    /// with its value (``text(for:method:)``). Options it does not read are not part of it.
    /// - Complexity: `O(#options)`.
    public func identity(for method: OptimizerMethod) -> [String: String] {
        Dictionary(uniqueKeysWithValues: method.entry.options.map { ($0.flag, text(for: $0, method: method)) })
    }

    /// Throws unless every option `method` reads lies in its range.
    /// - Throws: ``OptimizerError/optionOutOfRange(option:value:validRange:)`` naming the first option
    ///   out of range; ``OptimizerError/invalidConfiguration(_:)`` for a schedule out of range.
    public func validate(for method: OptimizerMethod) throws {
        for option in method.entry.options {
            switch option {
            case .learningRate: try option.check(learningRate(for: method))
            case .momentum: try option.check(momentum)
            case .weightDecay: try option.check(weightDecay)
            case .schedule: try schedule.validate()
            case .damping: try option.check(damping)
            case .factorDecay: try option.check(factorDecay)
            case .factorUpdatePeriod: try option.check(factorUpdatePeriod)
            case .inverseUpdatePeriod: try option.check(inverseUpdatePeriod)
            case .klClip: if let klClip { try option.check(klClip) }
            case .rank: try option.check(rank)
            case .singdDamping: try option.check(singdDamping)
            case .curvature, .weightSharing, .piDamping, .structures, .adaptive: break
            }
        }
    }

    /// Throws when an option was given that none of `methods` reads (`--damping` for SGD,
    /// `--learning-rate sgd=…` without SGD among them): it would be silently ignored.
    /// - Throws: ``OptimizerError/optionNotUsed(option:methods:readBy:)``.
    public func requireUsed(by methods: [OptimizerMethod]) throws {
        let names = methods.map(\.rawValue)
        for option in MethodOption.allCases where given.contains(option) {
            guard methods.contains(where: { $0.entry.options.contains(option) }) else {
                throw OptimizerError.optionNotUsed(option: option.flag, methods: names,
                                                   readBy: option.methods.map(\.rawValue))
            }
        }
        for method in learningRates.perMethod.keys.sorted(by: { $0.rawValue < $1.rawValue })
        where !methods.contains(method) {
            throw OptimizerError.optionNotUsed(option: "\(MethodOption.learningRate.flag) \(method.rawValue)=…",
                                               methods: names, readBy: [method.rawValue])
        }
    }
}

/// Learning rates for every method or per method (`sgd=0.1,adam=0.003`); a method not
/// covered takes its catalogue default.
public struct LearningRates: Sendable, Hashable {
    /// The rate of every method not named in ``perMethod``.
    public var all: Double?
    /// Rates by method.
    public var perMethod: [OptimizerMethod: Double]

    /// - Complexity: `O(1)`.
    public init(all: Double? = nil, perMethod: [OptimizerMethod: Double] = [:]) {
        self.all = all
        self.perMethod = perMethod
    }

    /// The rate given for `method`, or nil for its default.
    /// - Complexity: `O(1)`.
    public func rate(for method: OptimizerMethod) -> Double? { perMethod[method] ?? all }
}
