import DenseLinearAlgebra
import NeuralNetworks
import Testing

/// Central differences with step `h = 1e-5` in Double: truncation error `h²·|f'''|/6 ≈ 1e-11`
/// and rounding error `eps·|f|/h ≈ 1e-11` relative to O(1) gradients, so a correct
/// backward pass agrees to about 1e-9; the bound 1e-6 leaves a wide margin
/// while any real mistake (a missing term, a transposed index) gives O(1) errors.
let gradientTolerance = 1e-6

/// `∂f/∂x` by central differences, entry by entry.
func numericalGradient(at x: Matrix<Double>, step h: Double = 1e-5,
                       _ f: (Matrix<Double>) throws -> Double) rethrows -> Matrix<Double> {
    var gradient = Matrix<Double>(shapeOf: x)
    for j in 0..<x.columns {
        for i in 0..<x.rows {
            var plus = x
            plus[i, j] += h
            var minus = x
            minus[i, j] -= h
            gradient[i, j] = (try f(plus) - f(minus)) / (2 * h)
        }
    }
    return gradient
}

/// `‖a − b‖_F / max(‖b‖_F, 1e-12)`.
func relativeError(_ a: Matrix<Double>, _ b: Matrix<Double>) throws -> Double {
    try (a - b).frobeniusNorm / max(b.frobeniusNorm, 1e-12)
}

/// `⟨a, b⟩ = Σ a_ij b_ij`.
func inner<Scalar: LinearAlgebraScalar>(_ a: Matrix<Scalar>, _ b: Matrix<Scalar>) throws -> Scalar {
    try a.elements.dot(b.elements)
}

/// Checks a layer's input gradient (and the weight gradient of it or of every trainable layer inside it) on the scalar
/// function `L(x) = ⟨C, layer(x)⟩` for a random `C`, whose output gradient is `C`.
func checkLayerGradients(_ layer: some Layer<Double>, batch: Int, seed: UInt64) throws {
    var generator = Xoshiro256StarStar(seed: seed)
    let x = try Matrix<Double>.randomGaussian(rows: layer.inputSize, columns: batch, using: &generator)
    var trained = layer
    let y = try trained.forward(x)
    let c = try Matrix<Double>.randomGaussian(rows: y.rows, columns: y.columns, using: &generator)
    let inputGradient = try trained.backward(c)
    let numericInput = try numericalGradient(at: x) { point in
        var copy = layer
        return try inner(copy.forward(point), c)
    }
    #expect(try relativeError(inputGradient, numericInput) <= gradientTolerance, "input gradient of \(type(of: layer))")
    if let parameterized = trained as? any TrainableLayer<Double> {
        let numericWeight = try numericalGradient(at: parameterized.weight) { weight in
            var copy = parameterized
            try copy.setWeight(weight)
            return try inner(copy.forward(x), c)
        }
        #expect(try relativeError(parameterized.weightGradient, numericWeight) <= gradientTolerance,
                "weight gradient of \(type(of: layer))")
    }
    guard let composite = trained as? any CompositeLayer<Double> else { return }
    for (k, inside) in composite.trainableLayers.enumerated() {
        let numericWeight = try numericalGradient(at: inside.weight) { weight in
            var copy = composite
            try copy.updateTrainableLayer(k) { try $0.setWeight(weight) }
            return try inner(copy.forward(x), c)
        }
        #expect(try relativeError(inside.weightGradient, numericWeight) <= gradientTolerance,
                "weight gradient of trainable layer \(k) in \(type(of: layer))")
    }
}

/// Checks every trainable layer's weight gradient of `network` after one
/// `computeGradients` on `(x, t)` against central differences of the mean loss.
func checkNetworkGradients(_ network: Sequential<Double>, input x: Matrix<Double>, target t: Matrix<Double>,
                           loss: some Loss<Double>) throws {
    var trained = network
    _ = try trained.computeGradients(input: x, target: t, loss: loss)
    for (k, layer) in trained.trainableLayers.enumerated() {
        let numeric = try numericalGradient(at: layer.weight) { weight in
            var copy = network
            try copy.setWeight(weight, ofParameterizedLayer: k)
            return try loss.value(output: copy.predict(x), target: t)
        }
        #expect(try relativeError(layer.weightGradient, numeric) <= gradientTolerance, "trainable layer \(k)")
    }
}
