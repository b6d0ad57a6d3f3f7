import DenseLinearAlgebra
import Foundation
import NeuralNetworks
import Testing

/// Runs `body` for Float and Double.
func forBothPrecisions(_ body: (any LinearAlgebraScalar.Type) throws -> Void) rethrows {
    try body(Float.self)
    try body(Double.self)
}

/// A sum of `n` products computed in another order differs by at most `~n·eps·Σ|terms|`;
/// for O(1) Gaussian data `Σ|terms| ≈ ‖result‖`, so `10·n·eps` relative is a safe bound.
func summationTolerance<Scalar: LinearAlgebraScalar>(_: Scalar.Type, terms n: Int) -> Scalar {
    10 * Scalar(max(n, 1)) * Scalar.ulpOfOne
}

@Suite("Layers against direct and unrolled equivalents")
struct LayerEquivalenceTests {
    /// The convolution by its definition: a loop over output pixels, kernel offsets and channels.
    func directConvolution<Scalar: LinearAlgebraScalar>(_ layer: Conv2d<Scalar>, _ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        let g = layer.geometry
        let w = layer.weight
        var y = try Matrix<Scalar>(rows: layer.outputSize, columns: x.columns)
        for i in 0..<x.columns {
            for oh in 0..<g.outputHeight {
                for ow in 0..<g.outputWidth {
                    for co in 0..<layer.outputChannels {
                        var sum: Scalar = layer.hasBias ? w[co, g.patchSize] : 0
                        for kh in 0..<g.kernelHeight {
                            for kw in 0..<g.kernelWidth {
                                let (ih, iw) = (oh * g.stride - g.padding + kh, ow * g.stride - g.padding + kw)
                                guard ih >= 0, ih < g.inputHeight, iw >= 0, iw < g.inputWidth else { continue }
                                for c in 0..<g.inputChannels {
                                    sum += w[co, (kh * g.kernelWidth + kw) * g.inputChannels + c]
                                        * x[(ih * g.inputWidth + iw) * g.inputChannels + c, i]
                                }
                            }
                        }
                        y[(oh * g.outputWidth + ow) * layer.outputChannels + co, i] = sum
                    }
                }
            }
        }
        return y
    }

