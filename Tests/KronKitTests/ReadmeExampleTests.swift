import KronKit
import Testing

/// The example of README.md, verbatim, so that it keeps compiling.
@Test func readmeExample() throws {
    var generator = Xoshiro256StarStar(seed: 42)
    // A 100 × 100 SPD matrix with exponentially decaying spectrum, condition number 1e6.
    let a = try MatrixEnsemble<Double>.positiveDefinite(100, spectrum: .exponential,
                                                       conditionNumber: 1e6, using: &generator)
    let b = Matrix<Double>.randomGaussian(rows: 100, columns: 3, using: &generator)
    let x = try CholeskyFactorization(a).solve(b)
    let residual = try (a * x - b).frobeniusNorm / b.frobeniusNorm
    print("relative residual \(residual)")
    // Backward-stable solve: the residual is O(n·eps·cond) at worst, far below this bound.
    #expect(residual < 1e-8)
}
