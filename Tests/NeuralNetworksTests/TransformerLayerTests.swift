import DenseLinearAlgebra
import NeuralNetworks
import Testing

@Suite("Transformer layers: backward passes against central differences (Double) and Double (Float)")
struct TransformerLayerTests {
    /// LayerNorm with a scale and shift away from `[1 | 0]`, so both columns are exercised.
    func shiftedLayerNorm(features: Int, positions: Int, seed: UInt64) throws -> LayerNorm<Double> {
        var generator = Xoshiro256StarStar(seed: seed)
        var layer = try LayerNorm<Double>(features: features, positions: positions)
        try layer.setWeight(Matrix.randomGaussian(rows: features, columns: 2, using: &generator))
        return layer
    }

    @Test func layerNormOverEachPosition() throws {
        try checkLayerGradients(shiftedLayerNorm(features: 5, positions: 3, seed: 1), batch: 2, seed: 2)
        try checkLayerGradients(shiftedLayerNorm(features: 1, positions: 2, seed: 3), batch: 1, seed: 4)
    }

    @Test func layerNormNormalisesEveryPosition() throws {
        var layer = try LayerNorm<Double>(features: 4, positions: 3)
        var generator = Xoshiro256StarStar(seed: 5)
        let x = try Matrix<Double>.randomGaussian(rows: 12, columns: 2, using: &generator).scaled(by: 10)
        let y = try layer.forward(x)
        for column in 0..<2 {
            for position in 0..<3 {
                let values = (0..<4).map { y[position * 4 + $0, column] }
                let mean = values.reduce(0, +) / 4
                let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4
                // x̂ has mean 0 and variance σ²/(σ² + ε) = 1 − O(ε/σ²), σ² ≈ 100 here.
                #expect(abs(mean) <= 1e-14 && abs(variance - 1) <= 1e-6)
            }
        }
    }

    @Test func positionEmbeddingAndResidual() throws {
        var generator = Xoshiro256StarStar(seed: 6)
        try checkLayerGradients(PositionEmbedding<Double>(features: 3, positions: 4, deviation: 1, using: &generator),
                                batch: 3, seed: 7)
        let residual = try Residual<Double>([
            try shiftedLayerNorm(features: 3, positions: 2, seed: 8),
            try Dense(inputSize: 3, outputSize: 3, sharedDimension: 2, using: &generator),
            try Activation(.gelu, size: 6),
        ])
        try checkLayerGradients(residual, batch: 2, seed: 9)
    }

    @Test(arguments: [false, true])
    func multiHeadSelfAttention(causal: Bool) throws {
        var generator = Xoshiro256StarStar(seed: 10)
        var layer = try MultiHeadSelfAttention<Double>(features: 6, positions: 4, heads: 3, causal: causal,
                                                       using: &generator)
        // Random biases too, and weights large enough that the softmax is far from uniform.
        for k in 0..<4 {
            try layer.updateTrainableLayer(k) { try $0.setWeight(Matrix.randomGaussian(rows: 6, columns: 7, using: &generator)) }
        }
        try checkLayerGradients(layer, batch: 2, seed: 11)
    }

    @Test func causalAttentionIgnoresLaterTokens() throws {
        var generator = Xoshiro256StarStar(seed: 12)
        var layer = try MultiHeadSelfAttention<Double>(features: 4, positions: 3, heads: 2, causal: true,
                                                       using: &generator)
        var x = try Matrix<Double>.randomGaussian(rows: 12, columns: 1, using: &generator)
        let before = try layer.forward(x)
        for row in 8..<12 { x[row, 0] += 1 }  // change the last token only
        let after = try layer.forward(x)
        #expect((0..<8).allSatisfy { before[$0, 0] == after[$0, 0] })
        #expect((8..<12).contains { before[$0, 0] != after[$0, 0] })
    }

