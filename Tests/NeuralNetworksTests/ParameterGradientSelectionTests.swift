import DenseLinearAlgebra
import NeuralNetworks
import Testing

/// `computeGradients(input:target:loss:forming:)` forms exactly the parameter gradients asked for:
/// the parameterised layers' `∇W̃ = g·ãᵀ` and the other trainable layers' (LayerNorm, position
/// table) are selected separately; a layer left out keeps the gradient it had, and a
/// parameterised layer's captured `g` and `ã` still give its gradient — by the layer's own GEMM,
/// bit for bit (what the K-FAC family's low-rank update folds into its momentum).
@Suite("A backward pass forms only the parameter gradients asked for")
struct ParameterGradientSelectionTests {
    /// The gradients of every trainable layer after a full pass on a batch of 4.
    static func gradients<Scalar: LinearAlgebraScalar>(_ network: inout Sequential<Scalar>, forming: BackwardProducts)
        throws -> [Matrix<Scalar>] {
        var generator = Xoshiro256StarStar(seed: 32)
        let input = try Matrix<Scalar>.randomGaussian(rows: network.inputSize, columns: 4, using: &generator)
        let target = try Matrix<Scalar>.oneHot([0, 2, 1, 2], classCount: 3)
        try network.computeGradients(input: input, target: target, loss: SoftmaxCrossEntropy<Scalar>(), forming: forming)
        return network.trainableLayers.map { $0.weightGradient }
    }

    func selection<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var full = try InPlaceUpdateTests.network(Scalar.self, nil)
        let expected = try Self.gradients(&full, forming: .parameterGradients)
        let untouched = full.trainableLayers.map { Matrix<Scalar>(shapeOf: $0.weight) }
        for part in [BackwardProducts.parameterizedLayerGradients, .otherTrainableLayerGradients] {
            var network = try InPlaceUpdateTests.network(Scalar.self, nil)
            let gradients = try Self.gradients(&network, forming: part)
            for (k, layer) in network.trainableLayers.enumerated() {
                let parameterized = layer as? any ParameterizedLayer<Scalar>
                let formed = (parameterized != nil) == (part == .parameterizedLayerGradients)
                let reference = formed ? expected[k] : untouched[k]
                #expect(InPlaceUpdateTests.sameBits(gradients[k], reference), "\(Scalar.self), layer \(k), formed \(formed)")
                if let parameterized {
                    let product = try parameterized.outputGradients.multiplied(by: parameterized.inputs,
                                                                               transposingOther: .transpose)
                    #expect(InPlaceUpdateTests.sameBits(product, expected[k]), "\(Scalar.self), layer \(k): g·ãᵀ")
                }
            }
        }
    }

    @Test func eachPartIsFormedAloneAndTheFactorsGiveTheRest() throws {
        try selection(Float.self)
        try selection(Double.self)
    }
}
