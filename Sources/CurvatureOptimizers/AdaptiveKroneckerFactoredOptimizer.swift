import DenseLinearAlgebra
import NeuralNetworks

/// Tuning-free K-FAC for any Kronecker-factored optimizer (Martens & Grosse 2015, §6.5–7;
/// kfac-jax's adaptive learning rate, momentum and damping): the wrapped optimizer keeps
/// estimating and refreshing its curvature blocks on its schedule; this part replaces its
/// update rule.
///
/// Each step, with the objective `h(θ) = L(θ) + (ω/2)‖θ‖²` (`L` the batch-mean loss, `ω` the
/// wrapped optimizer's weight decay, treated as the L2 term kfac-jax calls `l2_reg`):
/// 1. the preconditioned direction `Δ = −P⁻¹∇h` from the blocks, damped by `λ + ω`;
/// 2. `α`, `μ` minimising the quadratic model
///    `M(αΔ + μδ) = ½(αΔ + μδ)ᵀ(G + (ω + λ)I)(αΔ + μδ) + ∇hᵀ(αΔ + μδ)` with the exact
///    ``GaussNewtonOperator`` `G` on the batch and `δ` the previous update (``QuadraticModel``:
///    a 2 × 2 solve, the 1-D case while `δ = 0`);
/// 3. the update `δ ← αΔ + μδ`, `θ ← θ + δ`;
/// 4. every `T₁` steps, one more forward pass for `h(θ + δ)` on the same batch, the reduction
///    ratio `ρ` against the model's prediction without `λ` (with `ω`; kfac-jax's default
///    `include_damping_in_quad_change = False`), and ``LevenbergMarquardtDamping`` adapts `λ`.
///
/// The wrapped optimizer's learning rate, schedule, momentum and KL clipping are not used (the
/// quadratic model chooses the step), and its momentum buffers stay zero. Its blocks' damping
/// starts as `λ₀ + ω` with `λ₀` the blocks' configured damping. The loss must be a
/// ``GaussNewtonLoss``.
///
/// - Complexity: per step the wrapped optimizer's forward, backward and curvature work, plus a
///   forward pass to build the GGN operator, one or two GGN-vector products (each about two
///   forward passes and a backward pass) and every `T₁` steps one forward pass: 3–9× a K-FAC
///   step at `T_cov = 10` on the tool's MLP, in 0.5–0.8× the steps (`Notes/RESULTS.md`).
public struct AdaptiveKroneckerFactoredOptimizer<Block: AdjustableDampingBlock>: Optimizer {
    public typealias Scalar = Block.Scalar

    /// The optimizer whose curvature blocks and schedule are used.
    public private(set) var base: KroneckerFactoredOptimizer<Block>
    /// The Levenberg–Marquardt rule and the current `λ`.
    public private(set) var dampingRule: LevenbergMarquardtDamping
    /// `δ`, the last update applied, one matrix per layer (zero before the first step).
    public private(set) var previousUpdate: [Matrix<Scalar>]
    /// `α` of the last step: the coefficient of `Δ = −P⁻¹∇h`, the learning rate the model chose.
    public private(set) var lastLearningRate: Double
    /// `μ` of the last step: the coefficient of the previous update, the momentum the model chose.
    public private(set) var lastMomentum: Double

    /// Tuning-free updates for `base`, starting from its blocks' damping.
    /// - Throws: ``OptimizerError/invalidConfiguration(_:)`` for a model without parameterised
    ///   layers or invalid rule options.
    public init(_ base: KroneckerFactoredOptimizer<Block>, damping options: LevenbergMarquardtDamping.Options = .init())
        throws {
        guard let first = base.blocks.first else {
            throw OptimizerError.invalidConfiguration("tuning-free K-FAC needs a model with a parameterised layer")
        }
        dampingRule = try LevenbergMarquardtDamping(initialDamping: first.damping, options: options)
        self.base = base
        previousUpdate = base.velocities.map { Matrix(shapeOf: $0) }
        lastLearningRate = .nan
        lastMomentum = .nan
        try self.base.setDamping(dampingRule.damping + base.options.weightDecay)
    }

    /// The wrapped method's name with `-adaptive`.
    public var name: String { base.name + "-adaptive" }
    public var stepCount: Int { base.stepCount }
    /// The wrapped optimizer's phases; the GGN products count as forward/backward time.
    public var timings: PhaseTimings { base.timings }
    /// The wrapped optimizer's state and `δ`.
    public var stateSize: Int { base.stateSize + previousUpdate.reduce(0) { $0 + $1.elements.count } }
    /// `λ`, the current damping of the quadratic model (the blocks use `λ + ω`).
    public var damping: Double { dampingRule.damping }

