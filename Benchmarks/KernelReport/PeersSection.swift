import DenseLinearAlgebra
import HierarchicalMatrices
import KroneckerOperators
import OnlineEigenUpdates
import RandomizedRange
import StructuredFactors
import SymmetricEigen

/// The KronKit side of the NumPy/SciPy comparison (issue 20): each row times, alone, what
/// `Benchmarks/peers/peers.py` times under the same `id` with the same sizes, inputs of the
/// same kind (spectra, sketches, batch shapes) and the allocating API a user calls. `make
/// bench-peers` runs both and prints them side by side (`Notes/BENCHMARKS.md`, "Peers").
enum PeersSection {
    static func run(_ report: inout KernelReport) throws {
        var generator = Xoshiro256StarStar(seed: 20)
        try kroneckerRows(&report, using: &generator)
        try eigenRows(&report, using: &generator)
        try brandRows(&report, using: &generator)
        try structuredRows(&report, using: &generator)
        let n = report.quick ? 1024 : 4096
        let entry = HierarchicalMatricesSection.kernel(order: n)
        let b = try Matrix<Double>.randomGaussian(rows: n, columns: 1, using: &generator)
        try report.measure("kernel-solve", "HODLR from entries + factorization + solve Double", size: "n = \(n), 1 right-hand side") {
            _ = try HODLRMatrix<Double>(order: n, entry: entry).factorized().solve(b)
        }
    }

    /// `(A ⊗ G)·X`, its solve and its damped inverse `(A ⊗ G + λI)⁻¹·X` on the eigen route
    /// (decompositions done beforehand, as K-FAC keeps them).
    static func kroneckerRows(_ report: inout KernelReport, using generator: inout Xoshiro256StarStar) throws {
        let (n, k) = report.quick ? (64, 16) : (256, 64)
        let a = try MatrixEnsemble<Double>.positiveDefinite(n, conditionNumber: 1e3, using: &generator)
        let g = try MatrixEnsemble<Double>.positiveDefinite(n, conditionNumber: 1e3, using: &generator)
        let product = try KroneckerProduct(a, g)
        let x = try Matrix<Double>.randomGaussian(rows: n * n, columns: k, using: &generator)
        let size = "\(n)×\(n) ⊗ \(n)×\(n), \(k) columns"
        try report.measure("kron-matmat", "Kronecker matmat Double", size: size) { _ = try product.apply(to: x) }
        try report.measure("kron-solve", "Kronecker solve Double (LU of both factors)", size: size) {
            _ = try product.solve(x)
        }
        let eig = try product.symmetricEigendecomposition()
        try report.measure("kron-damped-inverse", "Kronecker damped inverse apply Double (eigen route)", size: size) {
            _ = try eig.dampedInverse(applyingTo: x, damping: 1e-3)
        }
    }

    /// Full EVD, randomized EVD, Nyström (k = 32, p = 10, q = 2) on a spiked-decay SPD matrix and
    /// the randomized SVD of a rank-32-plus-noise rectangle.
    static func eigenRows(_ report: inout KernelReport, using generator: inout Xoshiro256StarStar) throws {
        let (n, k) = report.quick ? (512, 32) : (2048, 32)
        let m = try MatrixEnsemble<Double>.positiveDefinite(n, spectrum: .spikedDecay(spikes: k),
                                                            conditionNumber: 1e6, using: &generator)
        let size = "\(n)×\(n)"
        try report.measure("eigh-full", "full symmetric EVD Double (syevd)", size: size,
                           repetitions: Swift.min(report.repetitions, 5)) { _ = try SymmetricEigendecomposition(m) }
        let finder = RangeFinder<Double>(options: .init(rank: k, oversampling: 10, powerIterations: 2))
        var seeded = Xoshiro256StarStar(seed: 21)
        try report.measure("randomized-evd", "randomized EVD top-\(k) Double (q = 2, p = 10)", size: size) {
            _ = try SymmetricEigendecomposition.randomizedLargest(of: m, rangeFinder: finder, using: &seeded)
        }
        try report.measure("nystrom", "Nyström top-\(k) Double (q = 2, p = 10)", size: size) {
            _ = try SymmetricEigendecomposition.nystrom(of: m, rangeFinder: finder, using: &seeded)
        }
        let (rows, columns) = report.quick ? (1024, 512) : (2048, 1024)
        let general = try MatrixEnsemble<Double>.lowRankPlusNoise(rows: rows, columns: columns, rank: k, noise: 1e-3,
                                                                  using: &generator)
        try report.measure("randomized-svd", "randomized SVD top-\(k) Double (q = 2, p = 10)", size: "\(rows)×\(columns)") {
            _ = try RandomizedSingularValueDecomposition(general, rangeFinder: finder, using: &seeded)
        }
    }

