import DenseLinearAlgebra
import OnlineEigenUpdates
import SymmetricEigen

/// OnlineEigenUpdates rows: B-KFAC's factor step — a Brand update of a rank-r
/// eigendecomposition by a batch of c columns, truncated back to r — against what
/// K-FAC does for the same factor (the dense EMA by `syrk`, then `syevd`), and its
/// scaling in the layer width `n` (linear for fixed r and c, against cubic).
enum OnlineEigenUpdatesSection {
    static func run(_ report: inout KernelReport) throws {
        var generator = Xoshiro256StarStar(seed: 8)
        let (rank, batch) = (64, 32)
        let n = report.quick ? 512 : 2048
        let rho = 0.95
        let update = BrandUpdate<Double>(options: .init(targetRank: rank))
        let factor = try MatrixEnsemble<Double>.positiveDefinite(n, spectrum: .spikedDecay(spikes: rank),
                                                                 conditionNumber: 1e6, using: &generator)
        let truncated = try SymmetricEigendecomposition.largest(rank, of: factor)
        let x = try Matrix<Double>.randomGaussian(rows: n, columns: batch, using: &generator)
        var dense = factor
        try report.compare("Brand EMA update Double (r = \(rank), c = \(batch))", size: "n = \(n)",
                           kernel: { _ = try update.movingAverage(truncated, batch: x, decay: rho) },
                           baseline: "dense EMA (syrk) + full syevd") {
            dense.scale(by: rho)
            try Matrix.rankKUpdate(x, .none, alpha: (1 - rho) / Double(batch), beta: 1, into: &dense, triangle: .lower)
            _ = try SymmetricEigendecomposition(dense)
        }
        let correctionColumns = 16
        try report.compare("Rayleigh–Ritz correction Double (\(correctionColumns) of \(rank) columns)",
                           size: "n = \(n)",
                           kernel: {
                               _ = try RayleighRitzCorrection<Double>().corrected(
                                   truncated, against: factor, randomColumns: correctionColumns, using: &generator)
                           },
                           baseline: "largest(\(rank)) of the factor") {
            _ = try SymmetricEigendecomposition.largest(rank, of: factor)
        }
        // Inputs built outside the timed closure: only the update is timed.
        let widths = report.quick ? [256, 512, 1024] : [512, 1024, 2048, 4096, 8192]
        var inputs: [Int: (start: SymmetricEigendecomposition<Double>, columns: Matrix<Double>)] = [:]
        for width in widths {
            let basis = try Matrix<Double>.randomGaussian(rows: width, columns: rank, using: &generator).orthonormalized()
            inputs[width] = (try SymmetricEigendecomposition(eigenvalues: (0..<rank).map { Double(rank - $0) },
                                                             eigenvectors: basis),
                             try Matrix<Double>.randomGaussian(rows: width, columns: batch, using: &generator))
        }
        try report.scale("Brand EMA update Double, r = \(rank), c = \(batch), n × n factor", sizes: widths) { width in
            let (start, columns) = inputs[width]!
            _ = try update.movingAverage(start, batch: columns, decay: rho)
        }
    }
}