    @Test func attentionRejectsHeadsThatDoNotDivideTheWidth() throws {
        var generator = Xoshiro256StarStar(seed: 13)
        #expect(throws: LinearAlgebraError.self) {
            try MultiHeadSelfAttention<Double>(features: 6, positions: 2, heads: 4, using: &generator)
        }
        #expect(throws: LinearAlgebraError.self) { try LayerNorm<Double>(features: 0) }
        #expect(throws: LinearAlgebraError.self) { try Residual<Double>([Dense(inputSize: 2, outputSize: 3, using: &generator)]) }
        var norm = try LayerNorm<Double>(features: 2)
        #expect(throws: LinearAlgebraError.self) { try norm.setWeight(Matrix(rows: 2, columns: 2, repeating: .nan)) }
        #expect(throws: LinearAlgebraError.self) { try norm.forward(Matrix(rows: 3, columns: 1)) }
    }

    /// A small ViT (two blocks, two heads, 4 tokens) on 4 × 4 images.
    func smallTransformer<Scalar: LinearAlgebraScalar>(_: Scalar.Type, seed: UInt64) throws -> Sequential<Scalar> {
        var generator = Xoshiro256StarStar(seed: seed)
        return try ReferenceModels.visionTransformer(height: 4, width: 4, patchSize: 2, width: 4, depth: 2, heads: 2,
                                                     mlpRatio: 2, classCount: 3, as: Scalar.self, using: &generator)
    }

    @Test func visionTransformerEndToEnd() throws {
        let network = try smallTransformer(Double.self, seed: 14)
        // Patch embedding, position table, per block 2 LayerNorms + 4 projections + 2 MLP layers, final LN, head.
        #expect(network.trainableLayerCount == 2 + 2 * 8 + 2)
        #expect(network.parameterizedLayerCount == 1 + 2 * 6 + 1)
        #expect(network.parameterizedLayers.dropLast().allSatisfy { $0.sharedDimension == 4 })
        var generator = Xoshiro256StarStar(seed: 15)
        let x = try Matrix<Double>.randomGaussian(rows: 16, columns: 3, using: &generator)
        try checkNetworkGradients(network, input: x, target: Matrix.oneHot([0, 2, 1], classCount: 3),
                                  loss: SoftmaxCrossEntropy<Double>())
    }

    @Test func floatGradientsAgreeWithDouble() throws {
        var double = try smallTransformer(Double.self, seed: 16)
        var single = try smallTransformer(Float.self, seed: 17)
        try single.setParameters(double.parameters.map { try Matrix<Float>(
            rows: $0.rows, columns: $0.columns, columnMajor: $0.elements.map(Float.init)) })
        var generator = Xoshiro256StarStar(seed: 18)
        let x = try Matrix<Double>.randomGaussian(rows: 16, columns: 4, using: &generator)
        let xFloat = try Matrix<Float>(rows: 16, columns: 4, columnMajor: x.elements.map(Float.init))
        let labels = [0, 1, 2, 1]
        _ = try double.computeGradients(input: x, target: Matrix.oneHot(labels, classCount: 3),
                                        loss: SoftmaxCrossEntropy<Double>())
        _ = try single.computeGradients(input: xFloat, target: Matrix.oneHot(labels, classCount: 3),
                                        loss: SoftmaxCrossEntropy<Float>())
        // Each forward and backward operation rounds with relative error ≤ d·eps_F ≈ 8·6e-8; about
        // 40 operations in sequence (LayerNorm's 1/σ and the softmax amplify by O(1) here) give
        // ≈ 2e-5 normwise. 1e-3 leaves margin while a wrong Float path (a missing term) is O(1).
        for (k, (a, b)) in zip(double.trainableLayers, single.trainableLayers).enumerated() {
            let widened = try Matrix<Double>(rows: b.weightGradient.rows, columns: b.weightGradient.columns,
                                             columnMajor: b.weightGradient.elements.map(Double.init))
            #expect(try relativeError(widened, a.weightGradient) <= 1e-3, "trainable layer \(k)")
        }
    }
}
