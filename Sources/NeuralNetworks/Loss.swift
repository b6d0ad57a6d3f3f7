import DenseLinearAlgebra

/// A loss on network outputs, averaged over the batch, and the predictive
/// distribution it is the negative log-likelihood of.
///
/// Outputs and targets are `outputSize × batch` (one example per column).
/// `L = (1/b) Σ_i ℓ(y_i, t_i)`, so the gradient handed to backpropagation is
/// `∂L/∂y = (1/b)·∂ℓ_i/∂y_i`: per-example quantities built from the captured `g`
/// need the factor `b` (see ``ParameterizedLayer``).
///
/// ``sampleTargets(output:using:)`` draws `t ~ p(t | y)` from the model's predictive
/// distribution; backpropagating the loss against such samples gives the
/// Monte-Carlo Fisher's gradients (Martens & Grosse 2015, Sec. 5).
public protocol Loss<Scalar>: Sendable {
    /// The floating-point type of outputs and targets.
    associatedtype Scalar: LinearAlgebraScalar

    /// The mean loss over the batch and its gradient with respect to `output`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when the
    ///   shapes differ, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ outputs.
    func valueAndGradient(output: Matrix<Scalar>, target: Matrix<Scalar>) throws
        -> (value: Scalar, gradient: Matrix<Scalar>)

    /// Targets sampled from the predictive distribution `p(t | output)`, one per column.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ outputs.
    func sampleTargets(output: Matrix<Scalar>, using generator: inout some RandomNumberGenerator) throws
        -> Matrix<Scalar>
}

extension Loss {
    /// The mean loss alone.
    /// - Complexity: as ``valueAndGradient(output:target:)``.
    /// - Throws: as ``valueAndGradient(output:target:)``.
    public func value(output: Matrix<Scalar>, target: Matrix<Scalar>) throws -> Scalar {
        try valueAndGradient(output: output, target: target).value
    }

    /// Throws unless `output` and `target` have one shape and `output` is finite.
    @inlinable
    func validate(output: Matrix<Scalar>, target: Matrix<Scalar>, _ operation: String) throws {
        guard output.rows == target.rows, output.columns == target.columns else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "target of the output's shape \(output.rows)×\(output.columns)",
                actual: "\(target.rows)×\(target.columns)")
        }
        try output.requireFinite(operation, argument: "output")
        try target.requireFinite(operation, argument: "target")
    }
}

extension Matrix {
    /// The `classCount × labels.count` matrix with a 1 in row `labels[i]` of column `i`.
    /// - Complexity: `classCount · labels.count` writes.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for a negative
    ///   `classCount` or a label outside `0..<classCount`.
    public static func oneHot(_ labels: [Int], classCount: Int) throws -> Matrix {
        guard classCount >= 0 else {
            throw LinearAlgebraError.invalidArgument(
                operation: "Matrix.oneHot", detail: "class count \(classCount) must be ≥ 0")
        }
        var result = try Matrix(rows: classCount, columns: labels.count)
        for (i, label) in labels.enumerated() {
            guard label >= 0, label < classCount else {
                throw LinearAlgebraError.invalidArgument(
                    operation: "Matrix.oneHot", detail: "label \(label) at index \(i) is not in 0..<\(classCount)")
            }
            result[label, i] = 1
        }
        return result
    }
}
