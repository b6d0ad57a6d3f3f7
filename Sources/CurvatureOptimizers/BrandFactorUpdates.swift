import DenseLinearAlgebra
import OnlineEigenUpdates
import SymmetricEigen

/// B-KFAC's factor estimate (Puiu 2022, "Brand New K-FACs"): every factor update is a Brand
/// update `ε·U·D·Uᵀ + (1 − ε)·α·X·Xᵀ` of each truncated decomposition by the capture's rows,
/// truncated back to the rank, with K-FAC's warm-up weight `ε = min(1 − 1/k, ρ)`
/// (``MovingAverage/warmUpWeight(update:decay:)``): the dense moving average's arithmetic
/// in factored form.
///
/// - Complexity: `O(n·(r + b)²)` per factor of order `n`, rank `r`, `b` rows; no `n × n` temporary.
public struct BrandFactorUpdates: Codable, Sendable, Hashable {
    /// Brand updates so far (their warm-up weights).
    public private(set) var updateCount: Int

    /// No update yet.
    /// - Complexity: `O(1)`.
    public init() { updateCount = 0 }

    /// The decompositions after the next update by `rows` (nothing is changed here; the block
    /// stores them and calls `recordUpdate()` once every other part has succeeded).
    func updated<Scalar: LinearAlgebraScalar>(
        _ current: (input: SymmetricEigendecomposition<Scalar>, output: SymmetricEigendecomposition<Scalar>),
        by rows: FactorRows<Scalar>, rank: Int, decay: Scalar
    ) throws -> (input: SymmetricEigendecomposition<Scalar>, output: SymmetricEigendecomposition<Scalar>) {
        let weight = MovingAverage<Scalar>.warmUpWeight(update: updateCount + 1, decay: decay)
        func brand(_ order: Int) -> BrandUpdate<Scalar> {
            BrandUpdate(options: .init(targetRank: Swift.min(rank, order)))
        }
        return (try brand(current.input.order).updated(current.input, adding: rows.inputs, currentWeight: weight,
                                                       updateWeight: (1 - weight) * rows.inputNormalization),
                try brand(current.output.order).updated(current.output, adding: rows.outputGradients,
                                                        currentWeight: weight,
                                                        updateWeight: (1 - weight) * rows.gradientScale))
    }

    /// Counts an update whose decompositions the block has stored.
    /// - Complexity: `O(1)`.
    mutating func recordUpdate() { updateCount += 1 }

    /// Decodes the counter and checks its range.
    /// - Throws: `DecodingError.dataCorrupted` for a negative or exhausted count.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        updateCount = try container.decode(Int.self, forKey: .updateCount)
        try DecodedState.require(DecodedState.isCounter(updateCount), decoder,
                                 "Brand update count \(updateCount) out of range")
    }
}
