import DenseLinearAlgebra
import RandomizedRange
import SymmetricEigen
import Testing
import KronKitTestSupport

@Suite("Randomized symmetric EVD and stabilised Nyström against syevd")
struct RandomizedEigenTests {
    /// `k` leading eigenvalues, descending, from LAPACK's full `?syevd`.
    func topEigenvalues<Scalar: LinearAlgebraScalar>(_ m: Matrix<Scalar>, _ k: Int) throws -> [Scalar] {
        Array(try SymmetricEigendecomposition(m).eigenvalues.reversed().prefix(k))
    }

    /// An exactly rank-`r` positive semidefinite `X·Xᵀ`, mirrored so it is exactly symmetric.
    func lowRankPSD<Scalar: LinearAlgebraScalar>(_ n: Int, rank: Int, using generator: inout Xoshiro256StarStar)
        throws -> Matrix<Scalar> {
        let x = try Matrix<Scalar>.randomGaussian(rows: n, columns: rank, using: &generator)
        return try x.gram(.none)
    }

    func exact<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 31)
        for (n, rank) in [(1, 1), (40, 5), (64, 12)] {
            let m: Matrix<Scalar> = try lowRankPSD(n, rank: rank, using: &generator)
            let reference = try topEigenvalues(m, rank)
            let finder = RangeFinder<Scalar>(options: .init(rank: rank, oversampling: 4, powerIterations: 1))
            let evd = try SymmetricEigendecomposition.randomizedLargest(of: m, rangeFinder: finder, using: &generator)
            let (nystrom, clamped) = try SymmetricEigendecomposition.nystrom(of: m, rangeFinder: finder, using: &generator)
            let tolerance = Tolerance.backward(Scalar.self, order: n) * reference[0]
            for result in [evd, nystrom] {
                #expect(result.order == n && result.eigenvalues.count == rank && result.isComplete == (rank == n))
                #expect(result.eigenvalues == result.eigenvalues.sorted(by: >), "descending")
                // Rank ≤ ℓ: Q spans range(M), the Ritz values are M's eigenvalues to c·n·eps·‖M‖.
                for j in 0..<rank { #expect(abs(result.eigenvalues[j] - reference[j]) <= tolerance) }
                #expect(try spectralNorm(m - result.reconstructed()) <= tolerance)
                #expect(try orthogonalityError(result.eigenvectors) <= Tolerance.backward(Scalar.self, order: n))
            }
            #expect(clamped == 0, "the kept eigenvalues are of size ‖M‖, far from the shift")
        }
    }

    @Test func exactLowRankPSDIsRecoveredToRoundingByBothMethods() throws {
        try exact(Float.self)
        try exact(Double.self)
    }

    func decaying<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 32)
        let (n, k) = (120, 10)
        // K-FAC-factor shape: spikes 1, 1/2, …, 1/10, then a bulk from 1/20 down to 10⁻⁶.
        let spectrum: [Scalar] = try SpectrumShape.spikedDecay(spikes: k).eigenvalues(count: n, conditionNumber: 1e6)
        let m = try MatrixEnsemble<Scalar>.symmetric(eigenvalues: spectrum, using: &generator)
        let finder = RangeFinder<Scalar>(options: .init(rank: k, oversampling: 10, powerIterations: 2))
        let evd = try SymmetricEigendecomposition.randomizedLargest(of: m, rangeFinder: finder, using: &generator)
        let (nystrom, _) = try SymmetricEigendecomposition.nystrom(of: m, rangeFinder: finder, using: &generator)
        let reference = try topEigenvalues(m, k)
        for result in [evd, nystrom] {
            // Ritz values from below (interlacing; Nyström's M̂ ≼ M), and close: the subspace
            // angle for λ_j decays like (λ_{ℓ+1}/λ_j)^{q+½…2q+1}, here ≤ (0.05·0.87/0.1)^2.5 ≈ 0.02, so the
            // relative eigenvalue error is ≲ tan²θ ≈ 4·10⁻⁴; 10⁻² allows for the constants.
            for j in 0..<k {
                #expect(result.eigenvalues[j] <= reference[j] * (1 + Tolerance.backward(Scalar.self, order: n)))
                #expect(reference[j] - result.eigenvalues[j] <= 1e-2 * reference[j], "λ_\(j)")
            }
            // ‖M − UDUᵀ‖ ≈ λ_{k+1} = 1/20 at best; HMT §5.3's factor 2 and the range finder's
            // bound at q = 2 keep it within a few λ_{k+1}.
            #expect(try spectralNorm(m - result.reconstructed()) <= 3 * spectrum[k])
        }
    }

    @Test func decayingSpectrumTopEigenvaluesMatchSyevd() throws {
        try decaying(Float.self)
        try decaying(Double.self)
    }

    @Test func partialDecompositionFeedsTheDampedInverse() throws {
        var generator = Xoshiro256StarStar(seed: 33)
        let n = 40
        let m: Matrix<Double> = try lowRankPSD(n, rank: 6, using: &generator)
        let evd = try SymmetricEigendecomposition.randomizedLargest(
            of: m, rangeFinder: RangeFinder(rank: 6), using: &generator)
        let x = try Matrix<Double>.randomGaussian(rows: n, columns: 3, using: &generator)
        let lambda = 1e-1
        // RS-KFAC's O(n·r) formula against a dense Cholesky solve with M + λI (M exactly rank 6,
        // so U D Uᵀ = M to rounding): relative error ≲ cond·n·eps with cond = ‖M‖/λ.
        let applied = try evd.dampedInverse(applyingTo: x, damping: lambda)
        var shifted = m
        try shifted.addToDiagonal(lambda)
        let dense = try CholeskyFactorization(shifted).solve(x)
        let cond = (try spectralNorm(m) + lambda) / lambda
        #expect(try applied.relativeDistance(to: dense) <= cond * Tolerance.backward(Double.self, order: n))
    }

    @Test func nystromClampsAndCountsNegativeEigenvaluesBeyondTheRank() throws {
        var generator = Xoshiro256StarStar(seed: 34)
        let m: Matrix<Double> = try lowRankPSD(30, rank: 3, using: &generator)
        // k = ℓ = 8 > rank 3: five eigenvalues are σ² − ν with σ² ≈ ν, rounding to either sign.
        let finder = RangeFinder<Double>(options: .init(rank: 8, oversampling: 0, powerIterations: 0))
        let (result, clamped) = try SymmetricEigendecomposition.nystrom(of: m, rangeFinder: finder, using: &generator)
        #expect(result.eigenvalues.allSatisfy { $0 >= 0 })
        #expect(clamped <= 5)
        #expect(result.eigenvalues.filter { $0 == 0 }.count >= clamped)
        #expect(result.eigenvalues.dropFirst(3).allSatisfy { $0 <= 1e-12 * result.eigenvalues[0] })
        // M = 0: an exact zero approximation, nothing clamped.
        let (zero, none) = try SymmetricEigendecomposition.nystrom(of: Matrix<Double>(rows: 5, columns: 5),
                                                                   rangeFinder: RangeFinder(rank: 2), using: &generator)
        #expect(zero.eigenvalues == [0, 0] && none == 0)
    }

    @Test func sameSeedGivesBitIdenticalDecompositions() throws {
        var generator = Xoshiro256StarStar(seed: 35)
        let m = try MatrixEnsemble<Float>.positiveDefinite(30, spectrum: .exponential, conditionNumber: 1e3,
                                                           using: &generator)
        let finder = RangeFinder<Float>(rank: 4)
        var one = Xoshiro256StarStar(seed: 9)
        var two = Xoshiro256StarStar(seed: 9)
        let a = try SymmetricEigendecomposition.randomizedLargest(of: m, rangeFinder: finder, using: &one)
        let b = try SymmetricEigendecomposition.randomizedLargest(of: m, rangeFinder: finder, using: &two)
        #expect(a.eigenvalues == b.eigenvalues && a.eigenvectors.elements == b.eigenvectors.elements)
        let c = try SymmetricEigendecomposition.nystrom(of: m, rangeFinder: finder, using: &one)
        let d = try SymmetricEigendecomposition.nystrom(of: m, rangeFinder: finder, using: &two)
        #expect(c.decomposition.eigenvalues == d.decomposition.eigenvalues)
        #expect(c.decomposition.eigenvectors.elements == d.decomposition.eigenvectors.elements)
    }

    @Test func badInputThrows() throws {
        var generator = Xoshiro256StarStar(seed: 36)
        let finder = RangeFinder<Double>(rank: 2)
        let randomized = { (m: Matrix<Double>, g: inout Xoshiro256StarStar) throws in
            _ = try SymmetricEigendecomposition.randomizedLargest(of: m, rangeFinder: finder, using: &g)
        }
        let nystrom = { (m: Matrix<Double>, g: inout Xoshiro256StarStar) throws in
            _ = try SymmetricEigendecomposition.nystrom(of: m, rangeFinder: finder, using: &g)
        }
        let psd: Matrix<Double> = try lowRankPSD(6, rank: 6, using: &generator)
        var asymmetric = psd
        asymmetric[4, 1] += 1e-6 * psd.maxAbsoluteEntry
        var notFinite = psd
        notFinite[3, 3] = .nan
        for method in [randomized, nystrom] {
            #expect(throwsError(isDimensionMismatch) { try method(Matrix(rows: 4, columns: 5), &generator) })
            #expect(throwsError(isInvalidArgument) { try method(asymmetric, &generator) })
            #expect(throwsError(isNonFinite) { try method(notFinite, &generator) })
            #expect(throwsError(isInvalidArgument) { try method(Matrix.identity(1), &generator) }, "k = 2 > n = 1")
        }
        // Nyström: a negative diagonal entry, and an indefinite matrix with zero diagonal
        // (ones − I has eigenvalues n − 1 and −1: every 2-D sketch sees a negative direction).
        #expect(throwsError(isInvalidArgument) { try nystrom(Matrix.identity(4).scaled(by: -1), &generator) })
        let indefinite = try Matrix<Double>(rows: 8, columns: 8) { i, j in i == j ? 0 : 1 }
        #expect(throwsError(isNotPositiveDefinite) { try nystrom(indefinite, &generator) })
    }
}

