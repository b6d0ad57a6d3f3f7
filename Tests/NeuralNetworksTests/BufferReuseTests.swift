import DenseLinearAlgebra
import NeuralNetworks
import Testing

/// The layers overwrite their outputs, captures and gradients of the previous step in place
/// when the batch shape is unchanged. These tests check that this is invisible: a second step
/// gives exactly what a first step of a fresh network gives, and results a caller still holds
/// are never overwritten. Exact equality is the right check: reuse changes only where results
/// are stored, not which BLAS calls run on which operands.
@Suite("Layers reuse their buffers across steps without changing any result")
struct BufferReuseTests {
    /// conv 3×3 pad 1 (8 → 3 channels on 5×4 images) → ReLU → dense 60 → 7 → sigmoid → dense 7 → 3
    /// without bias: every layer kind that keeps buffers, and a padded im2col.
    static func network<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws -> Sequential<Scalar> {
        var generator = Xoshiro256StarStar(seed: 20)
        let geometry = try ConvolutionGeometry(inputHeight: 5, inputWidth: 4, inputChannels: 2, kernelHeight: 3,
                                               kernelWidth: 3, stride: 1, padding: 1)
        return try Sequential<Scalar>([
            try Conv2d(geometry: geometry, outputChannels: 3, using: &generator), try Activation(.relu, size: 60),
            try Dense(inputSize: 60, outputSize: 7, using: &generator), try Activation(.sigmoid, size: 7),
            try Dense(inputSize: 7, outputSize: 3, bias: false, using: &generator),
        ])
    }

    static func captures<Scalar>(_ network: Sequential<Scalar>) -> [[Matrix<Scalar>]] {
        network.parameterizedLayers.map { [$0.inputs, $0.outputGradients, $0.weightGradient] }
    }

