import DenseLinearAlgebra
@testable import NeuralNetworks
import Testing

/// `Conv2d` runs im2col + GEMM (forward) and GEMM + col2im (backward) one block of
/// `examplesPerBlock` examples at a time. These tests take batches of two full blocks and a
/// partial one, so every block boundary and a short last block are crossed, and compare the
/// output and both gradients with the definition of the convolution evaluated by loops.
@Suite("Conv2d in blocks of examples against the direct loops")
struct ConvolutionBlockingTests {
    /// A matrix computed by loops together with, for every entry, `Σ|terms|`: the sum of the
    /// absolute values of the products it adds.
    struct Reference<Scalar: LinearAlgebraScalar> {
        var value: Matrix<Scalar>
        var absoluteSum: Matrix<Scalar>
        /// Terms per entry at most.
        var terms: Int

        init(rows: Int, columns: Int, terms: Int) throws {
            value = try Matrix(rows: rows, columns: columns)
            absoluteSum = try Matrix(rows: rows, columns: columns)
            self.terms = terms
        }

        mutating func add(_ a: Scalar, times b: Scalar, at row: Int, _ column: Int) {
            value[row, column] += a * b
            absoluteSum[row, column] += abs(a * b)
        }

        /// The bound on `relativeDistance` between two evaluations of these sums in any order.
        /// Each evaluation of an `n`-term sum of products is within `γ_n·Σ|terms|` of the exact
        /// value, `γ_n = n·u/(1 − n·u) ≤ 1.01·n·u` for `n·u ≤ 0.01` (Higham, *Accuracy and
        /// Stability of Numerical Algorithms*, 2nd ed., §3.1; a fused multiply–add only lowers
        /// it), so two evaluations differ by at most `2.02·n·u·max Σ|terms|`;
        /// `relativeDistance` divides by `max(1, max |entry|)`. `u = eps/2`.
        var tolerance: Scalar {
            let unitRoundoff = Scalar.ulpOfOne / 2
            return 2.02 * Scalar(terms) * unitRoundoff * absoluteSum.maxAbsoluteEntry
                / Swift.max(1, value.maxAbsoluteEntry)
        }
    }

