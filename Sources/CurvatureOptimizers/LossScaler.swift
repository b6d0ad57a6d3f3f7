import DenseLinearAlgebra

/// The state of a ``LossScaling``: the current scale `S`, the good steps since the last
/// change, and the steps skipped for overflow. `Codable`, so a resumed run continues with the
/// same scale.
public struct LossScaler: Codable, Sendable, Hashable {
    /// The policy.
    public let scaling: LossScaling
    /// `S`, the factor the loss gradient is multiplied by.
    public private(set) var scale: Double
    /// Good steps since `S` last changed.
    public private(set) var goodSteps: Int
    /// Steps skipped because their scaled gradients overflowed.
    public private(set) var skippedSteps: Int

    /// A scaler at the policy's initial scale.
    /// - Throws: as ``LossScaling/validate()``.
    public init(_ scaling: LossScaling) throws {
        try scaling.validate()
        self.scaling = scaling
        switch scaling {
        case .none: scale = 1
        case let .fixed(value): scale = value
        case let .dynamic(initial, _, _): scale = initial
        }
        goodSteps = 0
        skippedSteps = 0
    }

    /// Counts a good step; dynamic scaling grows `S` after its growth interval.
    public mutating func recordGoodStep() {
        goodSteps += 1
        if case let .dynamic(_, interval, factor) = scaling, goodSteps >= interval {
            scale *= factor
            goodSteps = 0
        }
    }

    /// Handles a step whose scaled gradients overflowed: with dynamic scaling `S` shrinks and
    /// the step is to be skipped (`true`); otherwise nothing changes and the step fails (`false`).
    public mutating func recordOverflow() -> Bool {
        guard case let .dynamic(_, _, factor) = scaling else { return false }
        scale /= factor
        goodSteps = 0
        skippedSteps += 1
        return true
    }

    /// Decodes a scaler and checks its policy and counters.
    /// - Throws: `DecodingError.dataCorrupted` for an invalid policy, a scale that is not positive
    ///   and finite, or negative counters.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        scaling = try container.decode(LossScaling.self, forKey: .scaling)
        scale = try container.decode(Double.self, forKey: .scale)
        goodSteps = try container.decode(Int.self, forKey: .goodSteps)
        skippedSteps = try container.decode(Int.self, forKey: .skippedSteps)
        try DecodedState.validate(decoder) { try scaling.validate() }
        try DecodedState.require(scale > 0 && scale.isFinite, decoder, "loss scale \(scale) is not positive and finite")
        try DecodedState.require(DecodedState.isCounter(goodSteps) && DecodedState.isCounter(skippedSteps), decoder,
                                 "loss-scaler counters \(goodSteps), \(skippedSteps) out of range")
    }
}

/// An optimizer that scales the loss (``LowPrecisionOptimizer``): its scaler, so that a report
/// can say how many steps dynamic loss scaling skipped and where the scale ended.
public protocol LossScaledOptimizer {
    /// The loss scale and its counters.
    var scaler: LossScaler { get }
}
