import DenseLinearAlgebra

/// A loss whose gradient is multiplied by a loss scale `S` and stored in a low precision:
/// the first store point of a low-precision backward pass (`Notes/LowPrecision.md`).
///
/// The value is the wrapped loss's, computed in Float from the (rounded) output and not
/// rounded (it is reported, not stored). The gradient is `round(S·∂L/∂z)`. Sampled targets
/// (the Monte-Carlo Fisher's) are rounded like data.
///
/// - Complexity: the wrapped loss's, plus one pass over the gradient.
public struct ScaledRoundedLoss<Base: Loss>: Loss {
    public typealias Scalar = Base.Scalar

    /// The loss being scaled.
    public let base: Base
    /// The format gradients are stored in.
    public let precision: StoragePrecision
    /// `S`.
    public let scale: Scalar

    /// `base` with its gradient scaled by `scale` and rounded to `precision`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for a scale that
    ///   is not positive and finite.
    public init(_ base: Base, precision: StoragePrecision, scale: Scalar = 1) throws {
        guard scale > 0, scale.isFinite else {
            throw LinearAlgebraError.invalidArgument(
                operation: "ScaledRoundedLoss", detail: "loss scale \(scale) must be positive and finite")
        }
        (self.base, self.precision, self.scale) = (base, precision, scale)
    }

    public func valueAndGradient(output: Matrix<Scalar>, target: Matrix<Scalar>) throws
        -> (value: Scalar, gradient: Matrix<Scalar>) {
        let (value, gradient) = try base.valueAndGradient(output: output, target: target)
        return (value, stored(gradient))
    }

    public func sampleTargets(output: Matrix<Scalar>, using generator: inout some RandomNumberGenerator) throws
        -> Matrix<Scalar> {
        precision.rounded(try base.sampleTargets(output: output, using: &generator))
    }

    /// `round(S·values)`: what the loss stores for a gradient (also for the exact GGN's columns).
    public func stored(_ values: Matrix<Scalar>) -> Matrix<Scalar> {
        var result = scale == 1 ? values : values.scaled(by: scale)
        precision.round(&result)
        return result
    }
}
