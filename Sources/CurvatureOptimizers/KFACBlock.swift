import DenseLinearAlgebra
import KroneckerOperators
import SymmetricEigen

/// K-FAC's curvature block (Martens & Grosse 2015), and TKFAC's with the
/// trace-restricted factors (Gao et al. 2021): `F ≈ δ·A ⊗ G` with `δ = 1` for
/// K-FAC. Preconditioning applies `(δ·A ⊗ G + λI)⁻¹` exactly through the factors'
/// eigenbases (eigen route) or the factored Tikhonov approximation with π damping
/// (inverse route). Derivations: `Notes/KFAC-family.md`.
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
    /// Eigen route: the factors' decompositions at the latest refresh.
    public private(set) var inputDecomposition: SymmetricEigendecomposition<Scalar>?
    public private(set) var outputDecomposition: SymmetricEigendecomposition<Scalar>?
    /// Inverse route: `(√δ A + π√λ I)⁻¹` and `(√δ G + (√λ/π) I)⁻¹` at the latest refresh.
    public private(set) var inputInverse: Matrix<Scalar>?
    public private(set) var outputInverse: Matrix<Scalar>?
    /// `δ` at the latest refresh.
    public private(set) var scaleAtRefresh: Scalar = 1
    public private(set) var diagnostics: CurvatureDiagnostics

    public static func methodName(_ configuration: Configuration) -> String {
        configuration.estimate == .standard ? "kfac" : "tkfac"
    }

    public init(inputSize: Int, outputSize: Int, configuration: Configuration) throws {
        factors = try KroneckerFactors(inputSize: inputSize, outputSize: outputSize, estimate: configuration.estimate,
                                       options: configuration.options)
        self.configuration = configuration
        diagnostics = CurvatureDiagnostics(damping: configuration.options.damping)
    }

    public var stateSize: Int {
        factors.stateSize + [inputDecomposition?.eigenvectors, outputDecomposition?.eigenvectors, inputInverse,
                             outputInverse].reduce(0) { $0 + ($1?.elements.count ?? 0) }
            + (inputDecomposition?.eigenvalues.count ?? 0) + (outputDecomposition?.eigenvalues.count ?? 0)
    }

    public mutating func updateCurvature(with capture: LayerCapture<Scalar>) throws {
        try factors.update(with: capture)
    }

    public mutating func refreshInverse() throws {
        let lambda = Scalar(configuration.options.damping)
        scaleAtRefresh = factors.scale
        switch configuration.options.route {
        case .eigen:
            let (input, output, clamped) = try factors.eigendecompositions()
            inputDecomposition = input
            outputDecomposition = output
            diagnostics = CurvatureDiagnostics(
                damping: Double(lambda), inputConditionNumber: CurvatureDiagnostics.conditionNumber(input.eigenvalues),
                outputConditionNumber: CurvatureDiagnostics.conditionNumber(output.eigenvalues), clampedEigenvalues: clamped)
        case .inverse:
            let root = Scalar.sqrt(scaleAtRefresh)
            let split: KroneckerDampingSplit = configuration.options.piDamping ? .pi : .tikhonov
            let damped = try KroneckerProduct(factors.input.value.scaled(by: root), factors.output.value.scaled(by: root))
                .damped(lambda, split: split)
            inputInverse = try LinearAlgebraError.withContext("K-FAC inverse: damped input factor A") {
                try CholeskyFactorization(damped.factors[0]).inverse()
            }
            outputInverse = try LinearAlgebraError.withContext("K-FAC inverse: damped output factor G") {
                try CholeskyFactorization(damped.factors[1]).inverse()
            }
            diagnostics = CurvatureDiagnostics(damping: Double(lambda))
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func preconditioned(_ gradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        switch configuration.options.route {
        case .eigen:
            guard let input = inputDecomposition, let output = outputDecomposition else {
                throw OptimizerError.notRefreshed
            }
            // (δ·A⊗G + λI)⁻¹ = δ⁻¹·(A⊗G + (λ/δ)I)⁻¹.
            let delta = scaleAtRefresh
            let lambda = Scalar(configuration.options.damping)
            var direction = try KroneckerEigendecomposition(input, output)
                .dampedInverse(applyingToMatrix: gradient, damping: lambda / delta)
            if delta != 1 { direction.scale(by: 1 / delta) }
            return direction
        case .inverse:
            guard let inputInverse, let outputInverse else {
                throw OptimizerError.notRefreshed
            }
            return try outputInverse.multiplied(by: gradient).multiplied(by: inputInverse)
        }
    }

    /// The rank-`m` form when `prefersFactoredForm(_:_:_:)` says it is cheaper: on the
    /// inverse route `(G⁻¹g)(A⁻¹a)ᵀ` (`A⁻¹` is symmetric), on the eigen route the
    /// rotation `(Q_Gᵀg)(Q_Aᵀa)ᵀ` into the eigenbasis. Otherwise as ``preconditioned(_:)``.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func preconditioned(_ gradient: Matrix<Scalar>, factoredAs outputGradients: Matrix<Scalar>,
                               times inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard Self.prefersFactoredForm(gradient, outputGradients, inputs) else { return try preconditioned(gradient) }
        switch configuration.options.route {
        case .eigen:
            guard let input = inputDecomposition, let output = outputDecomposition else {
                throw OptimizerError.notRefreshed
            }
            let delta = scaleAtRefresh
            let result = try KroneckerEigendecomposition(input, output).dampedInverse(
                applyingToProductOf: outputGradients, inputs, damping: Scalar(configuration.options.damping) / delta)
            return delta == 1 ? result : result.scaled(by: 1 / delta)
        case .inverse:
            guard let inputInverse, let outputInverse else {
                throw OptimizerError.notRefreshed
            }
            let left = try outputInverse.multiplied(by: outputGradients)
            let right = try inputInverse.multiplied(by: inputs)
            return try left.multiplied(by: right, transposingOther: .transpose)
        }
    }


    /// Decodes a block and checks that its parts fit together.
    /// - Throws: `DecodingError.dataCorrupted` for invalid options, a factorisation or inverse
    ///   whose order differs from its factor's, or a scale `δ` that is not positive and finite.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        configuration = try container.decode(Configuration.self, forKey: .configuration)
        factors = try container.decode(KroneckerFactors<Scalar>.self, forKey: .factors)
        inputDecomposition = try container.decodeIfPresent(SymmetricEigendecomposition<Scalar>.self, forKey: .inputDecomposition)
        outputDecomposition = try container.decodeIfPresent(SymmetricEigendecomposition<Scalar>.self, forKey: .outputDecomposition)
        inputInverse = try container.decodeIfPresent(Matrix<Scalar>.self, forKey: .inputInverse)
        outputInverse = try container.decodeIfPresent(Matrix<Scalar>.self, forKey: .outputInverse)
        scaleAtRefresh = try container.decode(Scalar.self, forKey: .scaleAtRefresh)
        diagnostics = try container.decode(CurvatureDiagnostics.self, forKey: .diagnostics)
        try factors.requireBlockState(options: configuration.options, estimate: configuration.estimate,
                                      input: inputDecomposition, output: outputDecomposition, decoder)
        let (n, m) = (factors.input.value.rows, factors.output.value.rows)
        try DecodedState.require(inputInverse.map { $0.rows == n && $0.columns == n } ?? true
                                     && outputInverse.map { $0.rows == m && $0.columns == m } ?? true, decoder,
                                 "inverses do not match the \(n)×\(n) and \(m)×\(m) factors")
        try DecodedState.require(scaleAtRefresh > 0 && scaleAtRefresh.isFinite, decoder,
                                 "scale δ = \(scaleAtRefresh) must be positive and finite")
    }
}
