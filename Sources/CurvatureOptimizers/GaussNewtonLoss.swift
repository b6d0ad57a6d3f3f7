import DenseLinearAlgebra
import NeuralNetworks

/// A loss whose Hessian in the network output has a known square root, which the
/// exact generalised Gauss–Newton backpropagates: `∇²ℓ(y) = Σ_c h_c h_cᵀ`.
public protocol GaussNewtonLoss<Scalar>: Loss {
    /// For each `c`, the `outputSize × batch` matrix whose column `i` is `h_c(yᵢ)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ outputs.
    func hessianSquareRootColumns(output: Matrix<Scalar>) throws -> [Matrix<Scalar>]
}

extension SoftmaxCrossEntropy: GaussNewtonLoss {
    /// `∇²ℓ = diag(p) − ppᵀ = Σ_c p_c (e_c − p)(e_c − p)ᵀ`, so `h_c = √p_c (e_c − p)`.
    public func hessianSquareRootColumns(output: Matrix<Scalar>) throws -> [Matrix<Scalar>] {
        try output.requireFinite("SoftmaxCrossEntropy.hessianSquareRootColumns", argument: "output")
        let p = Self.probabilities(output)
        return try (0..<output.rows).map { c in
            try Matrix(rows: output.rows, columns: output.columns) { i, n in
                Scalar.sqrt(p[c, n]) * ((i == c ? 1 : 0) - p[i, n])
            }
        }
    }
}

extension SquaredError: GaussNewtonLoss {
    /// `ℓ = ½‖y − t‖²` has `∇²ℓ = I`, so `h_c = e_c`.
    public func hessianSquareRootColumns(output: Matrix<Scalar>) throws -> [Matrix<Scalar>] {
        try output.requireFinite("SquaredError.hessianSquareRootColumns", argument: "output")
        return try (0..<output.rows).map { c in
            try Matrix(rows: output.rows, columns: output.columns) { i, _ in i == c ? 1 : 0 }
        }
    }
}

extension SigmoidBinaryCrossEntropy: GaussNewtonLoss {
    /// Each output is an independent Bernoulli logit: `∇²ℓ = diag(p ⊙ (1 − p))` with
    /// `p = σ(y)`, so `h_c = √(p_c(1 − p_c)) e_c`.
    public func hessianSquareRootColumns(output: Matrix<Scalar>) throws -> [Matrix<Scalar>] {
        try output.requireFinite("SigmoidBinaryCrossEntropy.hessianSquareRootColumns", argument: "output")
        return try (0..<output.rows).map { c in
            try Matrix(rows: output.rows, columns: output.columns) { i, n in
                guard i == c else { return 0 }
                // σ(y)(1 − σ(y)) = σ(y)·σ(−y), computed without cancellation for large |y|.
                let y = output[c, n]
                return Scalar.sqrt(1 / ((1 + Scalar.exp(-y)) * (1 + Scalar.exp(y))))
            }
        }
    }
}

extension ScaledRoundedLoss: GaussNewtonLoss where Base: GaussNewtonLoss {
    /// The wrapped loss's columns, scaled by `S` and rounded like a gradient: they are
    /// backpropagated in its place (the exact GGN of a low-precision run).
    public func hessianSquareRootColumns(output: Matrix<Scalar>) throws -> [Matrix<Scalar>] {
        try base.hessianSquareRootColumns(output: output).map(stored)
    }
}
