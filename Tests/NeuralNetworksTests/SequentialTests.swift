import DenseLinearAlgebra
import Foundation
import NeuralNetworks
import Testing

@Suite("Sequential: parameters, checkpoints, updates, bad input")
struct SequentialTests {
    func smallNetwork(seed: UInt64) throws -> Sequential<Double> {
        var generator = Xoshiro256StarStar(seed: seed)
        return try Sequential([
            try Dense(inputSize: 4, outputSize: 6, using: &generator), try Activation(.relu, size: 6),
            try Dense(inputSize: 6, outputSize: 2, bias: false, using: &generator),
        ])
    }

    @Test func parametersRoundTripThroughCodable() throws {
        let network = try smallNetwork(seed: 40)
        #expect(network.trainableLayers.map { $0 is Dense<Double> } == [true, true])
        #expect(network.parameters.map { [$0.rows, $0.columns] } == [[6, 5], [2, 6]])
        let data = try JSONEncoder().encode(network.parameters)
        let restored = try JSONDecoder().decode([Matrix<Double>].self, from: data)
        var other = try smallNetwork(seed: 41)
        #expect(other.parameters != network.parameters)
        try other.setParameters(restored)
        #expect(other.parameters == network.parameters)
        var generator = Xoshiro256StarStar(seed: 1)
        let x = try Matrix<Double>.randomUniform(rows: 4, columns: 3, using: &generator)
        #expect(try other.predict(x) == network.predict(x))
    }

    @Test func convolutionGeometryDecodingValidates() throws {
        let geometry = try ConvolutionGeometry(inputHeight: 5, inputWidth: 4, inputChannels: 2, kernelHeight: 3,
                                               kernelWidth: 2, stride: 2, padding: 1)
        let data = try JSONEncoder().encode(geometry)
        #expect(try JSONDecoder().decode(ConvolutionGeometry.self, from: data) == geometry)
        // A corrupt checkpoint: stride 0 would divide by zero, a kernel larger than the input
        // would give a negative output size.
        let text = String(decoding: data, as: UTF8.self)
        for (field, bad) in [("\"stride\":2", "\"stride\":0"), ("\"kernelHeight\":3", "\"kernelHeight\":9")] {
            #expect(text.contains(field))
            let corrupt = Data(text.replacingOccurrences(of: field, with: bad).utf8)
            #expect(throws: LinearAlgebraError.self) { try JSONDecoder().decode(ConvolutionGeometry.self, from: corrupt) }
        }
    }

    @Test func applyUpdateIsAnAxpyOnTheCombinedWeight() throws {
        var network = try smallNetwork(seed: 42)
        let before = network.parameters[0]
        let update = try Matrix<Double>(rows: 6, columns: 5, repeating: 2)
        try network.apply(update: update, scaledBy: -0.25, toParameterizedLayer: 0)
        #expect(try network.parameters[0] == before + Matrix(rows: 6, columns: 5, repeating: -0.5))
    }

    @Test func initialisationIsDeterministicFromTheSeed() throws {
        #expect(try smallNetwork(seed: 43).parameters == smallNetwork(seed: 43).parameters)
        #expect(try smallNetwork(seed: 43).parameters != smallNetwork(seed: 44).parameters)
    }

