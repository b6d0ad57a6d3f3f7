import CLinearAlgebra
import DenseLinearAlgebra
import SymmetricEigen

/// SymmetricEigen rows: the `syevd` wrapper against a direct `LAPACKE_dsyevd` call,
/// a spectral function (one `syrk`) against the `gemm` form `Q·diag(f)·Qᵀ`, and a
/// top-k selection by `syevr` against the full `syevd`.
enum EigenSection {
    static func run(_ report: inout KernelReport) throws {
        var generator = Xoshiro256StarStar(seed: 3)
        let n = report.quick ? 256 : 1024
        let m = try MatrixEnsemble<Double>.symmetric(eigenvalues: try Double.randomGaussians(count: n, using: &generator),
                                                 using: &generator)
        let elements = m.elements
        let size = Int32(n)
        var w = [Double](repeating: 0, count: n)
        try report.compare("syevd wrapper Double (vectors, lower)", size: "\(n)×\(n)",
                           kernel: { _ = try SymmetricEigendecomposition(m) },
                           baseline: "copy + LAPACKE_dsyevd direct") {
            var copy = elements
            _ = LAPACKE_dsyevd(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "L")), size,
                               &copy, size, &w)
        }
        // Shampoo's M^{−1/4} on a decomposition: positive f(d), so one n³-flop syrk, against
        // the same function by the 2n³-flop gemm form (scale Q's columns, Q·diag(f)·Qᵀ, mirror).
        let spd = try MatrixEnsemble<Double>.positiveDefinite(n, conditionNumber: 1e3, using: &generator)
        let spdEig = try SymmetricEigendecomposition(spd)
        var gemmResult = try Matrix<Double>(rows: n, columns: n)
        try report.compare("inversePthRoot(4) Double (syrk)", size: "\(n)×\(n)",
                           kernel: { _ = try spdEig.inversePthRoot(4) },
                           baseline: "pow + scale + dgemm Q·diag(f)·Qᵀ + mirror") {
            let scaledQ = try spdEig.eigenvectors.scalingColumns(by: spdEig.eigenvalues.map { Double.pow($0, -0.25) })
            try Matrix.multiply(scaledQ, spdEig.eigenvectors, transposingB: .transpose, into: &gemmResult)
            try gemmResult.symmetrize(from: .lower)
        }
        let (large, k) = report.quick ? (512, 16) : (2048, 32)
        let big = try MatrixEnsemble<Double>.positiveDefinite(large, spectrum: .spikedDecay(spikes: k),
                                                              conditionNumber: 1e6, using: &generator)
        try report.compare("top-\(k) by largest(k) Double (spiked decay)", size: "\(large)×\(large)",
                           kernel: { _ = try SymmetricEigendecomposition.largest(k, of: big) },
                           baseline: "full syevd") { _ = try SymmetricEigendecomposition(big) }
        // The same selection by LAPACK's own driver, so the bisection's gain is measured too.
        let bigElements = big.elements
        let order = Int32(large)
        var values = [Double](repeating: 0, count: large)
        var vectors = [Double](repeating: 0, count: large * k)
        var support = [Int32](repeating: 0, count: 2 * large)
        var found: Int32 = 0
        try report.compare("top-\(k) by largest(k) Double", size: "\(large)×\(large)",
                           kernel: { _ = try SymmetricEigendecomposition.largest(k, of: big) },
                           baseline: "copy + LAPACKE_dsyevr direct (il = n−k+1)") {
            var copy = bigElements
            _ = LAPACKE_dsyevr(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "I")),
                               CChar(UInt8(ascii: "L")), order, &copy, order, 0, 0, order - Int32(k) + 1, order, 0,
                               &found, &values, &vectors, order, &support)
        }
        // A Gaussian spectrum deflates less in syevd's divide and conquer than the decaying one.
        let gaussian = try MatrixEnsemble<Double>.symmetric(
            eigenvalues: try Double.randomGaussians(count: large, using: &generator), using: &generator)
        try report.compare("top-\(k) by largest(k) Double, Gaussian spectrum", size: "\(large)×\(large)",
                           kernel: { _ = try SymmetricEigendecomposition.largest(k, of: gaussian) },
                           baseline: "full syevd") { _ = try SymmetricEigendecomposition(gaussian) }
    }
}
