@testable import CurvatureOptimizers
import DenseLinearAlgebra
import KronKitTestSupport
import NeuralNetworks
import Testing

/// Eschenhagen et al. (2023): for deep linear networks with the exact GGN's `G`,
/// K-FAC-expand is exact when every position carries its own loss term and
/// K-FAC-reduce is exact when positions are pooled before the loss.
@Suite("K-FAC-expand and -reduce are exact for deep linear networks")
struct WeightSharingExactnessTests: WeightSharingExactnessChecks {
    /// `A ⊗ G` of every layer after one K-FAC step, and the dense GGN blocks before it.
    func compare<Scalar: LinearAlgebraScalar>(_: Scalar.Type, pooled: Bool, approximation: WeightSharingApproximation)
        throws -> [(kfac: Matrix<Scalar>, ggn: Matrix<Scalar>)] {
        let model = try TestModels.sharedLinearNetwork(Scalar.self, inputs: 3, hidden: 4, outputs: 2, positions: 3,
                                                       pooled: pooled, seed: 11)
        return try BruteForceCurvature.kfacAgainstGaussNewton(model, approximation: approximation, seed: 12)
    }

    /// `b·R = 15` terms of the factors' Gram sums plus `depth·(width + 1) = 3·5` in each forward
    /// or backward product (Gaussian data, Glorot weights, unit weight perturbations for the
    /// brute-force Jacobian, so its differences do not cancel more than their own size):
    /// `n = 30`, a bound of 2·10⁻¹³ in Double and 1.1·10⁻⁴ in Float.
    static let chainLength = 30

    @Test func expandIsExactWithALossTermPerPositionInDouble() throws {
        try expandIsExactWithALossTermPerPosition(Double.self)
    }

    @Test func expandIsExactWithALossTermPerPositionInFloat() throws {
        try expandIsExactWithALossTermPerPosition(Float.self)
    }

    @Test func reduceIsExactWhenPositionsArePooledInDouble() throws {
        try reduceIsExactWhenPositionsArePooled(Double.self)
    }

    @Test func reduceIsExactWhenPositionsArePooledInFloat() throws {
        try reduceIsExactWhenPositionsArePooled(Float.self)
    }

    @Test func expandIsNotExactWhenPositionsArePooled() throws {
        // The check has teeth: the other approximation misses the pooled setting's GGN.
        let shared = try compare(Double.self, pooled: true, approximation: .expand).prefix(2)
        #expect(shared.contains { (try? $0.kfac.relativeDistance(to: $0.ggn)) ?? 0 > 1e-2 })
    }
}

@Suite("EKFAC's eigenbasis correction")
struct EigenbasisCorrectionTests {
    func secondMomentMatchesPerExampleGradients(positions: Int, approximation: WeightSharingApproximation) throws {
        var generator = Xoshiro256StarStar(seed: 13)
        var layer = try Dense<Double>(inputSize: 3, outputSize: 4, sharedDimension: positions, using: &generator)
        let batch = 6
        let input = try Matrix<Double>.randomGaussian(rows: 3 * positions, columns: batch, using: &generator)
        _ = try layer.forward(input)
        _ = try layer.backward(Matrix<Double>.randomGaussian(rows: 4 * positions, columns: batch, using: &generator))
        let qA = try MatrixEnsemble<Double>.randomOrthogonal(4, using: &generator)  // d_in + 1 with the bias
        let qG = try MatrixEnsemble<Double>.randomOrthogonal(4, using: &generator)
        let capture = try LayerCapture(inputs: layer.inputs, outputGradientPasses: [layer.outputGradients],
                                       batchSize: batch, sharedDimension: positions)
        let moment = try capture.factorRows(approximation).eigenbasisSecondMoment(inputBasis: qA, outputBasis: qG)
        // Dense: (1/b) Σₙ (Q_Gᵀ ∇Wₙ Q_A)^⊙2 with the true per-example gradients (expand) or
        // the pooled ones (reduce: ∇Wₙ ≈ d̂ₙ âₙᵀ).
        var expected = try Matrix<Double>(rows: 4, columns: 4)
        let perExample: [Matrix<Double>]
        if approximation == .expand || positions == 1 {
            perExample = try layer.perExampleWeightGradients()
        } else {
            let rows = try capture.factorRows(.reduce)
            perExample = try (0..<batch).map { n in
                try rows.outputGradients.columns(n..<n + 1).multiplied(by: rows.inputs.columns(n..<n + 1),
                                                                       transposingOther: .transpose).scaled(by: Double(batch))
            }
        }
        for gradient in perExample {
            let rotated = try qG.multiplied(by: gradient, transposingSelf: .transpose).multiplied(by: qA)
            try expected.add(rotated.hadamard(rotated), scaledBy: 1 / Double(batch))
        }
        #expect(try moment.relativeDistance(to: expected) <= 1e-13)
    }

    @Test func secondMomentInTheEigenbasis() throws {
        try secondMomentMatchesPerExampleGradients(positions: 1, approximation: .expand)
        try secondMomentMatchesPerExampleGradients(positions: 3, approximation: .expand)
        try secondMomentMatchesPerExampleGradients(positions: 3, approximation: .reduce)
    }

    @Test func ekfacPreconditionsWithTheCorrectedDiagonal() throws {
        var model = try TestModels.tanhNetwork(Double.self, inputs: 3, hidden: 4, outputs: 2, seed: 14)
        let batch = try TestModels.classificationBatch(Double.self, features: 3, classes: 2, batch: 20, seed: 15)
        var optimizer = try EKFAC<Double>(model: model, options: .init(factorUpdatePeriod: 1, inverseUpdatePeriod: 5),
                                          configuration: .init(options: .init(damping: 1e-3)))
        for _ in 0..<3 {
            _ = try optimizer.step(&model, input: batch.input, target: batch.target, loss: SoftmaxCrossEntropy<Double>())
        }
        var generator = Xoshiro256StarStar(seed: 16)
        for block in optimizer.blocks {
            let part = try #require(block.inverse as? EigenvalueCorrectedInverse<Double>)
            let s = part.correction.value
            let gradient = try Matrix<Double>.randomGaussian(rows: s.rows, columns: s.columns, using: &generator)
            // Dense: Q (diag(vec S) + λI)⁻¹ Qᵀ with Q = Q_A ⊗ Q_G.
            let expected = try BruteForceCurvature.eigenvalueCorrectedSolve(part, damping: 1e-3, gradient)
            #expect(try block.preconditioned(gradient).relativeDistance(to: expected) <= 1e-9 * Swift.max(1, expected.maxAbsoluteEntry))
        }
    }
}
