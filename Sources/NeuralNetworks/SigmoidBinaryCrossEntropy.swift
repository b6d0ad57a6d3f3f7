import DenseLinearAlgebra

/// Binary cross-entropy on logits, every output an independent Bernoulli with
/// `p = σ(z)`: `ℓ(z, t) = Σ_k [−t_k log σ(z_k) − (1 − t_k) log(1 − σ(z_k))]`.
///
/// Stable form: `ℓ = Σ_k max(z_k, 0) − t_k z_k + log1p(e^{−|z_k|})`, finite for any
/// logit. Targets lie in `[0, 1]` (pixel intensities for an autoencoder, Hinton &
/// Salakhutdinov 2006); the gradient is `(σ(z) − t)/b`.
///
/// - Complexity: one exponential and one logarithm per entry.
public struct SigmoidBinaryCrossEntropy<Scalar: LinearAlgebraScalar>: Loss {
    /// The loss; it has no parameters.
    public init() {}

    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func valueAndGradient(output: Matrix<Scalar>, target: Matrix<Scalar>) throws
        -> (value: Scalar, gradient: Matrix<Scalar>)
    {
        try validate(output: output, target: target, "SigmoidBinaryCrossEntropy")
        let scale = 1 / Scalar(Swift.max(output.columns, 1))
        var gradient = output
        var total: Scalar = 0
        output.withUnsafeBufferPointer { z in
            target.withUnsafeBufferPointer { t in
                gradient.withUnsafeMutableBufferPointer { g in
                    for k in z.indices {
                        total += Swift.max(z[k], 0) - t[k] * z[k] + Scalar.log(onePlus: Scalar.exp(-Swift.abs(z[k])))
                        g[k] = (logisticSigmoid(z[k]) - t[k]) * scale
                    }
                }
            }
        }
        return (total * scale, gradient)
    }

    /// Independent Bernoulli draws `t_k ∈ {0, 1}` with `P(t_k = 1) = σ(z_k)`.
    /// - Complexity: one exponential and one uniform draw per entry.
    @inlinable
    @_specialize(where Scalar == Float, Generator == Xoshiro256StarStar)
    @_specialize(where Scalar == Double, Generator == Xoshiro256StarStar)
    public func sampleTargets<Generator: RandomNumberGenerator>(
        output: Matrix<Scalar>, using generator: inout Generator
    ) throws -> Matrix<Scalar> {
        try output.requireFinite("SigmoidBinaryCrossEntropy.sampleTargets", argument: "output")
        var samples = output
        samples.withUnsafeMutableBufferPointer { values in
            for k in values.indices {
                values[k] = Scalar.random(in: 0..<1, using: &generator) < logisticSigmoid(values[k]) ? 1 : 0
            }
        }
        return samples
    }
}
