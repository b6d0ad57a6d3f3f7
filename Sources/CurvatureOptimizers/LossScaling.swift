import DenseLinearAlgebra

/// How a low-precision run scales its loss before backpropagation (Micikevicius et al. 2018,
/// "Mixed precision training", Sec. 3.2): float16 underflows below `2⁻²⁴`, and the gradients
/// of a batch-mean loss are often that small; multiplying the loss by `S` moves them into range.
public enum LossScaling: Codable, Sendable, Hashable {
    /// `S = 1`: what bfloat16 (Float's exponent range) and float32 need.
    case none
    /// A fixed `S`; a step whose scaled gradients overflow fails.
    case fixed(Double)
    /// `S` starts at `initial`; a step whose scaled gradients hold ±∞ or NaN is skipped and `S`
    /// divided by `factor`; after `growthInterval` good steps in a row `S` is multiplied by
    /// `factor`. Defaults as in mixed-precision practice (PyTorch's `GradScaler`): `2¹⁶`,
    /// 2000 steps, 2.
    case dynamic(initial: Double, growthInterval: Int, factor: Double)

    /// Dynamic scaling with the defaults.
    public static let dynamicDefault = LossScaling.dynamic(initial: 65536, growthInterval: 2000, factor: 2)

    /// The usual choice for `precision`: ``dynamicDefault`` for float16, ``none`` otherwise.
    public static func recommended(for precision: StoragePrecision) -> LossScaling {
        precision == .float16 ? dynamicDefault : .none
    }

    /// Throws ``OptimizerError/invalidConfiguration(_:)`` for a scale that is not positive and
    /// finite, a growth interval below 1 or a factor not above 1.
    public func validate() throws {
        switch self {
        case .none:
            return
        case let .fixed(scale):
            guard scale > 0, scale.isFinite else {
                throw OptimizerError.invalidConfiguration("loss scale must be positive and finite, got \(scale)")
            }
        case let .dynamic(initial, growthInterval, factor):
            guard initial >= 1, initial.isFinite else {
                throw OptimizerError.invalidConfiguration("initial loss scale must be ≥ 1 and finite, got \(initial)")
            }
            guard growthInterval >= 1 else {
                throw OptimizerError.invalidConfiguration("loss-scale growth interval must be ≥ 1, got \(growthInterval)")
            }
            guard factor > 1, factor.isFinite else {
                throw OptimizerError.invalidConfiguration("loss-scale factor must be > 1 and finite, got \(factor)")
            }
        }
    }
}
