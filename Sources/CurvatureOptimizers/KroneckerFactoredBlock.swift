import DenseLinearAlgebra

/// A curvature block with dense Kronecker factors: the composition of the factor estimate
/// (``KroneckerFactors``, `δ·A ⊗ G`, standard or trace-restricted) with the preconditioning
/// part that `Preconditioning` names, built from the factors at each refresh and given each
/// factor update's rows. ``KFACBlock`` (K-FAC, TKFAC: the route's inversion part) and
/// ``EKFACBlock`` (EKFAC, TEKFAC: ``EigenvalueCorrectedInverse``) are its two compositions.
/// Derivations: `Notes/KFAC-family.md`.
///
/// - Complexity: factor update `(d_in² + d_out²)·b·R` flops plus the part's update; refresh and
///   application the part's (``KFACBlock``, ``EKFACBlock``).
public struct KroneckerFactoredBlock<Scalar: LinearAlgebraScalar, Preconditioning: KroneckerPreconditioning>:
    CurvatureBlock {
    /// The method's options: the block options and the factors' estimate (`.standard` for K-FAC
    /// and EKFAC, `.traceRestricted` for TKFAC and TEKFAC).
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
    /// The preconditioning part at the latest refresh, of the type
    /// ``KroneckerPreconditioning/inversion(_:options:)`` names; nil before the first refresh.
    public private(set) var inverse: (any KroneckerFactorInversion<Scalar>)?

    public static var defaultConfiguration: Configuration { Configuration() }

    public static func methodName(_ configuration: Configuration) -> String {
        Preconditioning.methodName(configuration.estimate)
    }

    public init(inputSize: Int, outputSize: Int, configuration: Configuration) throws {
        factors = try KroneckerFactors(inputSize: inputSize, outputSize: outputSize, estimate: configuration.estimate,
                                       options: configuration.options)
        self.configuration = configuration
    }

    /// The part's (the damping and conditioning at the latest refresh), or the configured
    /// damping before the first.
    public var diagnostics: CurvatureDiagnostics {
        inverse?.diagnostics ?? CurvatureDiagnostics(damping: configuration.options.damping)
    }

    public var stateSize: Int { factors.stateSize + (inverse?.stateSize ?? 0) }

    /// Forms the capture's rows once and folds them into the factors, then into the part.
    /// - Throws: as ``KroneckerFactors/update(with:)``; the block is unchanged then.
    public mutating func updateCurvature(with capture: LayerCapture<Scalar>) throws {
        let rows = try factors.update(returningRowsOf: capture)
        // The rows fit the factors, whose orders the part's were checked against.
        try inverse?.update(with: rows)
    }

    /// Builds the part from the factors (the first time) or refreshes it.
    public mutating func refreshInverse() throws {
        guard inverse != nil else {
            inverse = try Preconditioning.inversion(Scalar.self, options: configuration.options)
                .init(factors: factors, options: configuration.options)
            return
        }
        try inverse?.refresh(factors: factors, options: configuration.options)
    }

    /// The part's damped inverse with the current `λ` (``KroneckerFactorInversion`` says which
    /// parts apply it).
    public func preconditioned(_ gradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard let inverse else { throw OptimizerError.notRefreshed }
        return try inverse.preconditioned(gradient, damping: configuration.options.damping)
    }

    /// The rank-`m` form when `prefersFactoredForm(_:_:_:)` says it is cheaper: on the
    /// inverse route `(G⁻¹g)(A⁻¹a)ᵀ`, on the eigen routes the rotation `(Q_Gᵀg)(Q_Aᵀa)ᵀ` into
    /// the eigenbasis. Otherwise as ``preconditioned(_:)``.
    public func preconditioned(_ gradient: Matrix<Scalar>, factoredAs outputGradients: Matrix<Scalar>,
                               times inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard Self.prefersFactoredForm(gradient, outputGradients, inputs) else { return try preconditioned(gradient) }
        guard let inverse else { throw OptimizerError.notRefreshed }
        return try inverse.preconditioned(productOf: outputGradients, inputs, damping: configuration.options.damping)
    }

    private enum CodingKeys: String, CodingKey {
        case configuration, factors, inverse
    }

    /// Encodes the configuration, the factors and the part (whose type `Preconditioning` names).
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
    /// - Throws: `DecodingError` for invalid options, a part that is not the one `Preconditioning`
    ///   names under the options (another method's, the other route's) or does not fit the
    ///   factors' orders, or a scale `δ` that is not positive and finite.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        configuration = try container.decode(Configuration.self, forKey: .configuration)
        factors = try container.decode(KroneckerFactors<Scalar>.self, forKey: .factors)
        func decodePart<Part: KroneckerFactorInversion<Scalar>>(_: Part.Type) throws -> Part? {
            try container.decodeIfPresent(Part.self, forKey: .inverse)
        }
        inverse = try decodePart(Preconditioning.inversion(Scalar.self, options: configuration.options))
        try factors.requireBlockState(options: configuration.options, estimate: configuration.estimate, decoder)
        try inverse?.requireOrders(input: factors.input.value.rows, output: factors.output.value.rows, decoder)
    }
}
