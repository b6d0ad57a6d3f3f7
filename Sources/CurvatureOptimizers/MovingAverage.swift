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
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for a sample of
    ///   another shape.
    public mutating func update(with sample: Matrix<Scalar>) throws {
        updateCount += 1
        let weight = Swift.min(1 - 1 / Scalar(updateCount), decay)
        var updated = value.scaled(by: weight)
        try updated.add(sample, scaledBy: 1 - weight)
        value = updated
    }

    /// Replaces the average (for example after a change of basis) without
    /// restarting the warm-up.
    public mutating func reset(to newValue: Matrix<Scalar>) {
        value = newValue
    }
}
