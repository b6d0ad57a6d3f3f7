import DenseLinearAlgebra
import Foundation
import NeuralNetworks
import StructuredFactors
import Testing
@testable import CurvatureOptimizers

/// A method under test: its name, how to build it for a model, and `κ`, the factor by which its
/// preconditioner can amplify a relative perturbation of the gradient and the captures (1 for a
/// plain gradient step; derived per method in ``LowPrecisionTrainingTests/oneStepInBFloat16``).
struct LowPrecisionCase: CustomStringConvertible, Sendable {
    var name: String
    var make: @Sendable (Sequential<Float>) throws -> any Optimizer<Float>
    var amplification: @Sendable (Sequential<Float>) throws -> Double
    var description: String { name }
}

@Suite("Low-precision training: rounding policy, loss scaling, reported failures, exact resume")
struct LowPrecisionTrainingTests {
    static let (features, classes, hidden, batch) = (5, 3, 8, 16)
    /// Every K-FAC-family method updates its factors and refreshes at each step, without KL
    /// clipping (a clip factor is a non-smooth function of the step) and with a damping of 1.
    static let kfacOptions = KroneckerOptimizerOptions(learningRate: 0.1, momentum: 0.9, klClip: nil,
                                                       factorUpdatePeriod: 1, inverseUpdatePeriod: 1)
    static let blockOptions = KroneckerBlockOptions(damping: 1)

    /// `1 + tr(A)·tr(G)/λ` for each layer (the largest): a bound on the condition number of the
    /// damped Kronecker curvature `A ⊗ G + λI` from the layer's captures (`tr A = ‖ã‖²/(bR)`,
    /// `tr G = b·‖g‖²`), which bounds how much the damped inverse amplifies a relative error of
    /// its factors or of the gradient [Higham 2002, Thm. 7.2].
    static func kroneckerAmplification(_ model: Sequential<Float>) throws -> Double {
        try kroneckerAmplification(model, damping: blockOptions.damping)
    }

    /// ``kroneckerAmplification(_:)`` for another damping `λ`.
    static func kroneckerAmplification(_ model: Sequential<Float>, damping: Double) throws -> Double {
        try model.parameterizedLayers.map { layer in
            let traceA = Double(try layer.inputs.gram(.none).trace()) / Double(layer.inputs.columns)
            let traceG = Double(layer.batchSize) * Double(try layer.outputGradients.gram(.none).trace())
            return 1 + traceA * traceG / damping
        }.max() ?? 1
    }

    static let cases: [LowPrecisionCase] = [
        .init(name: "sgd", make: { try StochasticGradientDescent(model: $0, options: .init(learningRate: 0.1)) },
              amplification: { _ in 1 }),
        .init(name: "adamw", make: { try Adam(model: $0, options: .init(weightDecay: 1e-2, decoupledWeightDecay: true)) },
              amplification: { _ in 1 }),
        .init(name: "kfac", make: { try KFAC(model: $0, options: kfacOptions, configuration: .init(options: blockOptions), seed: 3) },
              amplification: kroneckerAmplification),
        .init(name: "kfac-inverse", make: {
            try KFAC(model: $0, options: kfacOptions,
                     configuration: .init(options: .init(damping: 1, route: .inverse)), seed: 3)
        }, amplification: kroneckerAmplification),
        .init(name: "ekfac", make: { try EKFAC(model: $0, options: kfacOptions, configuration: .init(options: blockOptions)) },
              amplification: kroneckerAmplification),
        .init(name: "b-kfac", make: {
            try LowRankKFAC(model: $0, options: kfacOptions,
                            configuration: .init(options: blockOptions, method: .brand, rank: 4), seed: 3)
        }, amplification: kroneckerAmplification),
        // SINGD starts from K = C = I and moves them by one step of size β₁ = 1e-2: its
        // preconditioner C·Cᵀ·∇W·K·Kᵀ is a product of near-identity factors, κ ≈ 1 (taken as 2).
        .init(name: "singd dense", make: { try SINGD<DenseFactor<Float>, DenseFactor<Float>>(
            model: $0, options: kfacOptions, configuration: .init()) }, amplification: { _ in 2 }),
        .init(name: "singd diagonal", make: { try SINGD<DiagonalMatrix<Float>, DiagonalMatrix<Float>>(
            model: $0, options: kfacOptions, configuration: .init()) }, amplification: { _ in 2 }),
        .init(name: "singd toeplitz", make: { try SINGD<LowerTriangularToeplitz<Float>, UpperTriangularToeplitz<Float>>(
            model: $0, options: kfacOptions, configuration: .init()) }, amplification: { _ in 2 }),
        .init(name: "singd hierarchical", make: { try SINGD<HierarchicalFactor<Float>, HierarchicalFactor<Float>>(
            model: $0, options: kfacOptions,
            configuration: .init(inputLayout: .init(topLeftOrder: 2, bottomRightOrder: 1),
                                 outputLayout: .init(topLeftOrder: 1, bottomRightOrder: 1))) },
              amplification: { _ in 2 }),
        .init(name: "ikfac", make: { try SINGD<DenseFactor<Float>, DiagonalMatrix<Float>>(
            model: $0, options: kfacOptions, configuration: .init(kfacLike: true)) }, amplification: { _ in 2 }),
    ]

