import DenseLinearAlgebra
import NeuralNetworks

/// A loss whose Hessian in the network output has a known square root, which the
/// exact generalised Gauss–Newton backpropagates: `∇²ℓ(y) = Σ_c h_c h_cᵀ`.
public protocol GaussNewtonLoss<Scalar>: Loss {
    /// For each `c`, the `outputSize × batch` matrix whose column `i` is `h_c(yᵢ)`.
    /// - Throws: ``LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ outputs.
    func hessianSquareRootColumns(output: Matrix<Scalar>) throws -> [Matrix<Scalar>]
}

extension SoftmaxCrossEntropy: GaussNewtonLoss {
    /// `∇²ℓ = diag(p) − ppᵀ = Σ_c p_c (e_c − p)(e_c − p)ᵀ`, so `h_c = √p_c (e_c − p)`.
    public func hessianSquareRootColumns(output: Matrix<Scalar>) throws -> [Matrix<Scalar>] {
        try output.requireFinite("SoftmaxCrossEntropy.hessianSquareRootColumns", argument: "output")
        let p = Self.probabilities(output)
        return (0..<output.rows).map { c in
            Matrix(rows: output.rows, columns: output.columns) { i, n in
                Scalar.sqrt(p[c, n]) * ((i == c ? 1 : 0) - p[i, n])
            }
        }
    }
}

extension SquaredError: GaussNewtonLoss {
    /// `ℓ = ½‖y − t‖²` has `∇²ℓ = I`, so `h_c = e_c`.
    public func hessianSquareRootColumns(output: Matrix<Scalar>) throws -> [Matrix<Scalar>] {
        try output.requireFinite("SquaredError.hessianSquareRootColumns", argument: "output")
        return (0..<output.rows).map { c in
            Matrix(rows: output.rows, columns: output.columns) { i, _ in i == c ? 1 : 0 }
        }
    }
}
