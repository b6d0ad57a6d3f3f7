import DenseLinearAlgebra

/// An elementwise nonlinearity `y = φ(x)` on inputs of any size.
///
/// Each derivative is computed from the captured output: `ReLU′ = [y > 0]`,
/// `tanh′ = 1 − y²`, `σ′ = y(1 − y)`, so only `y` is kept.
///
/// - Complexity: one pass over the batch forward and one backward.
public struct Activation<Scalar: LinearAlgebraScalar>: Layer {
    /// The nonlinearity.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// `max(x, 0)`; derivative 0 at `x = 0`.
        case relu
        /// `tanh x`.
        case tanh
        /// The logistic sigmoid `1 / (1 + e^{−x})`, evaluated without overflow for large `|x|`.
        case sigmoid
    }

    /// The nonlinearity applied.
    public let kind: Kind
    /// Features per example (rows in and out).
    public let size: Int
    @usableFromInline var output = Matrix<Scalar>()

    /// `kind` applied to `size` features per example.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when `size < 1`.
    public init(_ kind: Kind, size: Int) throws {
        guard size >= 1 else {
            throw LinearAlgebraError.invalidArgument(operation: "Activation", detail: "size \(size) must be at least 1")
        }
        self.kind = kind
        self.size = size
    }

    @inlinable public var inputSize: Int { size }
    @inlinable public var outputSize: Int { size }

    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func forward(_ input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireInputRows(input, "Activation.forward")
        var y = input
        y.withUnsafeMutableBufferPointer { values in
            switch kind {
            case .relu:
                for k in values.indices { values[k] = values[k] > 0 ? values[k] : 0 }
            case .tanh:
                for k in values.indices { values[k] = Scalar.tanh(values[k]) }
            case .sigmoid:
                for k in values.indices { values[k] = logisticSigmoid(values[k]) }
            }
        }
        output = y
        return y
    }

    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func backward(_ outputGradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireGradientShape(outputGradient, rows: output.rows, columns: output.columns, "Activation.backward")
        var gradient = outputGradient
        output.withUnsafeBufferPointer { y in
            gradient.withUnsafeMutableBufferPointer { g in
                switch kind {
                case .relu:
                    for k in g.indices { g[k] = y[k] > 0 ? g[k] : 0 }
                case .tanh:
                    for k in g.indices { g[k] *= 1 - y[k] * y[k] }
                case .sigmoid:
                    for k in g.indices { g[k] *= y[k] * (1 - y[k]) }
                }
            }
        }
        return gradient
    }
}

/// `1 / (1 + e^{−x})`, through `e^{x} / (1 + e^{x})` for negative `x` so the
/// exponential never overflows.
@inlinable
func logisticSigmoid<Scalar: LinearAlgebraScalar>(_ x: Scalar) -> Scalar {
    if x >= 0 { return 1 / (1 + Scalar.exp(-x)) }
    let e = Scalar.exp(x)
    return e / (1 + e)
}
