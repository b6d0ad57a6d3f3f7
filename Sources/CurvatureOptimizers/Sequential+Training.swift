import DenseLinearAlgebra
import NeuralNetworks

extension Sequential {
    /// Forward pass, mean loss and backward pass, keeping the output (for the
    /// Monte-Carlo Fisher's label sampling and for accuracy).
    mutating func computeGradientsKeepingOutput<L: Loss>(input: Matrix<Scalar>, target: Matrix<Scalar>, loss: L) throws
        -> (loss: Scalar, output: Matrix<Scalar>) where L.Scalar == Scalar {
        let output = try forward(input)
        let (value, gradient) = try loss.valueAndGradient(output: output, target: target)
        try backward(gradient)
        return (value, output)
    }
}
