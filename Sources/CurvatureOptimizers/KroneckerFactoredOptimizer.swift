import DenseLinearAlgebra
import Distributed
import KroneckerOperators
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
/// In one process at full precision, when a block gives its direction as parts (the low-rank
/// eigen route), the backward pass leaves every parameterised layer's `∇W̃ = g·ãᵀ` unformed (the
/// layers' `weightGradient` then keeps its last formed value) and the update folds the factors
/// into the momentum with the low-rank part, in one GEMM.
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
    /// - Parameters:
    ///   - model: the network whose layers are preconditioned.
    ///   - options: the options shared by every block (learning rate, momentum, curvature periods, …).
    ///   - configuration: the method's per-block settings; by default ``CurvatureBlock/defaultConfiguration``.
    ///   - seed: seeds the Monte-Carlo label sampling.
    /// - Throws: ``OptimizerError/invalidConfiguration(_:)`` for bad options.
    public init(model: Sequential<Scalar>, options: Options = Options(),
                configuration: Block.Configuration = Block.defaultConfiguration, seed: UInt64 = 0) throws {
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
        try step(&model, input: input, target: target, loss: loss, communicator: SingleProcessCommunicator())
    }

    /// The step on this process's slice of the global batch: gradients averaged (and their factors
    /// gathered where a block takes the rank-`B` form), factor statistics from the gathered
    /// captures, each layer's refresh on one process (greedy by cost) and its result broadcast
    /// (`DataParallelStep`, `Notes/Distributed.md`).
    public mutating func step<L: Loss>(_ model: inout Sequential<Scalar>, input: Matrix<Scalar>,
                                       target: Matrix<Scalar>, loss: L, communicator: any Communicator) throws
        -> StepResult<Scalar> where L.Scalar == Scalar {
        // One process at full precision: where a block gives its direction as parts, the layers'
        // ∇W = g·aᵀ is folded into the momentum with the low-rank part instead of being formed.
        let leavesGradientsFactored = communicator.size == 1 && model.storagePrecision == nil
            && blocks.contains { $0.givesPreconditionedParts }
        let (result, gradients) = try prepareStep(&model, input: input, target: target, loss: loss,
                                                  communicator: communicator,
                                                  formingParameterizedGradients: !leavesGradientsFactored)
        try applyUpdate(&model, gradients: gradients)
        stepCount += 1
        return result
    }

    /// A step up to the update: forward and backward passes, the scheduled factor update and
    /// refresh. Returns the batch's loss and output and the layers' gradients; the caller
    /// applies an update and calls ``finishStep()`` (the fixed rule here, the quadratic model
    /// in ``AdaptiveKroneckerFactoredOptimizer``). Without `formingParameterizedGradients` the
    /// parameterised layers' gradients are returned as their factors alone (their `weight` nil,
    /// the layers' own `weightGradient` left as it was), formed later only where needed.
    mutating func prepareStep<L: Loss>(_ model: inout Sequential<Scalar>, input: Matrix<Scalar>,
                                       target: Matrix<Scalar>, loss: L,
                                       communicator: any Communicator = SingleProcessCommunicator(),
                                       formingParameterizedGradients: Bool = true) throws
        -> (result: StepResult<Scalar>, gradients: [LayerGradient<Scalar>]) where L.Scalar == Scalar {
        try parameterShapes.validate(model)
        let kinds = try curvatureKinds(of: model)
        var result = StepResult(loss: Scalar(0), output: Matrix<Scalar>())
        var gradients: [LayerGradient<Scalar>] = []
        forwardBackwardSeconds += try PhaseTimings.seconds {
            let (value, output) = try model.computeGradients(
                input: input, target: target, loss: loss,
                forming: formingParameterizedGradients ? .parameterGradients : .otherTrainableLayerGradients)
            result = StepResult(loss: value, output: output)
            // Kept before the curvature estimate's extra backward passes overwrite `g`.
            gradients = model.trainableLayers.map {
                guard let layer = $0 as? any ParameterizedLayer<Scalar> else { return LayerGradient(weight: $0.weightGradient) }
                return LayerGradient(weight: formingParameterizedGradients ? layer.weightGradient : nil,
                                     factors: (layer.outputGradients, layer.inputs))
            }
        }
        if communicator.size > 1 {
            // Data-parallel hook 1: the global batch's mean loss and gradients, and the gradients' factors.
            try DataParallelStep.synchronize(&gradients, loss: &result.loss, block: Block.self, communicator: communicator)
        }
        if stepCount % options.factorUpdatePeriod == 0 {
            try updateCurvature(&model, output: result.output, target: target, loss: loss, kinds: kinds,
                                communicator: communicator)
        }
        if stepCount % options.inverseUpdatePeriod == 0 {
            if communicator.size > 1 {
                // Data-parallel hook 4: each block refreshed by its assigned process, the result broadcast.
                blocks = try DataParallelStep.refreshed(blocks, layers: kinds.kroneckerLayers, shapes: parameterShapes,
                                                        timings: &blockTimings, communicator: communicator)
            } else {
                for (index, layer) in zip(blocks.indices, kinds.kroneckerLayers) {
                    blockTimings[layer].inversion += try PhaseTimings.seconds { try blocks[index].refreshInverse() }
                }
            }
        }
        return (result, gradients)
    }

    /// Counts a step finished by a caller of ``prepareStep(_:input:target:loss:)``.
    mutating func finishStep() { stepCount += 1 }

    /// The extra backward passes of the curvature estimate, then each block's factor update.
    mutating func updateCurvature<L: Loss>(_ model: inout Sequential<Scalar>, output: Matrix<Scalar>,
                                           target: Matrix<Scalar>, loss: L, kinds: CurvatureKinds,
                                           communicator: any Communicator = SingleProcessCommunicator()) throws
        where L.Scalar == Scalar {
        var passes: [[Matrix<Scalar>]] = Array(repeating: [], count: blocks.count)
        forwardBackwardSeconds += try PhaseTimings.seconds {
            let batch = Scalar(output.columns)
            let outputGradients: [Matrix<Scalar>]
            switch options.curvature {
            case .empirical:
                outputGradients = []
            case .monteCarlo:
                // Data-parallel hook 2: the labels one process would sample for the whole batch, this slice's part.
                let sampled = communicator.size > 1
                    ? try DataParallelStep.sampledTargets(loss, output: output, using: &generator, communicator: communicator)
                    : try loss.sampleTargets(output: output, using: &generator)
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
                var capture = try LayerCapture(inputs: layer.inputs, outputGradientPasses: passes[index],
                                               batchSize: layer.batchSize, sharedDimension: layer.sharedDimension)
                // Data-parallel hook 3: the whole batch's capture, gathered from every process.
                if communicator.size > 1 { capture = try DataParallelStep.globalCapture(capture, communicator: communicator) }
                try blocks[index].updateCurvature(with: capture)
            }
        }
    }

    /// Preconditioning, KL clipping, weight decay, momentum and the parameter update. A block
    /// that gives its preconditioned gradient as parts `σ·∇W + L·Rᵀ` (the low-rank eigen route)
    /// never has it formed: `⟨V, ∇W⟩ = σ‖∇W‖² + ⟨L·Rᵀ, ∇W⟩`, then `m ← μm + νσ·∇W` in one pass and
    /// `m ← m + ν·L·Rᵀ` by one GEMM (`β = 1`, timed as the block's application). When `∇W = g·aᵀ`
    /// was left as its factors, `∇W` is never formed either: `‖∇W‖² = ⟨gᵀg, aᵀa⟩`, and
    /// `m ← μm + ν·[σg | L]·[a | R]ᵀ` is one GEMM of inner dimension `b + r` (the backward pass's
    /// `∇W` GEMM and the low-rank one merged, timed as the application).
    mutating func applyUpdate(_ model: inout Sequential<Scalar>, gradients: [LayerGradient<Scalar>]) throws {
        var gradients = gradients
        let directions = try preconditionedDirections(&gradients, kinds: curvatureKinds(of: model))
        let rate = options.schedule.rate(base: options.learningRate, step: stepCount)
        var clip = 1.0
        if let kappa = options.klClip {
            let inner = try zip(directions, gradients).reduce(0.0) { $0 + (try $1.0.innerProduct(with: $1.1)) }
            if inner > 0 { clip = Swift.min(1, (kappa / (rate * rate * inner)).squareRoot()) }
        }
        lastClipFactor = clip
        for index in velocities.indices {
            // m ← μm + νV + ωW, in place (every operand was checked against the layer's shape).
            switch directions[index] {
            case .matrix(let direction):
                try velocities[index].requireSameShape(as: direction, "K-FAC momentum")
                velocities[index].scale(by: Scalar(options.momentum))
                try velocities[index].add(direction, scaledBy: Scalar(clip))
            case .parts(let parts):
                if let (outputGradients, inputs) = gradients[index].unformedFactors {
                    blockTimings[index].application += try PhaseTimings.seconds {
                        try parts.accumulate(into: &velocities[index], decayingBy: Scalar(options.momentum),
                                             scaledBy: Scalar(clip), productOf: outputGradients, inputs)
                    }
                } else {
                    try velocities[index].scale(by: Scalar(options.momentum), adding: gradients[index].formedWeight(),
                                                scaledBy: Scalar(clip) * parts.scale)
                    blockTimings[index].application += try PhaseTimings.seconds {
                        try parts.addLowRankPart(to: &velocities[index], scaledBy: Scalar(clip))
                    }
                }
            }
            // The weight is read per layer (no copy held across the update: it then runs in place).
            if options.weightDecay > 0 {
                try velocities[index].add(model.trainableLayers[index].weight, scaledBy: Scalar(options.weightDecay))
            }
            try model.apply(update: velocities[index], scaledBy: Scalar(-rate), toParameterizedLayer: index)
        }
    }

    /// Every layer's gradient preconditioned by its block (see `preconditionedGradients(_:kinds:usingFactors:)`),
    /// as parts where the block gives them. A gradient left as its factors is formed (timed with
    /// the backward pass, whose GEMM it is) where the block gives no parts from the factors alone,
    /// and the block asked again with it.
    mutating func preconditionedDirections(_ gradients: inout [LayerGradient<Scalar>], kinds: CurvatureKinds) throws
        -> [PreconditionedDirection<Scalar>] {
        var directions: [PreconditionedDirection<Scalar>] = []
        for index in gradients.indices {
            var parts = try preconditionedParts(gradients[index], layer: index, kinds: kinds)
            if parts == nil, gradients[index].weight == nil {
                forwardBackwardSeconds += try PhaseTimings.seconds { try gradients[index].formWeight() }
                parts = try preconditionedParts(gradients[index], layer: index, kinds: kinds)
            }
            if let parts {
                directions.append(.parts(parts))
            } else {
                directions.append(.matrix(try preconditioned(gradients[index], layer: index, kinds: kinds,
                                                             usingFactors: true)))
            }
        }
        return directions
    }

    /// Trainable layer `index`'s Kronecker block's parts for `gradient`, timed as its application;
    /// nil for a diagonal block.
    private mutating func preconditionedParts(_ gradient: LayerGradient<Scalar>, layer index: Int,
                                              kinds: CurvatureKinds) throws -> ScaledPlusLowRank<Scalar>? {
        guard kinds.isKronecker(index) else { return nil }
        var parts: ScaledPlusLowRank<Scalar>?
        blockTimings[index].application += try PhaseTimings.seconds {
            parts = try blocks[kinds.slots[index]].preconditionedParts(gradient.weight, factoredAs: gradient.factors)
        }
        return parts
    }

    /// Every layer's gradient preconditioned by its block, timed as the blocks' application:
    /// through the gradient's factors when that is cheaper and `usingFactors` (false when the
    /// gradient is no longer `g·aᵀ`, e.g. with an L2 term added).
    mutating func preconditionedGradients(_ gradients: [LayerGradient<Scalar>], kinds: CurvatureKinds,
                                          usingFactors: Bool = true) throws -> [Matrix<Scalar>] {
        try gradients.indices.map { try preconditioned(gradients[$0], layer: $0, kinds: kinds, usingFactors: usingFactors) }
    }

    /// Trainable layer `index`'s gradient preconditioned by its block, timed as its application.
    private mutating func preconditioned(_ gradient: LayerGradient<Scalar>, layer index: Int, kinds: CurvatureKinds,
                                         usingFactors: Bool) throws -> Matrix<Scalar> {
        var preconditioned = Matrix<Scalar>()
        blockTimings[index].application += try PhaseTimings.seconds {
            let slot = kinds.slots[index]
            let weight = try gradient.formedWeight()
            guard kinds.isKronecker(index) else {
                preconditioned = try diagonalBlocks[slot].preconditioned(weight)
                return
            }
            if usingFactors, let (outputGradients, inputs) = gradient.factors {
                preconditioned = try blocks[slot].preconditioned(weight, factoredAs: outputGradients, times: inputs)
            } else {
                preconditioned = try blocks[slot].preconditioned(weight)
            }
        }
        return preconditioned
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

extension KroneckerFactoredOptimizer where Block: AdjustableDampingBlock {
    /// Sets every block's damping `λ` (see ``AdjustableDampingBlock`` for when it acts).
    /// - Throws: ``OptimizerError/invalidConfiguration(_:)`` unless `λ` is positive and finite.
    public mutating func setDamping(_ damping: Double) throws {
        for index in blocks.indices { try blocks[index].setDamping(damping) }
    }
}

/// A trainable layer's batch gradient, with its factors `∇W = g·aᵀ` for a parameterised layer,
/// kept for preconditioning.
struct LayerGradient<Scalar: LinearAlgebraScalar> {
    /// `∇W̃`; nil when the backward pass left a parameterised layer's gradient as its factors.
    var weight: Matrix<Scalar>?
    var factors: (outputGradients: Matrix<Scalar>, inputs: Matrix<Scalar>)? = nil

    /// `∇W̃`, formed from its factors when the backward pass left it out: the GEMM `g·ãᵀ` of the
    /// layer's own backward pass, so the same bits.
    /// - Complexity: `2·d_out·d_in·m` flops when it forms it.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` with neither `∇W̃` nor its factors.
    func formedWeight() throws -> Matrix<Scalar> {
        if let weight { return weight }
        guard let (outputGradients, inputs) = factors else {
            throw LinearAlgebraError.invalidArgument(operation: "LayerGradient", detail: "neither ∇W̃ nor its factors g, ã")
        }
        return try outputGradients.multiplied(by: inputs, transposingOther: .transpose)
    }

    /// The factors `g`, `ã` when `∇W̃` was left unformed (nil once it is formed, or without factors).
    var unformedFactors: (outputGradients: Matrix<Scalar>, inputs: Matrix<Scalar>)? { weight == nil ? factors : nil }

    /// Stores ``formedWeight()`` in ``weight``.
    mutating func formWeight() throws { weight = try formedWeight() }
}

/// Which block each trainable layer of a model has: ``slots``[k] is the index into `blocks`
/// (a parameterised layer) or into `diagonalBlocks` (any other trainable layer).
struct CurvatureKinds {
    /// Per trainable layer, its index among the blocks of its kind.
    var slots: [Int]
    /// The trainable-layer index of each Kronecker block, in block order.
    var kroneckerLayers: [Int]

    /// Whether trainable layer `index` has a Kronecker block (else a diagonal one).
    func isKronecker(_ index: Int) -> Bool {
        slots[index] < kroneckerLayers.count && kroneckerLayers[slots[index]] == index
    }
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
