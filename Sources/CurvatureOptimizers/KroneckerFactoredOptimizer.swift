import DenseLinearAlgebra
import NeuralNetworks

/// The K-FAC family's optimizer: one curvature block per parameterised layer
/// (``KFACBlock`` for K-FAC and TKFAC, ``EKFACBlock`` for EKFAC and TEKFAC,
/// ``LowRankKFACBlock`` for RS-KFAC, SRE-KFAC, B-KFAC, B-R-KFAC and B-KFAC-c), a
/// ``DiagonalPreconditioner`` for every other trainable layer (LayerNorm, position
/// embeddings), a schedule for refreshing factors and inverses, KL clipping, momentum and
/// weight decay. Use the aliases ``KFAC``, ``EKFAC`` and ``LowRankKFAC``.
///
/// A step: forward and backward on the batch; every `factorUpdatePeriod` steps the
/// blocks fold in the layer captures (with `G` from the curvature estimate's extra
/// backward passes); every `inverseUpdatePeriod` steps they refresh their
/// factorisations; then each gradient is preconditioned, the update is KL-clipped
/// (`ν = min(1, √(κ / (η² Σ⟨V, ∇W⟩)))`, Ba et al. 2017), weight decay `ω·W` is
/// added, and momentum `m ← μm + (νV + ωW)`, `W ← W − ηm` is applied.
/// Derivations: `Notes/KFAC-family.md`.
public struct KroneckerFactoredOptimizer<Block: CurvatureBlock>: Optimizer {
    public typealias Scalar = Block.Scalar

    public typealias Options = KroneckerOptimizerOptions

    public let options: Options
    /// The configuration every block was built with.
    public let configuration: Block.Configuration
    /// One curvature block per parameterised layer, in model order (the order of
    /// ``/NeuralNetworks/Sequential/parameterizedLayers``).
    public private(set) var blocks: [Block]
    /// One diagonal preconditioner per trainable layer that is not parameterised, in model order.
    public private(set) var diagonalBlocks: [DiagonalPreconditioner<Scalar>]
    /// The momentum buffers `m`, one per trainable layer.
    public private(set) var velocities: [Matrix<Scalar>]
    public private(set) var stepCount: Int
    /// Seconds spent per trainable layer updating its block's factors, refreshing its inverse and
    /// preconditioning (its `forwardBackward` stays 0).
    public private(set) var blockTimings: [PhaseTimings]
    /// Seconds of the forward and backward passes (including the curvature estimate's).
    var forwardBackwardSeconds: Double
    /// The KL-clip factor ν of the last step.
    public private(set) var lastClipFactor: Double
    /// Samples the Monte-Carlo Fisher's labels.
    var generator: Xoshiro256StarStar
    public let parameterShapes: ParameterShapes

    /// An optimizer for `model`: one block per parameterised layer built with `configuration`,
    /// a ``DiagonalPreconditioner`` with its defaults per other trainable layer.
    /// - Parameter seed: seeds the Monte-Carlo label sampling.
    /// - Throws: ``OptimizerError/invalidConfiguration(_:)`` for bad options.
    public init(model: Sequential<Scalar>, options: Options = Options(), configuration: Block.Configuration,
                seed: UInt64 = 0) throws {
        try options.validate()
        self.options = options
        self.configuration = configuration
        blocks = try model.parameterizedLayers.map {
            try Block(inputSize: $0.weight.columns, outputSize: $0.weight.rows, configuration: configuration)
        }
        diagonalBlocks = try model.trainableLayers.filter { !($0 is any ParameterizedLayer<Scalar>) }.map {
            try DiagonalPreconditioner(rows: $0.weight.rows, columns: $0.weight.columns)
        }
        velocities = model.parameters.map { Matrix(shapeOf: $0) }
        stepCount = 0
        blockTimings = Array(repeating: PhaseTimings(), count: model.parameters.count)
        forwardBackwardSeconds = 0
        lastClipFactor = 1
        generator = Xoshiro256StarStar(seed: seed)
        parameterShapes = ParameterShapes(model)
    }

    public var name: String { Block.methodName(configuration) }

    public var stateSize: Int {
        velocities.reduce(0) { $0 + $1.elements.count } + blocks.reduce(0) { $0 + $1.stateSize }
            + diagonalBlocks.reduce(0) { $0 + $1.secondMoment.elements.count }
    }

    /// Per-layer diagnostics of the blocks.
    public var diagnostics: [CurvatureDiagnostics] { blocks.map { $0.diagnostics } }

    public var timings: PhaseTimings {
        var total = blockTimings.reduce(into: PhaseTimings()) { sum, block in
            sum.factorUpdate += block.factorUpdate
            sum.inversion += block.inversion
            sum.application += block.application
        }
        total.forwardBackward = forwardBackwardSeconds
        return total
    }

