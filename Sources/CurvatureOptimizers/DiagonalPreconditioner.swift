import DenseLinearAlgebra

/// The diagonal, Adam-like preconditioner that K-FAC-family optimizers apply to the parameters
/// that are not an affine map `y = W̃ã` — ``/NeuralNetworks/LayerNorm``'s scale and shift,
/// ``/NeuralNetworks/PositionEmbedding``'s table — so have no Kronecker-factored curvature:
/// `v ← β₂v + (1 − β₂)·∇W ⊙ ∇W` and the direction `∇W ⊘ (√(v/(1 − β₂ᵗ)) + ε)`, RMSprop with
/// Adam's bias correction (Kingma & Ba 2015, Alg. 1 without the first moment; the optimizer's
/// momentum plays that part). Why this choice: `Notes/KFAC-family.md`, "Parameters without
/// Kronecker structure".
///
/// - Complexity: one pass over the parameters per step; state one matrix of their shape.
public struct DiagonalPreconditioner<Scalar: LinearAlgebraScalar>: Codable, Sendable, Hashable {
    /// β₂, the decay of the squared-gradient average. Default `0.999` (Adam's).
    public let decay: Double
    /// ε added to the root mean square. Default `1e-8` (Adam's).
    public let epsilon: Double
    /// `v`, the running average of the squared gradient entries.
    public private(set) var secondMoment: Matrix<Scalar>
    /// Gradients folded in so far (`t`).
    public private(set) var updateCount: Int

    /// A preconditioner for a `rows × columns` parameter matrix.
    /// - Throws: ``OptimizerError/invalidConfiguration(_:)`` for `decay ∉ [0, 1)` or `ε` not positive
    ///   and finite; ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for a negative size.
    public init(rows: Int, columns: Int, decay: Double = 0.999, epsilon: Double = 1e-8) throws {
        try OptionCheck.unitInterval(decay, "diagonal preconditioner decay β₂")
        guard epsilon > 0, epsilon.isFinite else {
            throw OptimizerError.invalidConfiguration("diagonal preconditioner ε must be positive and finite, got \(epsilon)")
        }
        (self.decay, self.epsilon) = (decay, epsilon)
        secondMoment = try Matrix(rows: rows, columns: columns)
        updateCount = 0
    }

    /// Folds `gradient` into `v` and returns the preconditioned direction.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for a gradient
    ///   of another shape; ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN or ±∞
    ///   (which would stay in `v` for good).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func preconditioned(_ gradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try secondMoment.requireSameShape(as: gradient, "diagonal preconditioner")
        try gradient.requireFinite("diagonal preconditioner", argument: "gradient")
        updateCount += 1
        let (beta, complement) = (Scalar(decay), Scalar(1 - decay))
        let correction = Scalar(1 - Double.pow(decay, Double(updateCount)))
        let epsilon = Scalar(epsilon)
        var direction = Matrix<Scalar>(shapeOf: gradient)
        secondMoment.withUnsafeMutableBufferPointer { v in
            gradient.withUnsafeBufferPointer { g in
                direction.withUnsafeMutableBufferPointer { d in
                    for k in 0..<d.count {
                        v[k] = beta * v[k] + complement * (g[k] * g[k])
                        d[k] = g[k] / (Scalar.sqrt(v[k] / correction) + epsilon)
                    }
                }
            }
        }
        return direction
    }

    /// Decodes a preconditioner and checks its options and counter.
    /// - Throws: `DecodingError.dataCorrupted` for options out of range or a negative counter.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        decay = try container.decode(Double.self, forKey: .decay)
        epsilon = try container.decode(Double.self, forKey: .epsilon)
        secondMoment = try container.decode(Matrix<Scalar>.self, forKey: .secondMoment)
        updateCount = try container.decode(Int.self, forKey: .updateCount)
        try DecodedState.validate(decoder) { _ = try Self(rows: 0, columns: 0, decay: decay, epsilon: epsilon) }
        try DecodedState.require(DecodedState.isCounter(updateCount), decoder, "update count \(updateCount) out of range")
    }
}
