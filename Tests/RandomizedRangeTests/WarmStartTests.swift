import DenseLinearAlgebra
import RandomizedRange
import SymmetricEigen
import Testing
import KronKitTestSupport

/// The range finder started from given columns (RS-KFAC's and SRE-KFAC's reused sketch).
@Suite("Range finder warm start: the given columns are refined, not replaced")
struct WarmStartTests {
    /// A symmetric positive definite 120 × 120 matrix with the slowly decaying spectrum
    /// `(1 + t·(κ − 1))⁻¹`, κ = 10³ (HMT §7's hard case), and its eigenvectors.
    func slowlyDecaying<Scalar: LinearAlgebraScalar>(_: Scalar.Type, using generator: inout Xoshiro256StarStar)
        throws -> (matrix: Matrix<Scalar>, eigenvectors: Matrix<Scalar>, eigenvalues: [Scalar]) {
        let values: [Scalar] = try SpectrumShape.polynomial(degree: 1).eigenvalues(count: 120, conditionNumber: 1e3)
        let u = try MatrixEnsemble<Scalar>.randomOrthogonal(120, using: &generator)
        return (try u.scalingColumns(by: values).multiplied(by: u, transposingOther: .transpose), u, values)
    }

    func warm<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 153)
        let (m, u, values) = try slowlyDecaying(Scalar.self, using: &generator)
        let k = 10
        let finder = RangeFinder<Scalar>(options: .init(rank: k, oversampling: 10, powerIterations: 0))
        let cold = try projectionError(m, basis: finder.basis(of: m, using: &generator))
        // Started from the top k eigenvectors, the sample M·[U_k Ω] contains range(U_k), so the
        // error is at most the tail σ_{k+1} (up to the rounding of one GEMM and a QR, c·n·eps·‖M‖).
        let start = try u.submatrix(rows: 0..<120, columns: 0..<k)
        let basis = try finder.basis(of: m, startingFrom: start, using: &generator)
        #expect(basis.rows == 120 && basis.columns == k + 10)
        #expect(try orthogonalityError(basis) <= Tolerance.backward(Scalar.self, order: 120))
        let warm = try projectionError(m, basis: basis)
        #expect(warm <= values[k] + Tolerance.backward(Scalar.self, order: 120) * values[0], "\(warm) vs σ_{k+1} = \(values[k])")
        // The test can fail: a cold start without power iterations stays above the tail here
        // (≈ 1.4·σ_{k+1} for this seed), so the start must be what brings the error down to it.
        #expect(warm < cold, "warm \(warm), cold \(cold)")
        // An empty start is the cold start, bit for bit from the same generator state.
        var first = Xoshiro256StarStar(seed: 154), second = first
        #expect(try finder.basis(of: m, using: &first)
            == finder.basis(of: m, startingFrom: Matrix(rows: 120, columns: 0), using: &second))
        // The randomized EVD and SVD pass the start on: the top k values to the tail's accuracy.
        let evd = try SymmetricEigendecomposition.randomizedLargest(of: m, rangeFinder: finder, startingFrom: start,
                                                                     using: &generator)
        let svd = try RandomizedSingularValueDecomposition(m, rangeFinder: finder, startingFrom: start,
                                                           using: &generator)
        let tolerance = Tolerance.backward(Scalar.self, order: 120) * values[0]
        for i in 0..<k {
            #expect(abs(evd.eigenvalues[i] - values[i]) <= values[k] + tolerance, "EVD \(i)")
            #expect(abs(svd.singularValues[i] - values[i]) <= values[k] + tolerance, "SVD \(i)")
        }
    }

    @Test func aStartInsideTheDominantSubspaceIsKeptAndRefined() throws {
        try warm(Float.self)
        try warm(Double.self)
    }

    @Test func badStartsThrow() throws {
        var generator = Xoshiro256StarStar(seed: 155)
        let m = try MatrixEnsemble<Double>.positiveDefinite(12, conditionNumber: 10, using: &generator)
        let finder = RangeFinder<Double>(options: .init(rank: 3, oversampling: 2, powerIterations: 1))
        // Wrong number of rows; more columns than ℓ = 5; NaN.
        #expect(throwsError(isDimensionMismatch) {
            _ = try finder.basis(of: m, startingFrom: Matrix<Double>(rows: 11, columns: 2), using: &generator)
        })
        #expect(throwsError(isDimensionMismatch) {
            _ = try finder.basis(of: m, startingFrom: Matrix<Double>(rows: 12, columns: 6), using: &generator)
        })
        var poisoned = try Matrix<Double>(rows: 12, columns: 2)
        poisoned[3, 1] = .nan
        #expect(throwsError(isNonFinite) { _ = try finder.basis(of: m, startingFrom: poisoned, using: &generator) })
    }
}
