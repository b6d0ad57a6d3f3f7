import DenseLinearAlgebra
import HierarchicalMatrices

/// HierarchicalMatrices rows: a Gaussian kernel matrix on sorted points (plus a
/// nugget, SPD) compressed from its entries by ACA, factored, solved and applied,
/// against forming it densely, LU (`dgetrf`), `dgetrs` and GEMM; and the scaling of
/// compression + factorization in `n` (the reference's n = 10⁴ case at the top end).
enum HierarchicalMatricesSection {
    static func run(_ report: inout KernelReport) throws {
        let n = report.quick ? 1024 : 4096
        let entry = kernel(order: n)
        let size = "n = \(n), leaf 64"
        let h = try HODLRMatrix<Double>(order: n, entry: entry)
        let dense = try Matrix<Double>(rows: n, columns: n, entry: entry)
        let error = try (dense - h.dense()).frobeniusNorm / dense.frobeniusNorm
        let accuracy = "τ = √eps, rel. error \(String(format: "%.1e", error)), max rank \(h.maximumOffDiagonalRank)"
        try report.compare("HODLR from entries (ACA) Double (\(accuracy))", size: size,
                           kernel: { _ = try HODLRMatrix<Double>(order: n, entry: entry) },
                           baseline: "forming the dense matrix") { _ = try Matrix<Double>(rows: n, columns: n, entry: entry) }
        try report.compare("HODLR factorization Double", size: size, kernel: { _ = try h.factorized() },
                           baseline: "LU (dgetrf) of the dense matrix") { _ = try LUFactorization(dense) }
        let factorization = try h.factorized()
        let lu = try LUFactorization(dense)
        var generator = Xoshiro256StarStar(seed: 9)
        let b = try Matrix<Double>.randomGaussian(rows: n, columns: 1, using: &generator)
        try report.compare("HODLR solve Double, 1 right-hand side", size: size, kernel: { _ = try factorization.solve(b) },
                           baseline: "LU solve (dgetrs)") { _ = try lu.solve(b) }
        try report.compare("HODLR matvec Double", size: size, kernel: { _ = try h.apply(to: b) },
                           baseline: "dense gemv") { _ = try dense.multiplied(by: b) }
        let orders = report.quick ? [512, 1024, 2048] : [1024, 2048, 4096, 8192, 16384]
        try report.scale("HODLR compression (ACA) + factorization Double, Gaussian kernel", sizes: orders) { order in
            _ = try HODLRMatrix<Double>(order: order, entry: kernel(order: order)).factorized()
        }
    }

    /// `exp(−(|xᵢ − xⱼ|/0.1)²) + 10⁻²·δᵢⱼ` on `order` equispaced points of [0, 1]: smooth,
    /// SPD, numerically low-rank off the diagonal.
    static func kernel(order: Int) -> (Int, Int) -> Double {
        { i, j in
            let d = Double(i - j) / Double(order)
            return Double.exp(-(d / 0.1) * (d / 0.1)) + (i == j ? 1e-2 : 0)
        }
    }
}
