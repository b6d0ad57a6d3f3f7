import DenseLinearAlgebra

/// An elementwise nonlinearity `y = φ(x)` on inputs of any size.
///
/// Each derivative is computed from the captured output where it can be: `ReLU′ = [y > 0]`,
/// `tanh′ = 1 − y²`, `σ′ = y(1 − y)`, so only `y` is kept; GELU's derivative needs the input,
/// which that kind keeps as well.
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
        /// The Gaussian error linear unit in its tanh form (Hendrycks & Gimpel 2016, eq. 2; BERT's
        /// and GPT-2's): `½x(1 + tanh(√(2/π)(x + 0.044715x³)))`, within `5·10⁻⁴` of `x·Φ(x)`.
        case gelu
    }

    /// The nonlinearity applied.
    public let kind: Kind
    /// Features per example (rows in and out).
    public let size: Int
    /// `y` of the last forward pass, overwritten by the next one of the same shape.
    @usableFromInline var output = Matrix<Scalar>()
    /// `∂L/∂x` of the last backward pass, overwritten by the next one of the same shape.
    @usableFromInline var inputGradientBuffer = Matrix<Scalar>()
    /// `x` of the last forward pass, kept only for ``Kind/gelu``.
    @usableFromInline var input = Matrix<Scalar>()

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

    /// `y = φ(x)` in one pass from `x` into the previous step's `y` storage (no copy of `x`
    /// first, no allocation when the batch shape is unchanged).
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func forward(_ input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireInputRows(input, "Activation.forward")
        var y = try Matrix.reusing(&output, rows: input.rows, columns: input.columns)
        input.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { values in
                switch kind {
                case .relu:
                    for k in values.indices { values[k] = x[k] > 0 ? x[k] : 0 }
                case .tanh:
                    for k in values.indices { values[k] = Scalar.tanh(x[k]) }
                case .sigmoid:
                    for k in values.indices { values[k] = logisticSigmoid(x[k]) }
                case .gelu:
                    for k in values.indices { values[k] = gaussianErrorLinearUnit(x[k]).value }
                }
            }
        }
        if kind == .gelu { self.input = input }
        output = y
        return y
    }

    /// `φ′` at one entry from its input `x` and output `y`: ReLU, tanh and the sigmoid read `y`
    /// (`[y > 0]`, `1 − y²`, `y(1 − y)`), GELU reads `x`. - Complexity: `O(1)`.
    @inlinable
    public func derivative(input x: Scalar, output y: Scalar) -> Scalar {
        switch kind {
        case .relu: return y > 0 ? 1 : 0
        case .tanh: return 1 - y * y
        case .sigmoid: return y * (1 - y)
        case .gelu: return gaussianErrorLinearUnit(x).derivative
        }
    }

    /// `∂L/∂x = ∂L/∂y ⊙ φ′` in one pass into the previous step's gradient storage.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func backward(_ outputGradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireGradientShape(outputGradient, rows: output.rows, columns: output.columns, "Activation.backward")
        var gradient = try Matrix.reusing(&inputGradientBuffer, rows: output.rows, columns: output.columns)
        output.withUnsafeBufferPointer { y in
            outputGradient.withUnsafeBufferPointer { dy in
                gradient.withUnsafeMutableBufferPointer { g in
                    switch kind {
                    case .relu:
                        // Both operands loaded unconditionally: a select the compiler vectorises,
                        // not a branch mispredicted on every other sign (it was 5 % of a K-FAC step).
                        for k in g.indices {
                            let (incoming, positive) = (dy[k], y[k] > 0)
                            g[k] = positive ? incoming : 0
                        }
                    case .tanh:
                        for k in g.indices { g[k] = dy[k] * (1 - y[k] * y[k]) }
                    case .sigmoid:
                        for k in g.indices { g[k] = dy[k] * (y[k] * (1 - y[k])) }
                    case .gelu:
                        input.withUnsafeBufferPointer { x in
                            for k in g.indices { g[k] = dy[k] * gaussianErrorLinearUnit(x[k]).derivative }
                        }
                    }
                }
            }
        }
        inputGradientBuffer = gradient
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

/// GELU's tanh form and its derivative at `x`: with `u = √(2/π)(x + 0.044715x³)` and
/// `t = tanh u`, the value is `½x(1 + t)` and the derivative `½(1 + t) + ½x(1 − t²)·u′`,
/// `u′ = √(2/π)(1 + 3·0.044715x²)`.
@inlinable
func gaussianErrorLinearUnit<Scalar: LinearAlgebraScalar>(_ x: Scalar) -> (value: Scalar, derivative: Scalar) {
    let c: Scalar = 0.7978845608028654  // √(2/π)
    let a: Scalar = 0.044715
    let t = Scalar.tanh(c * (x + a * x * x * x))
    let slope = c * (1 + 3 * a * x * x)
    return (x * (1 + t) / 2, (1 + t) / 2 + x * (1 - t * t) * slope / 2)
}
