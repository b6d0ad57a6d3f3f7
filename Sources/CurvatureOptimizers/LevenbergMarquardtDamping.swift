import Foundation

/// The Levenberg–Marquardt rule for the damping `λ` of tuning-free K-FAC (Martens & Grosse
/// 2015, §6.5; kfac-jax's adaptive damping): every `T₁` steps, compare the objective's actual
/// change with the quadratic model's prediction, `ρ = (h(θ + δ) − h(θ)) / (M(δ) − M(0))`, and
/// - `ρ > 3/4` (the model is trustworthy): `λ ← ω·λ`;
/// - `ρ < 1/4` (the model overestimates the decrease) or `ρ` undefined: `λ ← λ/ω`;
/// - otherwise `λ` stays;
/// with `ω = decay^T₁`, clamped to `[minimum, maximum]`.
///
/// Defaults are the paper's: `T₁ = 5`, `ω = (19/20)^T₁ ≈ 0.774`, thresholds 1/4 and 3/4;
/// the bounds are kfac-jax's (`10⁻⁸`, `∞`). (kfac-jax's own decay is `0.9` per step,
/// `ω = 0.9⁵ ≈ 0.59`: a faster rule, available through ``Options/decay``.)
public struct LevenbergMarquardtDamping: Codable, Sendable, Hashable {
    /// The rule's constants.
    public struct Options: Codable, Sendable, Hashable {
        /// `T₁`: steps between adaptations. Default `5`.
        public var period: Int
        /// The per-step decay; `ω = decay^T₁`. Default `19/20`.
        public var decay: Double
        /// Below this `ρ` the damping grows. Default `1/4`.
        public var lowerThreshold: Double
        /// Above this `ρ` the damping shrinks. Default `3/4`.
        public var upperThreshold: Double
        /// The smallest damping. Default `1e-8`.
        public var minimum: Double
        /// The largest damping. Default `∞`.
        public var maximum: Double

        /// The paper's rule (and kfac-jax's bounds) unless given.
        public init(period: Int = 5, decay: Double = 19.0 / 20.0, lowerThreshold: Double = 0.25,
                    upperThreshold: Double = 0.75, minimum: Double = 1e-8, maximum: Double = .infinity) {
            self.period = period
            self.decay = decay
            self.lowerThreshold = lowerThreshold
            self.upperThreshold = upperThreshold
            self.minimum = minimum
            self.maximum = maximum
        }

        /// `ω = decay^T₁`, the factor of one adaptation.
        public var factor: Double { pow(decay, Double(period)) }

        /// Throws ``OptimizerError/invalidConfiguration(_:)`` for a period below 1, a decay
        /// outside `(0, 1)`, thresholds not ordered, or bounds not `0 < minimum ≤ maximum`.
        public func validate() throws {
            guard period >= 1 else { throw OptimizerError.invalidConfiguration("damping period T₁ must be ≥ 1, got \(period)") }
            guard decay > 0, decay < 1 else {
                throw OptimizerError.invalidConfiguration("damping decay must lie in (0, 1), got \(decay)")
            }
            guard lowerThreshold.isFinite, upperThreshold.isFinite, lowerThreshold <= upperThreshold else {
                throw OptimizerError.invalidConfiguration(
                    "reduction-ratio thresholds must be finite with lower ≤ upper, got \(lowerThreshold), \(upperThreshold)")
            }
            guard minimum > 0, minimum.isFinite, minimum <= maximum, !maximum.isNaN else {
                throw OptimizerError.invalidConfiguration(
                    "damping bounds must satisfy 0 < minimum ≤ maximum, got \(minimum), \(maximum)")
            }
        }
    }

    /// The rule's constants.
    public let options: Options
    /// `λ`, the current damping.
    public private(set) var damping: Double
    /// `ρ` of the latest adaptation (`nan` before the first, or when it was undefined).
    public private(set) var lastReductionRatio: Double

    /// The rule from `initialDamping`.
    /// - Throws: ``OptimizerError/invalidConfiguration(_:)`` for invalid options or an initial
    ///   damping outside `[minimum, maximum]`.
    public init(initialDamping: Double, options: Options = Options()) throws {
        try options.validate()
        guard initialDamping >= options.minimum, initialDamping <= options.maximum, initialDamping.isFinite else {
            throw OptimizerError.invalidConfiguration(
                "initial damping \(initialDamping) must be finite and in [\(options.minimum), \(options.maximum)]")
        }
        self.options = options
        damping = initialDamping
        lastReductionRatio = .nan
    }

    /// Whether step `step` (counted from 0) adapts the damping: every `T₁`-th, from step 0.
    /// - Complexity: `O(1)`.
    public func adapts(atStep step: Int) -> Bool { step % options.period == 0 }

    /// `ρ = actual/predicted` change of the objective, or `nan` when the model predicts no
    /// decrease (`predicted ≥ 0`) or either value is not finite.
    /// - Complexity: `O(1)`.
    public static func reductionRatio(actualChange: Double, predictedChange: Double) -> Double {
        guard predictedChange < 0, actualChange.isFinite, predictedChange.isFinite else { return .nan }
        return actualChange / predictedChange
    }

    /// Applies the rule for the reduction ratio `ρ`; an undefined `ρ` (NaN) counts as a failure
    /// of the model and increases the damping (kfac-jax maps it to `−100`).
    /// - Complexity: `O(1)`.
    public mutating func adapt(reductionRatio rho: Double) {
        lastReductionRatio = rho
        let omega = options.factor
        if rho.isNaN || rho < options.lowerThreshold {
            damping /= omega
        } else if rho > options.upperThreshold {
            damping *= omega
        }
        damping = Swift.min(Swift.max(damping, options.minimum), options.maximum)
    }

    /// Decodes the rule and checks it.
    /// - Throws: `DecodingError.dataCorrupted` for invalid options or a damping that is not
    ///   finite and within the bounds.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        options = try container.decode(Options.self, forKey: .options)
        damping = try container.decode(Double.self, forKey: .damping)
        lastReductionRatio = try container.decode(Double.self, forKey: .lastReductionRatio)
        try DecodedState.validate(decoder) { try options.validate() }
        try DecodedState.require(damping.isFinite && damping >= options.minimum && damping <= options.maximum, decoder,
                                 "damping \(damping) is not finite within [\(options.minimum), \(options.maximum)]")
    }
}