    public mutating func step<L: Loss>(_ model: inout Sequential<Scalar>, input: Matrix<Scalar>,
                                       target: Matrix<Scalar>, loss: L) throws -> StepResult<Scalar>
        where L.Scalar == Scalar {
        try parameterShapes.validate(model)
        let kinds = try curvatureKinds(of: model)
        var result: StepResult<Scalar>?
        var gradients: [LayerGradient<Scalar>] = []
        forwardBackwardSeconds += try PhaseTimings.seconds {
            let (value, output) = try model.computeGradients(input: input, target: target, loss: loss)
            result = StepResult(loss: value, output: output)
            // Kept before the curvature estimate's extra backward passes overwrite `g`.
            gradients = model.trainableLayers.map {
                guard let layer = $0 as? any ParameterizedLayer<Scalar> else { return LayerGradient(weight: $0.weightGradient) }
                return LayerGradient(weight: layer.weightGradient, factors: (layer.outputGradients, layer.inputs))
            }
        }
        guard let result else { preconditionFailure("the forward pass always sets the result") }
        if stepCount % options.factorUpdatePeriod == 0 {
            try updateCurvature(&model, output: result.output, target: target, loss: loss, kinds: kinds)
        }
        if stepCount % options.inverseUpdatePeriod == 0 {
            for (index, layer) in zip(blocks.indices, kinds.kroneckerLayers) {
                blockTimings[layer].inversion += try PhaseTimings.seconds { try blocks[index].refreshInverse() }
            }
        }
        try applyUpdate(&model, gradients: gradients, kinds: kinds)
        stepCount += 1
        return result
    }

    /// The extra backward passes of the curvature estimate, then each block's factor update.
    mutating func updateCurvature<L: Loss>(_ model: inout Sequential<Scalar>, output: Matrix<Scalar>,
                                           target: Matrix<Scalar>, loss: L, kinds: CurvatureKinds) throws
        where L.Scalar == Scalar {
        var passes: [[Matrix<Scalar>]] = Array(repeating: [], count: blocks.count)
        forwardBackwardSeconds += try PhaseTimings.seconds {
            let batch = Scalar(output.columns)
            let outputGradients: [Matrix<Scalar>]
            switch options.curvature {
            case .empirical:
                outputGradients = []
            case .monteCarlo:
                let sampled = try loss.sampleTargets(output: output, using: &generator)
                outputGradients = [try loss.valueAndGradient(output: output, target: sampled).gradient]
            case .exactGGN:
                guard let gaussNewton = loss as? any GaussNewtonLoss<Scalar> else {
                    throw OptimizerError.invalidConfiguration("the exact GGN needs a GaussNewtonLoss, got \(L.self)")
                }
                // Backpropagate h_c/b: the gradient of the mean loss carries the factor 1/b.
                outputGradients = try gaussNewton.hessianSquareRootColumns(output: output).map { $0.scaled(by: 1 / batch) }
            }
            if outputGradients.isEmpty {
                for (index, layer) in model.parameterizedLayers.enumerated() { passes[index] = [layer.outputGradients] }
            }
            for gradient in outputGradients {
                // Only the captured g is read: no weight gradients (the step's own were kept
                // above) and no gradient for the input data.
                try model.backward(gradient, producing: [])
                for (index, layer) in model.parameterizedLayers.enumerated() { passes[index].append(layer.outputGradients) }
            }
        }
        for (index, layer) in model.parameterizedLayers.enumerated() {
            blockTimings[kinds.kroneckerLayers[index]].factorUpdate += try PhaseTimings.seconds {
                let capture = try LayerCapture(inputs: layer.inputs, outputGradientPasses: passes[index],
                                               batchSize: layer.batchSize, sharedDimension: layer.sharedDimension)
                try blocks[index].updateCurvature(with: capture)
            }
        }
    }

    /// Preconditioning, KL clipping, weight decay, momentum and the parameter update.
    mutating func applyUpdate(_ model: inout Sequential<Scalar>, gradients: [LayerGradient<Scalar>],
                              kinds: CurvatureKinds) throws {
        var preconditioned: [Matrix<Scalar>] = []
        for (index, gradient) in gradients.enumerated() {
            blockTimings[index].application += try PhaseTimings.seconds {
                let slot = kinds.slots[index]
                if let (outputGradients, inputs) = gradient.factors {
                    preconditioned.append(try blocks[slot].preconditioned(gradient.weight, factoredAs: outputGradients,
                                                                          times: inputs))
                } else {
                    preconditioned.append(try diagonalBlocks[slot].preconditioned(gradient.weight))
                }
            }
        }
        let rate = options.schedule.rate(base: options.learningRate, step: stepCount)
        var clip = 1.0
        if let kappa = options.klClip {
            let inner = try zip(preconditioned, gradients).reduce(0.0) {
                $0 + Double(try $1.0.elements.dot($1.1.weight.elements))
            }
            if inner > 0 { clip = Swift.min(1, (kappa / (rate * rate * inner)).squareRoot()) }
        }
        lastClipFactor = clip
        let parameters = model.parameters
        for index in velocities.indices {
            // m ← μm + νV + ωW, in place (every operand was checked against the layer's shape).
            try velocities[index].requireSameShape(as: preconditioned[index], "K-FAC momentum")
            velocities[index].scale(by: Scalar(options.momentum))
            try velocities[index].add(preconditioned[index], scaledBy: Scalar(clip))
            if options.weightDecay > 0 { try velocities[index].add(parameters[index], scaledBy: Scalar(options.weightDecay)) }
            try model.apply(update: velocities[index], scaledBy: Scalar(-rate), toParameterizedLayer: index)
        }
    }

