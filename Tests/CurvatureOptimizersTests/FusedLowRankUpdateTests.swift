@testable import CurvatureOptimizers
import DenseLinearAlgebra
import KroneckerOperators
import NeuralNetworks
import Testing

/// The K-FAC family's update when a block gives its preconditioned gradient as parts
/// `V = ∇W/λ + L·Rᵀ` (the low-rank eigen route): the optimizer never forms `V`, yet its momenta,
/// weights and KL-clip factor are those of the formula on the formed `V`
/// (`ν = min(1, √(κ / (η² Σ⟨V, ∇W⟩)))`, `m ← μm + νV + ωW`, `W ← W − ηm`), computed here
/// from the same state with `V` formed; the step does not form `∇W = g·aᵀ` either where the
/// factored form is taken. Every other path gives that formula bit for bit.
@Suite("The update folds the low-rank preconditioned gradient into the momentum without forming it")
struct FusedLowRankUpdateTests {
    /// The unfused update from the optimizer's state before a step: the clip factor, and per
    /// layer the momentum and weight after it, with the bounds of their distance to the fused
    /// step's (zero when no block gives parts: then the step must be the formula bit for bit).
    struct Expected<Scalar: LinearAlgebraScalar> {
        var clip = 1.0
        var clipBound = 0.0
        var momenta: [Matrix<Scalar>] = []
        var weights: [Matrix<Scalar>] = []
        var momentumBounds: [Double] = []
        var weightBounds: [Double] = []
        var usedParts = false
    }

