import DenseLinearAlgebra
import SymmetricEigen

/// K-FAC with truncated factor eigendecompositions `A ≈ U_A·D_A·U_Aᵀ`,
/// `G ≈ U_G·D_G·U_Gᵀ` of rank `r`, kept by one of five methods:
///
/// - RS-KFAC and SRE-KFAC (Puiu 2022, arXiv 2206.15397) keep the dense EMA factors
///   and replace K-FAC's full `syevd` at each refresh by a randomized SVD or a
///   randomized symmetric EVD (RandomizedRange, `r` + oversampling `p`, `q` power
///   iterations): `O(n²·r)` instead of `O(n³)`.
/// - B-KFAC ("Brand New K-FACs", Puiu 2022) keeps no dense factor: each factor update
///   is a Brand update of the truncated decomposition by the batch's columns
///   (OnlineEigenUpdates, `O(n·(r + b)²)`), with K-FAC's warm-up weights.
/// - B-R-KFAC adds the dense EMA and recomputes the decomposition from it by the
///   randomized EVD at every refresh; B-KFAC-c instead corrects a random subset of
///   the columns by Rayleigh–Ritz against it.
///
/// Preconditioning uses the truncated factors with damping: on the eigen route the
/// exact `(A_r ⊗ G_r + λI)⁻¹` through the partial Kronecker eigenbasis, on the
/// inverse route `(G_r + μ_G I)⁻¹·∇W·(A_r + μ_A I)⁻¹` with `μ_A·μ_G = λ` split by π
/// (traces of the dense factors where kept, of the truncated ones otherwise). Each
/// damped inverse of a rank-`r` factor is `U[(D + μ)⁻¹ − μ⁻¹]Uᵀ + I/μ`, `O(n·r)` per
/// column. Derivations and defaults: `Notes/KFAC-family.md`.
///
/// Each method is a composition of parts (``Method/parts``): the dense factors with the refresh
/// that reads them (``LowRankDenseRefresh``), the Brand updates (``BrandFactorUpdates``), or both.
///
/// - Complexity: per refresh `O(n²·(r + p)·(q + 1))` (randomized) or `O(n·r²)`
///   (Brand, correction `O(n²·s)`); per factor update `n²·b` (dense EMA) or
///   `O(n·(r + b)²)` (Brand); per application `O(d_in·d_out·(r_A + r_G))`.
public struct LowRankKFACBlock<Scalar: LinearAlgebraScalar>: CurvatureBlock {
    /// How the truncated decompositions are maintained.
    public enum Method: String, Codable, Sendable, Hashable, CaseIterable {
        /// RS-KFAC: randomized SVD of each dense factor at every refresh.
        case randomizedSVD = "rs-kfac"
        /// SRE-KFAC: randomized symmetric EVD of each dense factor at every refresh.
        case randomizedEVD = "sre-kfac"
        /// B-KFAC: Brand updates only; no dense factor is stored.
        case brand = "b-kfac"
        /// B-R-KFAC: Brand updates, and a randomized EVD of the dense factor at every refresh.
        case brandWithRandomizedRefresh = "b-r-kfac"
        /// B-KFAC-c: Brand updates, and a Rayleigh–Ritz correction against the dense factor
        /// at every refresh.
        case brandWithCorrection = "b-kfac-c"

        /// The method as a composition: the refresh from dense factors it keeps, if any
        /// (``LowRankDenseRefresh``), and whether its factor updates are Brand updates
        /// (``BrandFactorUpdates``). Every method is declared here once.
        public var parts: (denseRefresh: LowRankDenseRefresh<Scalar>.Algorithm?, brand: Bool) {
            switch self {
            case .randomizedSVD: return (.randomizedSVD, false)
            case .randomizedEVD: return (.randomizedEVD, false)
            case .brand: return (nil, true)
            case .brandWithRandomizedRefresh: return (.randomizedEVD, true)
            case .brandWithCorrection: return (.rayleighRitz, true)
            }
        }

        /// `true` when the method stores the dense EMA factors.
        public var keepsDenseFactors: Bool { parts.denseRefresh != nil }
        /// `true` when factor updates are Brand updates of the decompositions.
        public var updatesByBrand: Bool { parts.brand }
    }

    /// The method's options. Rank, oversampling and power iterations default to the
    /// RS-KFAC reference's (220, 10, 3; Notes/REFERENCES.md); the correction size is KronKit's choice.
    public struct Configuration: Codable, Sendable, Hashable {
        /// Damping, decay, weight sharing, route and π-damping, as for K-FAC.
        public var options: KroneckerBlockOptions
        /// How the decompositions are kept. Default ``Method/randomizedEVD`` (SRE-KFAC).
        public var method: Method
        /// The rank `r` kept for each factor (capped at the factor's order).
        public var rank: Int
        /// Oversampling `p` of the randomized methods.
        public var oversampling: Int
        /// Power iterations `q` of the randomized methods.
        public var powerIterations: Int
        /// Columns re-fitted by each B-KFAC-c correction (capped at the rank). Default 32.
        public var correctionColumns: Int
        /// Seeds each block's sketches and correction subsets (mixed with the layer's sizes).
        public var seed: UInt64

