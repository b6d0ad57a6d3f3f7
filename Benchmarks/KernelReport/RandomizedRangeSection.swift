import DenseLinearAlgebra
import Foundation
import RandomizedRange
import SymmetricEigen

/// RandomizedRange rows: the top-32 eigenpairs of an SPD matrix with a spiked, then
/// geometrically decaying spectrum (a K-FAC factor's shape) by the randomized symmetric
/// EVD (q = 2, p = 10) and by stabilised Nyström, against the full `?syevd` and against
/// `?syevr`'s top-k selection. Each row's name carries the accuracy reached: the largest
/// relative error of the 32 eigenvalues against `?syevd`'s.
enum RandomizedRangeSection {
    static func run(_ report: inout KernelReport) throws {
        var generator = Xoshiro256StarStar(seed: 5)
        let (n, k) = report.quick ? (512, 32) : (2048, 32)
        let m = try MatrixEnsemble<Double>.positiveDefinite(n, spectrum: .spikedDecay(spikes: k),
                                                            conditionNumber: 1e6, using: &generator)
        let exact = Array(try SymmetricEigendecomposition(m).eigenvalues.reversed().prefix(k))
        let finder = RangeFinder<Double>(options: .init(rank: k, oversampling: 10, powerIterations: 2))
        let size = "\(n)×\(n)"
        var seeded = Xoshiro256StarStar(seed: 6)

        let evd = try SymmetricEigendecomposition.randomizedLargest(of: m, rangeFinder: finder, using: &seeded)
        let evdName = "randomized EVD top-\(k) Double (q=2, p=10; max rel λ err \(relativeError(evd.eigenvalues, exact)))"
        try report.compare(evdName, size: size, kernel: {
            _ = try SymmetricEigendecomposition.randomizedLargest(of: m, rangeFinder: finder, using: &seeded)
        }, baseline: "full syevd") { _ = try SymmetricEigendecomposition(m) }
        try report.compare(evdName, size: size, kernel: {
            _ = try SymmetricEigendecomposition.randomizedLargest(of: m, rangeFinder: finder, using: &seeded)
        }, baseline: "syevr largest(\(k))") { _ = try SymmetricEigendecomposition.largest(k, of: m) }

        let nystrom = try SymmetricEigendecomposition.nystrom(of: m, rangeFinder: finder, using: &seeded)
        let nystromName = "Nyström top-\(k) Double (q=2, p=10; max rel λ err "
            + "\(relativeError(nystrom.decomposition.eigenvalues, exact)), \(nystrom.clampedCount) clamped)"
        try report.compare(nystromName, size: size, kernel: {
            _ = try SymmetricEigendecomposition.nystrom(of: m, rangeFinder: finder, using: &seeded)
        }, baseline: "syevr largest(\(k))") { _ = try SymmetricEigendecomposition.largest(k, of: m) }
    }

    /// `maxⱼ |λ̂ⱼ − λⱼ| / λⱼ`, printed with two significant digits.
    static func relativeError(_ computed: [Double], _ exact: [Double]) -> String {
        let worst = zip(computed, exact).map { abs($0 - $1) / $1 }.max() ?? 0
        return String(format: "%.1e", worst)
    }
}
