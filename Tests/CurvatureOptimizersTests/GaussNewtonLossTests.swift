import CurvatureOptimizers
import DenseLinearAlgebra
import NeuralNetworks
import Testing

@Suite("Loss Hessian square roots")
struct GaussNewtonLossTests {
    /// `Σ_c h_c h_cᵀ` against the Hessian of one example's loss by central differences
    /// of its gradient (step 1e-5: truncation O(1e-10), rounding O(1e-11)).
    func hessianMatches<L: GaussNewtonLoss<Double>>(_ loss: L, output: [Double], target: [Double]) throws {
        let y = try Matrix(column: output)
        let t = try Matrix(column: target)
        let columns = try loss.hessianSquareRootColumns(output: y)
        var factored = try Matrix<Double>(rows: output.count, columns: output.count)
        for h in columns { try Matrix.multiply(h, h, transposingB: .transpose, beta: 1, into: &factored) }
        let step = 1e-5
        let numeric = try Matrix<Double>(rows: output.count, columns: output.count) { i, j in
            var plus = y, minus = y
            plus[j, 0] += step
            minus[j, 0] -= step
            let difference = try loss.valueAndGradient(output: plus, target: t).gradient[i, 0]
                - loss.valueAndGradient(output: minus, target: t).gradient[i, 0]
            return difference / (2 * step)
        }
        #expect(try factored.relativeDistance(to: numeric) <= 1e-8)
    }

    @Test func squareRootsReproduceTheHessian() throws {
        try hessianMatches(SoftmaxCrossEntropy<Double>(), output: [0.3, -1.2, 2.0, 0.1], target: [0, 0, 1, 0])
        try hessianMatches(SquaredError<Double>(), output: [0.3, -1.2, 2.0], target: [1, 0, -1])
        try hessianMatches(SigmoidBinaryCrossEntropy<Double>(), output: [0.3, -4.0, 9.0], target: [1, 0, 1])
    }

    @Test func nonFiniteOutputsThrow() throws {
        let bad = try Matrix<Double>(column: [.nan, 1])
        #expect(throws: LinearAlgebraError.self) { try SoftmaxCrossEntropy<Double>().hessianSquareRootColumns(output: bad) }
        #expect(throws: LinearAlgebraError.self) { try SquaredError<Double>().hessianSquareRootColumns(output: bad) }
        #expect(throws: LinearAlgebraError.self) { try SigmoidBinaryCrossEntropy<Double>().hessianSquareRootColumns(output: bad) }
    }
}
