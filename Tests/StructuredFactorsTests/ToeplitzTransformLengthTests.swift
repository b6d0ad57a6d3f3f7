import DenseLinearAlgebra
import StructuredFactors
import Testing
import KronKitTestSupport

/// The triangular Toeplitz products, solves and inverses at FFT lengths beyond the structure
/// tests' (`P` = 1024 and 2048), several columns through one reused transform, against the dense
/// GEMM and LAPACK's `?trtrs`.
@Suite("Triangular Toeplitz kernels at long transforms")
struct ToeplitzTransformLengthTests {
    func longTransforms<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 12)
        for n in [300, 1000] {
            let column: [Scalar] = dominantToeplitzColumn(n, using: &generator)
            let lower = try LowerTriangularToeplitz(column: column)
            let upper = try UpperTriangularToeplitz(row: column)
            let (lowerDense, upperDense) = (try lower.dense(), try upper.dense())
            let x = try Matrix<Scalar>.randomGaussian(rows: n, columns: 5, using: &generator)
            // The FFT convolution of a column errs by at most (3η·log₂P + 3u)·‖t‖₁·‖x‖₂ with η ≈ 7u
            // [Higham 2002, Thm 24.2: three transforms and one pointwise product], ≤ 213·√n·u·‖t‖₁·‖x‖∞
            // for P ≤ 2048 (log₂P ≤ 11). A dominant column (t₀ > σ = Σ_{k≥1}|t_k|) gives every product
            // max|y| ≥ (t₀ − σ)·‖x‖∞, so relative to max|y| the error is ≤ 213·√n·ρ·u with
            // ρ = (t₀ + σ)/(t₀ − σ); the dense reference adds γ_n·|L||x|, ≤ n·ρ·u relative.
            let offDiagonal = column.dropFirst().reduce(0) { $0 + abs($1) }
            let ratio = Double((column[0] + offDiagonal) / (column[0] - offDiagonal))
            let bound = Scalar((213 * Double(n).squareRoot() + Double(n)) * ratio) * Scalar.ulpOfOne
            #expect(try lower.apply(to: x).relativeDistance(to: lowerDense * x) <= bound)
            #expect(try lower.applyTransposed(to: x).relativeDistance(to: lowerDense.transposed() * x) <= bound)
            #expect(try upper.apply(to: x).relativeDistance(to: upperDense * x) <= bound)
            #expect(try upper.applyTransposed(to: x).relativeDistance(to: upperDense.transposed() * x) <= bound)
            // The solves apply the Newton series s = 1/t(z) by the same convolution: the product's
            // bound with ‖s‖₁·‖b‖∞ ≤ κ₁·‖x‖∞ (κ₁ = ‖t‖₁·‖s‖₁ ≤ ρ) in place of ‖t‖₁·‖x‖∞, plus the
            // series' own error, of the same size (Notes/StructuredFactors.md, "Newton doubling"):
            // 2ρ times the product's bound; ?trtrs's own error is inside it.
            let solveBound = 2 * Scalar(ratio) * bound
            #expect(try lower.solve(x).relativeDistance(to: Matrix.solveTriangular(lowerDense, x, triangle: .lower))
                    <= solveBound)
            #expect(try upper.solve(x).relativeDistance(to: Matrix.solveTriangular(upperDense, x, triangle: .upper))
                    <= solveBound)
            var unit = try Matrix<Scalar>(rows: n, columns: 1)
            unit[0, 0] = 1
            let inverse = try lower.inverse().column
            #expect(try Matrix(rows: n, columns: 1) { i, _ in inverse[i] }
                .relativeDistance(to: Matrix.solveTriangular(lowerDense, unit, triangle: .lower)) <= solveBound)
        }
    }

    @Test func productsSolvesAndInversesMatchTheDenseReferences() throws {
        try longTransforms(Float.self)
        try longTransforms(Double.self)
    }
}