        /// A configuration with the defaults above.
        /// - Complexity: `O(1)`.
        public init(options: KroneckerBlockOptions = .init(), method: Method = .randomizedEVD,
                    rank: Int = MethodSettings.defaults.rank,
                    oversampling: Int = 10, powerIterations: Int = 3, correctionColumns: Int = 32, seed: UInt64 = 0) {
            self.options = options
            self.method = method
            self.rank = rank
            self.oversampling = oversampling
            self.powerIterations = powerIterations
            self.correctionColumns = correctionColumns
            self.seed = seed
        }

        /// Throws ``OptimizerError/invalidConfiguration(_:)`` for options out of range.
        public func validate() throws {
            try options.validate()
            try MethodOption.rank.check(rank)
            // Bounded so that rank + oversampling cannot overflow and a refresh ends: the sketch
            // is capped at the factor's order anyway, and HMT use q ≤ 3 (Notes/REFERENCES.md).
            guard (0...(1 << 20)).contains(oversampling), (0...100).contains(powerIterations) else {
                throw OptimizerError.invalidConfiguration(
                    "oversampling \(oversampling) must be in 0...\(1 << 20) and power iterations \(powerIterations) in 0...100")
            }
            guard correctionColumns >= 1 else {
                throw OptimizerError.invalidConfiguration("correction columns must be ≥ 1, got \(correctionColumns)")
            }
        }
    }

    /// The options the block was built with.
    public internal(set) var configuration: Configuration
    /// The dense EMA factors with the refresh that reads them, for the methods that keep them
    /// (``Method/keepsDenseFactors``).
    public private(set) var denseRefresh: LowRankDenseRefresh<Scalar>?
    /// The Brand updates of the decompositions, for the methods that make them (``Method/updatesByBrand``).
    public private(set) var brand: BrandFactorUpdates?
    /// The truncated decompositions of `A` and `G` (descending eigenvalues); empty before the
    /// first update or refresh.
    public private(set) var inputDecomposition: SymmetricEigendecomposition<Scalar>
    /// The truncated decomposition of `G`.
    public private(set) var outputDecomposition: SymmetricEigendecomposition<Scalar>
    /// `true` once ``refreshInverse()`` has run.
    public private(set) var isRefreshed: Bool
    /// Draws the sketches and correction subsets.
    var generator: Xoshiro256StarStar
    /// The damping and the truncated factors' condition numbers at the latest refresh.
    public private(set) var diagnostics: CurvatureDiagnostics

    public static var defaultConfiguration: Configuration { Configuration() }

    public static func methodName(_ configuration: Configuration) -> String { configuration.method.rawValue }

    public init(inputSize: Int, outputSize: Int, configuration: Configuration) throws {
        try configuration.validate()
        guard inputSize >= 1, outputSize >= 1 else {
            throw OptimizerError.invalidConfiguration("a layer needs positive sizes, got \(outputSize)×\(inputSize)")
        }
        self.configuration = configuration
        let parts = configuration.method.parts
        // B-KFAC never forms an n × n factor, not even the identity it would discard.
        denseRefresh = try parts.denseRefresh.map {
            try LowRankDenseRefresh(inputSize: inputSize, outputSize: outputSize, options: configuration.options,
                                    algorithm: $0)
        }
        brand = parts.brand ? BrandFactorUpdates() : nil
        inputDecomposition = try SymmetricEigendecomposition(eigenvalues: [], eigenvectors: Matrix(rows: inputSize, columns: 0))
        outputDecomposition = try SymmetricEigendecomposition(eigenvalues: [], eigenvectors: Matrix(rows: outputSize, columns: 0))
        isRefreshed = false
        generator = Xoshiro256StarStar(seed: configuration.seed ^ (UInt64(inputSize) &* 0x9E37_79B9_7F4A_7C15
                                                                   &+ UInt64(outputSize)))
        diagnostics = CurvatureDiagnostics(damping: configuration.options.damping)
    }

    /// The dense EMA factors, for the methods that keep them.
    public var factors: KroneckerFactors<Scalar>? { denseRefresh?.factors }

    public var stateSize: Int {
        (factors?.stateSize ?? 0) + [inputDecomposition, outputDecomposition].reduce(0) {
            $0 + $1.eigenvectors.elements.count + $1.eigenvalues.count
        }
    }

