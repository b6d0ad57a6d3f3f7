import DenseLinearAlgebra
import NeuralNetworks
import Testing

/// The store points of a network wrapped by `storing(in:)` (Notes/LowPrecision.md): every
/// value it stores is a value of the format, and the loss scale cancels exactly.
@Suite("Networks storing in bfloat16 and float16")
struct StorageRoundingTests {
    static func network(seed: UInt64) throws -> Sequential<Float> {
        var generator = Xoshiro256StarStar(seed: seed)
        return try Sequential<Float>([
            Dense(inputSize: 6, outputSize: 7, using: &generator), Activation(.tanh, size: 7),
            Dense(inputSize: 7, outputSize: 4, bias: false, using: &generator),
        ])
    }

    func isStored(_ matrix: Matrix<Float>, _ precision: StoragePrecision) -> Bool {
        matrix.withUnsafeBufferPointer { precision.holdsOnlyStoredValues($0) }
    }

    @Test(arguments: [StoragePrecision.bfloat16, .float16])
    func everyStoredValueIsAFormatValue(_ precision: StoragePrecision) throws {
        var generator = Xoshiro256StarStar(seed: 7)
        let plain = try Self.network(seed: 3)
        var model = try plain.storing(in: precision)
        #expect(model.storagePrecision == precision && plain.storagePrecision == nil)
        #expect(model.parameterizedLayerCount == 2)
        #expect(model.parameters == plain.parameters.map { precision.rounded($0) })
        let input = precision.rounded(try Matrix<Float>.randomGaussian(rows: 6, columns: 5, using: &generator))
        let target = try Matrix<Float>.oneHot([0, 1, 2, 3, 0], classCount: 4)
        let loss = try ScaledRoundedLoss(SoftmaxCrossEntropy<Float>(), precision: precision)
        let (_, output) = try model.computeGradients(input: input, target: target, loss: loss)
        #expect(isStored(output, precision))
        for layer in model.parameterizedLayers {
            #expect(isStored(layer.inputs, precision) && isStored(layer.outputGradients, precision)
                        && isStored(layer.weightGradient, precision))
        }
        // The output is the rounded product of stored values, accumulated in Float.
        var expected = try Matrix<Float>(rows: 7, columns: 5)
        let withOnes = try Matrix(stackingRows: [input, Matrix(rows: 1, columns: 5, repeating: 1)], columns: 5)
        try Matrix.multiply(model.parameters[0], withOnes, into: &expected)
        #expect(model.parameterizedLayers[0].inputs == withOnes)
        var first = try Sequential<Float>([model.layers[0]])
        #expect(try first.forward(input) == precision.rounded(expected))
        // An update is rounded on store.
        let update = try Matrix<Float>(rows: 7, columns: 7, repeating: 1e-3)
        try model.apply(update: update, scaledBy: -0.37, toParameterizedLayer: 0)
        #expect(isStored(model.parameters[0], precision))
    }

    /// With a power-of-two loss scale and no overflow or underflow, scaling and unscaling are
    /// exact, so the captured gradients equal those of the unscaled pass bit for bit.
    @Test(arguments: [StoragePrecision.bfloat16, .float16])
    func lossScaleCancelsExactly(_ precision: StoragePrecision) throws {
        var generator = Xoshiro256StarStar(seed: 8)
        let input = precision.rounded(try Matrix<Float>.randomGaussian(rows: 6, columns: 5, using: &generator))
        let target = try Matrix<Float>.oneHot([3, 1, 2, 0, 0], classCount: 4)
        var unscaled = try Self.network(seed: 4).storing(in: precision)
        try unscaled.computeGradients(input: input, target: target,
                                      loss: ScaledRoundedLoss(SoftmaxCrossEntropy<Float>(), precision: precision))
        var scaled = try Self.network(seed: 4).storing(in: precision)
        try scaled.setLossScale(64)
        #expect(scaled.lossScale == 64)
        try scaled.computeGradients(input: input, target: target,
                                    loss: ScaledRoundedLoss(SoftmaxCrossEntropy<Float>(), precision: precision, scale: 64))
        for (a, b) in zip(unscaled.parameterizedLayers, scaled.parameterizedLayers) {
            #expect(a.weightGradient == b.weightGradient && a.outputGradients == b.outputGradients)
        }
    }

    @Test func badUsesThrow() throws {
        var plain = try Self.network(seed: 5)
        #expect(throws: LinearAlgebraError.self) { try plain.setLossScale(2) }
        var stored = try plain.storing(in: .bfloat16)
        #expect(throws: LinearAlgebraError.self) { try stored.storing(in: .float16) }
        #expect(try stored.storing(in: .bfloat16).parameters == stored.parameters)
        #expect(throws: LinearAlgebraError.self) { try stored.setLossScale(0) }
        #expect(throws: LinearAlgebraError.self) { try stored.setLossScale(.infinity) }
        #expect(throws: LinearAlgebraError.self) {
            try ScaledRoundedLoss(SoftmaxCrossEntropy<Float>(), precision: .float16, scale: -1)
        }
        // A weight beyond float16's range overflows when stored, and is refused.
        let big = try Sequential<Float>([Dense(weight: Matrix(rows: 2, columns: 3, repeating: 1e5), hasBias: true)])
        #expect(throws: LinearAlgebraError.self) { try big.storing(in: .float16) }
    }
}
