import DenseLinearAlgebra
import RandomizedRange
import Testing
import KronKitTestSupport

@Suite("Randomized SVD: exact low rank, decaying spectra, reproducibility")
struct RandomizedSingularValueDecompositionTests {
    func exact<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 21)
        for (m, n, rank) in [(1, 1, 1), (50, 35, 6), (20, 45, 4)] {
            let a = try MatrixEnsemble<Scalar>.lowRankPlusNoise(rows: m, columns: n, rank: rank, noise: 0,
                                                                using: &generator)
            let reference = try SingularValueDecomposition(a, computeVectors: false).singularValues
            let svd = try RandomizedSingularValueDecomposition(
                a, rangeFinder: RangeFinder(options: .init(rank: rank, oversampling: 5, powerIterations: 1)),
                using: &generator)
            #expect(svd.u.rows == m && svd.u.columns == rank && svd.vt.rows == rank && svd.vt.columns == n)
            let tolerance = Tolerance.backward(Scalar.self, order: Swift.max(m, n))
            // Weyl: every σ of the rank-k input is recovered to the rounding of the chain, c·n·eps·σ₁.
            for j in 0..<rank { #expect(abs(svd.singularValues[j] - reference[j]) <= tolerance * reference[0]) }
            #expect(try spectralNorm(a - svd.reconstructed()) <= tolerance * reference[0])
            #expect(try orthogonalityError(svd.u) <= tolerance)
            #expect(try orthogonalityError(svd.vt.transposed()) <= tolerance)
        }
    }

    @Test func exactLowRankInputIsReconstructedToRounding() throws {
        try exact(Float.self)
        try exact(Double.self)
    }

    func decaying<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 22)
        // Noise of size 10⁻³ on a rank-8 signal: σ₉… ≈ 10⁻³·(√m + √n) ≈ 0.017, σ₈ ≈ 0.6.
        let a = try MatrixEnsemble<Scalar>.lowRankPlusNoise(rows: 90, columns: 70, rank: 8, noise: Scalar(1e-3),
                                                            using: &generator)
        let reference = try SingularValueDecomposition(a, computeVectors: false).singularValues
        let k = 8
        let svd = try RandomizedSingularValueDecomposition(
            a, rangeFinder: RangeFinder(options: .init(rank: k, powerIterations: 2)), using: &generator)
        // HMT §5.1: ‖A − UΣVᵀ‖ ≤ ‖A − QQᵀA‖ + σ_{k+1}; the range finder's error is ≈ σ_{k+1}
        // with q = 2 (Cor. 10.10), so the total is ≈ 2σ_{k+1}; 10σ_{k+1} allows a bad draw.
        #expect(try spectralNorm(a - svd.reconstructed()) <= 10 * reference[k])
        // Each computed σ_j is at most σ_j (it is a singular value of QᵀA, a compression) and,
        // with the gap σ₈/σ₉ ≈ 35 and q = 2, within σ_{k+1}²/σ_j-type error of it.
        for j in 0..<k {
            #expect(svd.singularValues[j] <= reference[j] * (1 + Tolerance.backward(Scalar.self, order: 90)))
            #expect(reference[j] - svd.singularValues[j] <= reference[k])
        }
    }

    @Test func noisyLowRankInputIsApproximatedNearSigmaKPlusOne() throws {
        try decaying(Float.self)
        try decaying(Double.self)
    }

    @Test func sameSeedGivesBitIdenticalFactors() throws {
        var generator = Xoshiro256StarStar(seed: 23)
        let a = try MatrixEnsemble<Double>.lowRankPlusNoise(rows: 30, columns: 20, rank: 3, noise: 1e-2,
                                                            using: &generator)
        let finder = RangeFinder<Double>(rank: 3)
        var one = Xoshiro256StarStar(seed: 8)
        var two = Xoshiro256StarStar(seed: 8)
        let first = try RandomizedSingularValueDecomposition(a, rangeFinder: finder, using: &one)
        let second = try RandomizedSingularValueDecomposition(a, rangeFinder: finder, using: &two)
        #expect(first.u.elements == second.u.elements && first.vt.elements == second.vt.elements)
        #expect(first.singularValues == second.singularValues)
    }

    @Test func badInputThrows() throws {
        var generator = Xoshiro256StarStar(seed: 24)
        var a = try Matrix<Float>.randomGaussian(rows: 5, columns: 4, using: &generator)
        #expect(throwsError(isInvalidArgument) {
            _ = try RandomizedSingularValueDecomposition(a, rangeFinder: RangeFinder(rank: 5), using: &generator)
        })
        a[0, 0] = .nan
        #expect(throwsError(isNonFinite) {
            _ = try RandomizedSingularValueDecomposition(a, rangeFinder: RangeFinder(rank: 2), using: &generator)
        })
    }
}