    /// Folds a capture into the dense factors and, for the Brand methods, into the
    /// decompositions: `ε·U·D·Uᵀ + (1 − ε)·α·X·Xᵀ` with K-FAC's warm-up weight `ε`.
    /// The capture's rows are formed once for both. Every check and computation runs before
    /// any state changes, so a capture that throws (wrong sizes, NaN/∞ — rejected by the
    /// factor rows) leaves the block as it was.
    public mutating func updateCurvature(with capture: LayerCapture<Scalar>) throws {
        let rows = try capture.factorRows(configuration.options.weightSharing)
        guard rows.inputs.rows == inputDecomposition.order, rows.outputGradients.rows == outputDecomposition.order else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "LowRankKFACBlock.updateCurvature",
                expected: "a capture of \(inputDecomposition.order) inputs and \(outputDecomposition.order) outputs",
                actual: "\(rows.inputs.rows) and \(rows.outputGradients.rows)")
        }
        // The Brand updates into locals first; the dense update cannot fail after the checks above.
        var decompositions = (input: inputDecomposition, output: outputDecomposition)
        if let brand {
            decompositions = try brand.updated(decompositions, by: rows, rank: configuration.rank,
                                               decay: Scalar(configuration.options.factorDecay))
        }
        try denseRefresh?.update(with: rows)
        brand?.recordUpdate()
        (inputDecomposition, outputDecomposition) = decompositions
    }

    /// Recomputes or corrects the decompositions from the dense factors (the methods that keep
    /// them); then re-orthonormalises a basis that has drifted past `√eps`.
    public mutating func refreshInverse() throws {
        var clamped = 0
        if let denseRefresh {
            let refreshed = try denseRefresh.refreshed((inputDecomposition, outputDecomposition),
                                                       configuration: configuration, using: &generator)
            (inputDecomposition, outputDecomposition, clamped) = (refreshed.input, refreshed.output, refreshed.clamped)
        }
        let drift = Scalar.ulpOfOne.squareRoot()
        if try inputDecomposition.orthogonalityLoss() > drift {
            inputDecomposition = try inputDecomposition.reorthonormalized()
        }
        if try outputDecomposition.orthogonalityLoss() > drift {
            outputDecomposition = try outputDecomposition.reorthonormalized()
        }
        isRefreshed = true
        diagnostics = CurvatureDiagnostics(
            damping: configuration.options.damping,
            inputConditionNumber: CurvatureDiagnostics.conditionNumber(inputDecomposition.eigenvalues),
            outputConditionNumber: CurvatureDiagnostics.conditionNumber(outputDecomposition.eigenvalues),
            clampedEigenvalues: clamped)
    }

    /// Decodes a block and checks that its parts fit together.
    /// - Throws: `DecodingError.dataCorrupted` for invalid options, parts that are not the
    ///   method's (dense factors for B-KFAC, none for the others, another refresh, Brand updates
    ///   for RS-KFAC), decompositions without eigenvectors, of another order than the layer's
    ///   sizes or with more pairs than the rank, or a counter out of range.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        configuration = try container.decode(Configuration.self, forKey: .configuration)
        denseRefresh = try container.decodeIfPresent(LowRankDenseRefresh<Scalar>.self, forKey: .denseRefresh)
        brand = try container.decodeIfPresent(BrandFactorUpdates.self, forKey: .brand)
        inputDecomposition = try container.decode(SymmetricEigendecomposition<Scalar>.self, forKey: .inputDecomposition)
        outputDecomposition = try container.decode(SymmetricEigendecomposition<Scalar>.self, forKey: .outputDecomposition)
        isRefreshed = try container.decode(Bool.self, forKey: .isRefreshed)
        generator = try container.decode(Xoshiro256StarStar.self, forKey: .generator)
        diagnostics = try container.decode(CurvatureDiagnostics.self, forKey: .diagnostics)
        try DecodedState.validate(decoder) { try configuration.validate() }
        let (method, parts) = (configuration.method, configuration.method.parts)
        try DecodedState.require(denseRefresh?.algorithm == parts.denseRefresh && (brand != nil) == parts.brand, decoder,
                                 "\(method.rawValue) is composed of \(parts), the block holds a dense refresh "
                                     + "\(denseRefresh.map { "\($0.algorithm)" } ?? "none") and "
                                     + (brand == nil ? "no Brand updates" : "Brand updates"))
        if let factors {
            try DecodedState.require(factors.estimate == .standard, decoder, "low-rank blocks use the standard estimate")
            try DecodedState.require(factors.input.value.rows == inputDecomposition.order
                                         && factors.output.value.rows == outputDecomposition.order, decoder,
                                     "decompositions of orders \(inputDecomposition.order), \(outputDecomposition.order) "
                                         + "for factors of orders \(factors.input.value.rows), \(factors.output.value.rows)")
        }
        for decomposition in [inputDecomposition, outputDecomposition] {
            let count = decomposition.eigenvalues.count
            try DecodedState.require(decomposition.order >= 1 && (decomposition.hasEigenvectors || count == 0)
                                         && count <= Swift.min(configuration.rank, decomposition.order), decoder,
                                     "a decomposition of order \(decomposition.order) with \(count) pairs "
                                         + "for rank \(configuration.rank)")
        }
    }
}
