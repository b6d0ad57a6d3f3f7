import DenseLinearAlgebra
import NeuralNetworks
import StructuredFactors
import Testing
@testable import CurvatureOptimizers

/// The vision transformer in bfloat16 and float16: the storage wrappers reach the layers inside
/// its residual blocks (LayerNorm, attention, GELU, position table), and one step of AdamW,
/// K-FAC (expand and reduce) and SINGD agrees with the same step in Float on rounded data.
@Suite("Low-precision training of the vision transformer")
struct LowPrecisionTransformerTests {
    /// A one-block ViT on 4 × 4 images in 2 × 2 patches (`R = 4` tokens of width 8, 2 heads,
    /// MLP 8 → 16 → 8), 3 classes, its weights rounded to `precision`; a batch of 8 rounded images.
    static func setUp(_ precision: StoragePrecision)
        throws -> (model: Sequential<Float>, input: Matrix<Float>, target: Matrix<Float>) {
        var generator = Xoshiro256StarStar(seed: 61)
        var model = try ReferenceModels.visionTransformer(height: 4, width: 4, patchSize: 2, width: 8, depth: 1,
                                                          heads: 2, classCount: 3, as: Float.self, using: &generator)
        try model.setParameters(model.parameters.map { precision.rounded($0) })
        let input = try Matrix<Float>.randomGaussian(rows: 16, columns: 8, using: &generator)
        let target = try Matrix<Float>.oneHot((0..<8).map { $0 % 3 }, classCount: 3)
        return (model, precision.rounded(input), target)
    }

    static let kfacOptions = LowPrecisionTrainingTests.kfacOptions
    /// K-FAC's damping here: the LayerNorm outputs make `tr A·tr G` about 150 on this batch, so
    /// `λ = 100` keeps `κ = 1 + tr A·tr G/λ` near 2.5 (at `λ = 1` the bound below would be vacuous).
    static let kfacDamping = 100.0

    static let cases: [LowPrecisionCase] = [
        .init(name: "adamw", make: { try Adam(model: $0, options: .init(weightDecay: 1e-2, decoupledWeightDecay: true)) },
              amplification: { _ in 1 }),
        .init(name: "kfac expand", make: {
            try KFAC(model: $0, options: kfacOptions,
                     configuration: .init(options: .init(damping: kfacDamping, weightSharing: .expand)), seed: 3)
        }, amplification: { try LowPrecisionTrainingTests.kroneckerAmplification($0, damping: kfacDamping) }),
        .init(name: "kfac reduce", make: {
            try KFAC(model: $0, options: kfacOptions,
                     configuration: .init(options: .init(damping: kfacDamping, weightSharing: .reduce)), seed: 3)
        }, amplification: { try LowPrecisionTrainingTests.kroneckerAmplification($0, damping: kfacDamping) }),
        .init(name: "singd diagonal", make: { try SINGD<DiagonalMatrix<Float>, DiagonalMatrix<Float>>(
            model: $0, options: kfacOptions, configuration: .init()) }, amplification: { _ in 2 }),
        .init(name: "singd dense", make: { try SINGD<DenseFactor<Float>, DenseFactor<Float>>(
            model: $0, options: kfacOptions, configuration: .init()) }, amplification: { _ in 2 }),
    ]

    /// Every layer of the transformer is reached: each trainable layer (the embedding, the
    /// position table, three LayerNorms, Q, K, V, O, the two MLP layers, the head) is a storage
    /// wrapper, and so is every layer of every residual body.
    @Test func everyLayerIsWrapped() throws {
        let (plain, _, _) = try Self.setUp(.bfloat16)
        let model = try plain.storing(in: .bfloat16)
        #expect(model.storagePrecision == .bfloat16)
        #expect(model.trainableLayerCount == plain.trainableLayerCount && model.trainableLayerCount == 12)
        #expect(model.trainableLayers.allSatisfy { ($0 as? any StorageRoundingLayer<Float>)?.precision == .bfloat16 })
        #expect(model.parameterizedLayerCount == plain.parameterizedLayerCount)
        #expect(model.parameters == plain.parameters)
        for layer in model.layers {
            guard let residual = layer as? StorageRoundedCompositeLayer<Residual<Float>> else { continue }
            #expect(residual.wrapped.body.storagePrecision == .bfloat16)
        }
        #expect(model.layers.filter { $0 is StorageRoundedCompositeLayer<Residual<Float>> }.count == 2)
    }

