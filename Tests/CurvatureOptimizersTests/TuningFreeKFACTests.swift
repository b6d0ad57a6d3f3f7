import CurvatureOptimizers
import DenseLinearAlgebra
import Foundation
import KronKitTestSupport
import NeuralNetworks
import Testing

@Suite("Tuning-free K-FAC: quadratic model, Levenberg–Marquardt damping, adaptive steps")
struct TuningFreeKFACTests {
    /// `½ dᵀ(C + λI)d + ∇ᵀd` evaluated densely.
    static func modelValue(_ d: Matrix<Double>, _ c: Matrix<Double>, _ gradient: Matrix<Double>, damping: Double) throws -> Double {
        let cd = try c * d
        return 0.5 * (try d.elements.dot(cd.elements) + damping * d.elements.dot(d.elements)) + (try gradient.elements.dot(d.elements))
    }

    /// The model's parts `VᵀCV`, `VᵀV`, `Vᵀ∇` for the columns of `V`.
    static func quadraticModel(_ v: Matrix<Double>, _ c: Matrix<Double>, _ gradient: Matrix<Double>) throws -> QuadraticModel {
        func rows(_ m: Matrix<Double>) throws -> [[Double]] { try (0..<m.rows).map { try m.row($0) } }
        let curvature = try v.multiplied(by: c * v, transposingSelf: .transpose)
        let symmetric = try (curvature + curvature.transposed()).scaled(by: 0.5)
        return try QuadraticModel(curvature: rows(symmetric), gram: rows(v.gram(.transpose)),
                                  gradient: v.multiplied(by: gradient, transposingSelf: .transpose).elements)
    }

    /// The 2 × 2 solve against the dense minimiser `w* = −(Vᵀ(C + λI)V)⁻¹Vᵀ∇` by LU; the error
    /// bound is LU's, `30·2·eps·κ₂` of the 2 × 2 system (κ₂ from its eigenvalues), on top of the
    /// products that form it (`30·n·eps`, n = 6).
    @Test func twoByTwoSolveMatchesDirectMinimisation() throws {
        var generator = Xoshiro256StarStar(seed: 61)
        let b = try Matrix<Double>.randomGaussian(rows: 6, columns: 6, using: &generator)
        let c = try b.gram(.transpose)
        let v = try Matrix<Double>.randomGaussian(rows: 6, columns: 2, using: &generator)
        let gradient = try Matrix<Double>.randomGaussian(rows: 6, columns: 1, using: &generator)
        let damping = 0.3
        let model = try Self.quadraticModel(v, c, gradient)
        let w = try model.minimiser(damping: damping)
        var dampedC = c
        try dampedC.addToDiagonal(damping)
        let system = try v.multiplied(by: dampedC * v, transposingSelf: .transpose)
        let direct = try LUFactorization(system).solve(v.multiplied(by: gradient, transposingSelf: .transpose)).scaled(by: -1)
        let (s, d) = (system[0, 0] + system[1, 1], system[0, 0] - system[1, 1])
        let root = (d * d + 4 * system[0, 1] * system[1, 0]).squareRoot()
        let kappa = (s + root) / (s - root)
        let tolerance = kappa * (Tolerance.backward(Double.self, order: 2) + Tolerance.backward(Double.self, order: 6))
        #expect(maxDifference(w, direct.elements) <= tolerance * direct.elements.map(abs).max()!)
        // The model's value is the dense one at d = V·w, and w is a minimum along both axes.
        let step = try v * Matrix(column: w)
        let value = try Self.modelValue(step, c, gradient, damping: damping)
        #expect(abs(model.change(at: w, damping: damping) - value) <= tolerance * abs(value))
        for (k, h) in [(0, 1e-3), (0, -1e-3), (1, 1e-3), (1, -1e-3)] {
            var moved = w
            moved[k] += h
            #expect(model.change(at: moved, damping: damping) > model.change(at: w, damping: damping))
        }
    }

