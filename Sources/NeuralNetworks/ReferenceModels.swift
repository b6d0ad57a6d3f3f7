import DenseLinearAlgebra

/// The networks the optimizers are compared on, built with seeded initialisation.
///
/// Every model ends in a linear layer producing logits: pair the classifiers with
/// ``SoftmaxCrossEntropy`` and the autoencoder with ``SigmoidBinaryCrossEntropy``
/// against its input.
public enum ReferenceModels {
    /// A multilayer perceptron `sizes[0] → sizes[1] → … → sizes.last` with `activation`
    /// after every layer but the last (He-normal initialisation for ReLU, Glorot-uniform otherwise).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for fewer than two sizes
    ///   or a size below 1.
    public static func multilayerPerceptron<Scalar: LinearAlgebraScalar>(
        sizes: [Int], activation: Activation<Scalar>.Kind = .relu, as: Scalar.Type = Scalar.self,
        using generator: inout some RandomNumberGenerator
    ) throws -> Sequential<Scalar> {
        try Sequential(stack(sizes: sizes, hiddenActivation: activation, linearIndices: [sizes.count - 2],
                             using: &generator))
    }

    /// A small convolutional classifier for `height × width × channels` images:
    /// conv 3×3 (8 channels, padding 1) → ReLU → conv 3×3 stride 2 (16 channels, padding 1)
    /// → ReLU → dense to `classCount` logits. On 16 × 16 × 1 inputs: 16·16·8 and 8·8·16 activations.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for invalid sizes.
    public static func smallConvolutionalNetwork<Scalar: LinearAlgebraScalar>(
        height: Int = 16, width: Int = 16, channels: Int = 1, classCount: Int = 10, as: Scalar.Type = Scalar.self,
        using generator: inout some RandomNumberGenerator
    ) throws -> Sequential<Scalar> {
        let first = try ConvolutionGeometry(inputHeight: height, inputWidth: width, inputChannels: channels,
                                            kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1)
        let conv1 = try Conv2d<Scalar>(geometry: first, outputChannels: 8, using: &generator)
        let second = try ConvolutionGeometry(inputHeight: first.outputHeight, inputWidth: first.outputWidth,
                                             inputChannels: 8, kernelHeight: 3, kernelWidth: 3, stride: 2, padding: 1)
        let conv2 = try Conv2d<Scalar>(geometry: second, outputChannels: 16, using: &generator)
        return try Sequential([
            conv1, try Activation(.relu, size: conv1.outputSize),
            conv2, try Activation(.relu, size: conv2.outputSize),
            try Dense(inputSize: conv2.outputSize, outputSize: classCount, initialization: .glorotUniform,
                      using: &generator),
        ])
    }

    /// The deep autoencoder benchmark of Hinton & Salakhutdinov (2006), used by
    /// Martens (2010) and K-FAC (Martens & Grosse 2015, Sec. 13): an encoder
    /// `inputSize → encoderSizes…` whose last (code) layer is linear, the mirrored
    /// decoder, `activation` after every other layer, and logits of `inputSize`
    /// pixels for ``SigmoidBinaryCrossEntropy``. The original is 784-1000-500-250-30 on
    /// MNIST; the default here is the same shape scaled to 16 × 16 inputs, 256-512-256-128-32.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for an empty encoder
    ///   or a size below 1.
    public static func deepAutoencoder<Scalar: LinearAlgebraScalar>(
        inputSize: Int = 256, encoderSizes: [Int] = [512, 256, 128, 32], activation: Activation<Scalar>.Kind = .tanh,
        as: Scalar.Type = Scalar.self, using generator: inout some RandomNumberGenerator
    ) throws -> Sequential<Scalar> {
        guard !encoderSizes.isEmpty else {
            throw LinearAlgebraError.invalidArgument(operation: "deepAutoencoder", detail: "needs at least a code layer")
        }
        let encoder = [inputSize] + encoderSizes
        let sizes = encoder + encoder.reversed().dropFirst()
        return try Sequential(stack(sizes: sizes, hiddenActivation: activation,
                                    linearIndices: [encoderSizes.count - 1, sizes.count - 2], using: &generator))
    }

    /// The weight-sharing model: `height × width` grey images cut into `patchSize × patchSize`
    /// patches (16 patches of 4 × 4 by default), one dense layer `patchSize² → hiddenSize`
    /// shared by all patches, ReLU, the mean over patches, and a dense layer to `classCount`
    /// logits. Its first dense layer has `R = 16`: the K-FAC-expand/-reduce case.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for invalid sizes.
    public static func patchModel<Scalar: LinearAlgebraScalar>(
        height: Int = 16, width: Int = 16, patchSize: Int = 4, hiddenSize: Int = 64, classCount: Int = 10,
        as: Scalar.Type = Scalar.self, using generator: inout some RandomNumberGenerator
    ) throws -> Sequential<Scalar> {
        let patches = try Patchify<Scalar>(height: height, width: width, patchSize: patchSize)
        let r = patches.patchCount
        return try Sequential([
            patches,
            try Dense(inputSize: patchSize * patchSize, outputSize: hiddenSize, sharedDimension: r, using: &generator),
            try Activation(.relu, size: r * hiddenSize),
            try MeanPool(sharedDimension: r, features: hiddenSize),
            try Dense(inputSize: hiddenSize, outputSize: classCount, initialization: .glorotUniform, using: &generator),
        ])
    }

    /// Dense layers through `sizes`, each followed by `hiddenActivation` unless its
    /// index is in `linearIndices`.
    static func stack<Scalar: LinearAlgebraScalar>(
        sizes: [Int], hiddenActivation: Activation<Scalar>.Kind, linearIndices: Set<Int>,
        using generator: inout some RandomNumberGenerator
    ) throws -> [any Layer<Scalar>] {
        guard sizes.count >= 2 else {
            throw LinearAlgebraError.invalidArgument(
                operation: "ReferenceModels", detail: "sizes \(sizes) need an input and at least one layer")
        }
        let initialization: Initialization = hiddenActivation == .relu ? .heNormal : .glorotUniform
        var layers: [any Layer<Scalar>] = []
        for k in 0..<(sizes.count - 1) {
            layers.append(try Dense<Scalar>(inputSize: sizes[k], outputSize: sizes[k + 1],
                                             initialization: initialization, using: &generator))
            if !linearIndices.contains(k) { layers.append(try Activation<Scalar>(hiddenActivation, size: sizes[k + 1])) }
        }
        return layers
    }
}
