/// An option of the training methods, as the method catalogue declares it: its name (the
/// `kronkit` flag without `--`), what it sets, its valid range, and its default — the value
/// in ``MethodSettings/defaults``, which the library's option structs use as theirs too.
/// Which methods read an option is declared per method (``OptimizerMethod/Entry/options``).
public enum MethodOption: String, CaseIterable, Sendable, Hashable, Codable {
    case learningRate = "learning-rate"
    case momentum
    case weightDecay = "weight-decay"
    case schedule
    case damping
    case factorDecay = "factor-decay"
    case factorUpdatePeriod = "factor-update-period"
    case inverseUpdatePeriod = "inverse-update-period"
    case klClip = "kl-clip"
    case curvature
    case weightSharing = "weight-sharing"
    case piDamping = "pi-damping"
    case rank
    case singdDamping = "singd-damping"
    case structures
    case adaptive

    /// The option as a command-line flag, `--` and its name.
    public var flag: String { "--" + rawValue }

    /// The option in words, with its symbol where it has one (`learning rate η`), as library errors
    /// name it; `kronkit` names it by its ``flag``.
    public var name: String {
        switch self {
        case .learningRate: return "learning rate η"
        case .momentum: return "momentum μ"
        case .weightDecay: return "weight decay ω"
        case .schedule: return "learning-rate schedule"
        case .damping: return "damping λ"
        case .factorDecay: return "factor decay ρ"
        case .factorUpdatePeriod: return "factor update period T_cov"
        case .inverseUpdatePeriod: return "inverse update period T_inv"
        case .klClip: return "KL-clipping bound κ"
        case .curvature: return "curvature estimate"
        case .weightSharing: return "weight-sharing approximation"
        case .piDamping: return "π-damping"
        case .rank: return "rank"
        case .singdDamping: return "SINGD damping λ"
        case .structures: return "structures of K and C"
        case .adaptive: return "adaptive"
        }
    }

    /// What the option sets, in one line.
    public var summary: String {
        switch self {
        case .learningRate: return "Learning rate η, for every method (0.1) or per method (sgd=0.1,adam=0.003)."
        case .momentum: return "Momentum μ of SGD and of the curvature methods' update."
        case .weightDecay: return "Weight decay ω (L2; decoupled for adamw)."
        case .schedule: return "Learning-rate schedule: constant, cosine[:FLOOR] (over the run) or step:EVERY:FACTOR."
        case .damping: return "Tikhonov damping λ of the K-FAC family's factors."
        case .factorDecay: return "Moving-average decay ρ of the Kronecker factors."
        case .factorUpdatePeriod: return "Steps between curvature (factor) updates, T_cov."
        case .inverseUpdatePeriod: return "Steps between refreshes of the factors' decompositions or inverses, T_inv."
        case .klClip: return "KL-clipping bound κ of the curvature methods' update (--no-kl-clip: off)."
        case .curvature: return "Which output gradients estimate the factor G."
        case .weightSharing: return "K-FAC-expand or -reduce for layers with weight sharing (cnn, patches, vit)."
        case .piDamping: return "Split the damping between the factors by π (--pi-damping) or evenly (--no-pi-damping)."
        case .rank: return "Rank kept for each Kronecker factor by the low-rank methods (capped at the factor's order)."
        case .singdDamping: return "Damping λ of SINGD's and IKFAC's factor update."
        case .structures: return "Structures of SINGD's K and C: K,C or one for both."
        case .adaptive: return "Tuning-free K-FAC: learning rate and momentum from the exact GGN's quadratic model "
            + "each step, damping adapted from --damping by the Levenberg-Marquardt rule every 5 steps "
            + "(--learning-rate, --momentum, --kl-clip and --schedule are then unused)."
        }
    }

    /// The valid values; its description reads after "must be" (`> 0`, `in [0, 1)`, `one of …`).
    public var range: OptionRange {
        switch self {
        case .learningRate, .damping, .klClip, .singdDamping: return .positive
        case .momentum, .factorDecay: return .unitInterval
        case .weightDecay: return .nonNegative
        case .factorUpdatePeriod, .inverseUpdatePeriod: return .integers(1...Int(Int32.max))
        case .rank: return .integers(1...(1 << 30))
        case .schedule: return .syntax("constant, cosine[:FLOOR] with FLOOR in [0, 1], step:EVERY:FACTOR with EVERY ≥ 1, FACTOR in (0, 1]")
        case .curvature: return .choices(CurvatureEstimate.allCases.map(\.optionValue))
        case .weightSharing: return .choices(WeightSharingApproximation.allCases.map(\.rawValue))
        case .piDamping, .adaptive: return .choices(["on", "off"])
        case .structures: return .choices(FactorStructure.allCases.map(\.rawValue))
        }
    }