    /// The test network and batch, weights and data rounded to `precision` (so that the Float
    /// run starts from exactly the stored values).
    static func setUp(_ precision: StoragePrecision, inputScale: Float = 1) throws
        -> (model: Sequential<Float>, input: Matrix<Float>, target: Matrix<Float>) {
        var model = try TestModels.tanhNetwork(Float.self, inputs: features, hidden: hidden, outputs: classes, seed: 41)
        try model.setParameters(model.parameters.map { precision.rounded($0) })
        let (input, target) = try TestModels.classificationBatch(Float.self, features: features, classes: classes,
                                                                  batch: batch, seed: 42)
        return (model, precision.rounded(input.scaled(by: inputScale)), target)
    }

    /// One step in bfloat16 against the same step in Float from the same (rounded) weights and
    /// data, compared on the step's direction: the momentum buffer after the first step, which
    /// is the (preconditioned) gradient `V` itself (no KL clip, no weight decay, zero momentum
    /// before), so the weights' own rounding (`u·‖W‖`, larger than the update) does not mask it.
    ///
    /// Bound (first order in `u = 2⁻⁸`): the bfloat16 step rounds each stored value once,
    /// `x̂ = x(1 + δ)`, `|δ| ≤ u`. The longest chain of stores that reaches a direction in the
    /// two-layer tanh network is `r = 8` (`z₁`, `tanh z₁`, `z₂`, `∂L/∂z₂`, `W₂ᵀg`, `⊙ tanh′`, the
    /// captured `g` and `∇W̃`), each GEMM between them amplifying a relative error by at most
    /// `‖|W||a|‖/‖Wa‖ ≤ √d` (`d ≤ 9` here, so 3); the method's preconditioner amplifies it by
    /// `κ` (``LowPrecisionCase/amplification``); the stored direction is rounded once more. Hence
    /// `‖V̂ − V‖ ≤ (1 + 3·r·κ)·u·‖V‖` (the `O(u²)` terms are covered by the factor 3). A direction
    /// computed wrongly — not unscaled, rounded in the wrong place by a power of two, or not
    /// updated — misses it by far; the measured errors are 0.5–1.2·u, 25–90× below the bound.
    @Test(arguments: cases)
    func oneStepInBFloat16(_ method: LowPrecisionCase) throws {
        let precision = StoragePrecision.bfloat16
        let (start, input, target) = try Self.setUp(precision)
        let (directions, floatDirections, kappa, stored) = try Self.oneStep(method, from: start, input: input,
                                                                          target: target, precision)
        #expect(directions.count == 2 && floatDirections.count == 2, "\(method): one momentum buffer per layer")
        let u = precision.unitRoundoff
        for (k, (low, float)) in zip(directions, floatDirections).enumerated() {
            low.withUnsafeBufferPointer { #expect(precision.holdsOnlyStoredValues($0), "\(method) layer \(k)") }
            let norm = Double(Float.sqrt(float.reduce(0) { $0 + $1 * $1 }))
            let difference = Double(Float.sqrt(zip(low, float).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }))
            let bound = (1 + 3 * 8 * kappa) * u * norm
            #expect(norm > 0 && difference <= bound,
                    "\(method) layer \(k): ‖V̂ − V‖ = \(difference), bound \(bound) (κ = \(kappa))")
        }
        for parameter in stored.parameters {
            parameter.withUnsafeBufferPointer { #expect(precision.holdsOnlyStoredValues($0)) }
        }
    }

    /// One step of `method` in Float from `start` and one in `precision` from `start` stored:
    /// each run's directions (``velocities(_:)``), `κ` from the Float run's captures, and the
    /// low-precision model after its step.
    static func oneStep(_ method: LowPrecisionCase, from start: Sequential<Float>, input: Matrix<Float>,
                        target: Matrix<Float>, _ precision: StoragePrecision) throws
        -> (directions: [[Float]], floatDirections: [[Float]], kappa: Double, stored: Sequential<Float>) {
        let loss = SoftmaxCrossEntropy<Float>()
        var reference = start
        var floatOptimizer = try method.make(reference)
        _ = try floatOptimizer.step(&reference, input: input, target: target, loss: loss)
        var stored = try start.storing(in: precision)
        var optimizer = try lowPrecision(method.make(stored), precision)
        _ = try optimizer.step(&stored, input: input, target: target, loss: loss)
        return (try velocities(optimizer), try velocities(floatOptimizer), try method.amplification(reference), stored)
    }