    func convolutionMatchesDirectLoop<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 30)
        let cases: [(h: Int, w: Int, c: Int, k: Int, s: Int, p: Int, batch: Int)] = [
            (7, 6, 3, 3, 2, 1, 2), (5, 5, 1, 5, 1, 0, 1), (4, 6, 2, 2, 1, 2, 3), (8, 8, 1, 3, 3, 0, 1), (1, 1, 1, 1, 1, 0, 1),
        ]
        for shape in cases {
            let geometry = try ConvolutionGeometry(inputHeight: shape.h, inputWidth: shape.w, inputChannels: shape.c,
                                                   kernelHeight: shape.k, kernelWidth: shape.k, stride: shape.s,
                                                   padding: shape.p)
            for bias in [true, false] {
                var layer = try Conv2d<Scalar>(geometry: geometry, outputChannels: 4, bias: bias, using: &generator)
                try layer.setWeight(.randomGaussian(rows: 4, columns: layer.weight.columns, using: &generator))
                let x = try Matrix<Scalar>.randomGaussian(rows: geometry.inputSize, columns: shape.batch, using: &generator)
                let y = try layer.forward(x)
                let tolerance = summationTolerance(Scalar.self, terms: geometry.patchSize + 1)
                #expect(try y.relativeDistance(to: directConvolution(layer, x)) <= tolerance, "\(shape)")
                #expect(layer.sharedDimension == geometry.positions && layer.batchSize == shape.batch)
                #expect(layer.inputs.rows == geometry.patchSize + (bias ? 1 : 0))
                #expect(layer.inputs.columns == shape.batch * geometry.positions)
            }
        }
    }

    /// The weight gradient `g ãᵀ` does not see a permutation applied to the columns of both
    /// `ã` and `g`, so the column order the optimizers rely on is checked directly: the `P`
    /// columns of example `i` in `ã` and `g` are those of example `i` run alone, and its
    /// per-example gradient is the batch-of-one gradient.
    func convolutionCaptureIsExampleMajor<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 34)
        let geometry = try ConvolutionGeometry(inputHeight: 5, inputWidth: 4, inputChannels: 2, kernelHeight: 3,
                                               kernelWidth: 2, stride: 2, padding: 1)
        var layer = try Conv2d<Scalar>(geometry: geometry, outputChannels: 3, using: &generator)
        let batch = 3
        let x = try Matrix<Scalar>.randomGaussian(rows: geometry.inputSize, columns: batch, using: &generator)
        let g = try Matrix<Scalar>.randomGaussian(rows: layer.outputSize, columns: batch, using: &generator)
        _ = try layer.forward(x)
        _ = try layer.backward(g)
        let perExample = try layer.perExampleWeightGradients()
        let p = geometry.positions
        for i in 0..<batch {
            var alone = layer
            _ = try alone.forward(x.columns(i..<i + 1))
            _ = try alone.backward(g.columns(i..<i + 1))
            #expect(try layer.inputs.columns(i * p..<(i + 1) * p) == alone.inputs, "example \(i)")
            #expect(try layer.outputGradients.columns(i * p..<(i + 1) * p) == alone.outputGradients)
            // The batch-of-one gradient of g's column i, times b (g is ∂(mean loss)/∂y).
            #expect(try perExample[i].relativeDistance(to: alone.weightGradient.scaled(by: Scalar(batch)))
                <= summationTolerance(Scalar.self, terms: p))
        }
    }

    @Test func convolutionCaptureIsExampleMajor() throws {
        try convolutionCaptureIsExampleMajor(Float.self)
        try convolutionCaptureIsExampleMajor(Double.self)
    }

    @Test func convolutionMatchesDirectLoop() throws {
        try convolutionMatchesDirectLoop(Float.self)
        try convolutionMatchesDirectLoop(Double.self)
    }

    /// A dense layer shared over R positions equals R separate applications of the
    /// unshared layer, and its gradient is the sum of the per-position gradients.
    func sharedLayerMatchesUnrolled<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 31)
        let (dIn, dOut, r, batch) = (5, 3, 4, 3)
        var shared = try Dense<Scalar>(inputSize: dIn, outputSize: dOut, sharedDimension: r, using: &generator)
        try shared.setWeight(.randomGaussian(rows: dOut, columns: dIn + 1, using: &generator))
        var single = try Dense<Scalar>(weight: shared.weight, hasBias: true)
        let x = try Matrix<Scalar>.randomGaussian(rows: r * dIn, columns: batch, using: &generator)
        let g = try Matrix<Scalar>.randomGaussian(rows: r * dOut, columns: batch, using: &generator)
        let y = try shared.forward(x)
        let dx = try shared.backward(g)
        var summedGradient = try Matrix<Scalar>(rows: dOut, columns: dIn + 1)
        let tolerance = summationTolerance(Scalar.self, terms: dIn + r * batch)
        for position in 0..<r {
            let xr = try x.submatrix(rows: position * dIn..<(position + 1) * dIn, columns: 0..<batch)
            let gr = try g.submatrix(rows: position * dOut..<(position + 1) * dOut, columns: 0..<batch)
            let yr = try single.forward(xr)
            let dxr = try single.backward(gr)
            #expect(try y.submatrix(rows: position * dOut..<(position + 1) * dOut, columns: 0..<batch)
                .relativeDistance(to: yr) <= tolerance)
            #expect(try dx.submatrix(rows: position * dIn..<(position + 1) * dIn, columns: 0..<batch)
                .relativeDistance(to: dxr) <= tolerance)
            try summedGradient.add(single.weightGradient, scaledBy: 1)
            // Example-major capture: column i·R + position holds this position of example i.
            for i in 0..<batch {
                for k in 0..<dIn { #expect(shared.inputs[k, i * r + position] == xr[k, i]) }
                #expect(shared.inputs[dIn, i * r + position] == 1)
            }
        }
        #expect(try shared.weightGradient.relativeDistance(to: summedGradient) <= tolerance)
        #expect(shared.outputGradients.rows == dOut && shared.outputGradients.columns == batch * r)
    }

    @Test func sharedLayerMatchesUnrolled() throws {
        try sharedLayerMatchesUnrolled(Float.self)
        try sharedLayerMatchesUnrolled(Double.self)
    }

    @Test func patchesThroughSharedDenseEqualStridedConvolution() throws {
        var generator = Xoshiro256StarStar(seed: 32)
        let patchify = try Patchify<Double>(height: 8, width: 8, channels: 2, patchSize: 4)
        let dense = try Dense<Double>(inputSize: 32, outputSize: 3, sharedDimension: 4, using: &generator)
        var patchNetwork = try Sequential<Double>([patchify, dense])
        var conv = try Conv2d<Double>(geometry: patchify.geometry, weight: dense.weight, hasBias: true)
        let x = try Matrix<Double>.randomGaussian(rows: 128, columns: 2, using: &generator)
        let g = try Matrix<Double>.randomGaussian(rows: 12, columns: 2, using: &generator)
        #expect(try patchNetwork.forward(x).relativeDistance(to: conv.forward(x)) <= 1e-14)
        #expect(try patchNetwork.backward(g).relativeDistance(to: conv.backward(g)) <= 1e-14)
        #expect(try patchNetwork.parameterizedLayers[0].weightGradient.relativeDistance(to: conv.weightGradient) <= 1e-14)
    }

    func perExampleGradientsAverageToTheBatchGradient<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 33)
        for r in [1, 3] {
            var network = try Sequential<Scalar>([
                try Dense(inputSize: 4, outputSize: 3, sharedDimension: r, using: &generator),
                try MeanPool(sharedDimension: r, features: 3),
            ])
            let batch = 5
            let x = try Matrix<Scalar>.randomGaussian(rows: 4 * r, columns: batch, using: &generator)
            let t = try Matrix<Scalar>.randomGaussian(rows: 3, columns: batch, using: &generator)
            _ = try network.computeGradients(input: x, target: t, loss: SquaredError())
            let layer = network.parameterizedLayers[0]
            let perExample = try layer.perExampleWeightGradients()
            #expect(perExample.count == batch)
            var mean = try Matrix<Scalar>(rows: 3, columns: 5)
            for gradient in perExample { try mean.add(gradient, scaledBy: 1 / Scalar(batch)) }
            #expect(try mean.relativeDistance(to: layer.weightGradient) <= summationTolerance(Scalar.self, terms: 20))
            // Example 0 alone: its per-example gradient is the batch gradient of a batch of one.
            var alone = network
            _ = try alone.computeGradients(input: x.columns(0..<1), target: t.columns(0..<1), loss: SquaredError())
            #expect(try perExample[0].relativeDistance(to: alone.parameterizedLayers[0].weightGradient)
                <= summationTolerance(Scalar.self, terms: 20))
        }
    }

    @Test func perExampleGradientsAverageToTheBatchGradient() throws {
        try perExampleGradientsAverageToTheBatchGradient(Float.self)
        try perExampleGradientsAverageToTheBatchGradient(Double.self)
    }
}