    /// The default as it is written on the command line (`0.1`, `monte-carlo`, `dense,dense`);
    /// the learning rate's depends on the method.
    public var defaultText: String {
        guard self == .learningRate else { return MethodSettings.defaults.text(for: self, method: .kfac) }
        // The most common rate, then the methods with another.
        let rates = OptimizerMethod.allCases.map(\.entry.defaultLearningRate)
        func count(_ rate: Double) -> Int { rates.filter { $0 == rate }.count }
        let common = rates.max { count($0) < count($1) } ?? 0
        let others = OptimizerMethod.allCases.filter { $0.entry.defaultLearningRate != common }
            .map { "\($0.rawValue) \($0.entry.defaultLearningRate)" }
        return (["\(common)"] + others).joined(separator: "; ")
    }

    /// The methods that read the option, in catalogue order.
    public var methods: [OptimizerMethod] { OptimizerMethod.allCases.filter { $0.entry.options.contains(self) } }

    /// Throws unless `value` lies in ``range``.
    /// - Throws: ``OptimizerError/optionOutOfRange(option:value:validRange:)``.
    public func check(_ value: Double) throws {
        guard range.contains(value) else {
            throw OptimizerError.optionOutOfRange(option: self, value: "\(value)", validRange: range.description)
        }
    }

    /// Throws unless the integer `value` lies in ``range``.
    /// - Throws: ``OptimizerError/optionOutOfRange(option:value:validRange:)``.
    public func check(_ value: Int) throws {
        guard range.contains(Double(value)) else {
            throw OptimizerError.optionOutOfRange(option: self, value: "\(value)", validRange: range.description)
        }
    }

    // Options every method of a family reads.
    /// SGD's and Adam's: the update's rate, decay and schedule.
    static let firstOrder: [MethodOption] = [.learningRate, .weightDecay, .schedule]
    /// The update of every curvature method (``KroneckerFactoredOptimizer``).
    static let curvatureUpdate: [MethodOption] =
        [.learningRate, .momentum, .weightDecay, .schedule, .klClip, .factorUpdatePeriod, .curvature, .weightSharing]
    /// K-FAC's, EKFAC's and their trace-restricted forms'.
    static let kroneckerFactors = curvatureUpdate + [.damping, .factorDecay, .inverseUpdatePeriod, .adaptive]
    /// The low-rank methods'.
    static let lowRank = kroneckerFactors + [.rank]
    /// SINGD's and IKFAC's: no inversion, hence no inverse period and no factor average.
    static let inverseFree = curvatureUpdate + [.singdDamping, .structures]
}

/// The values an option accepts, for checks and for `--help`.
public enum OptionRange: Sendable, Hashable, CustomStringConvertible {
    /// `(0, ∞)`, finite.
    case positive
    /// `[0, ∞)`, finite.
    case nonNegative
    /// `[0, 1)`.
    case unitInterval
    /// Integers in the range.
    case integers(ClosedRange<Int>)
    /// One of the names.
    case choices([String])
    /// A small syntax, described in words.
    case syntax(String)

    /// Whether a number lies in the range (`false` for the ranges that are not numeric).
    /// - Complexity: `O(1)`.
    public func contains(_ value: Double) -> Bool {
        switch self {
        case .positive: return value > 0 && value.isFinite
        case .nonNegative: return value >= 0 && value.isFinite
        case .unitInterval: return value >= 0 && value < 1
        case let .integers(bounds): return value.rounded() == value && value >= Double(bounds.lowerBound)
            && value <= Double(bounds.upperBound)
        case .choices, .syntax: return false
        }
    }

    public var description: String {
        switch self {
        case .positive: return "> 0"
        case .nonNegative: return "≥ 0"
        case .unitInterval: return "in [0, 1)"
        case let .integers(bounds): return "an integer in \(bounds.lowerBound)…\(bounds.upperBound)"
        case let .choices(names): return "one of " + names.joined(separator: ", ")
        case let .syntax(text): return "of the form " + text
        }
    }
}
