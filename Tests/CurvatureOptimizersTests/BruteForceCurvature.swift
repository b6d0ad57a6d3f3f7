import DenseLinearAlgebra
import NeuralNetworks

/// Dense reference curvature computed without any Kronecker structure.
enum BruteForceCurvature {
    /// The GGN block of parameterised layer `k` for the mean of `½‖y − t‖²`:
    /// `(1/b) Σₙ Jₙᵀ Jₙ`, with the Jacobian `Jₙ = ∂yₙ/∂vec(W̃ₖ)` (column-major vec) taken
    /// by unit forward differences — exact up to rounding when the output is affine in
    /// `W̃ₖ`, as it is in a deep linear network.
    static func gaussNewtonBlock(_ model: Sequential<Double>, layer k: Int, input: Matrix<Double>) throws
        -> Matrix<Double> {
        let weight = model.parameters[k]
        let base = try model.predict(input)
        let parameterCount = weight.elements.count
        var jacobians = [Matrix<Double>](repeating: try Matrix(rows: base.rows, columns: parameterCount),
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
        var ggn = try Matrix<Double>(rows: parameterCount, columns: parameterCount)
        for jacobian in jacobians {
            try Matrix.multiply(jacobian, jacobian, transposingA: .transpose, alpha: 1 / Double(input.columns),
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

    /// `M⁻¹·vec(V)` reshaped like `V`, by LU.
    static func solve<Scalar: LinearAlgebraScalar>(_ m: Matrix<Scalar>, _ v: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try LUFactorization(m).solve(v.reshaped(rows: v.elements.count, columns: 1)).reshaped(rows: v.rows, columns: v.columns)
    }
}