    /// `y`, `∂L/∂x` and `∇W̃` of a convolution by its definition, looping over examples, output
    /// pixels, kernel offsets and channels.
    func directPasses<Scalar: LinearAlgebraScalar>(_ layer: Conv2d<Scalar>, input x: Matrix<Scalar>,
                                                   gradient g: Matrix<Scalar>) throws
        -> (output: Reference<Scalar>, inputGradient: Reference<Scalar>, weightGradient: Reference<Scalar>) {
        let geometry = layer.geometry, w = layer.weight, channels = layer.outputChannels, batch = x.columns
        let positions = batch * geometry.positions
        var output = try Reference<Scalar>(rows: layer.outputSize, columns: batch, terms: geometry.patchSize + 1)
        var inputGradient = try Reference<Scalar>(
            rows: geometry.inputSize, columns: batch, terms: geometry.kernelHeight * geometry.kernelWidth * channels)
        var weightGradient = try Reference<Scalar>(rows: channels, columns: w.columns, terms: positions)
        for i in 0..<batch {
            for oh in 0..<geometry.outputHeight {
                for ow in 0..<geometry.outputWidth {
                    let outputRow = (oh * geometry.outputWidth + ow) * channels
                    for co in 0..<channels {
                        if layer.hasBias {
                            output.add(w[co, geometry.patchSize], times: 1, at: outputRow + co, i)
                            weightGradient.add(g[outputRow + co, i], times: 1, at: co, geometry.patchSize)
                        }
                        for kh in 0..<geometry.kernelHeight {
                            for kw in 0..<geometry.kernelWidth {
                                let ih = oh * geometry.stride - geometry.padding + kh
                                let iw = ow * geometry.stride - geometry.padding + kw
                                guard ih >= 0, ih < geometry.inputHeight, iw >= 0, iw < geometry.inputWidth else {
                                    continue
                                }
                                for c in 0..<geometry.inputChannels {
                                    let (k, pixel) = ((kh * geometry.kernelWidth + kw) * geometry.inputChannels + c,
                                                      (ih * geometry.inputWidth + iw) * geometry.inputChannels + c)
                                    output.add(w[co, k], times: x[pixel, i], at: outputRow + co, i)
                                    inputGradient.add(w[co, k], times: g[outputRow + co, i], at: pixel, i)
                                    weightGradient.add(g[outputRow + co, i], times: x[pixel, i], at: co, k)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (output, inputGradient, weightGradient)
    }

    /// Forward and backward of `layer` on a random batch of `batch` examples, twice (the second
    /// step reuses every buffer and the zero padding left in the captured patches), against
    /// `directPasses`; the input gradient alone is the same one, the weight gradient alone too.
    func checkAgainstDirectLoops<Scalar: LinearAlgebraScalar>(_ layer: Conv2d<Scalar>, batch: Int,
                                                              using generator: inout Xoshiro256StarStar) throws {
        var layer = layer
        let geometry = layer.geometry
        let label = "\(Scalar.self) \(geometry) bias \(layer.hasBias), batch \(batch) in blocks of \(layer.examplesPerBlock)"
        for _ in 0..<2 {
            let x = try Matrix<Scalar>.randomGaussian(rows: geometry.inputSize, columns: batch, using: &generator)
            let g = try Matrix<Scalar>.randomGaussian(rows: layer.outputSize, columns: batch, using: &generator)
            let reference = try directPasses(layer, input: x, gradient: g)
            let y = try layer.forward(x)
            let dx = try layer.backward(g)
            #expect(try y.relativeDistance(to: reference.output.value) <= reference.output.tolerance, "\(label)")
            #expect(try dx.relativeDistance(to: reference.inputGradient.value) <= reference.inputGradient.tolerance,
                    "\(label)")
            #expect(try layer.weightGradient.relativeDistance(to: reference.weightGradient.value)
                <= reference.weightGradient.tolerance, "\(label)")
            let weightGradient = layer.weightGradient
            #expect(try layer.backward(g, producing: .inputGradient) == dx, "\(label)")
            #expect(try layer.backward(g, producing: .parameterGradients).columns == 0, "\(label)")
            #expect(layer.weightGradient == weightGradient, "\(label)")
        }
    }

    func blocksMatchDirectLoops<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 40)
        // Same padding (every block holds border windows), and stride 2 with windows that stop
        // short of the last input row and column.
        let geometries = [
            try ConvolutionGeometry(inputHeight: 9, inputWidth: 9, inputChannels: 3, kernelHeight: 3, kernelWidth: 3,
                                    stride: 1, padding: 1),
            try ConvolutionGeometry(inputHeight: 16, inputWidth: 15, inputChannels: 2, kernelHeight: 3, kernelWidth: 2,
                                    stride: 2, padding: 1),
        ]
        for geometry in geometries {
            for bias in [true, false] {
                var layer = try Conv2d<Scalar>(geometry: geometry, outputChannels: 5, bias: bias, using: &generator)
                try layer.setWeight(.randomGaussian(rows: 5, columns: layer.weight.columns, using: &generator))
                #expect(layer.examplesPerBlock >= 2, "the geometry is small enough for several examples per block")
                try checkAgainstDirectLoops(layer, batch: 2 * layer.examplesPerBlock + 1, using: &generator)
            }
        }
    }

    @Test func blocksMatchDirectLoops() throws {
        try blocksMatchDirectLoops(Float.self)
        try blocksMatchDirectLoops(Double.self)
    }

    /// One example per block when an example's patch columns alone exceed the block budget:
    /// (3·3·4 + 1)·1600 doubles, 473 600 bytes, against 256 KiB.
    @Test func oneExamplePerBlockWhenAnExampleIsLarge() throws {
        var generator = Xoshiro256StarStar(seed: 41)
        let geometry = try ConvolutionGeometry(inputHeight: 40, inputWidth: 40, inputChannels: 4, kernelHeight: 3,
                                               kernelWidth: 3, stride: 1, padding: 1)
        let layer = try Conv2d<Double>(geometry: geometry, outputChannels: 2, using: &generator)
        #expect(layer.examplesPerBlock == 1)
        try checkAgainstDirectLoops(layer, batch: 3, using: &generator)
    }
}