    public mutating func step<L: Loss>(_ model: inout Sequential<Scalar>, input: Matrix<Scalar>,
                                       target: Matrix<Scalar>, loss: L) throws -> StepResult<Scalar>
        where L.Scalar == Scalar {
        guard let gaussNewton = loss as? any GaussNewtonLoss<Scalar> else {
            throw OptimizerError.invalidConfiguration(
                "tuning-free K-FAC needs the exact GGN of a GaussNewtonLoss, got \(L.self)")
        }
        let weightDecay = base.options.weightDecay
        let (result, gradients) = try base.prepareStep(&model, input: input, target: target, loss: loss)
        let layout = base.parameterShapes
        let parameters = model.parameters
        var objective = gradients
        for index in objective.indices where weightDecay > 0 {
            var weight = try objective[index].formedWeight()
            try weight.add(parameters[index], scaledBy: Scalar(weightDecay))
            objective[index].weight = weight
        }
        let gradient = try layout.flatten(objective.map { try $0.formedWeight() })
        // With the L2 term the gradient is no longer g·aᵀ: precondition it densely.
        let kinds = try base.curvatureKinds(of: model)
        var direction = try layout.flatten(base.preconditionedGradients(objective, kinds: kinds,
                                                                        usingFactors: weightDecay == 0))
        direction.scale(by: -1)
        let previous = try layout.flatten(previousUpdate)
        let hasPrevious = previous.contains { $0 != 0 }
        let directions = hasPrevious ? [direction, previous] : [direction]
        var products: [[Scalar]] = []
        base.forwardBackwardSeconds += try PhaseTimings.seconds {
            let curvature = try GaussNewtonOperator(model: model, input: input, loss: gaussNewton)
            var block = try Matrix<Scalar>(rows: layout.parameterCount, columns: directions.count)
            for (j, vector) in directions.enumerated() { try block.setColumn(j, to: vector) }
            let images = try curvature.apply(to: block)
            products = try (0..<directions.count).map { try images.column($0) }
        }
        let quadratic = try Self.model(directions: directions, curvatureProducts: products, gradient: gradient,
                                       weightDecay: weightDecay)
        let weights = try quadratic.minimiser(damping: dampingRule.damping)
        var update = direction
        update.scale(by: Scalar(weights[0]))
        if hasPrevious { try update.add(previous, scaledBy: Scalar(weights[1])) }
        let updates = try layout.split(update)
        for (index, layerUpdate) in updates.enumerated() {
            try model.apply(update: layerUpdate, scaledBy: 1, toParameterizedLayer: index)
        }
        if dampingRule.adapts(atStep: base.stepCount) {
            var newLoss = 0.0
            base.forwardBackwardSeconds += try PhaseTimings.seconds {
                newLoss = Double(try loss.value(output: model.predict(input), target: target))
            }
            // h(θ + δ) − h(θ) with the L2 term: ω·(θᵀδ + ½‖δ‖²).
            let theta = try layout.flatten(parameters)
            let regularizer = weightDecay * (Double(try theta.dot(update)) + 0.5 * Double(try update.dot(update)))
            let rho = LevenbergMarquardtDamping.reductionRatio(
                actualChange: newLoss - Double(result.loss) + regularizer,
                predictedChange: quadratic.change(at: weights, damping: 0))
            dampingRule.adapt(reductionRatio: rho)
            try base.setDamping(dampingRule.damping + weightDecay)
        }
        previousUpdate = updates
        lastLearningRate = weights[0]
        lastMomentum = hasPrevious ? weights[1] : 0
        base.finishStep()
        return result
    }

    /// The quadratic model over `directions` from their GGN products: `A = VᵀGV + ω·VᵀV`
    /// (symmetrised: `vᵢᵀGvⱼ` and `vⱼᵀGvᵢ` differ by rounding), `D = VᵀV`, `b = Vᵀ∇h`.
    static func model(directions: [[Scalar]], curvatureProducts: [[Scalar]], gradient: [Scalar],
                      weightDecay: Double) throws -> QuadraticModel {
        let n = directions.count
        var curvature = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        var gram = curvature
        for i in 0..<n {
            for j in i..<n {
                gram[i][j] = Double(try directions[i].dot(directions[j]))
                let forward = Double(try directions[i].dot(curvatureProducts[j]))
                let backward = Double(try directions[j].dot(curvatureProducts[i]))
                curvature[i][j] = 0.5 * (forward + backward) + weightDecay * gram[i][j]
                (gram[j][i], curvature[j][i]) = (gram[i][j], curvature[i][j])
            }
        }
        return try QuadraticModel(curvature: curvature, gram: gram,
                                  gradient: try directions.map { Double(try $0.dot(gradient)) })
    }

    /// Decodes the optimizer and checks that its parts fit together.
    /// - Throws: `DecodingError.dataCorrupted` for an invalid wrapped optimizer or rule, or
    ///   previous updates that are not one per layer of its shapes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        base = try container.decode(KroneckerFactoredOptimizer<Block>.self, forKey: .base)
        dampingRule = try container.decode(LevenbergMarquardtDamping.self, forKey: .dampingRule)
        previousUpdate = try container.decode([Matrix<Scalar>].self, forKey: .previousUpdate)
        lastLearningRate = try container.decode(Double.self, forKey: .lastLearningRate)
        lastMomentum = try container.decode(Double.self, forKey: .lastMomentum)
        try DecodedState.requireOnePerLayer(previousUpdate, base.parameterShapes, decoder, "previous updates")
    }
}
