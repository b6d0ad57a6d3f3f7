import DenseLinearAlgebra

/// What went wrong in a low-precision training step, with the step (1-based) and the
/// storage precision: a failure is reported, never stored or hidden (`Notes/LowPrecision.md`).
public struct LowPrecisionTrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kinds of failure.
    public enum Kind: Equatable, Sendable {
        /// A value of the optimizer state (a K-FAC factor, a momentum…) exceeds the format's
        /// largest finite value when stored: `tensor` is its path in the state.
        case stateOverflow(tensor: String, largestMagnitude: Double)
        /// The scaled gradients hold ±∞ or NaN and the scaling cannot skip the step (none or fixed).
        case gradientOverflow(lossScale: Double)
        /// Dynamic scaling shrank `S` below 1: the overflow does not come from the scaling.
        case lossScaleUnderflow(lossScale: Double)
        /// A factorisation of a (rounded) factor failed: not positive definite, singular, LAPACK error.
        case factorizationFailed(String)
        /// NaN or ±∞ in an activation, a factor, a preconditioned step or the updated weights.
        case nonFiniteValues(String)
        /// The rounded state no longer satisfies the optimizer's own checks.
        case stateRejected(String)
    }

    /// The step that failed, counted from 1; 0 for the setup (the initial state's rounding).
    public var step: Int
    public var precision: StoragePrecision
    public var kind: Kind

    public init(step: Int, precision: StoragePrecision, kind: Kind) {
        (self.step, self.precision, self.kind) = (step, precision, kind)
    }

    public var description: String {
        let prefix = step == 0 ? "\(precision.rawValue) setup (before step 1): " : "\(precision.rawValue) step \(step): "
        switch kind {
        case let .stateOverflow(tensor, largest):
            return prefix + "optimizer state \(tensor) overflows: largest magnitude \(largest) > "
                + "\(precision.greatestFiniteMagnitude), the format's largest value"
        case let .gradientOverflow(scale):
            return prefix + "gradients overflow at loss scale \(scale) (and this scaling cannot skip a step)"
        case let .lossScaleUnderflow(scale):
            return prefix + "dynamic loss scale fell to \(scale) < 1: the overflow is not in the scaled gradients"
        case let .factorizationFailed(detail):
            return prefix + "factorisation failed: \(detail)"
        case let .nonFiniteValues(detail):
            return prefix + "NaN or infinity: \(detail)"
        case let .stateRejected(detail):
            return prefix + "the rounded optimizer state is invalid: \(detail)"
        }
    }

    /// The low-precision failure behind `error`, or nil for errors that are not about the
    /// arithmetic (shapes, configuration), which the caller rethrows unchanged.
    static func kind(of error: any Error) -> Kind? {
        guard let error = error as? LinearAlgebraError else { return nil }
        switch error.rootCause {
        case .notPositiveDefinite, .singularMatrix, .lapackFailure, .numericallySingular, .singularEigenvalue:
            return .factorizationFailed(error.description)
        case .nonFiniteInput:
            return .nonFiniteValues(error.description)
        default:
            return nil
        }
    }
}
