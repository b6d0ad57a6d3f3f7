import DenseLinearAlgebra
import RandomizedRange
import Testing

@Suite("Sketch distributions: entries, sparsity, reproducibility, bad sizes")
struct SketchDistributionTests {
    func entries<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        for (n, l) in [(0, 3), (1, 1), (17, 5), (40, 12)] {
            for distribution in distributions {
                var generator = Xoshiro256StarStar(seed: 1)
                let omega: Matrix<Scalar> = try distribution.testMatrix(rows: n, columns: l, using: &generator)
                #expect(omega.rows == n && omega.columns == l)
                #expect(omega.isFinite)
                var again = Xoshiro256StarStar(seed: 1)
                let repeated: Matrix<Scalar> = try distribution.testMatrix(rows: n, columns: l, using: &again)
                #expect(repeated.elements == omega.elements, "same seed, same matrix bit for bit")
                switch distribution {
                case .gaussian:
                    break
                case .rademacher:
                    #expect(omega.elements.allSatisfy { $0 == 1 || $0 == -1 })
                case let .sparseSign(zeta):
                    for i in 0..<n {
                        let row = try omega.row(i)
                        #expect(row.allSatisfy { $0 == 0 || $0 == 1 || $0 == -1 })
                        #expect(row.filter { $0 != 0 }.count == Swift.min(zeta, l), "exactly min(ζ, ℓ) nonzeros per row")
                    }
                }
            }
        }
    }

    @Test func entriesHaveTheirDistributionsSupportAndRepeatFromTheSeed() throws {
        try entries(Float.self)
        try entries(Double.self)
    }

    @Test func gaussianEntriesHaveUnitVariance() throws {
        // 10⁴ draws: the sample variance of N(0,1) has standard deviation √(2/10⁴) ≈ 0.014.
        var generator = Xoshiro256StarStar(seed: 2)
        let omega: Matrix<Double> = try SketchDistribution.gaussian.testMatrix(rows: 100, columns: 100, using: &generator)
        let variance = omega.elements.reduce(0) { $0 + $1 * $1 } / 10_000
        #expect(abs(variance - 1) < 0.07)
    }

    @Test func badSizesThrow() {
        var generator = Xoshiro256StarStar(seed: 3)
        #expect(throwsError(isInvalidArgument) {
            _ = try SketchDistribution.gaussian.testMatrix(rows: -1, columns: 2, as: Double.self, using: &generator)
        })
        #expect(throwsError(isInvalidArgument) {
            _ = try SketchDistribution.rademacher.testMatrix(rows: 2, columns: -2, as: Float.self, using: &generator)
        })
        #expect(throwsError(isInvalidArgument) {
            _ = try SketchDistribution.sparseSign(nonzerosPerRow: 0).testMatrix(rows: 4, columns: 2, as: Double.self,
                                                                               using: &generator)
        })
    }
}
