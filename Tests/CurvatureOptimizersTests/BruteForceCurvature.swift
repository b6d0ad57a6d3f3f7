@testable import CurvatureOptimizers
import DenseLinearAlgebra
import CurvatureOptimizers
import NeuralNetworks

/// Dense reference curvature computed without any Kronecker structure.
enum BruteForceCurvature {
    /// The GGN block of parameterised layer `k` for the mean of `½‖y − t‖²`:
    /// `(1/b) Σₙ Jₙᵀ Jₙ`, with the Jacobian `Jₙ = ∂yₙ/∂vec(W̃ₖ)` (column-major vec) taken
    /// by unit forward differences — exact up to rounding when the output is affine in
    /// `W̃ₖ`, as it is in a deep linear network.
    static func gaussNewtonBlock<Scalar: LinearAlgebraScalar>(_ model: Sequential<Scalar>, layer k: Int,
                                                              input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        let weight = model.parameters[k]
        let base = try model.predict(input)
        let parameterCount = weight.elements.count
        var jacobians = [Matrix<Scalar>](repeating: try Matrix(rows: base.rows, columns: parameterCount),
                                         count: input.columns)
        for p in 0..<parameterCount {
            var perturbed = model
            var shifted = weight
            shifted.withUnsafeMutableBufferPointer { $0[p] += 1 }
            try perturbed.setWeight(shifted, ofParameterizedLayer: k)
            let difference = try perturbed.predict(input) - base
            for n in 0..<input.columns {
                for i in 0..<base.rows { jacobians[n][i, p] = difference[i, n] }
            }
        }
        var ggn = try Matrix<Scalar>(rows: parameterCount, columns: parameterCount)
        for jacobian in jacobians {
            try Matrix.multiply(jacobian, jacobian, transposingA: .transpose, alpha: 1 / Scalar(input.columns),
                                beta: 1, into: &ggn)
        }
        return ggn
    }

    /// `A ⊗ B` formed explicitly.
    static func kronecker<Scalar: LinearAlgebraScalar>(_ a: Matrix<Scalar>, _ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try Matrix(rows: a.rows * b.rows, columns: a.columns * b.columns) { i, j in
            a[i / b.rows, j / b.columns] * b[i % b.rows, j % b.columns]
        }
    }

    /// EKFAC's damped inverse applied to `v`, formed densely:
    /// `Q (diag(vec S) + λI)⁻¹ Qᵀ·vec(V)` with `Q = Q_A ⊗ Q_G`, reshaped like `V`.
    static func eigenvalueCorrectedSolve<Scalar: LinearAlgebraScalar>(
        _ part: EigenvalueCorrectedInverse<Scalar>, damping: Double, _ v: Matrix<Scalar>
    ) throws -> Matrix<Scalar> {
        let q = try kronecker(part.basis.input.eigenvectors, part.basis.output.eigenvectors)
        let inverseDiagonal = part.correction.value.elements.map { 1 / ($0 + Scalar(damping)) }
        let dense = try q.scalingColumns(by: inverseDiagonal).multiplied(by: q, transposingOther: .transpose)
        return try dense.multiplied(by: v.reshaped(rows: v.elements.count, columns: 1)).reshaped(rows: v.rows, columns: v.columns)
    }

    /// `M⁻¹·vec(V)` reshaped like `V`, by LU.
    static func solve<Scalar: LinearAlgebraScalar>(_ m: Matrix<Scalar>, _ v: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try LUFactorization(m).solve(v.reshaped(rows: v.elements.count, columns: 1)).reshaped(rows: v.rows, columns: v.columns)
    }

    /// `A ⊗ G` of every Kronecker block after one K-FAC step on `model` with the exact GGN's `G`
    /// and `approximation`, paired with the dense GGN block of the same layer (squared error,
    /// `batch` Gaussian inputs and targets from `seed`).
    static func kfacAgainstGaussNewton<Scalar: LinearAlgebraScalar>(
        _ model: Sequential<Scalar>, approximation: WeightSharingApproximation, batch: Int = 5, seed: UInt64
    ) throws -> [(kfac: Matrix<Scalar>, ggn: Matrix<Scalar>)] {
        var model = model
        var generator = Xoshiro256StarStar(seed: seed)
        let input = try Matrix<Scalar>.randomGaussian(rows: model.inputSize, columns: batch, using: &generator)
        let target = try Matrix<Scalar>.randomGaussian(rows: model.outputSize, columns: batch, using: &generator)
        let factored = model.trainableLayers.indices.filter { model.trainableLayers[$0] is any ParameterizedLayer<Scalar> }
        let ggn = try factored.map { try gaussNewtonBlock(model, layer: $0, input: input) }
        var optimizer = try KFAC<Scalar>(
            model: model, options: .init(learningRate: 1e-3, factorUpdatePeriod: 1, inverseUpdatePeriod: 1,
                                         curvature: .exactGGN),
            configuration: .init(options: .init(weightSharing: approximation)))
        _ = try optimizer.step(&model, input: input, target: target, loss: SquaredError<Scalar>())
        return try zip(optimizer.blocks, ggn).map { (try kronecker($0.factors.input.value, $0.factors.output.value), $1) }
    }
}

extension BruteForceCurvature {
    /// The whole network's GGN `(1/b) Σᵢ Jᵢᵀ·Hᵢ·Jᵢ` over the flattened parameters, with each
    /// example's Jacobian `Jᵢ` (outputs × P) formed row by row from backward passes of unit output
    /// gradients and `Hᵢ = outputHessian(yᵢ)` given in closed form by the caller: no
    /// forward-mode product and no Hessian square root, the two things the operator adds.
    static func gaussNewton<Scalar: LinearAlgebraScalar>(
        _ model: Sequential<Scalar>, input: Matrix<Scalar>, outputHessian: ([Scalar]) throws -> Matrix<Scalar>
    ) throws -> Matrix<Scalar> {
        var evaluated = model
        let output = try evaluated.forward(input)
        let layout = ParameterShapes(model)
        let (outputs, batch, count) = (output.rows, output.columns, layout.parameterCount)
        var ggn = try Matrix<Scalar>(rows: count, columns: count)
        for i in 0..<batch {
            var jacobian = try Matrix<Scalar>(rows: outputs, columns: count)
            for r in 0..<outputs {
                var unit = try Matrix<Scalar>(rows: outputs, columns: batch)
                unit[r, i] = 1
                var pass = evaluated
                try pass.backward(unit, producing: .parameterGradients)
                let row = try layout.flatten(pass.parameterizedLayers.map { $0.weightGradient })
                for p in 0..<count { jacobian[r, p] = row[p] }
            }
            let weighted = try outputHessian(output.column(i)) * jacobian
            try Matrix.multiply(jacobian, weighted, transposingA: .transpose, alpha: 1 / Scalar(batch), beta: 1,
                                into: &ggn)
        }
        return ggn
    }

    /// `diag(p) − ppᵀ` with `p = softmax(z)`: softmax cross-entropy's Hessian in the logits.
    static func softmaxHessian<Scalar: LinearAlgebraScalar>(_ logits: [Scalar]) throws -> Matrix<Scalar> {
        let p = try SoftmaxCrossEntropy<Scalar>.probabilities(Matrix(column: logits)).elements
        return try Matrix(rows: p.count, columns: p.count) { i, j in (i == j ? p[i] : 0) - p[i] * p[j] }
    }
}
