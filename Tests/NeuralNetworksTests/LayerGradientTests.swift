import DenseLinearAlgebra
import NeuralNetworks
import Testing

@Suite("Layer backward passes against central differences (Double)")
struct LayerGradientTests {
    @Test func denseWithAndWithoutBias() throws {
        var generator = Xoshiro256StarStar(seed: 1)
        for bias in [true, false] {
            for (dIn, dOut, batch) in [(1, 1, 1), (4, 3, 5), (6, 2, 1)] {
                let layer = try Dense<Double>(inputSize: dIn, outputSize: dOut, bias: bias, using: &generator)
                // A random bias, so the check sees a non-zero last column too.
                var shifted = layer
                try shifted.setWeight(Matrix.randomGaussian(rows: dOut, columns: dIn + (bias ? 1 : 0), using: &generator))
                try checkLayerGradients(shifted, batch: batch, seed: 2)
            }
        }
    }

    @Test func denseSharedAlongPositions() throws {
        var generator = Xoshiro256StarStar(seed: 3)
        for bias in [true, false] {
            let layer = try Dense<Double>(inputSize: 3, outputSize: 2, bias: bias, sharedDimension: 4,
                                          using: &generator)
            try checkLayerGradients(layer, batch: 3, seed: 4)
        }
    }

    @Test func convolutionStridePaddingChannels() throws {
        var generator = Xoshiro256StarStar(seed: 5)
        let geometries = [
            try ConvolutionGeometry(inputHeight: 5, inputWidth: 4, inputChannels: 2, kernelHeight: 3, kernelWidth: 2,
                                    stride: 2, padding: 1),
            try ConvolutionGeometry(inputHeight: 3, inputWidth: 3, inputChannels: 1, kernelHeight: 3, kernelWidth: 3),
            try ConvolutionGeometry(inputHeight: 4, inputWidth: 4, inputChannels: 3, kernelHeight: 1, kernelWidth: 1),
        ]
        for geometry in geometries {
            for bias in [true, false] {
                let layer = try Conv2d<Double>(geometry: geometry, outputChannels: 3, bias: bias, using: &generator)
                try checkLayerGradients(layer, batch: 2, seed: 6)
            }
        }
    }

    @Test func activations() throws {
        for kind in Activation<Double>.Kind.allCases {
            try checkLayerGradients(Activation<Double>(kind, size: 7), batch: 3, seed: 7)
        }
    }

    @Test func poolingAndPatching() throws {
        try checkLayerGradients(MeanPool<Double>(sharedDimension: 4, features: 3), batch: 2, seed: 8)
        try checkLayerGradients(Patchify<Double>(height: 4, width: 6, channels: 2, patchSize: 2), batch: 2, seed: 9)
    }

    @Test func sequentialNetworkEndToEnd() throws {
        // Conv → tanh → patch-free dense → sigmoid → dense, with softmax cross-entropy:
        // checks the chain rule across layers and the loss together.
        var generator = Xoshiro256StarStar(seed: 10)
        let geometry = try ConvolutionGeometry(inputHeight: 4, inputWidth: 4, inputChannels: 1, kernelHeight: 3,
                                               kernelWidth: 3, stride: 1, padding: 1)
        let conv = try Conv2d<Double>(geometry: geometry, outputChannels: 2, using: &generator)
        let network = try Sequential<Double>([
            conv, try Activation(.tanh, size: 32),
            try Dense(inputSize: 32, outputSize: 5, initialization: .glorotUniform, using: &generator),
            try Activation(.sigmoid, size: 5),
            try Dense(inputSize: 5, outputSize: 3, bias: false, using: &generator),
        ])
        let x = try Matrix<Double>.randomGaussian(rows: 16, columns: 3, using: &generator)
        try checkNetworkGradients(network, input: x, target: Matrix.oneHot([0, 2, 1], classCount: 3),
                                  loss: SoftmaxCrossEntropy<Double>())
    }
}
