import DenseLinearAlgebra
import NeuralNetworks
import StructuredFactors

extension MethodSettings {
    /// `method`'s optimizer for `model`, built from these settings: the type the catalogue
    /// names (``OptimizerMethod/Entry/builds``) with the options the method reads.
    /// - Parameters:
    ///   - method: the method to build.
    ///   - model: the model whose parameterised layers the optimizer's state is shaped for.
    ///   - seed: drives the Monte-Carlo Fisher's label sampling and the low-rank methods' sketches.
    /// - Throws: ``OptimizerError/optionOutOfRange(option:value:validRange:)`` for an option
    ///   `method` reads that is out of range (``validate(for:)``), before anything is built.
    public func makeOptimizer<Scalar: LinearAlgebraScalar>(_ method: OptimizerMethod, model: Sequential<Scalar>,
                                                           seed: UInt64) throws -> any Optimizer<Scalar> {
        try validate(for: method)
        let rate = learningRate(for: method)
        switch method {
        case .sgd, .sgdNesterov:
            return try StochasticGradientDescent(model: model, options: .init(
                learningRate: rate, momentum: momentum, nesterov: method == .sgdNesterov, weightDecay: weightDecay,
                schedule: schedule))
        case .adam, .adamw:
            return try Adam(model: model, options: .init(
                learningRate: rate, weightDecay: weightDecay, decoupledWeightDecay: method == .adamw,
                schedule: schedule))
        case .kfac, .kfacInverse, .tkfac:
            let block = blockOptions(route: method == .kfacInverse ? .inverse : .eigen)
            return try withAdaptation(KFAC(model: model, options: optimizerOptions(rate), configuration: .init(
                options: block, estimate: method == .tkfac ? .traceRestricted : .standard), seed: seed))
        case .ekfac, .tekfac:
            return try withAdaptation(EKFAC(model: model, options: optimizerOptions(rate), configuration: .init(
                options: blockOptions(route: .eigen), estimate: method == .tekfac ? .traceRestricted : .standard),
                seed: seed))
        case .rsKFAC, .sreKFAC, .bKFAC, .brKFAC, .bKFACc:
            let kept: LowRankKFACBlock<Scalar>.Method
            switch method {
            case .rsKFAC: kept = .randomizedSVD
            case .sreKFAC: kept = .randomizedEVD
            case .bKFAC: kept = .brand
            case .brKFAC: kept = .brandWithRandomizedRefresh
            default: kept = .brandWithCorrection
            }
            return try withAdaptation(LowRankKFAC(model: model, options: optimizerOptions(rate), configuration: .init(
                options: blockOptions(route: .eigen), method: kept, rank: rank, seed: seed), seed: seed))
        case .singd, .ikfac:
            return try makeSINGD(kfacLike: method == .ikfac, model: model, rate: rate, seed: seed)
        }
    }

    /// `optimizer` wrapped for tuning-free steps when ``adaptive`` is on, else itself.
    private func withAdaptation<Block: AdjustableDampingBlock>(_ optimizer: KroneckerFactoredOptimizer<Block>) throws
        -> any Optimizer<Block.Scalar> {
        guard adaptive else { return optimizer }
        return try AdaptiveKroneckerFactoredOptimizer(optimizer)
    }

    /// SINGD with `K` and `C` in the chosen structures: each choice names a type, and the
    /// optimizer is built for that pair (the generic parameters fixed here, once).
    private func makeSINGD<Scalar: LinearAlgebraScalar>(kfacLike: Bool, model: Sequential<Scalar>, rate: Double,
                                                         seed: UInt64) throws -> any Optimizer<Scalar> {
        func withInput<K: StructuredMatrixAlgebra<Scalar>>(_: K.Type) throws -> any Optimizer<Scalar> {
            func withOutput<C: StructuredMatrixAlgebra<Scalar>>(_: C.Type) throws -> any Optimizer<Scalar> {
                // SINGD inverts nothing: T_inv is not its option, and its refresh does nothing.
                try SINGD<K, C>(model: model, options: optimizerOptions(rate, inverseUpdatePeriod: Self.defaults.inverseUpdatePeriod),
                                configuration: .init(
                    damping: singdDamping, kfacLike: kfacLike, weightSharing: weightSharing), seed: seed)
            }
            return try withOutput(structures.output.type(Scalar.self))
        }
        return try withInput(structures.input.type(Scalar.self))
    }

    /// The update's options of every curvature method.
    private func optimizerOptions(_ rate: Double, inverseUpdatePeriod: Int? = nil) -> KroneckerOptimizerOptions {
        KroneckerOptimizerOptions(
            learningRate: rate, momentum: momentum, weightDecay: weightDecay, klClip: klClip,
            factorUpdatePeriod: factorUpdatePeriod, inverseUpdatePeriod: inverseUpdatePeriod ?? self.inverseUpdatePeriod,
            curvature: curvature, schedule: schedule)
    }

    /// The K-FAC family's block options.
    private func blockOptions(route: KroneckerBlockOptions.Route) -> KroneckerBlockOptions {
        KroneckerBlockOptions(damping: damping, factorDecay: factorDecay, weightSharing: weightSharing, route: route,
                              piDamping: piDamping)
    }
}