    /// Decodes an optimizer and checks that its state fits together.
    /// - Throws: `DecodingError.dataCorrupted` for invalid options, a step counter out of range, or
    ///   blocks, momenta and timings that are not one per layer of the recorded shapes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        options = try container.decode(Options.self, forKey: .options)
        configuration = try container.decode(Block.Configuration.self, forKey: .configuration)
        blocks = try container.decode([Block].self, forKey: .blocks)
        // Absent from checkpoints of models without such layers written before they existed.
        diagonalBlocks = try container.decodeIfPresent([DiagonalPreconditioner<Scalar>].self,
                                                       forKey: .diagonalBlocks) ?? []
        velocities = try container.decode([Matrix<Scalar>].self, forKey: .velocities)
        stepCount = try container.decode(Int.self, forKey: .stepCount)
        blockTimings = try container.decode([PhaseTimings].self, forKey: .blockTimings)
        forwardBackwardSeconds = try container.decode(Double.self, forKey: .forwardBackwardSeconds)
        lastClipFactor = try container.decode(Double.self, forKey: .lastClipFactor)
        generator = try container.decode(Xoshiro256StarStar.self, forKey: .generator)
        parameterShapes = try container.decode(ParameterShapes.self, forKey: .parameterShapes)
        try DecodedState.validate(decoder) { try options.validate() }
        try DecodedState.require(DecodedState.isCounter(stepCount), decoder, "step count \(stepCount) out of range")
        try DecodedState.requireOnePerLayer(velocities, parameterShapes, decoder, "momenta")
        try DecodedState.require(blocks.count + diagonalBlocks.count == parameterShapes.shapes.count
                                     && blockTimings.count == parameterShapes.shapes.count, decoder,
                                 "\(blocks.count) Kronecker and \(diagonalBlocks.count) diagonal blocks and "
                                     + "\(blockTimings.count) timings for \(parameterShapes.shapes.count) layers")
    }
}

/// A trainable layer's batch gradient, with its factors `∇W = g·aᵀ` for a parameterised layer,
/// kept for preconditioning.
struct LayerGradient<Scalar: LinearAlgebraScalar> {
    var weight: Matrix<Scalar>
    var factors: (outputGradients: Matrix<Scalar>, inputs: Matrix<Scalar>)? = nil
}

/// Which block each trainable layer of a model has: ``slots``[k] is the index into `blocks`
/// (a parameterised layer) or into `diagonalBlocks` (any other trainable layer).
struct CurvatureKinds {
    /// Per trainable layer, its index among the blocks of its kind.
    var slots: [Int]
    /// The trainable-layer index of each Kronecker block, in block order.
    var kroneckerLayers: [Int]
}

extension KroneckerFactoredOptimizer {
    /// Matches `model`'s trainable layers to the blocks.
    /// - Throws: ``OptimizerError/modelMismatch(_:)`` when the model has another number of
    ///   parameterised or other trainable layers than the optimizer has blocks.
    func curvatureKinds(of model: Sequential<Scalar>) throws -> CurvatureKinds {
        var kinds = CurvatureKinds(slots: [], kroneckerLayers: [])
        var diagonalCount = 0
        for (index, layer) in model.trainableLayers.enumerated() {
            if layer is any ParameterizedLayer<Scalar> {
                kinds.slots.append(kinds.kroneckerLayers.count)
                kinds.kroneckerLayers.append(index)
            } else {
                kinds.slots.append(diagonalCount)
                diagonalCount += 1
            }
        }
        guard kinds.kroneckerLayers.count == blocks.count, diagonalCount == diagonalBlocks.count else {
            throw OptimizerError.modelMismatch(
                "optimizer has \(blocks.count) Kronecker and \(diagonalBlocks.count) diagonal blocks, model has "
                    + "\(kinds.kroneckerLayers.count) parameterised and \(diagonalCount) other trainable layers")
        }
        return kinds
    }
}

/// K-FAC and TKFAC.
public typealias KFAC<Scalar: LinearAlgebraScalar> = KroneckerFactoredOptimizer<KFACBlock<Scalar>>
/// EKFAC and TEKFAC.
public typealias EKFAC<Scalar: LinearAlgebraScalar> = KroneckerFactoredOptimizer<EKFACBlock<Scalar>>
/// RS-KFAC, SRE-KFAC, B-KFAC, B-R-KFAC and B-KFAC-c.
public typealias LowRankKFAC<Scalar: LinearAlgebraScalar> = KroneckerFactoredOptimizer<LowRankKFACBlock<Scalar>>