    /// B-KFAC's factor step: the Brand EMA update of a rank-64 decomposition by 32 columns.
    static func brandRows(_ report: inout KernelReport, using generator: inout Xoshiro256StarStar) throws {
        let (rank, batch) = (64, 32)
        let update = BrandUpdate<Double>(options: .init(targetRank: rank))
        for width in report.quick ? [512, 1024] : [4096, 8192] {
            let basis = try Matrix<Double>.randomGaussian(rows: width, columns: rank, using: &generator).orthonormalized()
            let start = try SymmetricEigendecomposition(eigenvalues: (0..<rank).map { Double(rank - $0) },
                                                        eigenvectors: basis)
            let columns = try Matrix<Double>.randomGaussian(rows: width, columns: batch, using: &generator)
            try report.measure("brand-\(width)", "Brand EMA update Double (r = \(rank), c = \(batch))",
                               size: "n = \(width), r = \(rank), c = \(batch)") {
                _ = try update.movingAverage(start, batch: columns, decay: 0.95)
            }
        }
    }

    /// Lower-triangular Toeplitz solve and product, block-diagonal product, Woodbury solve.
    static func structuredRows(_ report: inout KernelReport, using generator: inout Xoshiro256StarStar) throws {
        let columns = 64
        let n = report.quick ? 1024 : 4096
        let toeplitz = try LowerTriangularToeplitz<Double>(
            column: StructuredFactorsSection.dominantColumn(n, using: &generator))
        let x = try Matrix<Double>.randomGaussian(rows: n, columns: columns, using: &generator)
        let size = "n = \(n), \(columns) columns"
        try report.measure("toeplitz-solve", "LowerTriangularToeplitz solve Double (Newton inverse + FFT)", size: size) {
            _ = try toeplitz.solve(x)
        }
        try report.measure("toeplitz-matmat", "LowerTriangularToeplitz matmat Double (FFT)", size: size) {
            _ = try toeplitz.apply(to: x)
        }

        let order = report.quick ? 512 : 2048
        let layout = BlockDiagonalMatrix<Double>.Layout(blockSize: 30)
        let blocks = try layout.blockOrders(for: order).map {
            try Matrix<Double>.randomGaussian(rows: $0, columns: $0, using: &generator)
        }
        let blockDiagonal = try BlockDiagonalMatrix(blocks: blocks, layout: layout)
        let operand = try Matrix<Double>.randomGaussian(rows: order, columns: columns, using: &generator)
        try report.measure("block-diagonal-matmat", "BlockDiagonalMatrix matmat Double",
                           size: "n = \(order), block 30, \(columns) columns") {
            _ = try blockDiagonal.apply(to: operand)
        }

        let (woodburyOrder, rank, rightHandSides) = (report.quick ? 1024 : 4096, 64, 16)
        let d = try Matrix<Double>.randomUniform(rows: woodburyOrder, columns: 1, in: 0.5...1.5, using: &generator).column(0)
        let u = try Matrix<Double>.randomGaussian(rows: woodburyOrder, columns: rank, using: &generator)
            .scaled(by: 1 / Double(rank).squareRoot())
        let lowRank = try LowRankPlusDiagonal(diagonal: d, factor: u)
        let b = try Matrix<Double>.randomGaussian(rows: woodburyOrder, columns: rightHandSides, using: &generator)
        try report.measure("woodbury-solve", "LowRankPlusDiagonal solve Double (Woodbury)",
                           size: "n = \(woodburyOrder), rank \(rank), \(rightHandSides) right-hand sides") {
            _ = try lowRank.solve(b)
        }
    }
}