    /// With `δ = 0`, or `δ` parallel to `Δ`, the solve is the 1-D one: `α = −∇ᵀΔ / Δᵀ(C + λI)Δ`, `μ = 0`.
    @Test func oneDirectionAndDegenerateCases() throws {
        var generator = Xoshiro256StarStar(seed: 62)
        let c = try Matrix<Double>.randomGaussian(rows: 5, columns: 5, using: &generator).gram(.transpose)
        let delta = try Matrix<Double>.randomGaussian(rows: 5, columns: 1, using: &generator)
        let gradient = try Matrix<Double>.randomGaussian(rows: 5, columns: 1, using: &generator)
        let damping = 0.2
        let alpha = -(try gradient.elements.dot(delta.elements))
            / (try Self.modelValue(delta, c, Matrix(rows: 5, columns: 1), damping: damping) * 2)
        let tolerance = Tolerance.backward(Double.self, order: 5) * abs(alpha)
        let single = try Self.quadraticModel(delta, c, gradient).minimiser(damping: damping)
        #expect(single.count == 1 && abs(single[0] - alpha) <= tolerance)
        for second in [delta.scaled(by: 0), delta.scaled(by: 2)] {
            let v = try Matrix(rows: 5, columns: 2) { i, j in j == 0 ? delta[i, 0] : second[i, 0] }
            let w = try Self.quadraticModel(v, c, gradient).minimiser(damping: damping)
            #expect(abs(w[0] - alpha) <= tolerance && w[1] == 0, "\(w)")
        }
        #expect(throws: OptimizerError.self) { try QuadraticModel(curvature: [[1]], gram: [[1]], gradient: [1, 2]) }
        #expect(throws: OptimizerError.self) {
            try QuadraticModel(curvature: [[1, 2], [3, 1]], gram: [[1, 0], [0, 1]], gradient: [1, 2])
        }
        #expect(throws: OptimizerError.self) { try QuadraticModel(curvature: [[-1]], gram: [[1]], gradient: [1]).minimiser(damping: 0) }
    }

    @Test func levenbergMarquardtRuleOnHandMadeRatios() throws {
        var rule = try LevenbergMarquardtDamping(initialDamping: 1)
        let omega = 0.7737809374999998  // (19/20)^5
        #expect(abs(rule.options.factor - omega) <= 4 * Double.ulpOfOne)
        let steps: [(rho: Double, expected: Double)] = [
            (0.9, omega), (0.5, omega), (0.75, omega), (0.1, 1), (0.25, 1), (.nan, 1 / omega), (-3, 1 / (omega * omega)),
        ]
        for (rho, expected) in steps {
            rule.adapt(reductionRatio: rho)
            #expect(abs(rule.damping - expected) <= 8 * Double.ulpOfOne * expected, "ρ = \(rho): λ = \(rule.damping)")
        }
        var bounded = try LevenbergMarquardtDamping(initialDamping: 0.6, options: .init(minimum: 0.5, maximum: 0.7))
        bounded.adapt(reductionRatio: 0.9)
        #expect(bounded.damping == 0.5)
        bounded.adapt(reductionRatio: 0)
        bounded.adapt(reductionRatio: 0)
        #expect(bounded.damping == 0.7)
        #expect([0, 5, 10].allSatisfy(rule.adapts(atStep:)) && ![1, 4, 6].contains(where: rule.adapts(atStep:)))
        #expect(LevenbergMarquardtDamping.reductionRatio(actualChange: -1, predictedChange: -2) == 0.5)
        #expect(LevenbergMarquardtDamping.reductionRatio(actualChange: -1, predictedChange: 0).isNaN)
        #expect(throws: OptimizerError.self) { try LevenbergMarquardtDamping(initialDamping: 0) }
        #expect(throws: OptimizerError.self) { try LevenbergMarquardtDamping(initialDamping: 1, options: .init(decay: 1)) }
        #expect(throws: OptimizerError.self) { try LevenbergMarquardtDamping(initialDamping: 1, options: .init(period: 0)) }
        var object = try JSONCoding.object(rule)
        object["damping"] = -1
        #expect(throws: DecodingError.self) { try JSONCoding.decode(LevenbergMarquardtDamping.self, from: object) }
    }

    /// Two adaptive steps of K-FAC (exact GGN, `T_cov = T_inv = 1`, L2 weight `ω`, `T₁ = 1`)
    /// against the same steps computed by hand from the dense GGN: step 1 takes the 1-D
    /// coefficient `α`, step 2 the 2 × 2 `(α, μ)` with the previous update; each adapts `λ` by
    /// the rule with `ρ` from the losses. Tolerance: a 2-layer network's steps chain a few
    /// dozen backward-stable products of order `P`, bounded by `10³·P·eps` relative.
    @Test func adaptiveStepsMatchHandComputation() throws {
        let (weightDecay, initialDamping) = (0.01, 0.1)
        let loss = SoftmaxCrossEntropy<Double>()
        var model = try TestModels.tanhNetwork(Double.self, inputs: 3, hidden: 4, outputs: 2, seed: 63)
        let batches = try (0..<2).map {
            try TestModels.classificationBatch(Double.self, features: 3, classes: 2, batch: 6, seed: 64 + UInt64($0))
        }
        let base = try KFAC<Double>(
            model: model, options: .init(weightDecay: weightDecay, factorUpdatePeriod: 1, inverseUpdatePeriod: 1,
                                         curvature: .exactGGN),
            configuration: .init(options: .init(damping: initialDamping)))
        var adaptive = try AdaptiveKroneckerFactoredOptimizer(base, damping: .init(period: 1))
        let layout = ParameterShapes(model)
        var expectedRule = try LevenbergMarquardtDamping(initialDamping: initialDamping, options: .init(period: 1))
        var previous = [Double](repeating: 0, count: layout.parameterCount)
        for batch in batches {
            let theta = try layout.flatten(model.parameters)
            var probe = model
            let (loss0, _) = try probe.computeGradients(input: batch.input, target: batch.target, loss: loss)
            var gradient = try layout.flatten(probe.parameterizedLayers.map { $0.weightGradient })
            try gradient.add(theta, scaledBy: weightDecay)
            let lambda = expectedRule.damping
            _ = try adaptive.step(&model, input: batch.input, target: batch.target, loss: loss)
            // The blocks as they preconditioned this step (refreshed before it), at its damping.
            let blocks = try adaptive.base.blocks.map { block in
                var copy = block
                try copy.setDamping(lambda + weightDecay)
                return copy
            }
            let preconditioner = try KroneckerFactoredPreconditioner(blocks: blocks, layout: layout)
            let delta = try preconditioner.apply(to: Matrix(column: gradient)).elements.map { -$0 }
            var ggn = try BruteForceCurvature.gaussNewton(
                probe, input: batch.input, outputHessian: BruteForceCurvature.softmaxHessian)
            try ggn.addToDiagonal(weightDecay)
            let hasPrevious = previous.contains { $0 != 0 }
            let v = try Matrix(rows: layout.parameterCount, columns: hasPrevious ? 2 : 1) { i, j in j == 0 ? delta[i] : previous[i] }
            var damped = ggn
            try damped.addToDiagonal(lambda)
            let system = try v.multiplied(by: damped * v, transposingSelf: .transpose)
            let g = try Matrix(column: gradient)
            let w = try LUFactorization(system).solve(v.multiplied(by: g, transposingSelf: .transpose)).scaled(by: -1)
            let update = try (v * w).elements
            var expectedTheta = theta
            try expectedTheta.add(update, scaledBy: 1)
            let tolerance = 1e3 * Double(layout.parameterCount) * Double.ulpOfOne
            let actualTheta = try layout.flatten(model.parameters)
            #expect(maxDifference(actualTheta, expectedTheta) <= tolerance * expectedTheta.map(abs).max()!)
            #expect(abs(adaptive.lastLearningRate - w[0, 0]) <= tolerance * abs(w[0, 0]))
            if hasPrevious { #expect(abs(adaptive.lastMomentum - w[1, 0]) <= tolerance * abs(w[1, 0])) }
            // ρ: actual change of h over the model's change without λ (with ω).
            let loss1 = try loss.value(output: model.predict(batch.input), target: batch.target)
            let actual = loss1 - loss0 + weightDecay * (try theta.dot(update) + 0.5 * update.dot(update))
            let predicted = try Self.modelValue(Matrix(column: update), ggn, g, damping: 0)
            expectedRule.adapt(reductionRatio: LevenbergMarquardtDamping.reductionRatio(actualChange: actual,
                                                                                       predictedChange: predicted))
            #expect(abs(adaptive.damping - expectedRule.damping) <= tolerance * expectedRule.damping,
                    "ρ = \(expectedRule.lastReductionRatio), λ = \(adaptive.damping)")
            #expect(adaptive.base.blocks.allSatisfy { abs($0.damping - (expectedRule.damping + weightDecay)) <= tolerance })
            previous = update
        }
    }

    /// Every Kronecker-factored method can be wrapped, and the wrapped runs reduce the loss of
    /// a logistic problem; a loss without a Hessian square root is refused.
    @Test func everyKroneckerFactoredMethodCanBeWrapped() throws {
        let batch = try TestModels.classificationBatch(Double.self, features: 6, classes: 3, batch: 64, seed: 65)
        let loss = SoftmaxCrossEntropy<Double>()
        func run<Block: AdjustableDampingBlock<Double>>(_ make: (Sequential<Double>) throws -> KroneckerFactoredOptimizer<Block>)
            throws -> (first: Double, last: Double) {
            var model = try TestModels.tanhNetwork(Double.self, inputs: 6, hidden: 8, outputs: 3, seed: 66)
            var optimizer = try AdaptiveKroneckerFactoredOptimizer(make(model))
            let losses = try (0..<20).map { _ in
                try optimizer.step(&model, input: batch.input, target: batch.target, loss: loss).loss
            }
            return (losses[0], losses[19])
        }
        let options = KFAC<Double>.Options(factorUpdatePeriod: 2, inverseUpdatePeriod: 4)
        let results = [
            try run { try KFAC(model: $0, options: options, configuration: .init()) },
            try run { try KFAC(model: $0, options: options, configuration: .init(options: .init(route: .inverse))) },
            try run { try EKFAC(model: $0, options: options, configuration: .init(estimate: .traceRestricted)) },
            try run { try LowRankKFAC(model: $0, options: options, configuration: .init(method: .brand, rank: 4)) },
        ]
        for (first, last) in results { #expect(last < 0.5 * first, "\(first) → \(last)") }
        var model = try TestModels.tanhNetwork(Double.self, inputs: 2, hidden: 3, outputs: 2, seed: 67)
        var adaptive = try AdaptiveKroneckerFactoredOptimizer(try KFAC<Double>(model: model, configuration: .init()))
        let small = try TestModels.classificationBatch(Double.self, features: 2, classes: 2, batch: 4, seed: 68)
        #expect(throws: OptimizerError.self) {
            try adaptive.step(&model, input: small.input, target: small.target, loss: LossWithoutHessian())
        }
    }

    /// The state decodes to itself, and corrupt states are refused when read (the bit-for-bit
    /// resume after a binary checkpoint is in `CheckpointTests`).
    @Test func corruptStatesAreRejected() throws {
        var model = try TestModels.tanhNetwork(Double.self, inputs: 3, hidden: 4, outputs: 2, seed: 69)
        var adaptive = try AdaptiveKroneckerFactoredOptimizer(try KFAC<Double>(
            model: model, options: .init(factorUpdatePeriod: 1, inverseUpdatePeriod: 1), configuration: .init()))
        let batch = try TestModels.classificationBatch(Double.self, features: 3, classes: 2, batch: 6, seed: 70)
        for _ in 0..<2 { _ = try adaptive.step(&model, input: batch.input, target: batch.target, loss: SoftmaxCrossEntropy()) }
        let object = try JSONCoding.object(adaptive)
        let decoded = try JSONCoding.decode(AdaptiveKroneckerFactoredOptimizer<KFACBlock<Double>>.self, from: object)
        #expect(try JSONCoding.encoder.encode(decoded) == JSONCoding.encoder.encode(adaptive))
        var wrongUpdates = object
        wrongUpdates["previousUpdate"] = try JSONCoding.object(["m": [Matrix<Double>.identity(2)]])["m"]
        #expect(throws: DecodingError.self) {
            try JSONCoding.decode(AdaptiveKroneckerFactoredOptimizer<KFACBlock<Double>>.self, from: wrongUpdates)
        }
        var wrongRule = object
        var rule = try #require(object["dampingRule"] as? [String: Any])
        rule["damping"] = 0
        wrongRule["dampingRule"] = rule
        #expect(throws: DecodingError.self) {
            try JSONCoding.decode(AdaptiveKroneckerFactoredOptimizer<KFACBlock<Double>>.self, from: wrongRule)
        }
    }
}