    func secondStepEqualsAFreshFirstStep<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 21)
        let first = try Matrix<Scalar>.randomGaussian(rows: 40, columns: 4, using: &generator)
        let second = try Matrix<Scalar>.randomGaussian(rows: 40, columns: 4, using: &generator)
        let target = try Matrix<Scalar>.oneHot([0, 2, 1, 2], classCount: 3)
        let loss = SoftmaxCrossEntropy<Scalar>()
        var reused = try Self.network(Scalar.self)
        let firstOutput = try reused.computeGradients(input: first, target: target, loss: loss).output
        let secondOutput = try reused.computeGradients(input: second, target: target, loss: loss).output
        var fresh = try Self.network(Scalar.self)
        #expect(try fresh.computeGradients(input: second, target: target, loss: loss).output == secondOutput)
        #expect(Self.captures(reused) == Self.captures(fresh))
        // The first step's output, still held, is the first step's.
        var other = try Self.network(Scalar.self)
        #expect(try other.forward(first) == firstOutput)
        // And a batch of another size still works after the reuse.
        let odd = try Matrix<Scalar>.randomGaussian(rows: 40, columns: 3, using: &generator)
        var resized = try Self.network(Scalar.self)
        #expect(try reused.forward(odd) == resized.forward(odd))
    }

    @Test func secondStepEqualsAFreshFirstStep() throws {
        try secondStepEqualsAFreshFirstStep(Float.self)
        try secondStepEqualsAFreshFirstStep(Double.self)
    }

    func heldResultsAreNotOverwritten<Scalar: LinearAlgebraScalar>(_ layer: some Layer<Scalar>, seed: UInt64) throws {
        var generator = Xoshiro256StarStar(seed: seed)
        let inputs = try (0..<2).map { _ in try Matrix<Scalar>.randomGaussian(rows: layer.inputSize, columns: 3, using: &generator) }
        let gradients = try (0..<2).map { _ in try Matrix<Scalar>.randomGaussian(rows: layer.outputSize, columns: 3, using: &generator) }
        var reused = layer
        let firstOutput = try reused.forward(inputs[0])
        let firstInputGradient = try reused.backward(gradients[0])
        _ = try reused.forward(inputs[1])
        _ = try reused.backward(gradients[1])
        var reference = layer
        #expect(try reference.forward(inputs[0]) == firstOutput)
        #expect(try reference.backward(gradients[0]) == firstInputGradient)
    }

    @Test func heldResultsAreNotOverwritten() throws {
        var generator = Xoshiro256StarStar(seed: 22)
        let geometry = try ConvolutionGeometry(inputHeight: 4, inputWidth: 4, inputChannels: 2, kernelHeight: 3,
                                               kernelWidth: 3, stride: 2, padding: 1)
        try heldResultsAreNotOverwritten(Conv2d<Float>(geometry: geometry, outputChannels: 2, using: &generator), seed: 1)
        try heldResultsAreNotOverwritten(Conv2d<Double>(geometry: geometry, outputChannels: 2, using: &generator), seed: 2)
        try heldResultsAreNotOverwritten(Dense<Float>(inputSize: 5, outputSize: 4, using: &generator), seed: 3)
        try heldResultsAreNotOverwritten(Dense<Double>(inputSize: 5, outputSize: 4, bias: false, using: &generator), seed: 4)
        for kind in Activation<Double>.Kind.allCases {
            try heldResultsAreNotOverwritten(Activation<Float>(Activation<Float>.Kind(rawValue: kind.rawValue)!, size: 6),
                                             seed: 5)
            try heldResultsAreNotOverwritten(Activation<Double>(kind, size: 6), seed: 6)
        }
    }

    func partialBackwardPasses<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 23)
        let input = try Matrix<Scalar>.randomGaussian(rows: 40, columns: 4, using: &generator)
        let gradient = try Matrix<Scalar>.randomGaussian(rows: 3, columns: 4, using: &generator)
        let other = try Matrix<Scalar>.randomGaussian(rows: 3, columns: 4, using: &generator)
        var full = try Self.network(Scalar.self)
        _ = try full.forward(input)
        let inputGradient = try full.backward(gradient)
        #expect(inputGradient.rows == 40 && inputGradient.columns == 4)

        // Parameter gradients only: the same captures, and no gradient for the data.
        var parametersOnly = try Self.network(Scalar.self)
        _ = try parametersOnly.forward(input)
        #expect(try parametersOnly.backward(gradient, producing: .parameterGradients).columns == 0)
        #expect(Self.captures(parametersOnly) == Self.captures(full))

        // Nothing but g (the Monte-Carlo Fisher's pass): g as a full pass captures it, the
        // weight gradients of the previous pass kept.
        let kept = parametersOnly.parameterizedLayers.map { $0.weightGradient }
        try parametersOnly.backward(other, producing: [])
        var reference = try Self.network(Scalar.self)
        _ = try reference.forward(input)
        try reference.backward(other)
        #expect(parametersOnly.parameterizedLayers.map { $0.outputGradients } == reference.parameterizedLayers.map { $0.outputGradients })
        #expect(parametersOnly.parameterizedLayers.map { $0.weightGradient } == kept)
        #expect(kept != reference.parameterizedLayers.map { $0.weightGradient })
        // The input gradient alone, as the full pass computes it.
        var inputOnly = try Self.network(Scalar.self)
        _ = try inputOnly.forward(input)
        #expect(try inputOnly.backward(gradient, producing: .inputGradient) == inputGradient)
    }

    @Test func partialBackwardPasses() throws {
        try partialBackwardPasses(Float.self)
        try partialBackwardPasses(Double.self)
    }

    @Test func aForwardPassDropsTheLastOutputGradients() throws {
        var generator = Xoshiro256StarStar(seed: 24)
        var layer = try Dense<Double>(inputSize: 3, outputSize: 2, using: &generator)
        let input = try Matrix<Double>.randomGaussian(rows: 3, columns: 2, using: &generator)
        _ = try layer.forward(input)
        _ = try layer.backward(Matrix<Double>.randomGaussian(rows: 2, columns: 2, using: &generator))
        #expect(try layer.perExampleWeightGradients().count == 2)
        // A new batch of the same shape: the old g does not belong to it.
        _ = try layer.forward(input)
        #expect(layer.outputGradients.columns == 0)
        #expect(throws: LinearAlgebraError.self) { try layer.perExampleWeightGradients() }
    }
}
