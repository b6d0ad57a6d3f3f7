import DenseLinearAlgebra

/// Softmax cross-entropy on logits: `ℓ(z, t) = −Σ_k t_k log softmax(z)_k`,
/// the negative log-likelihood of the categorical distribution `softmax(z)`.
///
/// Stable form: with `m = max_k z_k`, `log softmax(z)_k = z_k − m − log Σ_j e^{z_j − m}`,
/// so no exponential overflows and the log never sees zero. Targets are one-hot
/// (``/NeuralNetworks/DenseLinearAlgebra/Matrix/oneHot(_:classCount:)``) or any probability vectors; the gradient is
/// `(softmax(z)·Σ_k t_k − t)/b`, i.e. `(p − t)/b` for normalised targets.
///
/// - Complexity: `O(classes · batch)`, one exponential per entry.
public struct SoftmaxCrossEntropy<Scalar: LinearAlgebraScalar>: Loss {
    /// The loss; it has no parameters.
    public init() {}

    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func valueAndGradient(output: Matrix<Scalar>, target: Matrix<Scalar>) throws
        -> (value: Scalar, gradient: Matrix<Scalar>)
    {
        try validate(output: output, target: target, "SoftmaxCrossEntropy")
        let (classes, batch) = (output.rows, output.columns)
        var gradient = Self.probabilities(output)
        var total: Scalar = 0
        let scale = 1 / Scalar(Swift.max(batch, 1))
        output.withUnsafeBufferPointer { z in
            target.withUnsafeBufferPointer { t in
                gradient.withUnsafeMutableBufferPointer { p in
                    for i in 0..<batch {
                        let column = i * classes
                        let (m, logSum) = Self.logSumExp(z, from: column, count: classes)
                        var mass: Scalar = 0
                        for k in column..<column + classes {
                            total -= t[k] * (z[k] - m - logSum)
                            mass += t[k]
                        }
                        for k in column..<column + classes { p[k] = (p[k] * mass - t[k]) * scale }
                    }
                }
            }
        }
        return (total * scale, gradient)
    }

    /// Draws one class per column from `softmax(output)` and returns it one-hot.
    ///
    /// Inverse-CDF sampling: the first class whose running probability exceeds a uniform
    /// `u ∈ [0, 1)`. When rounding leaves the total below `u`, the last class of positive
    /// probability is taken, never one whose probability underflowed to zero.
    /// - Complexity: one exponential per entry and one uniform draw per column.
    @inlinable
    @_specialize(where Scalar == Float, Generator == Xoshiro256StarStar)
    @_specialize(where Scalar == Double, Generator == Xoshiro256StarStar)
    public func sampleTargets<Generator: RandomNumberGenerator>(
        output: Matrix<Scalar>, using generator: inout Generator
    ) throws -> Matrix<Scalar> {
        try output.requireFinite("SoftmaxCrossEntropy.sampleTargets", argument: "output")
        let probabilities = Self.probabilities(output)
        let classes = output.rows
        var samples = try Matrix<Scalar>(rows: classes, columns: output.columns)
        guard classes > 0 else { return samples }
        probabilities.withUnsafeBufferPointer { p in
            samples.withUnsafeMutableBufferPointer { s in
                for column in stride(from: 0, to: p.count, by: classes) {
                    let u = Scalar.random(in: 0..<1, using: &generator)
                    var cumulative: Scalar = 0
                    // The largest logit has probability ≥ 1/classes > 0, so some class is chosen.
                    var chosen = column
                    for k in column..<column + classes where p[k] > 0 {
                        chosen = k
                        cumulative += p[k]
                        if u < cumulative { break }
                    }
                    s[chosen] = 1
                }
            }
        }
        return samples
    }

    /// `softmax` of every column of `logits`: the predictive class probabilities.
    /// - Complexity: one exponential per entry.
    @inlinable
    public static func probabilities(_ logits: Matrix<Scalar>) -> Matrix<Scalar> {
        var p = logits
        let classes = logits.rows
        logits.withUnsafeBufferPointer { z in
            p.withUnsafeMutableBufferPointer { out in
                for i in 0..<logits.columns {
                    let column = i * classes
                    let (m, logSum) = logSumExp(z, from: column, count: classes)
                    for k in column..<column + classes { out[k] = Scalar.exp(z[k] - m - logSum) }
                }
            }
        }
        return p
    }

    /// The fraction of columns whose largest logit is at the label (ties: the first).
    /// - Complexity: one pass over `logits`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when
    ///   `labels.count` differs from the number of columns;
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for no example (no accuracy).
    public static func accuracy(logits: Matrix<Scalar>, labels: [Int]) throws -> Double {
        guard labels.count == logits.columns else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "SoftmaxCrossEntropy.accuracy", expected: "\(logits.columns) labels",
                actual: "\(labels.count)")
        }
        guard !labels.isEmpty else {
            throw LinearAlgebraError.invalidArgument(operation: "SoftmaxCrossEntropy.accuracy",
                                                     detail: "no examples: the accuracy of none is undefined")
        }
        var correct = 0
        for (i, label) in labels.enumerated() {
            let column = try logits.column(i)
            if column.indices.max(by: { column[$0] < column[$1] }) == label { correct += 1 }
        }
        return Double(correct) / Double(labels.count)
    }

    /// `(m, log Σ_k e^{z_k − m})` over `count` entries from `start`, `m` their maximum.
    @inlinable
    static func logSumExp(_ z: UnsafeBufferPointer<Scalar>, from start: Int, count: Int) -> (Scalar, Scalar) {
        var m = -Scalar.infinity
        for k in start..<start + count { m = Swift.max(m, z[k]) }
        var sum: Scalar = 0
        for k in start..<start + count { sum += Scalar.exp(z[k] - m) }
        return (m, Scalar.log(sum))
    }
}
