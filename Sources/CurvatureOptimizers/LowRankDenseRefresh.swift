import DenseLinearAlgebra
import OnlineEigenUpdates
import RandomizedRange
import SymmetricEigen

/// The part of a low-rank K-FAC block that keeps the dense moving-average factors and, at each
/// refresh, recomputes or corrects the truncated decompositions from them: RS-KFAC's
/// randomized SVD, SRE-KFAC's and B-R-KFAC's randomized symmetric EVD, B-KFAC-c's
/// Rayleigh–Ritz correction. The dense factors and the refresh that reads them are one value,
/// so a block can never be asked to refresh from factors it does not hold.
///
/// - Complexity: factor update `(d_in² + d_out²)·b·R` flops; refresh `O(n²·(r + p)·(q + 1))`
///   (randomized) or `O(n²·s)` (correction of `s` columns) per factor of order `n`.
public struct LowRankDenseRefresh<Scalar: LinearAlgebraScalar>: Codable, Sendable {
    /// How a refresh obtains the decompositions from the dense factors.
    public enum Algorithm: String, Codable, Sendable, Hashable, CaseIterable {
        /// A randomized SVD of each factor (for a semidefinite factor, its eigenpairs).
        case randomizedSVD
        /// A randomized symmetric EVD of each factor, negative eigenvalues clamped and counted.
        case randomizedEVD
        /// Rayleigh–Ritz refits of random columns of the current decompositions against the factors.
        case rayleighRitz
    }

    /// The dense factors `A`, `G` (standard estimate).
    public private(set) var factors: KroneckerFactors<Scalar>
    /// What a refresh does with them.
    public let algorithm: Algorithm

    /// Identity factors for a `outputSize × inputSize` layer.
    /// - Throws: ``OptimizerError/invalidConfiguration(_:)`` as ``KroneckerFactors/init(inputSize:outputSize:estimate:options:)``.
    public init(inputSize: Int, outputSize: Int, options: KroneckerBlockOptions, algorithm: Algorithm) throws {
        factors = try KroneckerFactors(inputSize: inputSize, outputSize: outputSize, estimate: .standard,
                                       options: options)
        self.algorithm = algorithm
    }

    /// Folds the capture's rows into the dense factors.
    mutating func update(with rows: FactorRows<Scalar>) throws {
        try factors.update(with: rows)
    }

    /// The decompositions after a refresh from the dense factors, and how many eigenvalues
    /// were clamped at zero.
    /// - Parameters:
    ///   - current: the decompositions kept so far (the correction refits them; the randomized
    ///     refreshes start their sketches from them).
    ///   - configuration: rank, oversampling, power iterations, correction columns.
    func refreshed(_ current: (input: SymmetricEigendecomposition<Scalar>, output: SymmetricEigendecomposition<Scalar>),
                   configuration: LowRankKFACBlock<Scalar>.Configuration,
                   using generator: inout Xoshiro256StarStar) throws
        -> (input: SymmetricEigendecomposition<Scalar>, output: SymmetricEigendecomposition<Scalar>, clamped: Int) {
        switch algorithm {
        case .randomizedSVD, .randomizedEVD:
            let input = try randomizedDecomposition(of: factors.input.value, startingFrom: current.input, configuration,
                                                    using: &generator)
            let output = try randomizedDecomposition(of: factors.output.value, startingFrom: current.output,
                                                     configuration, using: &generator)
            return (input.decomposition, output.decomposition, input.clampedCount + output.clampedCount)
        case .rayleighRitz:
            let correction = RayleighRitzCorrection<Scalar>()
            let input = try correction.corrected(
                current.input, against: factors.input.value,
                randomColumns: Swift.min(configuration.correctionColumns, current.input.eigenvalues.count),
                using: &generator)
            let output = try correction.corrected(
                current.output, against: factors.output.value,
                randomColumns: Swift.min(configuration.correctionColumns, current.output.eigenvalues.count),
                using: &generator)
            return (input, output, 0)
        }
    }

    /// The rank-`r` decomposition of a dense factor by the randomized algorithm, eigenvalues
    /// that rounded below zero clamped to zero (the factors are semidefinite). The sketch reuses
    /// the decomposition kept so far: its eigenvectors are the first columns of the test matrix
    /// (``/RandomizedRange/RangeFinder/basis(of:startingFrom:using:)``), the oversampling columns
    /// are drawn fresh; the first refresh, with nothing kept yet, starts cold.
    private func randomizedDecomposition(of factor: Matrix<Scalar>, startingFrom current: SymmetricEigendecomposition<Scalar>,
                                         _ configuration: LowRankKFACBlock<Scalar>.Configuration,
                                         using generator: inout Xoshiro256StarStar) throws
        -> (decomposition: SymmetricEigendecomposition<Scalar>, clampedCount: Int) {
        let finder = RangeFinder<Scalar>(options: .init(rank: Swift.min(configuration.rank, factor.rows),
                                                        oversampling: configuration.oversampling,
                                                        powerIterations: configuration.powerIterations))
        let start = current.eigenvalues.isEmpty || current.order != factor.rows ? nil : current.eigenvectors
        if algorithm == .randomizedSVD {
            // A semidefinite matrix's SVD is its eigendecomposition: U with σ as eigenvalues.
            let svd = try RandomizedSingularValueDecomposition(factor, rangeFinder: finder, startingFrom: start,
                                                               using: &generator)
            return (try SymmetricEigendecomposition(eigenvalues: svd.singularValues, eigenvectors: svd.u), 0)
        }
        return try SymmetricEigendecomposition.randomizedLargest(of: factor, rangeFinder: finder, startingFrom: start,
                                                                 using: &generator)
            .clamped(atLeast: 0)
    }
}