    /// The momentum buffers (Adam: first moments `(1−β₁)·∇W` after one step) of `optimizer`'s
    /// state, wrapped or not, in layer order.
    static func velocities(_ optimizer: some Optimizer<Float>) throws -> [[Float]] {
        let encoder = CheckpointTreeEncoder(tensorThreshold: 0)
        _ = try encoder.encode(optimizer)
        return zip(encoder.tensors, encoder.tensorPaths).compactMap { tensor, path in
            guard path.contains("velocities") || path.contains("firstMoments"),
                  case let .float(values) = tensor else { return nil }
            return values
        }
    }

    /// `optimizer` wrapped to store its state in `precision`.
    static func lowPrecision<O: Optimizer<Float>>(_ optimizer: O, _ precision: StoragePrecision) throws
        -> any Optimizer<Float> {
        try LowPrecisionOptimizer(optimizer, precision: precision)
    }

    /// The whole optimizer state is stored values after every step, for every method.
    @Test(arguments: cases)
    func stateHoldsOnlyStoredValues(_ method: LowPrecisionCase) throws {
        for precision in [StoragePrecision.bfloat16, .float16] {
            let (start, _, _) = try Self.setUp(precision)
            try checkStoredState(method.make(start.storing(in: precision)), precision, name: method.name)
        }
    }

    func checkStoredState<O: Optimizer<Float>>(_ wrapped: O, _ precision: StoragePrecision, name method: String) throws {
        let (start, input, target) = try Self.setUp(precision)
        var model = try start.storing(in: precision)
        var optimizer = try LowPrecisionOptimizer(wrapped, precision: precision)
        for _ in 0..<3 { _ = try optimizer.step(&model, input: input, target: target, loss: SoftmaxCrossEntropy<Float>()) }
        let encoder = CheckpointTreeEncoder(tensorThreshold: 0)
        _ = try encoder.encode(optimizer.wrapped)
        #expect(!encoder.tensors.isEmpty)
        for (tensor, path) in zip(encoder.tensors, encoder.tensorPaths) {
            guard case let .float(values) = tensor else { continue }
            values.withUnsafeBufferPointer { #expect(precision.holdsOnlyStoredValues($0), "\(method) \(path)") }
        }
        #expect(optimizer.stateBytes == optimizer.stateSize * 2)
    }

    /// A bfloat16 or float16 run checkpointed at step 5 (its tensors stored as 16-bit words) and
    /// resumed follows the uninterrupted run bit for bit.
    @Test(arguments: [cases[2], cases[3], cases[7], cases[10]], [StoragePrecision.bfloat16, .float16])
    func resumeIsBitExact(_ method: LowPrecisionCase, _ precision: StoragePrecision) throws {
        let loss = SoftmaxCrossEntropy<Float>()
        let batches = try (0..<9).map {
            try TestModels.classificationBatch(Float.self, features: Self.features, classes: Self.classes,
                                               batch: Self.batch, seed: 200 + UInt64($0))
        }
        var model = try Self.setUp(precision).model.storing(in: precision)
        try resume(method.make(model), model: &model, batches: batches, loss: loss, precision: precision, name: method.name)
    }

    func resume<O: Optimizer<Float>>(_ optimizer: O, model: inout Sequential<Float>,
                                     batches: [(input: Matrix<Float>, target: Matrix<Float>)],
                                     loss: SoftmaxCrossEntropy<Float>, precision: StoragePrecision, name: String) throws {
        var optimizer = try LowPrecisionOptimizer(optimizer, precision: precision)
        for batch in batches[0..<5] { _ = try optimizer.step(&model, input: batch.input, target: batch.target, loss: loss) }
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("kronkit-lowprec-\(name.replacingOccurrences(of: " ", with: "-"))-\(precision).npz").path
        try TrainingCheckpoint(model: model, optimizer: optimizer).write(to: path)
        let tensors = try NumPyArchive.read(contentsOf: path).filter { $0.name.hasPrefix("tensors/") }
        // (SINGD's diagonal factors of this small network are below the tensor threshold: they
        // stay in the manifest, and there may be no tensor at all.)
        #expect(tensors.allSatisfy { String(decoding: $0.contents.prefix(40), as: UTF8.self).contains("<u2") },
                "\(name) \(precision): every tensor stored as 16-bit words")
        for batch in batches[5...] { _ = try optimizer.step(&model, input: batch.input, target: batch.target, loss: loss) }

        let checkpoint = try TrainingCheckpoint<LowPrecisionOptimizer<O>>.read(from: path)
        for parameter in checkpoint.parameters {
            parameter.withUnsafeBufferPointer { #expect(precision.holdsOnlyStoredValues($0)) }
        }
        var resumedModel = try TestModels.tanhNetwork(Float.self, inputs: Self.features, hidden: Self.hidden,
                                                      outputs: Self.classes, seed: 999).storing(in: precision)
        try checkpoint.restore(into: &resumedModel)
        var resumed = checkpoint.optimizer
        #expect(resumed.precision == precision)
        for batch in batches[5...] { _ = try resumed.step(&resumedModel, input: batch.input, target: batch.target, loss: loss) }
        #expect(resumedModel.parameters.map { $0.elements.map(\.bitPattern) } == model.parameters.map { $0.elements.map(\.bitPattern) },
                "\(name) \(precision) resumed bit for bit")
        #expect(resumed.stepCount == optimizer.stepCount)
    }

