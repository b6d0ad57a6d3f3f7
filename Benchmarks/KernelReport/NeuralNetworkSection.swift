import DenseLinearAlgebra
import NeuralNetworks

/// NeuralNetworks rows: a training step (forward + loss + backward) of the MLP
/// 256-512-512-10 and of a convolution layer, each against the GEMMs it performs
/// timed alone on preallocated buffers. The speedup column is then the fraction of
/// gemm's GFLOP/s that the layer code attains on the same shapes (target ≥ 0.5).
enum NeuralNetworkSection {
    static func run(_ report: inout KernelReport) throws {
        try multilayerPerceptron(Float.self, batch: 256, &report)
        try multilayerPerceptron(Double.self, batch: 256, &report)
        for batch in report.quick ? [64] : [64, 256] {
            try convolution(Float.self, batch: batch, &report)
        }
    }

    /// The GEMMs of a dense map `W̃ (m × k) · ã (k × n)`: forward `Y = W̃ã`, weight
    /// gradient `G ãᵀ`, and unless it is the first layer (whose gradient for the data nobody
    /// reads, so `computeGradients` skips it) the input gradient `Wᵀ G` (the bias column
    /// excluded), on fixed buffers.
    struct AffineGEMMs<Scalar: LinearAlgebraScalar> {
        let weight: Matrix<Scalar>, input: Matrix<Scalar>, gradient: Matrix<Scalar>, inputWeight: Matrix<Scalar>
        var output: Matrix<Scalar>, weightGradient: Matrix<Scalar>, inputGradient: Matrix<Scalar>
        let needsInputGradient: Bool

        init(outputs m: Int, inputs k: Int, columns n: Int, needsInputGradient: Bool = true,
             using generator: inout Xoshiro256StarStar) throws {
            self.needsInputGradient = needsInputGradient
            weight = try .randomGaussian(rows: m, columns: k + 1, using: &generator)
            inputWeight = try .randomGaussian(rows: m, columns: k, using: &generator)
            input = try .randomGaussian(rows: k + 1, columns: n, using: &generator)
            gradient = try .randomGaussian(rows: m, columns: n, using: &generator)
            output = try Matrix(rows: m, columns: n)
            weightGradient = try Matrix(rows: m, columns: k + 1)
            inputGradient = try Matrix(rows: k, columns: n)
        }

        /// `2·m·(k+1)·n` forward, the same for the weight gradient, `2·m·k·n` for the input gradient.
        var flops: Double {
            let (m, k, n) = (Double(weight.rows), Double(inputWeight.columns), Double(input.columns))
            return 4 * m * (k + 1) * n + (needsInputGradient ? 2 * m * k * n : 0)
        }

        var count: Int { needsInputGradient ? 3 : 2 }

        mutating func run() throws {
            try runForward()
            try runBackward()
        }

        /// `Y = W̃ã` alone.
        mutating func runForward() throws {
            try Matrix.multiply(weight, input, into: &output)
        }

        /// The backward GEMMs alone: `G ãᵀ` and, unless it is the first layer, `Wᵀ G`.
        mutating func runBackward() throws {
            try Matrix.multiply(gradient, input, transposingB: .transpose, into: &weightGradient)
            if needsInputGradient {
                try Matrix.multiply(inputWeight, gradient, transposingA: .transpose, into: &inputGradient)
            }
        }
    }

    static func multilayerPerceptron<Scalar: LinearAlgebraScalar>(_: Scalar.Type, batch: Int,
                                                                  _ report: inout KernelReport) throws {
        var generator = Xoshiro256StarStar(seed: 70)
        let sizes = [256, 512, 512, 10]
        var network = try ReferenceModels.multilayerPerceptron(sizes: sizes, as: Scalar.self, using: &generator)
        let input = try Matrix<Scalar>.randomUniform(rows: 256, columns: batch, in: 0...1, using: &generator)
        let target = try Matrix<Scalar>.oneHot((0..<batch).map { $0 % 10 }, classCount: 10)
        let loss = SoftmaxCrossEntropy<Scalar>()
        var gemms = try (0..<(sizes.count - 1)).map {
            try AffineGEMMs<Scalar>(outputs: sizes[$0 + 1], inputs: sizes[$0], columns: batch, needsInputGradient: $0 > 0,
                                using: &generator)
        }
        let flops = gemms.reduce(0) { $0 + $1.flops }
        try report.compare("MLP 256-512-512-10 forward+backward \(Scalar.self)", size: "batch \(batch)", flops: flops,
                           kernel: { _ = try network.computeGradients(input: input, target: target, loss: loss) },
                           baseline: "its \(gemms.reduce(0) { $0 + $1.count }) GEMMs alone") {
            for k in gemms.indices { try gemms[k].run() }
        }
    }

    static func convolution<Scalar: LinearAlgebraScalar>(_: Scalar.Type, batch: Int,
                                                         _ report: inout KernelReport) throws {
        var generator = Xoshiro256StarStar(seed: 71)
        let geometry = try ConvolutionGeometry(inputHeight: 16, inputWidth: 16, inputChannels: 8, kernelHeight: 3,
                                               kernelWidth: 3, stride: 1, padding: 1)
        var conv = try Conv2d<Scalar>(geometry: geometry, outputChannels: 16, using: &generator)
        let input = try Matrix<Scalar>.randomGaussian(rows: geometry.inputSize, columns: batch, using: &generator)
        let gradient = try Matrix<Scalar>.randomGaussian(rows: conv.outputSize, columns: batch, using: &generator)
        var gemms = try AffineGEMMs<Scalar>(outputs: 16, inputs: geometry.patchSize, columns: batch * geometry.positions,
                                        using: &generator)
        try report.compare("Conv2d 3×3 pad 1, 16×16×8 → 16 channels, forward+backward \(Scalar.self)",
                           size: "batch \(batch)", flops: gemms.flops,
                           kernel: {
                               _ = try conv.forward(input)
                               _ = try conv.backward(gradient)
                           },
                           baseline: "its 3 im2col GEMMs alone") { try gemms.run() }
        // The two halves, so that the time outside the GEMMs splits into im2col (forward) and
        // col2im (backward).
        let (m, k, n) = (16.0, Double(geometry.patchSize), Double(batch * geometry.positions))
        try report.compare("Conv2d 3×3 pad 1, 16×16×8 → 16 channels, forward alone \(Scalar.self)",
                           size: "batch \(batch)", flops: 2 * m * (k + 1) * n,
                           kernel: { _ = try conv.forward(input) },
                           baseline: "its im2col GEMM alone") { try gemms.runForward() }
        try report.compare("Conv2d 3×3 pad 1, 16×16×8 → 16 channels, backward alone \(Scalar.self)",
                           size: "batch \(batch)", flops: 2 * m * (2 * k + 1) * n,
                           kernel: { _ = try conv.backward(gradient) },
                           baseline: "its 2 backward GEMMs alone") { try gemms.runBackward() }
    }
}
