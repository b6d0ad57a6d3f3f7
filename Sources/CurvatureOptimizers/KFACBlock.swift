import DenseLinearAlgebra
import KroneckerOperators
import SymmetricEigen

/// K-FAC's curvature block (Martens & Grosse 2015), and TKFAC's with the
/// trace-restricted factors (Gao et al. 2021): `F ≈ δ·A ⊗ G` with `δ = 1` for
/// K-FAC. A composition of two parts: the factor estimate (``KroneckerFactors``, dense
/// moving averages, standard or trace-restricted) and the inversion part the route names
/// (``KroneckerEigenbasisInverse``: `(δ·A ⊗ G + λI)⁻¹` exactly through the eigenbases;
/// ``FactoredTikhonovInverse``: the factored Tikhonov approximation with π damping), computed
/// at each refresh. Derivations: `Notes/KFAC-family.md`.
///
/// - Complexity: factor update `(d_in² + d_out²)·b·R` flops; refresh
///   `≈ 9(d_in³ + d_out³)` (eigen) or `(d_in³ + d_out³)` (Cholesky inverses);
///   application `4·d_in·d_out·(d_in + d_out)` (eigen) or `2·d_in·d_out·(d_in + d_out)` flops.
public struct KFACBlock<Scalar: LinearAlgebraScalar>: CurvatureBlock {
    /// The method's options: K-FAC (`.standard`) or TKFAC (`.traceRestricted`).
    public struct Configuration: Codable, Sendable, Hashable {
        public var options: KroneckerBlockOptions
        public var estimate: KroneckerFactors<Scalar>.Estimate

        public init(options: KroneckerBlockOptions = .init(), estimate: KroneckerFactors<Scalar>.Estimate = .standard) {
            self.options = options
            self.estimate = estimate
        }
    }

    public internal(set) var configuration: Configuration
    /// The running factors.
    public private(set) var factors: KroneckerFactors<Scalar>
    /// The inversion part at the latest refresh, of the type ``KroneckerBlockOptions/Route/inversion(_:)``
    /// names; nil before the first refresh.
    public private(set) var inverse: (any KroneckerFactorInversion<Scalar>)?

    public static func methodName(_ configuration: Configuration) -> String {
        configuration.estimate == .standard ? "kfac" : "tkfac"
    }

    public init(inputSize: Int, outputSize: Int, configuration: Configuration) throws {
        factors = try KroneckerFactors(inputSize: inputSize, outputSize: outputSize, estimate: configuration.estimate,
                                       options: configuration.options)
        self.configuration = configuration
    }

    public var diagnostics: CurvatureDiagnostics {
        inverse?.diagnostics ?? CurvatureDiagnostics(damping: configuration.options.damping)
    }

    public var stateSize: Int { factors.stateSize + (inverse?.stateSize ?? 0) }

    public mutating func updateCurvature(with capture: LayerCapture<Scalar>) throws {
        try factors.update(with: capture)
    }

    public mutating func refreshInverse() throws {
        inverse = try configuration.options.route.inversion(Scalar.self)
            .init(factors: factors, options: configuration.options)
    }

    public func preconditioned(_ gradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard let inverse else { throw OptimizerError.notRefreshed }
        return try inverse.preconditioned(gradient)
    }

    /// The rank-`m` form when `prefersFactoredForm(_:_:_:)` says it is cheaper: on the
    /// inverse route `(G⁻¹g)(A⁻¹a)ᵀ`, on the eigen route the rotation `(Q_Gᵀg)(Q_Aᵀa)ᵀ` into
    /// the eigenbasis. Otherwise as ``preconditioned(_:)``.
    public func preconditioned(_ gradient: Matrix<Scalar>, factoredAs outputGradients: Matrix<Scalar>,
                               times inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard Self.prefersFactoredForm(gradient, outputGradients, inputs) else { return try preconditioned(gradient) }
        guard let inverse else { throw OptimizerError.notRefreshed }
        return try inverse.preconditioned(productOf: outputGradients, inputs)
    }

    private enum CodingKeys: String, CodingKey {
        case configuration, factors, inverse
    }

    /// Encodes the configuration, the factors and the inversion part (whose type the route names).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(configuration, forKey: .configuration)
        try container.encode(factors, forKey: .factors)
        func encodePart<Part: KroneckerFactorInversion>(_ part: Part) throws {
            try container.encode(part, forKey: .inverse)
        }
        if let inverse { try encodePart(inverse) }
    }

    /// Decodes a block and checks that its parts fit together.
    /// - Throws: `DecodingError` for invalid options, an inversion part that is not the route's
    ///   or does not fit the factors' orders, or a scale `δ` that is not positive and finite.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        configuration = try container.decode(Configuration.self, forKey: .configuration)
        factors = try container.decode(KroneckerFactors<Scalar>.self, forKey: .factors)
        func decodePart<Part: KroneckerFactorInversion<Scalar>>(_: Part.Type) throws -> Part? {
            try container.decodeIfPresent(Part.self, forKey: .inverse)
        }
        inverse = try decodePart(configuration.options.route.inversion(Scalar.self))
        try factors.requireBlockState(options: configuration.options, estimate: configuration.estimate, decoder)
        try inverse?.requireOrders(input: factors.input.value.rows, output: factors.output.value.rows, decoder)
    }
}
