import DenseLinearAlgebra

/// Half the squared error, `ℓ(y, t) = ½‖y − t‖²`, the negative log-likelihood (up to a
/// constant) of the Gaussian `N(y, I)`; its gradient is `(y − t)/b`.
///
/// - Complexity: one pass over the batch.
public struct SquaredError<Scalar: LinearAlgebraScalar>: Loss {
    /// The loss; it has no parameters.
    public init() {}

    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func valueAndGradient(output: Matrix<Scalar>, target: Matrix<Scalar>) throws
        -> (value: Scalar, gradient: Matrix<Scalar>)
    {
        try validate(output: output, target: target, "SquaredError")
        let scale = 1 / Scalar(Swift.max(output.columns, 1))
        var gradient = try output - target
        let norm = gradient.frobeniusNorm
        let value = scale * norm * norm / 2
        gradient.scale(by: scale)
        return (value, gradient)
    }

    /// `t = y + ε`, `ε ~ N(0, I)`.
    /// - Complexity: one Gaussian draw per entry.
    @inlinable
    @_specialize(where Scalar == Float, Generator == Xoshiro256StarStar)
    @_specialize(where Scalar == Double, Generator == Xoshiro256StarStar)
    public func sampleTargets<Generator: RandomNumberGenerator>(
        output: Matrix<Scalar>, using generator: inout Generator
    ) throws -> Matrix<Scalar> {
        try output.requireFinite("SquaredError.sampleTargets", argument: "output")
        return try output + Matrix.randomGaussian(rows: output.rows, columns: output.columns, using: &generator)
    }
}
