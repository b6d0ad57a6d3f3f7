import DenseLinearAlgebra

/// Layer normalisation over the features of each position (Ba, Kiros & Hinton 2016):
/// for every position `r` of every example, `x̂ = (x − μ)/√(σ² + ε)` with the mean `μ` and
/// the (biased) variance `σ²` of its `d` features, then `y = γ ⊙ x̂ + β` with a learned
/// scale `γ` and shift `β` shared by all positions.
///
/// The parameters are one `d × 2` matrix `[γ | β]` (``TrainableLayer/weight``), initialised
/// to `[1 | 0]`. They act elementwise, so the layer is a ``TrainableLayer`` but not a
/// ``ParameterizedLayer``: Kronecker-factored optimizers precondition it diagonally.
/// Positions are laid out as everywhere in this module (feature `k` of position `r` is row `r·d + k`).
///
/// - Complexity: about `8·R·d` flops per example forward and `10·R·d` backward; keeps `x̂`
///   (`R·d` per example) and `1/√(σ² + ε)` (`R` per example).
public struct LayerNorm<Scalar: LinearAlgebraScalar>: TrainableLayer {
    /// `d`, the features normalised together.
    public let features: Int
    /// `R`, the positions per example, each normalised on its own.
    public let positions: Int
    /// `ε` added to the variance. Default `1e-5` (PyTorch's `LayerNorm`).
    public let epsilon: Scalar
    public private(set) var weight: Matrix<Scalar>
    public var weightGradient: Matrix<Scalar> { parameterGradient }
    /// `∂L/∂weight` of the last backward pass that computed it.
    @usableFromInline var parameterGradient: Matrix<Scalar>
    /// `x̂` of the last forward pass, `(R·d) × batch`.
    @usableFromInline var normalized = Matrix<Scalar>()
    /// `1/√(σ² + ε)` of the last forward pass, one per position and example (`R × batch`).
    @usableFromInline var inverseDeviations = Matrix<Scalar>()

    /// Normalisation of `features` values at each of `positions` positions per example.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when a size is below 1
    ///   or `epsilon` is not positive and finite.
    public init(features: Int, positions: Int = 1, epsilon: Scalar = 1e-5) throws {
        guard features >= 1, positions >= 1, epsilon > 0, epsilon.isFinite else {
            throw LinearAlgebraError.invalidArgument(
                operation: "LayerNorm",
                detail: "d=\(features) and R=\(positions) must be ≥ 1 and ε=\(epsilon) positive and finite")
        }
        self.features = features
        self.positions = positions
        self.epsilon = epsilon
        weight = try Matrix(rows: features, columns: 2) { _, j in j == 0 ? 1 : 0 }
        parameterGradient = Matrix(shapeOf: weight)
    }

    /// `R·d`.
    @inlinable public var inputSize: Int { positions * features }
    /// `R·d`.
    @inlinable public var outputSize: Int { positions * features }

    public mutating func setWeight(_ newWeight: Matrix<Scalar>) throws {
        try requireReplacement(newWeight, for: weight, "LayerNorm.setWeight")
        weight = newWeight
    }

    public mutating func apply(update: Matrix<Scalar>, scaledBy alpha: Scalar, storingIn precision: StoragePrecision?)
        throws {
        try weight.addStoringFinite(update, scaledBy: alpha, storingIn: precision, operation: "LayerNorm.setWeight")
    }

    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func forward(_ input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireInputRows(input, "LayerNorm.forward")
        let (d, tokens) = (features, positions * input.columns)
        var xHat = try Matrix.reusing(&normalized, rows: input.rows, columns: input.columns)
        var inverse = try Matrix.reusing(&inverseDeviations, rows: positions, columns: input.columns)
        var output = try Matrix<Scalar>(rows: input.rows, columns: input.columns)
        let eps = epsilon
        input.withUnsafeBufferPointer { x in
            xHat.withUnsafeMutableBufferPointer { n in
                inverse.withUnsafeMutableBufferPointer { s in
                    output.withUnsafeMutableBufferPointer { y in
                        weight.withUnsafeBufferPointer { w in
                            for t in 0..<tokens {
                                let base = t * d
                                var mean: Scalar = 0
                                for k in 0..<d { mean += x[base + k] }
                                mean /= Scalar(d)
                                var variance: Scalar = 0
                                for k in 0..<d { variance += (x[base + k] - mean) * (x[base + k] - mean) }
                                let scale = 1 / Scalar.sqrt(variance / Scalar(d) + eps)
                                s[t] = scale
                                for k in 0..<d {
                                    let value = (x[base + k] - mean) * scale
                                    n[base + k] = value
                                    y[base + k] = w[k] * value + w[d + k]
                                }
                            }
                        }
                    }
                }
            }
        }
        normalized = xHat
        inverseDeviations = inverse
        return output
    }

    /// Everything: the input and the parameter gradient (the partial pass below does the work,
    /// specialised there).
    @inlinable
    public mutating func backward(_ outputGradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try backward(outputGradient, producing: .all)
    }

    /// `∂L/∂x = (1/σ)(ĝ − mean(ĝ) − x̂·mean(ĝ ⊙ x̂))` with `ĝ = γ ⊙ ∂L/∂y`, per position;
    /// `∂L/∂γ = Σ ∂L/∂y ⊙ x̂` and `∂L/∂β = Σ ∂L/∂y` over positions and examples.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func backward(_ outputGradient: Matrix<Scalar>, producing products: BackwardProducts) throws
        -> Matrix<Scalar> {
        try requireGradientShape(outputGradient, rows: normalized.rows, columns: normalized.columns,
                                 "LayerNorm.backward")
        let (d, tokens) = (features, positions * outputGradient.columns)
        if products.contains(.otherTrainableLayerGradients) {
            var gradient = Matrix<Scalar>(shapeOf: weight)
            outputGradient.withUnsafeBufferPointer { dy in
                normalized.withUnsafeBufferPointer { n in
                    gradient.withUnsafeMutableBufferPointer { dw in
                        for t in 0..<tokens {
                            for k in 0..<d {
                                dw[k] += dy[t * d + k] * n[t * d + k]
                                dw[d + k] += dy[t * d + k]
                            }
                        }
                    }
                }
            }
            parameterGradient = gradient
        }
        guard products.contains(.inputGradient) else { return try .placeholder(rows: inputSize) }
        var inputGradient = try Matrix<Scalar>(rows: outputGradient.rows, columns: outputGradient.columns)
        outputGradient.withUnsafeBufferPointer { dy in
            normalized.withUnsafeBufferPointer { n in
                inverseDeviations.withUnsafeBufferPointer { s in
                    weight.withUnsafeBufferPointer { w in
                        inputGradient.withUnsafeMutableBufferPointer { dx in
                            for t in 0..<tokens {
                                let base = t * d
                                var (meanG, meanGX): (Scalar, Scalar) = (0, 0)
                                for k in 0..<d {
                                    let g = w[k] * dy[base + k]
                                    meanG += g
                                    meanGX += g * n[base + k]
                                }
                                meanG /= Scalar(d)
                                meanGX /= Scalar(d)
                                for k in 0..<d {
                                    dx[base + k] = s[t] * (w[k] * dy[base + k] - meanG - n[base + k] * meanGX)
                                }
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }
}
