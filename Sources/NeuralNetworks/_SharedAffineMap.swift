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
    }

    /// `d_in`, the input features per column (without the homogeneous 1).
    @inlinable var inputFeatures: Int { weight.columns - (hasBias ? 1 : 0) }
    /// `d_out`.
    @inlinable var outputFeatures: Int { weight.rows }
    /// Examples in the last forward pass: captured columns / R.
    @inlinable var batchSize: Int { inputs.columns / sharedDimension }

    /// `y = W̃ ã` for `x` of size `d_in × n` (`n = batch·R`); captures `ã`.
    @inlinable
    mutating func forward(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        precondition(x.rows == inputFeatures && x.columns % sharedDimension == 0,
                     "the layer reshapes its input to d_in × (batch·R) before calling the affine map")
        inputs = hasBias ? try Self.appendingOnes(x) : x
        var y = try Matrix<Scalar>(rows: outputFeatures, columns: x.columns)
        try Matrix.multiply(weight, inputs, into: &y)
        return y
    }

    /// Records `g` and `∇W̃ = g ãᵀ`; returns `∂L/∂a = W[:, :d_in]ᵀ g`.
    @inlinable
    mutating func backward(_ g: Matrix<Scalar>) throws -> Matrix<Scalar> {
        precondition(g.rows == outputFeatures && g.columns == inputs.columns,
                     "the layer checks the gradient's shape before calling the affine map")
        outputGradients = g
        try Matrix.multiply(g, inputs, transposingB: .transpose, into: &weightGradient)
        let (dIn, dOut, n) = (inputFeatures, outputFeatures, g.columns)
        var inputGradient = try Matrix<Scalar>(rows: dIn, columns: n)
        guard n > 0 else { return inputGradient }
        weight.withUnsafeBufferPointer { w in
            g.withUnsafeBufferPointer { gb in
                inputGradient.withUnsafeMutableBufferPointer { out in
                    Scalar.gemm(transposeA: .transpose, transposeB: .none, m: dIn, n: n, k: dOut, alpha: 1,
                                a: w.baseAddress!, lda: dOut, b: gb.baseAddress!, ldb: dOut, beta: 0,
                                c: out.baseAddress!, ldc: dIn)
                }
            }
        }
        return inputGradient
    }

    /// `[x; 1ᵀ]`: `x` with a trailing row of ones (the homogeneous coordinate).
    @inlinable
    static func appendingOnes(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        let (d, n) = (x.rows, x.columns)
        var result = try Matrix<Scalar>(rows: d + 1, columns: n, repeating: 1)
        x.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for j in 0..<n {
                    let from = source.baseAddress! + j * d
                    (target.baseAddress! + j * (d + 1)).update(from: from, count: d)
                }
            }
        }
        return result
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
