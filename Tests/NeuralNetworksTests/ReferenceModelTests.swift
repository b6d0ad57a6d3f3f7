import DenseLinearAlgebra
import NeuralNetworks
import Testing

@Suite("Reference models: shapes, capture, determinism")
struct ReferenceModelTests {
    func runsForwardAndBackward<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 60)
        let data = try SyntheticGlyphs.generate(count: 4, as: Scalar.self, using: &generator)
        var models: [(String, Sequential<Scalar>, (LabeledDataSet<Scalar>) throws -> Matrix<Scalar>, any Loss<Scalar>)] = [
            ("mlp", try ReferenceModels.multilayerPerceptron(sizes: [256, 32, 10], using: &generator),
             { try $0.oneHotLabels }, SoftmaxCrossEntropy()),
            ("cnn", try ReferenceModels.smallConvolutionalNetwork(using: &generator), { try $0.oneHotLabels },
             SoftmaxCrossEntropy()),
            ("autoencoder", try ReferenceModels.deepAutoencoder(encoderSizes: [64, 16], using: &generator),
             { $0.features }, SigmoidBinaryCrossEntropy()),
            ("patches", try ReferenceModels.patchModel(using: &generator), { try $0.oneHotLabels }, SoftmaxCrossEntropy()),
        ]
        for k in models.indices {
            let (name, _, targets, loss) = models[k]
            let value = try models[k].1.computeGradients(input: data.features, target: try targets(data), loss: loss).loss
            #expect(value.isFinite, "\(name)")
            for layer in models[k].1.parameterizedLayers {
                #expect(layer.batchSize == 4, "\(name)")
                #expect(layer.inputs.columns == 4 * layer.sharedDimension, "\(name)")
                #expect(layer.inputs.rows == layer.weight.columns, "\(name)")
                #expect(layer.outputGradients.rows == layer.weight.rows, "\(name)")
                #expect(layer.weightGradient.rows == layer.weight.rows, "\(name)")
                #expect(layer.weightGradient.isFinite && layer.weightGradient.frobeniusNorm > 0, "\(name)")
            }
        }
        #expect(models[1].1.parameterizedLayers.map(\.sharedDimension) == [256, 64, 1])
        #expect(models[2].1.parameterizedLayers.map { $0.weight.rows } == [64, 16, 64, 256])
        #expect(models[2].1.layers.count == 4 + 2)  // code layer and output layer are linear
        #expect(models[3].1.parameterizedLayers.map(\.sharedDimension) == [16, 1])
        #expect(models[3].1.parameterizedLayers[0].weight.columns == 17)
    }

    @Test func everyModelRunsForwardAndBackward() throws {
        try runsForwardAndBackward(Float.self)
        try runsForwardAndBackward(Double.self)
    }

    @Test func emptyBatchesPassThrough() throws {
        var generator = Xoshiro256StarStar(seed: 62)
        for var model in [try ReferenceModels.smallConvolutionalNetwork(as: Double.self, using: &generator),
                          try ReferenceModels.patchModel(as: Double.self, using: &generator)] {
            let value = try model.computeGradients(input: Matrix(rows: 256, columns: 0),
                                                   target: Matrix(rows: 10, columns: 0), loss: SoftmaxCrossEntropy()).loss
            #expect(value == 0)
            for layer in model.parameterizedLayers {
                #expect(layer.batchSize == 0 && layer.weightGradient.maxAbsoluteEntry == 0)
            }
        }
    }

    @Test func modelsAreDeterministicFromTheSeed() throws {
        var a = Xoshiro256StarStar(seed: 61)
        var b = Xoshiro256StarStar(seed: 61)
        #expect(try ReferenceModels.smallConvolutionalNetwork(as: Float.self, using: &a).parameters
            == ReferenceModels.smallConvolutionalNetwork(as: Float.self, using: &b).parameters)
        #expect(throws: LinearAlgebraError.self) {
            try ReferenceModels.multilayerPerceptron(sizes: [3], as: Float.self, using: &a)
        }
        #expect(throws: LinearAlgebraError.self) {
            try ReferenceModels.deepAutoencoder(encoderSizes: [], as: Float.self, using: &a)
        }
        #expect(throws: LinearAlgebraError.self) {
            try ReferenceModels.patchModel(patchSize: 5, as: Float.self, using: &a)
        }
    }
}
