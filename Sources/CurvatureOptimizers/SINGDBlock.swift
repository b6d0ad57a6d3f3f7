import DenseLinearAlgebra
import StructuredFactors

/// SINGD's curvature block (Lin et al. 2023, "Structured Inverse-Free Natural Gradient
/// Descent", arXiv 2312.05705; INGD with dense factors, IKFAC with ``Configuration/kfacLike``):
/// no factor is inverted. The block keeps `K` (`d_in × d_in`) and `C` (`d_out × d_out`) in
/// structures closed under multiplication, with `A⁻¹ ≈ K·Kᵀ` and `G⁻¹ ≈ C·Cᵀ`, and moves
/// them by a Riemannian gradient step at every factor update:
///
/// ```
/// H_K = Π(Kᵀ·A_b·K),   H_C = Π(Cᵀ·G_b·C)                      (the batch's factors A_b, G_b)
/// m_K ← α₁·m_K + ½[(tr H_C/d_out)·H_K + λ·(tr Π(CᵀC)/d_out)·Π(KᵀK) − I]
/// m_C ← α₁·m_C + ½[(tr H_K/d_in)·H_C + λ·(tr Π(KᵀK)/d_in)·Π(CᵀC) − I]
/// K ← K − β₁·K·m_K,    C ← C − β₁·C·m_C
/// ```
///
/// (IKFAC drops the trace couplings — both traces are replaced by 1 — and the Riemannian
/// momentum, `α₁ = 0`.) The preconditioned gradient is `C·Cᵀ·∇W·K·Kᵀ`. `Π` is the structure's
/// projection, computed without forming `Kᵀ·A_b·K` (StructuredFactors' `projectingGram`).
/// The update rules follow the reference implementation (f-dangel/singd) term by term;
/// derivations: `Notes/KFAC-family.md`.
///
/// - Complexity: per factor update two structured projections of `m × d` Gram matrices
///   (`m` the capture's columns) and two structured products; per application four structured
///   products. With diagonal or Toeplitz structures the memory is `O(d_in + d_out)`.
public struct SINGDBlock<InputFactor: StructuredMatrixAlgebra, OutputFactor: StructuredMatrixAlgebra>: CurvatureBlock
where OutputFactor.Scalar == InputFactor.Scalar {
    /// The scalar type of both structures.
    public typealias Scalar = InputFactor.Scalar

    /// The method's options: damping and weight sharing from the method catalogue
    /// (``MethodSettings/defaults``), the factor update's α₁ and β₁ from the reference implementation.
    public struct Configuration: Codable, Sendable, Hashable {
        /// Damping λ of the preconditioner update. Default `0.1` (the catalogue's `--singd-damping`;
        /// the reference's 1e-3 is for its own η = 1e-3 and long runs, `Notes/KFAC-family.md`).
        public var damping: Double
        /// Riemannian momentum α₁ of `m_K`, `m_C`. Default `0.5` (0 for IKFAC).
        public var riemannianMomentum: Double
        /// Step size β₁ of the factor update (singd's `lr_cov`). Default `1e-2`.
        public var factorStepSize: Double
        /// IKFAC's update: no trace coupling, no Riemannian momentum. Default `false`.
        public var kfacLike: Bool
        /// Expand or reduce for layers with weight sharing. Default `.expand`.
        public var weightSharing: WeightSharingApproximation
        /// The layout of `K`'s structure (block size, hierarchical corners); singd's by default.
        public var inputLayout: InputFactor.Layout
        /// The layout of `C`'s structure.
        public var outputLayout: OutputFactor.Layout

        /// A configuration with the defaults above.
        /// - Complexity: `O(1)`.
        public init(damping: Double = MethodSettings.defaults.singdDamping, riemannianMomentum: Double = 0.5,
                    factorStepSize: Double = 1e-2, kfacLike: Bool = false,
                    weightSharing: WeightSharingApproximation = MethodSettings.defaults.weightSharing,
                    inputLayout: InputFactor.Layout = .init(), outputLayout: OutputFactor.Layout = .init()) {
            self.damping = damping
            self.riemannianMomentum = riemannianMomentum
            self.factorStepSize = factorStepSize
            self.kfacLike = kfacLike
            self.weightSharing = weightSharing
            self.inputLayout = inputLayout
            self.outputLayout = outputLayout
        }

        /// The momentum actually used: IKFAC has none.
        var effectiveMomentum: Double { kfacLike ? 0 : riemannianMomentum }

        /// Throws ``OptimizerError/invalidConfiguration(_:)`` unless damping and step size are
        /// positive and finite and the momentum lies in `[0, 1)`.
        public func validate() throws {
            try MethodOption.singdDamping.check(damping)
            guard factorStepSize > 0, factorStepSize.isFinite else {
                throw OptimizerError.invalidConfiguration("factor step size must be positive and finite, got \(factorStepSize)")
            }
            guard (0..<1).contains(riemannianMomentum) else {
                throw OptimizerError.invalidConfiguration("Riemannian momentum must lie in [0, 1), got \(riemannianMomentum)")
            }
        }
    }

    /// The options the block was built with.
    public let configuration: Configuration
    /// `K`, with `A⁻¹ ≈ K·Kᵀ`; starts at the identity.
    public private(set) var inputFactor: InputFactor
    /// `C`, with `G⁻¹ ≈ C·Cᵀ`; starts at the identity.
    public private(set) var outputFactor: OutputFactor
    /// The Riemannian momenta `m_K`, `m_C`; start at zero.
    public private(set) var inputMomentum: InputFactor
    /// `m_C`.
    public private(set) var outputMomentum: OutputFactor
    /// The damping; SINGD has no factor eigenvalues, so the condition numbers stay `nan`.
    public private(set) var diagnostics: CurvatureDiagnostics

    public static var defaultConfiguration: Configuration { Configuration() }

    public static func methodName(_ configuration: Configuration) -> String {
        configuration.kfacLike ? "ikfac" : "singd"
    }

    public init(inputSize: Int, outputSize: Int, configuration: Configuration) throws {
        try configuration.validate()
        guard inputSize >= 1, outputSize >= 1 else {
            throw OptimizerError.invalidConfiguration("a layer needs positive sizes, got \(outputSize)×\(inputSize)")
        }
        self.configuration = configuration
        inputFactor = try .identity(order: inputSize, layout: configuration.inputLayout)
        outputFactor = try .identity(order: outputSize, layout: configuration.outputLayout)
        inputMomentum = try .zeros(order: inputSize, layout: configuration.inputLayout)
        outputMomentum = try .zeros(order: outputSize, layout: configuration.outputLayout)
        diagnostics = CurvatureDiagnostics(damping: configuration.damping)
    }

    public var stateSize: Int {
        inputFactor.storedCount + outputFactor.storedCount + inputMomentum.storedCount + outputMomentum.storedCount
    }

    /// One Riemannian step of `K` and `C` from the capture's factors.
    public mutating func updateCurvature(with capture: LayerCapture<Scalar>) throws {
        let rows = try capture.factorRows(configuration.weightSharing)
        guard rows.inputs.rows == inputFactor.order, rows.outputGradients.rows == outputFactor.order else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "SINGDBlock.updateCurvature",
                expected: "a capture of \(inputFactor.order) inputs and \(outputFactor.order) outputs",
                actual: "\(rows.inputs.rows) and \(rows.outputGradients.rows)")
        }
        let (k, c) = (inputFactor, outputFactor)
        // H_K = Π(Kᵀ·(α·a·aᵀ)·K) = α·Π((aᵀK)ᵀ(aᵀK)): the Gram of the rows of aᵀ·K.
        let hK = try InputFactor.projectingGram(of: k.premultiplied(by: rows.inputs.transposed()),
                                                layout: configuration.inputLayout).scaled(by: rows.inputNormalization)
        let hC = try OutputFactor.projectingGram(of: c.premultiplied(by: rows.outputGradients.transposed()),
                                                 layout: configuration.outputLayout).scaled(by: rows.gradientScale)
        let (kTk, cTc) = (try k.projectingOwnGram(), try c.projectingOwnGram())
        let lambda = Scalar(configuration.damping)
        let coupled = !configuration.kfacLike
        let momentum = Scalar(configuration.effectiveMomentum)
        inputMomentum = try Self.momentumStep(
            curvature: hK, curvatureWeight: coupled ? hC.averageTrace() : 1, gram: kTk,
            gramWeight: lambda * (coupled ? cTc.averageTrace() : 1), previous: inputMomentum, momentum: momentum)
        outputMomentum = try Self.momentumStep(
            curvature: hC, curvatureWeight: coupled ? hK.averageTrace() : 1, gram: cTc,
            gramWeight: lambda * (coupled ? kTk.averageTrace() : 1), previous: outputMomentum, momentum: momentum)
        let beta = Scalar(configuration.factorStepSize)
        inputFactor = try k.adding(k.multiplied(by: inputMomentum).scaled(by: -beta))
        outputFactor = try c.adding(c.multiplied(by: outputMomentum).scaled(by: -beta))
    }

    /// `α₁·m + ½[w_H·H + w_G·Π(SᵀS) − I]`, in the structure.
    static func momentumStep<Factor: StructuredMatrixAlgebra>(
        curvature: Factor, curvatureWeight: Scalar, gram: Factor, gramWeight: Scalar, previous: Factor,
        momentum: Scalar
    ) throws -> Factor where Factor.Scalar == Scalar {
        let step = try curvature.scaled(by: curvatureWeight).adding(gram.scaled(by: gramWeight))
            .addingToDiagonal(-1).scaled(by: 1 / 2)
        return momentum == 0 ? step : try step.adding(previous.scaled(by: momentum))
    }

    /// Inverse-free: `K` and `C` are the preconditioner; there is nothing to refresh.
    public mutating func refreshInverse() throws {}

    /// `C·Cᵀ·∇W·K·Kᵀ`, as `C·(Cᵀ·(K·(Kᵀ·∇Wᵀ))ᵀ)` with structured products only.
    /// - Complexity: four structured products with `d_out × d_in` operands.
    public func preconditioned(_ gradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        let right = try inputFactor.apply(to: inputFactor.applyTransposed(to: gradient.transposed())).transposed()
        return try outputFactor.apply(to: outputFactor.applyTransposed(to: right))
    }

    /// The rank-`m` form `(C·Cᵀ·g)·(K·Kᵀ·a)ᵀ` when `prefersFactoredForm(_:_:_:)` says it is
    /// cheaper; otherwise ``preconditioned(_:)``.
    public func preconditioned(_ gradient: Matrix<Scalar>, factoredAs outputGradients: Matrix<Scalar>,
                               times inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard Self.prefersFactoredForm(gradient, outputGradients, inputs) else { return try preconditioned(gradient) }
        let left = try outputFactor.apply(to: outputFactor.applyTransposed(to: outputGradients))
        let right = try inputFactor.apply(to: inputFactor.applyTransposed(to: inputs))
        return try left.multiplied(by: right, transposingOther: .transpose)
    }

    /// Decodes a block and checks that its parts fit together.
    /// - Throws: `DecodingError.dataCorrupted` for invalid options, or momenta whose orders or
    ///   layouts differ from their factors'.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        configuration = try container.decode(Configuration.self, forKey: .configuration)
        inputFactor = try container.decode(InputFactor.self, forKey: .inputFactor)
        outputFactor = try container.decode(OutputFactor.self, forKey: .outputFactor)
        inputMomentum = try container.decode(InputFactor.self, forKey: .inputMomentum)
        outputMomentum = try container.decode(OutputFactor.self, forKey: .outputMomentum)
        diagnostics = try container.decode(CurvatureDiagnostics.self, forKey: .diagnostics)
        try DecodedState.validate(decoder) { try configuration.validate() }
        try DecodedState.require(
            inputFactor.order >= 1 && outputFactor.order >= 1
                && inputMomentum.order == inputFactor.order && outputMomentum.order == outputFactor.order
                && inputFactor.layout == configuration.inputLayout && inputMomentum.layout == configuration.inputLayout
                && outputFactor.layout == configuration.outputLayout && outputMomentum.layout == configuration.outputLayout,
            decoder, "factors and momenta of orders \(inputFactor.order), \(inputMomentum.order), "
                + "\(outputFactor.order), \(outputMomentum.order) or layouts that differ from the configuration's")
    }
}

/// SINGD, INGD and IKFAC with `K` in `InputFactor` and `C` in `OutputFactor`
/// (`SINGD<DenseFactor<Float>, DenseFactor<Float>>` is INGD).
public typealias SINGD<InputFactor: StructuredMatrixAlgebra, OutputFactor: StructuredMatrixAlgebra> =
    KroneckerFactoredOptimizer<SINGDBlock<InputFactor, OutputFactor>> where OutputFactor.Scalar == InputFactor.Scalar
