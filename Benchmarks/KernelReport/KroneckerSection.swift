import DenseLinearAlgebra
import KroneckerOperators
import SymmetricEigen

/// KroneckerOperators rows: the factored matmat and the eigen-route damped inverse
/// against a GEMM of the same flop count (efficiency), and against the explicitly
/// formed dense product where it fits.
enum KroneckerSection {
    static func run(_ report: inout KernelReport) throws {
        var generator = Xoshiro256StarStar(seed: 4)
        let (n, k) = report.quick ? (64, 16) : (256, 64)
        let a = try MatrixEnsemble<Double>.positiveDefinite(n, conditionNumber: 1e3, using: &generator)
        let g = try MatrixEnsemble<Double>.positiveDefinite(n, conditionNumber: 1e3, using: &generator)
        let product = try KroneckerProduct(a, g)
        let x = try Matrix<Double>.randomGaussian(rows: n * n, columns: k, using: &generator)
        // Two stages of 2n³k flops each; the baseline is one GEMM n × n · n × (2n·k) of equal flops,
        // so the speedup column is the ratio of achieved GFLOP/s.
        let matmatFlops = 4 * Double(n) * Double(n) * Double(n) * Double(k)
        let left = try Matrix<Double>.randomGaussian(rows: n, columns: n, using: &generator)
        let wide = try Matrix<Double>.randomGaussian(rows: n, columns: 2 * n * k, using: &generator)
        var wideResult = try Matrix<Double>(rows: n, columns: 2 * n * k)
        // The in-place forms reuse a workspace, as the baseline reuses its output; the
        // allocating forms pay a page fault per 4 KiB of fresh result and intermediate.
        try inPlaceMatmat(&report, product, x, against: left, wide, flops: matmatFlops)
        try report.compare("Kronecker matmat Double (allocating)", size: "\(n)×\(n) ⊗ \(n)×\(n), \(k) columns",
                           flops: matmatFlops,
                           kernel: { _ = try product.apply(to: x) },
                           baseline: "dgemm \(n)×\(n)·\(n)×\(2 * n * k) (same flops)") {
            try Matrix.multiply(left, wide, into: &wideResult)
        }
        let eig = try product.symmetricEigendecomposition()
        var workspace = KroneckerWorkspace<Double>()
        var result = Matrix<Double>()
        let widest = try Matrix<Double>.randomGaussian(rows: n, columns: 4 * n * k, using: &generator)
        var widestResult = try Matrix<Double>(rows: n, columns: 4 * n * k)
        try report.compare("Kronecker damped inverse apply Double (into, workspace)",
                           size: "\(n)×\(n) ⊗ \(n)×\(n), \(k) columns", flops: 2 * matmatFlops,
                           kernel: { try eig.dampedInverse(applyingTo: x, damping: 1e-3, into: &result,
                                                           workspace: &workspace) },
                           baseline: "dgemm \(n)×\(n)·\(n)×\(4 * n * k) (same flops)") {
            try Matrix.multiply(left, widest, into: &widestResult)
        }
        try report.compare("Kronecker damped inverse apply Double (allocating)",
                           size: "\(n)×\(n) ⊗ \(n)×\(n), \(k) columns", flops: 2 * matmatFlops,
                           kernel: { _ = try eig.dampedInverse(applyingTo: x, damping: 1e-3) },
                           baseline: "dgemm \(n)×\(n)·\(n)×\(4 * n * k) (same flops)") {
            try Matrix.multiply(left, widest, into: &widestResult)
        }
        // K-FAC's per-layer step: the matrix form on one gradient (four n³ GEMMs).
        let v = try Matrix<Double>.randomGaussian(rows: n, columns: n, using: &generator)
        let square = try Matrix<Double>.randomGaussian(rows: n, columns: 4 * n, using: &generator)
        var squareResult = try Matrix<Double>(rows: n, columns: 4 * n)
        try report.compare("K-FAC eigen route, matrix form Double", size: "V \(n)×\(n), A, G \(n)×\(n)",
                           flops: 8 * Double(n) * Double(n) * Double(n),
                           kernel: { _ = try eig.dampedInverse(applyingToMatrix: v, damping: 1e-3) },
                           baseline: "gemm \(n)×\(n)·\(n)×\(4 * n) (same flops)") {
            try Matrix.multiply(left, square, into: &squareResult)
        }
        // Against the explicit product where it fits in memory.
        let small = report.quick ? 24 : 48
        let sa = try Matrix<Double>.randomGaussian(rows: small, columns: small, using: &generator)
        let sb = try Matrix<Double>.randomGaussian(rows: small, columns: small, using: &generator)
        let smallProduct = try KroneckerProduct(sa, sb)
        let dense = try smallProduct.dense()
        let sx = try Matrix<Double>.randomGaussian(rows: small * small, columns: k, using: &generator)
        var denseResult = try Matrix<Double>(rows: small * small, columns: k)
        let order = small * small
        try report.compare("Kronecker matmat Double", size: "\(small)×\(small) ⊗ \(small)×\(small), \(k) columns",
                           flops: 4 * Double(small * small * small) * Double(k),
                           kernel: { _ = try smallProduct.apply(to: sx) },
                           baseline: "dense \(order)×\(order) gemm") {
            try Matrix.multiply(dense, sx, into: &denseResult)
        }
        // Float: the same matmat in single precision against its own same-flops GEMM.
        let xf = try Matrix<Float>(rows: n * n, columns: k) { Float(x[$0, $1]) }
        let productF = try KroneckerProduct(Matrix<Float>(rows: n, columns: n) { Float(a[$0, $1]) },
                                            Matrix<Float>(rows: n, columns: n) { Float(g[$0, $1]) })
        try inPlaceMatmat(&report, productF, xf, against: Matrix<Float>(rows: n, columns: n) { Float(left[$0, $1]) },
                          Matrix<Float>(rows: n, columns: 2 * n * k) { Float(wide[$0, $1]) }, flops: matmatFlops)
    }

    /// The row "Kronecker matmat <precision> (into, workspace)": `product·x` into a reused
    /// result and workspace against the GEMM `left·wide` of the same flops into a reused output.
    static func inPlaceMatmat<Scalar: LinearAlgebraScalar>(
        _ report: inout KernelReport, _ product: KroneckerProduct<Scalar>, _ x: Matrix<Scalar>,
        against left: Matrix<Scalar>, _ wide: Matrix<Scalar>, flops: Double
    ) throws {
        let n = left.rows
        var workspace = KroneckerWorkspace<Scalar>()
        var result = Matrix<Scalar>()
        var wideResult = try Matrix<Scalar>(rows: n, columns: wide.columns)
        try report.compare("Kronecker matmat \(Scalar.self) (into, workspace)",
                           size: "\(n)×\(n) ⊗ \(n)×\(n), \(x.columns) columns", flops: flops,
                           kernel: { try product.apply(to: x, into: &result, workspace: &workspace) },
                           baseline: "\(Scalar.routinePrefix)gemm \(n)×\(n)·\(n)×\(wide.columns) (same flops)") {
            try Matrix.multiply(left, wide, into: &wideResult)
        }
    }
}