    /// The largest entry of `|x − y|`.
    static func maxDifference<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, _ y: Matrix<Scalar>) -> Double {
        zip(x.elements, y.elements).reduce(0) { Swift.max($0, abs(Double($1.0) - Double($1.1))) }
    }

    /// The step `optimizer` is about to take, by the formula on the formed `V`, with the bounds
    /// of its rounding against the fused form. `u` is the unit roundoff; per layer with parts
    /// (`V = σ·∇W + L·Rᵀ`, `k` columns of `L`, `m` batch columns, `N = d_out·d_in` entries),
    /// `x ≥ |∇W|` (`|g|·|a|ᵀ` from the factors) and `p = 2‖L‖_F ≥ |L|·|R|ᵀ` entry by entry (Cauchy–Schwarz
    /// with orthonormal `R = U_A`, `|U_G|·|C′|·|U_A|ᵀ ≤ ‖C′‖_F = ‖L‖_F`, the 2 covering the
    /// bases' rounding), so `|V| ≤ v = σx + p`; `s = N + m + d_out + d_in + 2k + 8` terms enter
    /// the inner products (the `?dot`s of `N` terms, the core's sums over `m` and the factors'
    /// orders, the GEMM's `k`):
    /// - each inner product `Σ⟨V, ∇W⟩` is within `s·u·N·v·x` per layer of the exact one;
    /// - a binding clip factor `ν ∝ I^{-1/2}` then differs by at most `ν·(E_I/I + 8u)` (two errors,
    ///   half each through the square root, and its own roundings);
    /// - each momentum entry by `2(k + m + 8)·u·(μ|m| + ν·v + ω|W|) + |Δν|·v`, each weight entry
    ///   by `η` times that plus `2u·(|W| + η|m|)`, the two roundings of `W − ηm`.
    /// A layer without parts differs only through `Δν`: by `|Δν|·|V| + 4u·(μ|m| + ν|V| + ω|W|)`.
    static func expected<Scalar: LinearAlgebraScalar, Block: CurvatureBlock<Scalar>, L: Loss>(
        _ optimizer: KroneckerFactoredOptimizer<Block>, _ model: Sequential<Scalar>, input: Matrix<Scalar>,
        target: Matrix<Scalar>, loss: L
    ) throws -> Expected<Scalar> where L.Scalar == Scalar {
        var (reference, referenceModel) = (optimizer, model)
        let (_, gradients) = try reference.prepareStep(&referenceModel, input: input, target: target, loss: loss)
        let kinds = try reference.curvatureKinds(of: referenceModel)
        let directions = try reference.preconditionedGradients(gradients, kinds: kinds)
        let u = Double(Scalar.ulpOfOne) / 2
        let options = reference.options
        let rate = options.schedule.rate(base: options.learningRate, step: reference.stepCount)
        var result = Expected<Scalar>()
        var inner = 0.0, innerError = 0.0
        var entryBounds: [(v: Double, terms: Double)] = []
        for (index, gradient) in gradients.enumerated() {
            let weight = try gradient.formedWeight()
            inner += Double(try directions[index].elements.dot(weight.elements))
            guard kinds.isKronecker(index),
                  let parts = try reference.blocks[kinds.slots[index]].preconditionedParts(
                      weight, factoredAs: gradient.factors) else {
                entryBounds.append((0, 0))
                continue
            }
            result.usedParts = true
            // Materialised, the parts are the block's preconditioned gradient bit for bit.
            var formed = Matrix<Scalar>()
            try parts.materialize(adding: weight, into: &formed)
            #expect(formed.elements == directions[index].elements, "layer \(index)")
            var x = Double(weight.maxAbsoluteEntry), batch = 0.0
            let (rows, columns) = (Double(weight.rows), Double(weight.columns))
            if let (g, a) = gradient.factors {
                let magnitudes = try g.map { abs($0) }.multiplied(by: a.map { abs($0) }, transposingOther: .transpose)
                (x, batch) = (Swift.max(x, Double(magnitudes.maxAbsoluteEntry)), Double(g.columns))
                // ‖∇W‖² from the factors' Gram matrices (the step leaves ∇W = g·aᵀ unformed):
                // within (d_out + d_in + 2)·u·(Σ_j ‖g_j‖·‖a_j‖)², times σ.
                let columnNorms = (0..<g.columns).reduce(0.0) { sum, j in
                    let gj = (0..<g.rows).reduce(0.0) { $0 + Double(g[$1, j]) * Double(g[$1, j]) }
                    let aj = (0..<a.rows).reduce(0.0) { $0 + Double(a[$1, j]) * Double(a[$1, j]) }
                    return sum + (gj * aj).squareRoot()
                }
                innerError += (rows + columns + 2) * u * Double(parts.scale) * columnNorms * columnNorms
            }
            let k = Double(parts.left.columns)
            let v = Double(parts.scale) * x + 2 * Double(parts.left.frobeniusNorm)
            let entries = rows * columns
            innerError += (entries + batch + rows + columns + 2 * k + 8) * u * entries * v * x
            entryBounds.append((v, k + batch + 8))
        }
        if let kappa = options.klClip, inner > 0 { result.clip = Swift.min(1, (kappa / (rate * rate * inner)).squareRoot()) }
        if result.usedParts, result.clip < 1 { result.clipBound = result.clip * (innerError / inner + 8 * u) }
        for index in gradients.indices {
            let weight = referenceModel.trainableLayers[index].weight
            var momentum = reference.velocities[index]
            let (oldMomentum, oldWeight) = (Double(momentum.maxAbsoluteEntry), Double(weight.maxAbsoluteEntry))
            momentum.scale(by: Scalar(options.momentum))
            try momentum.add(directions[index], scaledBy: Scalar(result.clip))
            if options.weightDecay > 0 { try momentum.add(weight, scaledBy: Scalar(options.weightDecay)) }
            var updated = weight
            try updated.add(momentum, scaledBy: Scalar(-rate))
            result.momenta.append(momentum)
            result.weights.append(updated)
            let (v, terms) = entryBounds[index]
            let magnitude = v == 0 ? Double(directions[index].maxAbsoluteEntry) : v
            let sums = options.momentum * oldMomentum + result.clip * magnitude + options.weightDecay * oldWeight
            let momentumBound = v == 0
                ? (result.clipBound == 0 ? 0 : result.clipBound * magnitude + 4 * u * sums)
                : 2 * terms * u * sums + result.clipBound * v
            result.momentumBounds.append(momentumBound)
            result.weightBounds.append(momentumBound == 0 ? 0 : rate * momentumBound
                + 2 * u * (oldWeight + rate * Double(momentum.maxAbsoluteEntry)))
        }
        return result
    }

    /// `steps` steps of `optimizer`, each against ``expected(_:_:input:target:loss:)`` from the
    /// same state. Returns whether any step had a binding clip and whether any used parts.
    @discardableResult
    static func followsTheFormula<Scalar: LinearAlgebraScalar, Block: CurvatureBlock<Scalar>>(
        _ optimizer: inout KroneckerFactoredOptimizer<Block>, _ model: inout Sequential<Scalar>, batch: Int,
        steps: Int, _ label: String
    ) throws -> (clipped: Bool, usedParts: Bool) {
        let loss = SoftmaxCrossEntropy<Scalar>()
        var seen = (clipped: false, usedParts: false)
        for step in 0..<steps {
            let data = try TestModels.classificationBatch(Scalar.self, features: 4, classes: 3, batch: batch,
                                                          seed: 20 + UInt64(step))
            let expected = try Self.expected(optimizer, model, input: data.input, target: data.target, loss: loss)
            _ = try optimizer.step(&model, input: data.input, target: data.target, loss: loss)
            seen.clipped = seen.clipped || expected.clip < 1
            seen.usedParts = seen.usedParts || expected.usedParts
            #expect(abs(optimizer.lastClipFactor - expected.clip) <= expected.clipBound, "\(label), step \(step)")
            for index in expected.momenta.indices {
                let momentumError = Self.maxDifference(optimizer.velocities[index], expected.momenta[index])
                let weightError = Self.maxDifference(model.trainableLayers[index].weight, expected.weights[index])
                #expect(momentumError <= expected.momentumBounds[index], "\(label), step \(step), layer \(index) momentum")
                #expect(weightError <= expected.weightBounds[index], "\(label), step \(step), layer \(index) weight")
            }
        }
        return seen
    }

    func lowRankEigenRoute<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        for method in LowRankKFACBlock<Scalar>.Method.allCases {
            for (kappa, decay) in [(1e-6, 0.0), (1e-6, 1e-2), (1e6, 0.0), (1e6, 1e-2)] {
                // Batch 3: the 5 × 5 layer takes the factored form, the 3 × 6 one the dense; batch 40: both dense.
                for batch in [3, 40] {
                    var model = try TestModels.tanhNetwork(Scalar.self, inputs: 4, hidden: 4, outputs: 3, seed: 7)
                    var optimizer = try LowRankKFAC<Scalar>(
                        model: model, options: .init(learningRate: 0.05, momentum: 0.9, weightDecay: decay, klClip: kappa,
                                                     factorUpdatePeriod: 1, inverseUpdatePeriod: 2),
                        configuration: .init(options: .init(damping: 1e-2, route: .eigen), method: method, rank: 2), seed: 5)
                    let label = "\(method.rawValue), κ \(kappa), ω \(decay), batch \(batch), \(Scalar.self)"
                    let seen = try Self.followsTheFormula(&optimizer, &model, batch: batch, steps: 4, label)
                    #expect(seen.usedParts, "\(label): the rank-2 blocks give parts")
                    // The backward passes never formed ∇W = g·aᵀ: each layer's is still the initial zero.
                    #expect(model.parameterizedLayers.allSatisfy { $0.weightGradient.elements.allSatisfy { $0 == 0 } },
                            "\(label): ∇W left as its factors")
                    #expect(seen.clipped == (kappa < 1), "\(label): the clip binds exactly when κ is small")
                }
            }
        }
    }

    @Test func theLowRankEigenRouteFollowsTheFormulaWithoutFormingV() throws {
        try lowRankEigenRoute(Float.self)
        try lowRankEigenRoute(Double.self)
    }

    /// K-FAC on both routes, the low-rank inverse route, and the eigen route at full rank (whose
    /// complete decompositions take K-FAC's form) give no parts: the formula bit for bit.
    func unchangedPaths<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let options = KroneckerOptimizerOptions(learningRate: 0.05, momentum: 0.9, weightDecay: 1e-2, klClip: 1e-6,
                                                factorUpdatePeriod: 1, inverseUpdatePeriod: 2)
        for route in KroneckerBlockOptions.Route.allCases {
            var model = try TestModels.tanhNetwork(Scalar.self, inputs: 4, hidden: 4, outputs: 3, seed: 7)
            var kfac = try KFAC<Scalar>(model: model, options: options, configuration: .init(options: .init(route: route)))
            let seen = try Self.followsTheFormula(&kfac, &model, batch: 3, steps: 3, "K-FAC, \(route), \(Scalar.self)")
            #expect(!seen.usedParts && seen.clipped)
            #expect(model.parameterizedLayers.allSatisfy { $0.weightGradient.elements.contains { $0 != 0 } },
                    "K-FAC's backward passes form ∇W")
        }
        for (rank, route) in [(2, KroneckerBlockOptions.Route.inverse), (10, .eigen)] {
            var model = try TestModels.tanhNetwork(Scalar.self, inputs: 4, hidden: 4, outputs: 3, seed: 7)
            var lowRank = try LowRankKFAC<Scalar>(
                model: model, options: options,
                configuration: .init(options: .init(route: route), method: .randomizedEVD, rank: rank), seed: 5)
            let seen = try Self.followsTheFormula(&lowRank, &model, batch: 40, steps: 3,
                                                  "SRE-KFAC rank \(rank), \(route), \(Scalar.self)")
            #expect(!seen.usedParts && seen.clipped)
        }
    }

    @Test func everyOtherPathIsUnchangedBitForBit() throws {
        try unchangedPaths(Float.self)
        try unchangedPaths(Double.self)
    }
}
