import CurvatureOptimizers
import DenseLinearAlgebra
import NeuralNetworks
import Testing

/// Every method's step writes the weights in place: after a step each trainable layer's
/// weight is still in the buffer it was in (the step held no copy of it during the update).
/// Weight decay is on, so the methods that read the weight for it are covered too.
@Suite("Every optimizer's step updates the weights in place")
struct InPlaceStepTests {
    static func addresses<Scalar>(_ model: Sequential<Scalar>) -> [UInt] {
        model.trainableLayers.map { layer in layer.weight.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } }
    }

    func stepKeepsTheStorage<Scalar: LinearAlgebraScalar>(_: Scalar.Type, _ method: OptimizerMethod) throws {
        var model = try TestModels.tanhNetwork(Scalar.self, inputs: 3, hidden: 4, outputs: 2, seed: 1)
        var settings = MethodSettings()
        settings.weightDecay = 1e-3
        var optimizer = try settings.makeOptimizer(method, model: model, seed: 0)
        var generator = Xoshiro256StarStar(seed: 2)
        let input = try Matrix<Scalar>.randomGaussian(rows: 3, columns: 6, using: &generator)
        let target = try Matrix<Scalar>.randomGaussian(rows: 2, columns: 6, using: &generator)
        let before = Self.addresses(model)
        // Checked after every step: a copy could land in a buffer freed by an earlier one.
        for step in 0..<2 {
            _ = try optimizer.step(&model, input: input, target: target, loss: SquaredError<Scalar>())
            #expect(Self.addresses(model) == before, "\(method.rawValue) step \(step)")
        }
    }

    @Test("the weights keep their storage across steps, Float and Double", arguments: OptimizerMethod.allCases)
    func stepKeepsTheStorage(method: OptimizerMethod) throws {
        try stepKeepsTheStorage(Float.self, method)
        try stepKeepsTheStorage(Double.self, method)
    }
}