    /// The 16-bit checkpoint is the float32 one with every tensor value in 2 bytes instead of 4:
    /// written both ways (``TrainingCheckpoint/tensorWords`` set, and nil), the files differ by
    /// `2·n` bytes for the `n` values of the tensors, less the manifest's `tensorWords` entry
    /// (under 64 bytes); both read back to the same bits. A `-3` file (float32 tensors only, no
    /// `tensorWords`) is still read.
    @Test(arguments: [StoragePrecision.bfloat16, .float16])
    func checkpointStoresSixteenBitWords(_ precision: StoragePrecision) throws {
        let loss = SoftmaxCrossEntropy<Float>()
        var model = try TestModels.tanhNetwork(Float.self, inputs: 20, hidden: 32, outputs: 4, seed: 5).storing(in: precision)
        var optimizer = try LowPrecisionOptimizer(
            KFAC(model: model, options: Self.kfacOptions, configuration: .init(options: Self.blockOptions), seed: 3),
            precision: precision)
        let (input, target) = try TestModels.classificationBatch(Float.self, features: 20, classes: 4, batch: 16, seed: 6)
        for _ in 0..<2 { _ = try optimizer.step(&model, input: input, target: target, loss: loss) }
        let directory = FileManager.default.temporaryDirectory
        let (sixteen, thirtyTwo, older) = (directory.appendingPathComponent("kronkit-words-\(precision).npz").path,
                                           directory.appendingPathComponent("kronkit-floats-\(precision).npz").path,
                                           directory.appendingPathComponent("kronkit-format3-\(precision).npz").path)
        var checkpoint = TrainingCheckpoint(model: model, optimizer: optimizer)
        #expect(checkpoint.tensorWords == precision && checkpoint.format == "kronkit-checkpoint-5")
        try checkpoint.write(to: sixteen)
        checkpoint.tensorWords = nil
        try checkpoint.write(to: thirtyTwo)
        checkpoint.format = "kronkit-checkpoint-3"
        try checkpoint.write(to: older)

        let encoder = CheckpointTreeEncoder()
        _ = try encoder.encode(checkpoint)
        let values = encoder.tensors.reduce(0) { $0 + $1.count }
        func size(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        }
        let saved = try size(thirtyTwo) - size(sixteen)
        #expect(values > 1000 && saved <= 2 * values && saved > 2 * values - 64,
                "\(precision): \(saved) bytes saved for \(values) tensor values")
        let parametersOf = { (path: String) in
            try TrainingCheckpoint<LowPrecisionOptimizer<KFAC<Float>>>.read(from: path).parameters.map { $0.elements.map(\.bitPattern) }
        }
        let expected = model.parameters.map { $0.elements.map(\.bitPattern) }
        #expect(try parametersOf(sixteen) == expected && parametersOf(thirtyTwo) == expected && parametersOf(older) == expected)
        let restored = try TrainingCheckpoint<LowPrecisionOptimizer<KFAC<Float>>>.read(from: sixteen).optimizer
        let (a, b) = (CheckpointTreeEncoder(tensorThreshold: 0), CheckpointTreeEncoder(tensorThreshold: 0))
        _ = try a.encode(restored)
        _ = try b.encode(optimizer)
        #expect(zip(a.tensors, b.tensors).allSatisfy { pair in
            guard case let (.float(x), .float(y)) = pair else { return false }
            return x.map(\.bitPattern) == y.map(\.bitPattern)
        } && a.tensors.count == b.tensors.count)
    }
}
