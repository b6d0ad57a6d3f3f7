import DenseLinearAlgebra

/// The affine map `y = W̃ ã` shared by ``Dense`` and ``Conv2d``, applied to
/// `batch · sharedDimension` columns at once, with everything K-FAC reads.
///
/// `W̃ = [W | b]` is `d_out × (d_in + 1)` with a bias (bias as the last column)
/// and `W` alone without; `ã = [a; 1]` is `a` with a trailing row of ones when
/// there is a bias. Forward is one GEMM, backward two:
/// `∇W̃ = G ãᵀ` and `∂L/∂a = W[:, :d_in]ᵀ G` (the bias column is skipped by
/// passing the weight's first `d_in` columns, a prefix of its column-major storage).
@usableFromInline
struct _SharedAffineMap<Scalar: LinearAlgebraScalar>: Sendable {
    @usableFromInline var weight: Matrix<Scalar>
    @usableFromInline let hasBias: Bool
    @usableFromInline let sharedDimension: Int
    @usableFromInline var inputs: Matrix<Scalar>
    @usableFromInline var outputGradients: Matrix<Scalar>
    @usableFromInline var weightGradient: Matrix<Scalar>
    /// `y` of the last forward pass, overwritten by the next one of the same shape.
    @usableFromInline var outputBuffer: Matrix<Scalar>
    /// `∂L/∂a` of the last backward pass, overwritten by the next one of the same shape.
    @usableFromInline var inputGradientBuffer: Matrix<Scalar>

    @usableFromInline
    init(weight: Matrix<Scalar>, hasBias: Bool, sharedDimension: Int, operation: String) throws {
        guard sharedDimension >= 1 else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "shared dimension R=\(sharedDimension) must be at least 1")
        }
        guard weight.rows >= 1, weight.columns >= (hasBias ? 2 : 1) else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation,
                detail: "weight \(weight.rows)×\(weight.columns) must have d_out ≥ 1 rows and d_in ≥ 1 input columns"
                    + (hasBias ? " plus the bias column" : ""))
        }
        try weight.requireFinite(operation, argument: "weight")
        self.weight = weight
        self.hasBias = hasBias
        self.sharedDimension = sharedDimension
        self.inputs = try Matrix(rows: weight.columns, columns: 0)
        self.outputGradients = try Matrix(rows: weight.rows, columns: 0)
        self.weightGradient = Matrix(shapeOf: weight)
        self.outputBuffer = try .placeholder(rows: 0)
        self.inputGradientBuffer = try .placeholder(rows: 0)
    }

    /// `d_in`, the input features per column (without the homogeneous 1).
    @inlinable var inputFeatures: Int { weight.columns - (hasBias ? 1 : 0) }
    /// `d_out`.
    @inlinable var outputFeatures: Int { weight.rows }
    /// Examples in the last forward pass: captured columns / R.
    @inlinable var batchSize: Int { inputs.columns / sharedDimension }

    /// `y = W̃ ã` for `x` of size `d_in × n` (`n = batch·R`); captures `ã`.
    ///
    /// `ã` and `y` are written into the storage of the previous step when the batch shape is
    /// unchanged (see ``Matrix/reusing(_:rows:columns:)``), so a step of fixed shape allocates
    /// nothing here.
    @inlinable
    mutating func forward(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        precondition(x.rows == inputFeatures && x.columns % sharedDimension == 0,
                     "the layer reshapes its input to d_in × (batch·R) before calling the affine map")
        if hasBias {
            try captureInputs(columns: x.columns) { try Self.writeAppendingOnes(x, into: &$0) }
        } else {
            outputGradients = try .placeholder(rows: outputFeatures)
            inputs = x
        }
        return try forwardCaptured()
    }

    /// Lets `write` fill ``inputs`` as `weight.columns × columns` in the storage of the last
    /// capture when the shape is unchanged (its previous entries are still there).
    ///
    /// A new forward pass invalidates the last `g`: it is dropped here (left `d_out × 0`), which
    /// also releases the storage of the gradient buffer of the layer above, so that layer can
    /// overwrite it in place next step.
    @inlinable
    mutating func captureInputs(columns: Int, _ write: (inout Matrix<Scalar>) throws -> Void) throws {
        outputGradients = try .placeholder(rows: outputFeatures)
        var captured = try Matrix.reusing(&inputs, rows: weight.columns, columns: columns)
        defer { inputs = captured }
        try write(&captured)
    }

    /// `y = W̃ ã` for the ``inputs`` already in place (a convolution writes its im2col there).
    @inlinable
    mutating func forwardCaptured() throws -> Matrix<Scalar> {
        var y = try Matrix.reusing(&outputBuffer, rows: outputFeatures, columns: inputs.columns)
        try Matrix.multiply(weight, inputs, into: &y)
        outputBuffer = y
        return y
    }

    /// Records `g`, and computes what `products` asks for: `∇W̃ = g ãᵀ` into
    /// ``weightGradient`` and `∂L/∂a = W[:, :d_in]ᵀ g` (returned; a `d_in × 0` matrix when not
    /// asked for).
    @inlinable
    mutating func backward(_ g: Matrix<Scalar>, producing products: BackwardProducts = .all) throws -> Matrix<Scalar> {
        precondition(g.rows == outputFeatures && g.columns == inputs.columns,
                     "the layer checks the gradient's shape before calling the affine map")
        outputGradients = g
        if products.contains(.parameterizedLayerGradients) {
            try Matrix.multiply(g, inputs, transposingB: .transpose, into: &weightGradient)
        }
        let (dIn, n) = (inputFeatures, g.columns)
        guard products.contains(.inputGradient) else { return try .placeholder(rows: dIn) }
        var inputGradient = try Matrix.reusing(&inputGradientBuffer, rows: dIn, columns: n)
        defer { inputGradientBuffer = inputGradient }
        guard n > 0 else { return inputGradient }
        // `∂L/∂a = W[:, :d_in]ᵀ g`: the first d_in columns of W̃ in place, without the bias column.
        try weight.withView { w in
            try g.withView { gradient in
                try inputGradient.withMutableView { result in
                    try Matrix.multiply(w.columns(0..<dIn), gradient, transposingA: .transpose, into: result)
                }
            }
        }
        return inputGradient
    }

    /// Writes `[x; 1ᵀ]` (`x` with a trailing row of ones, the homogeneous coordinate) into
    /// `target`, which must be `(x.rows + 1) × x.columns`. - Complexity: one pass over `x`.
    @inlinable
    static func writeAppendingOnes(_ x: Matrix<Scalar>, into target: inout Matrix<Scalar>) throws {
        let d = x.rows
        precondition(target.rows == d + 1 && target.columns == x.columns, "the caller sizes the augmented input")
        try x.withView { source in
            try target.withMutableView { result in
                try result.rows(0..<d).copy(from: source)
                try result.rows(d..<d + 1).fill(with: 1)
            }
        }
    }

    /// Replaces `W̃` after checking its shape and finiteness.
    @inlinable
    mutating func setWeight(_ newWeight: Matrix<Scalar>, operation: String) throws {
        guard newWeight.rows == weight.rows, newWeight.columns == weight.columns else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "weight \(weight.rows)×\(weight.columns)",
                actual: "\(newWeight.rows)×\(newWeight.columns)")
        }
        try newWeight.requireFinite(operation, argument: "weight")
        weight = newWeight
    }
}
