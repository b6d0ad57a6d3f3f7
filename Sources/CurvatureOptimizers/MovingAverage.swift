import DenseLinearAlgebra

/// An exponential moving average of matrices with the warm-up of Martens &
/// Grosse (2015, §5): the `k`-th update uses weight `ε = min(1 − 1/k, ρ)` on the
/// old value, so the first update replaces the starting value (the identity)
/// and the average forgets early batches no faster than `ρ` allows.
public struct MovingAverage<Scalar: LinearAlgebraScalar>: Sendable, Codable, Hashable {
    /// The current average.
    public private(set) var value: Matrix<Scalar>
    /// Updates so far.
    public private(set) var updateCount: Int
    /// The decay `ρ` in `[0, 1)`.
    public let decay: Scalar

    /// An average starting at `initial` (the identity for K-FAC's factors).
    public init(initial: Matrix<Scalar>, decay: Scalar) {
        value = initial
        updateCount = 0
        self.decay = decay
    }

    /// `value ← ε·value + (1 − ε)·sample`. - Complexity: one pass over the entries.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for a sample of
    ///   another shape.
    public mutating func update(with sample: Matrix<Scalar>) throws {
        guard sample.rows == value.rows, sample.columns == value.columns else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "MovingAverage.update", expected: "\(value.rows)×\(value.columns)",
                actual: "\(sample.rows)×\(sample.columns)")
        }
        let weight = nextWeight()
        value.scale(by: weight)
        try value.add(sample, scaledBy: 1 - weight)
    }

    /// `value ← ε·value + (1 − ε)·α·op(x)·op(x)ᵀ` in one `syrk` into the average (no
    /// temporary): the moving average of the Gram matrix `α·op(x)·op(x)ᵀ`.
    /// - Complexity: `n²·k` flops and one pass to mirror the triangle.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless the
    ///   average is `n × n` with `n` the rows of `op(x)`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func update(withGramOf x: Matrix<Scalar>, _ transpose: Transpose = .none, alpha: Scalar) throws {
        let n = transpose == .none ? x.rows : x.columns
        guard value.rows == n, value.columns == n else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "MovingAverage.update(withGramOf:)", expected: "a \(n)×\(n) average",
                actual: "\(value.rows)×\(value.columns)")
        }
        let weight = nextWeight()
        try Matrix.rankKUpdate(x, transpose, alpha: (1 - weight) * alpha, beta: weight, into: &value)
        try value.symmetrize(from: .lower)
    }

    /// Counts the update and returns its weight `ε = min(1 − 1/k, ρ)` on the old value.
    private mutating func nextWeight() -> Scalar {
        updateCount += 1
        return Self.warmUpWeight(update: updateCount, decay: decay)
    }

    /// The weight `ε = min(1 − 1/k, ρ)` of the old value in the `k`-th update (1-based):
    /// shared with averages kept in factored form (B-KFAC's Brand updates).
    /// - Complexity: `O(1)`.
    public static func warmUpWeight(update k: Int, decay: Scalar) -> Scalar {
        Swift.min(1 - 1 / Scalar(k), decay)
    }

    /// Replaces the average (for example after a change of basis) without
    /// restarting the warm-up.
    public mutating func reset(to newValue: Matrix<Scalar>) {
        value = newValue
    }

    /// Decodes an average and checks its counter and decay.
    /// - Throws: `DecodingError.dataCorrupted` for a negative or exhausted update count or a
    ///   decay outside `[0, 1)`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        value = try container.decode(Matrix<Scalar>.self, forKey: .value)
        updateCount = try container.decode(Int.self, forKey: .updateCount)
        decay = try container.decode(Scalar.self, forKey: .decay)
        try DecodedState.require(DecodedState.isCounter(updateCount), decoder, "update count \(updateCount) out of range")
        try DecodedState.require(decay >= 0 && decay < 1, decoder, "decay \(decay) must lie in [0, 1)")
    }
}
