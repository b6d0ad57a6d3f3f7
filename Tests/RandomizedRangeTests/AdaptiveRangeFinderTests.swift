import DenseLinearAlgebra
import RandomizedRange
import Testing
import KronKitTestSupport

@Suite("Adaptive range finder: tolerance met, estimate bounds the error, rank found, errors")
struct AdaptiveRangeFinderTests {
    func tolerance<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 41)
        // Singular values 1 … 10⁻¹² geometrically over 60: σ_{j+1}/σ_j = 10^{−12/59} ≈ 0.63, the
        // fast decay Alg. 4.2 is meant for (it has no power iteration; on slow decay it
        // over-shoots the optimal rank by far, HMT §4.4).
        let n = 60
        let sigma: [Scalar] = try SpectrumShape.exponential.eigenvalues(count: n, conditionNumber: 1e12)
        let u = try MatrixEnsemble<Scalar>.randomOrthogonal(n, using: &generator)
        let v = try MatrixEnsemble<Scalar>.randomOrthogonal(n, using: &generator)
        let a = try u.scalingColumns(by: sigma).multiplied(by: v, transposingOther: .transpose)
        for epsilon in [Scalar(1e-1), Scalar(1e-3)] {
            let result = try AdaptiveRangeFinder(options: .init(tolerance: epsilon)).basis(of: a, using: &generator)
            let error = try projectionError(a, basis: result.basis)
            // HMT Lemma 4.1: error ≤ estimate ≤ ε, except with probability 10⁻¹⁰.
            #expect(result.errorEstimate <= epsilon)
            #expect(error <= result.errorEstimate)
            // Optimality: a rank-j basis cannot beat σ_{j+1}, so the rank is at least the optimal
            // one. The estimate over-states the error by about 10·√(2/π) ≈ 8 and a q = 0 basis
            // trails the optimal one by a few σ-steps, so ~5 + a few extra columns are expected;
            // 12 extra columns would be a factor 0.63⁻¹² ≈ 250 of over-estimation.
            let optimal = sigma.firstIndex { $0 <= epsilon } ?? n
            #expect(result.basis.columns >= optimal)
            #expect(result.basis.columns <= optimal + 12, "\(result.basis.columns) columns, optimal \(optimal)")
            #expect(try orthogonalityError(result.basis) <= Tolerance.backward(Scalar.self, order: n))
        }
    }

    @Test func toleranceIsMetAndTheEstimateBoundsTheError() throws {
        try tolerance(Float.self)
        try tolerance(Double.self)
    }

    @Test func exactRankIsFoundAndTheCapIsRespected() throws {
        var generator = Xoshiro256StarStar(seed: 42)
        let a = try MatrixEnsemble<Double>.lowRankPlusNoise(rows: 50, columns: 40, rank: 7, noise: 0, using: &generator)
        let found = try AdaptiveRangeFinder(options: .init(tolerance: 1e-8)).basis(of: a, using: &generator)
        #expect(found.basis.columns == 7)
        #expect(try projectionError(a, basis: found.basis) <= 1e-8)
        let capped = try AdaptiveRangeFinder(options: .init(tolerance: 1e-8, maximumRank: 3)).basis(of: a, using: &generator)
        #expect(capped.basis.columns == 3)
        #expect(capped.errorEstimate > 1e-8, "the estimate is returned as it is when the cap stops the growth")
        let zero = try AdaptiveRangeFinder(options: .init(tolerance: 0)).basis(of: Matrix<Float>(rows: 4, columns: 3),
                                                                               using: &generator)
        #expect(zero.basis.columns == 0 && zero.errorEstimate == 0)
    }

    @Test func badOptionsAndInputsThrow() throws {
        var generator = Xoshiro256StarStar(seed: 43)
        var a = try Matrix<Double>.randomGaussian(rows: 5, columns: 4, using: &generator)
        for options in [AdaptiveRangeFinder<Double>.Options(tolerance: -1), .init(tolerance: .nan),
                        .init(tolerance: .infinity), .init(tolerance: 1, probeCount: 0),
                        .init(tolerance: 1, maximumRank: 5), .init(tolerance: 1, maximumRank: -1)] {
            #expect(throwsError(isInvalidArgument) {
                _ = try AdaptiveRangeFinder(options: options).basis(of: a, using: &generator)
            })
        }
        a[1, 1] = .nan
        #expect(throwsError(isNonFinite) {
            _ = try AdaptiveRangeFinder(options: .init(tolerance: 1)).basis(of: a, using: &generator)
        })
    }

    @Test func aProbeCountTooLargeToAllocateThrowsBeforeSampling() throws {
        try hugeProbeCount(Float.self)
        try hugeProbeCount(Double.self)
    }

    func hugeProbeCount<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 9)
        let a = try Matrix<Scalar>.randomGaussian(rows: 20, columns: 10, using: &generator)
        // 10⁹ probes of length 20: 2·10¹⁰ entries, over the 16 GiB default in either precision.
        let finder = AdaptiveRangeFinder<Scalar>(options: .init(tolerance: 1e-3, probeCount: 1_000_000_000))
        #expect { try finder.basis(of: a, using: &generator) } throws: { error in
            guard case let .sizeExceedsLimit(operation, _, elements, _, _) = error as? LinearAlgebraError
            else { return false }
            return operation == "AdaptiveRangeFinder.basis" && elements == 20_000_000_000
        }
    }
}