    /// One step in bfloat16 against the same step in Float from the same (rounded) weights and
    /// data, compared on the step's direction `V` (the momentum buffer, or Adam's first moment,
    /// after one step) of every trainable layer, as ``LowPrecisionTrainingTests/oneStepInBFloat16(_:)``.
    ///
    /// Bound (first order in `u = 2⁻⁸`): each stored value is the Float one times `(1 + δ)`,
    /// `|δ| ≤ u`. The longest chain of stores that reaches a direction (the embedding's) is
    /// `r = 32`: forward the embedding, `+ p`, LN, `Q/K/V`, the attention's mixed values, `W_O`,
    /// the residual sum, LN, the two MLP layers and GELU, the second sum, the final LN, the pool,
    /// the logits (15); backward the loss gradient and the 15 input gradients back down to the
    /// position table, the captured `g` and `∇W̃` (17). Every operation between two stores maps
    /// a relative error of its input to one of at most the same size in norm, to first order:
    /// its Jacobian times the input's norm over the output's norm is ≤ 1 for the Glorot-scaled
    /// GEMMs of unit-scale activations (`‖W‖₂ ≈ 1`), LayerNorm of unit-scale inputs (output of unit
    /// scale, Jacobian `(I − 11ᵀ/d − x̂x̂ᵀ/d)/σ`, a projection over `σ ≈ 1`), the softmax
    /// (`‖diag p − ppᵀ‖ ≤ 1/2` on scores below 1) and GELU (`|gelu′| ≤ 1.13` on `|x| ≲ 1`);
    /// the method amplifies by `κ` (``LowPrecisionCase/amplification``) and the stored direction
    /// is rounded once more: `‖V̂ − V‖ ≤ (1 + r·κ)·u·‖V‖`, 0.13–0.33·‖V‖ here, which a direction
    /// not computed (zero) or taken from another layer misses. Measured: 1.0–2.9·u on every layer
    /// and method (the position table and LayerNorms under K-FAC and SINGD ≤ 0.002·u). The
    /// every-value checks catch a missing store point.
    @Test(arguments: cases)
    func oneStepInBFloat16(_ method: LowPrecisionCase) throws {
        let precision = StoragePrecision.bfloat16
        let (start, input, target) = try Self.setUp(precision)
        let (directions, floatDirections, kappa, stored) = try LowPrecisionTrainingTests.oneStep(
            method, from: start, input: input, target: target, precision)
        #expect(directions.count == start.trainableLayerCount && floatDirections.count == directions.count,
                "\(method): one direction per trainable layer")
        let u = precision.unitRoundoff
        let bound = (1 + 32 * kappa) * u
        #expect(bound < 1, "\(method): κ = \(kappa) leaves the bound vacuous")
        for (k, (low, float)) in zip(directions, floatDirections).enumerated() {
            low.withUnsafeBufferPointer { #expect(precision.holdsOnlyStoredValues($0), "\(method) layer \(k)") }
            let norm = Double(Float.sqrt(float.reduce(0) { $0 + $1 * $1 }))
            let difference = Double(Float.sqrt(zip(low, float).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }))
            #expect(norm > 0 && difference <= bound * norm,
                    "\(method) layer \(k): ‖V̂ − V‖/‖V‖ = \(difference / norm), bound \(bound) (κ = \(kappa))")
        }
        for parameter in stored.parameters {
            parameter.withUnsafeBufferPointer { #expect(precision.holdsOnlyStoredValues($0)) }
        }
        #expect(stored.parameters != start.parameters)
    }

    /// After three steps every stored value of the network — each layer's output on a fresh
    /// forward pass, every captured `g` and parameter gradient, every weight — and every Float of
    /// the optimizer's state is a value of the format (bfloat16 and float16).
    @Test(arguments: cases)
    func everyStoredValueIsAFormatValue(_ method: LowPrecisionCase) throws {
        for precision in [StoragePrecision.bfloat16, .float16] {
            let (start, input, target) = try Self.setUp(precision)
            var model = try start.storing(in: precision)
            try check(method.make(model), model: &model, input: input, target: target, precision, name: method.name)
        }
    }

    func check<O: Optimizer<Float>>(_ wrapped: O, model: inout Sequential<Float>, input: Matrix<Float>,
                                    target: Matrix<Float>, _ precision: StoragePrecision, name method: String) throws {
        var optimizer = try LowPrecisionOptimizer(wrapped, precision: precision)
        for _ in 0..<3 { _ = try optimizer.step(&model, input: input, target: target, loss: SoftmaxCrossEntropy<Float>()) }
        #expect(optimizer.scaler.skippedSteps == 0, "\(method) \(precision)")
        func isStored(_ matrix: Matrix<Float>) -> Bool { matrix.withUnsafeBufferPointer { precision.holdsOnlyStoredValues($0) } }
        var x = input
        for (k, var layer) in model.layers.enumerated() {
            x = try layer.forward(x)
            #expect(isStored(x), "\(method) \(precision): output of layer \(k)")
        }
        for (k, layer) in model.trainableLayers.enumerated() {
            #expect(isStored(layer.weight) && isStored(layer.weightGradient), "\(method) \(precision): trainable layer \(k)")
            if let parameterized = layer as? any ParameterizedLayer<Float> {
                #expect(isStored(parameterized.outputGradients) && isStored(parameterized.inputs),
                        "\(method) \(precision): captures of trainable layer \(k)")
            }
        }
        let encoder = CheckpointTreeEncoder(tensorThreshold: 0)
        _ = try encoder.encode(optimizer.wrapped)
        for (tensor, path) in zip(encoder.tensors, encoder.tensorPaths) {
            guard case let .float(values) = tensor else { continue }
            values.withUnsafeBufferPointer { #expect(precision.holdsOnlyStoredValues($0), "\(method) \(path)") }
        }
    }

    /// A loss scale passes through the residual blocks and the attention to every wrapper
    /// inside: with a power-of-two scale (bfloat16 has Float's range, so nothing under- or
    /// overflows) scaling and unscaling are exact and every layer's captured gradients equal
    /// those of the unscaled pass bit for bit; a layer the scale did not reach would be off by 2¹⁰.
    @Test func lossScaleReachesEveryLayer() throws {
        let (start, input, target) = try Self.setUp(.bfloat16)
        var unscaled = try start.storing(in: .bfloat16)
        var scaled = unscaled
        try scaled.setLossScale(1024)
        #expect(scaled.trainableLayers.allSatisfy { ($0 as? any StorageRoundingLayer<Float>)?.lossScale == 1024 })
        let loss = SoftmaxCrossEntropy<Float>()
        try unscaled.computeGradients(input: input, target: target, loss: ScaledRoundedLoss(loss, precision: .bfloat16))
        try scaled.computeGradients(input: input, target: target,
                                    loss: ScaledRoundedLoss(loss, precision: .bfloat16, scale: 1024))
        for (k, (a, b)) in zip(unscaled.trainableLayers, scaled.trainableLayers).enumerated() {
            #expect(a.weightGradient == b.weightGradient, "trainable layer \(k)")
        }
        for (a, b) in zip(unscaled.parameterizedLayers, scaled.parameterizedLayers) {
            #expect(a.outputGradients == b.outputGradients)
        }
    }
}
