import DenseLinearAlgebra
import Testing
import KronKitTestSupport
import LinearOperators
@testable import RandomizedRange

/// The range finder's orthonormalisation (`Matrix.orthonormalColumns()`): CholeskyQR2 on
/// well-conditioned samples, Householder QR on the others; either way an orthonormal basis
/// of the sample's range.
@Suite("Orthonormal columns: CholeskyQR2 and its Householder fallback")
struct OrthonormalColumnsTests {
    /// `U·diag(σ)·Vᵀ` of size `m × σ.count` with Haar `U`, `V`: condition `max σ / min σ`.
    func sample<Scalar: LinearAlgebraScalar>(rows m: Int, singularValues sigma: [Scalar],
                                             using generator: inout Xoshiro256StarStar) throws -> Matrix<Scalar> {
        let u = try Matrix<Scalar>.randomGaussian(rows: m, columns: sigma.count, using: &generator).orthonormalized()
        let v = try MatrixEnsemble<Scalar>.randomOrthogonal(sigma.count, using: &generator)
        return try u.scalingColumns(by: sigma).multiplied(by: v, transposingOther: .transpose)
    }

    func basisOfTheSameRange<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 41)
        let (m, l) = (120, 12)
        // Condition 10 (CholeskyQR2 in Double, whose gate allows cond ≈ 1e4 here; Householder in
        // Float, whose gate allows about 3), 1e9 (Householder in both), and rank 4 of 12 (Householder).
        let spectra: [[Scalar]] = [(0..<l).map { Scalar.pow(10, -Scalar($0) / Scalar(l - 1)) },
                                   (0..<l).map { Scalar.pow(10, -9 * Scalar($0) / Scalar(l - 1)) },
                                   (0..<l).map { $0 < 4 ? 1 : 0 }]
        for sigma in spectra {
            let y = try sample(rows: m, singularValues: sigma, using: &generator)
            let q = try y.orthonormalColumns()
            #expect(q.rows == m && q.columns == l)
            // CholeskyQR2: ‖QᵀQ − I‖ ≤ 6(mℓ + ℓ(ℓ+1))·eps [Yamamoto et al. 2015]; Householder: c·m·eps.
            let orthogonality = 6 * Scalar(m * l + l * (l + 1)) * Scalar.ulpOfOne
            #expect(try orthogonalityError(q) <= orthogonality, "σ_min = \(sigma.last!)")
            // The range is Y's to rounding: ‖Y − QQᵀY‖ ≤ c·ℓ·eps·‖Y‖ (the triangular solves' or
            // the reflectors' backward error), with LAPACK's ratio 30 as c and ‖Y‖ = σ₁ = 1.
            let range = Tolerance.backward(Scalar.self, order: l)
            #expect(try projectionError(y, basis: q) <= range, "σ_min = \(sigma.last!)")
        }
    }

    @Test func basisOfTheSameRangeFloat() throws { try basisOfTheSameRange(Float.self) }
    @Test func basisOfTheSameRangeDouble() throws { try basisOfTheSameRange(Double.self) }

    @Test func overflowingAndTinySamplesFallBackToHouseholder() throws {
        var generator = Xoshiro256StarStar(seed: 42)
        let y = try Matrix<Double>.randomGaussian(rows: 50, columns: 6, using: &generator)
        // Gram entries overflow at 1e200 and are subnormal at 1e-160: Householder QR, which
        // needs neither, still returns an orthonormal basis.
        for scale in [1e200, 1e-160] {
            let q = try y.scaled(by: scale).orthonormalColumns()
            #expect(try orthogonalityError(q) <= Tolerance.backward(Double.self, order: 50), "scale \(scale)")
            #expect(try projectionError(y, basis: q) <= Tolerance.backward(Double.self, order: 6) * spectralNorm(y))
        }
    }

    /// The symmetric algorithms' range finder applies `M·X` where the operator form applies `Mᵀ·X`
    /// (the non-transposed GEMM throughout): on an exactly rank-`r` symmetric `M` (`r ≤ ℓ`) both
    /// bases span `range(M)` to `c·n·eps·‖M‖`, with `c` LAPACK's ratio 30 (`Tolerance.backward`).
    func symmetricProducts<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 44)
        for (n, rank) in [(40, 5), (90, 12)] {
            let x = try Matrix<Scalar>.randomGaussian(rows: n, columns: rank, using: &generator)
            let m = try x.gram(.none)
            let finder = RangeFinder<Scalar>(options: .init(rank: rank, oversampling: 4, powerIterations: 2))
            var (first, second) = (generator, generator)
            let symmetric = try finder.basis(rows: n, columns: n, product: m.apply(to:), transposedProduct: m.apply(to:),
                                             startingFrom: nil, using: &first)
            let general = try finder.basis(of: m, using: &second)
            let tolerance = Tolerance.backward(Scalar.self, order: n) * (try spectralNorm(m))
            for q in [symmetric, general] {
                #expect(q.rows == n && q.columns == rank + 4)
                #expect(try projectionError(m, basis: q) <= tolerance, "n = \(n)")
                #expect(try orthogonalityError(q) <= Tolerance.backward(Scalar.self, order: n))
            }
        }
    }

    @Test func symmetricProductsSpanTheRangeFloat() throws { try symmetricProducts(Float.self) }
    @Test func symmetricProductsSpanTheRangeDouble() throws { try symmetricProducts(Double.self) }
}