    @Test func badInputsThrow() throws {
        var generator = Xoshiro256StarStar(seed: 45)
        var network = try smallNetwork(seed: 45)
        #expect(throws: LinearAlgebraError.self) { try Sequential<Double>([]) }
        #expect(throws: LinearAlgebraError.self) {
            try Sequential<Double>([try Dense(inputSize: 3, outputSize: 2, using: &generator),
                                    try Activation(.tanh, size: 3)])
        }
        #expect(throws: LinearAlgebraError.self) { try network.forward(Matrix(rows: 5, columns: 2)) }
        var nan = try Matrix<Double>(rows: 4, columns: 2)
        nan[0, 0] = .infinity
        #expect(throws: LinearAlgebraError.self) { try network.forward(nan) }
        _ = try network.forward(Matrix(rows: 4, columns: 2))
        #expect(throws: LinearAlgebraError.self) { try network.backward(Matrix(rows: 2, columns: 3)) }
        #expect(throws: LinearAlgebraError.self) { try network.setWeight(Matrix(rows: 6, columns: 4), ofParameterizedLayer: 0) }
        #expect(throws: LinearAlgebraError.self) { try network.setWeight(Matrix(rows: 6, columns: 5), ofParameterizedLayer: 2) }
        #expect(throws: LinearAlgebraError.self) {
            try network.apply(update: Matrix(rows: 1, columns: 1), scaledBy: 1, toParameterizedLayer: 0)
        }
        var infinite = try Matrix<Double>(rows: 6, columns: 5)
        infinite[2, 2] = .nan
        #expect(throws: LinearAlgebraError.self) { try network.setWeight(infinite, ofParameterizedLayer: 0) }
        let before = network.parameters
        #expect(throws: LinearAlgebraError.self) { try network.setParameters([before[0]]) }
        #expect(throws: LinearAlgebraError.self) { try network.setParameters([before[0], before[0]]) }
        #expect(network.parameters == before)
        #expect(throws: LinearAlgebraError.self) { try Dense<Double>(inputSize: 0, outputSize: 2, using: &generator) }
        #expect(throws: LinearAlgebraError.self) {
            try Dense<Double>(inputSize: 2, outputSize: 2, sharedDimension: 0, using: &generator)
        }
        #expect(throws: LinearAlgebraError.self) { try Dense<Double>(weight: Matrix(rows: 2, columns: 1), hasBias: true) }
        #expect(throws: LinearAlgebraError.self) { try Activation<Double>(.relu, size: 0) }
        #expect(throws: LinearAlgebraError.self) { try MeanPool<Double>(sharedDimension: 0, features: 2) }
        #expect(throws: LinearAlgebraError.self) { try Patchify<Double>(height: 6, width: 6, patchSize: 4) }
        #expect(throws: LinearAlgebraError.self) {
            try ConvolutionGeometry(inputHeight: 2, inputWidth: 2, inputChannels: 1, kernelHeight: 3, kernelWidth: 3)
        }
        #expect(throws: LinearAlgebraError.self) {
            try ConvolutionGeometry(inputHeight: 4, inputWidth: 4, inputChannels: 1, kernelHeight: 3, kernelWidth: 3,
                                    stride: 0)
        }
        let geometry = try ConvolutionGeometry(inputHeight: 4, inputWidth: 4, inputChannels: 1, kernelHeight: 3,
                                               kernelWidth: 3)
        #expect(throws: LinearAlgebraError.self) {
            try Conv2d<Double>(geometry: geometry, weight: Matrix(rows: 2, columns: 9), hasBias: true)
        }
        #expect(throws: LinearAlgebraError.self) {
            try Conv2d<Double>(geometry: geometry, outputChannels: 0, using: &generator)
        }
        #expect(throws: LinearAlgebraError.self) {
            try ConvolutionGeometry(inputHeight: 4, inputWidth: 4, inputChannels: 1, kernelHeight: 3, kernelWidth: 3,
                                    padding: Int.max / 2 + 1)
        }
        #expect(throws: LinearAlgebraError.self) {
            try ConvolutionGeometry(inputHeight: Int.max, inputWidth: 1, inputChannels: 1, kernelHeight: 1,
                                    kernelWidth: 1, padding: 1)
        }
        #expect(throws: LinearAlgebraError.self) {
            try ConvolutionGeometry(inputHeight: 1 << 32, inputWidth: 1 << 32, inputChannels: 1, kernelHeight: 1,
                                    kernelWidth: 1)
        }
        var unused = try Dense<Double>(inputSize: 2, outputSize: 2, using: &generator)
        #expect(try unused.perExampleWeightGradients().isEmpty)
        _ = try unused.forward(Matrix(rows: 2, columns: 3))
        #expect(throws: LinearAlgebraError.self) { try unused.perExampleWeightGradients() }
    }
}

@Suite("Flatten")
struct FlattenTests {
    @Test func flattenIsTheIdentityWithShapeChecks() throws {
        var layer = try Flatten<Double>(height: 2, width: 3, channels: 2)
        #expect(layer.inputSize == 12 && layer.outputSize == 12)
        var generator = Xoshiro256StarStar(seed: 3)
        let x = try Matrix<Double>.randomGaussian(rows: 12, columns: 5, using: &generator)
        #expect(try layer.forward(x) == x)
        #expect(try layer.backward(x) == x)
        #expect(throws: LinearAlgebraError.self) { try layer.forward(Matrix(rows: 11, columns: 5)) }
        #expect(throws: LinearAlgebraError.self) { try layer.backward(Matrix(rows: 12, columns: 4)) }
        #expect(throws: LinearAlgebraError.self) { try Flatten<Float>(height: 0, width: 3, channels: 1) }
    }
}
