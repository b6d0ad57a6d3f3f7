/// How the learning rate changes with the step count.
public enum LearningRateSchedule: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The base rate throughout.
    case constant
    /// The base rate times `factor` after every `every` steps.
    case stepDecay(every: Int, factor: Double)
    /// Cosine annealing from the base rate to `base·floor` over `totalSteps`
    /// (Loshchilov & Hutter 2017, without restarts), constant afterwards.
    case cosine(totalSteps: Int, floor: Double)

    /// The rate at `step` (counted from 0).
    public func rate(base: Double, step: Int) -> Double {
        switch self {
        case .constant:
            return base
        case let .stepDecay(every, factor):
            return base * Double.pow(factor, Double(step / Swift.max(every, 1)))
        case let .cosine(totalSteps, floor):
            let progress = Swift.min(Double(step) / Double(Swift.max(totalSteps, 1)), 1)
            return base * (floor + (1 - floor) * 0.5 * (1 + Double.cos(Double.pi * progress)))
        }
    }

    /// Throws for a non-positive period or a factor outside `(0, 1]` / floor outside `[0, 1]`.
    public func validate() throws {
        switch self {
        case .constant:
            return
        case let .stepDecay(every, factor):
            guard every >= 1, factor > 0, factor <= 1 else {
                throw OptimizerError.invalidConfiguration("step decay needs every ≥ 1 and factor in (0, 1], got \(every), \(factor)")
            }
        case let .cosine(totalSteps, floor):
            guard (0...1).contains(floor) else {
                throw OptimizerError.invalidConfiguration("cosine schedule's floor \(floor) is not in [0, 1]")
            }
            guard totalSteps >= 1 else {
                throw OptimizerError.invalidConfiguration("cosine schedule needs a run of at least 1 step, got \(totalSteps)")
            }
        }
    }

    /// The schedule as users write it: `constant`, `cosine:FLOOR` (its length is the run's),
    /// `step:EVERY:FACTOR`.
    public var description: String {
        switch self {
        case .constant: return "constant"
        case let .stepDecay(every, factor): return "step:\(every):\(factor)"
        case let .cosine(_, floor): return "cosine:\(floor)"
        }
    }
}