/// The symmetry check reads the matrix tile by tile (64 × 64 tiles and their mirrors): a fault
/// in any tile, in either triangle, is found and named.
@Suite("Randomized symmetric input check across tiles")
struct SymmetricInputTileTests {
    @Test func faultsInEveryTileAreFound() throws {
        var generator = Xoshiro256StarStar(seed: 43)
        let n = 150  // tiles 0..<64, 64..<128, 128..<150
        let m = try MatrixEnsemble<Double>.positiveDefinite(n, conditionNumber: 10, using: &generator)
        let finder = RangeFinder<Double>(rank: 4)
        var symmetric = m
        try symmetric.symmetrize(from: .lower)
        _ = try SymmetricEigendecomposition.randomizedLargest(of: symmetric, rangeFinder: finder, using: &generator)
        for (i, j) in [(140, 10), (100, 70), (149, 148), (10, 140)] {
            var asymmetric = symmetric
            asymmetric[i, j] += 1e-6
            do {
                _ = try SymmetricEigendecomposition.randomizedLargest(of: asymmetric, rangeFinder: finder, using: &generator)
                Issue.record("the asymmetry at (\(i), \(j)) was not found")
            } catch let LinearAlgebraError.invalidArgument(_, detail) {
                // The pair is named lower-triangle first.
                #expect(detail.contains("M[\(Swift.max(i, j)),\(Swift.min(i, j))]"), "\(detail)")
            }
            var notFinite = symmetric
            notFinite[i, j] = .infinity
            #expect(throwsError(isNonFinite) {
                _ = try SymmetricEigendecomposition.randomizedLargest(of: notFinite, rangeFinder: finder, using: &generator)
            }, "∞ at (\(i), \(j))")
        }
    }
}
