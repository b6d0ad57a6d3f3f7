import DenseLinearAlgebra

/// A layer whose parameters form one matrix `W̃` acting as `y = W̃ ã` on every
/// column of a shared dimension: what Kronecker-factored optimizers read.
///
/// Notation (Martens & Grosse 2015; Eschenhagen et al. 2023): a layer maps
/// `a ∈ ℝ^{d_in}` to `y = W a + b ∈ ℝ^{d_out}` at each of `R` positions of each
/// example (`R = 1` for a plain dense layer, the number of output pixels for a
/// convolution, the sequence length or patch count for a dense layer shared
/// along a dimension).
///
/// - ``TrainableLayer/weight`` is `W̃ = [W | b]`, `d_out × (d_in + 1)`, the bias as the last column
///   ("bias folded in as a trailing 1 in `a`"), or `W` alone (`d_out × d_in`) without a bias.
/// - ``inputs`` is `ã = [a; 1]`, `(d_in + 1) × (batch·R)` (no row of ones without a bias),
///   captured by the last forward pass. Columns are **example-major**: column
///   `i·R + r` is position `r` of example `i`, so the `R` columns of one example are
///   contiguous. K-FAC-expand uses all `batch·R` columns; K-FAC-reduce averages `a`
///   (and sums `g`) over each example's `R` columns first.
/// - ``outputGradients`` is `g = ∂L/∂y`, `d_out × (batch·R)`, in the same column order,
///   captured by the last backward pass.
/// - ``TrainableLayer/weightGradient`` is `∂L/∂W̃ = g ãᵀ = Σ_{i,r} g_{i,r} ã_{i,r}ᵀ`, the shape of ``TrainableLayer/weight``.
///
/// **Scaling.** The losses of this module are means over the batch, so `L = (1/b) Σ_i ℓ_i`
/// and the captured `g` is `∂L/∂y = (1/b)·∂ℓ_i/∂y`. K-FAC's
/// `G = E[g gᵀ]` over per-example gradients therefore needs the factor `b`:
/// `G = b · g gᵀ` — also for K-FAC-expand with `R > 1`, where the factor `R` of the
/// positions moves into `G` (see `Notes/KFAC-family.md`); ``perExampleWeightGradients()``
/// carries the same factor `b` on `∇W_i`. `A = ã ãᵀ / (b·R)` needs no correction.
public protocol ParameterizedLayer<Scalar>: TrainableLayer {
    /// Whether `W̃` carries a bias column and `ã` a trailing row of ones.
    var hasBias: Bool { get }
    /// `R`, the number of positions that share the weight in one example.
    var sharedDimension: Int { get }
    /// Examples in the last forward pass (`inputs.columns / R`).
    var batchSize: Int { get }
    /// `ã` of the last forward pass, `(d_in + 1) × (batch·R)`, example-major columns.
    var inputs: Matrix<Scalar> { get }
    /// `g = ∂L/∂y` of the last backward pass, `d_out × (batch·R)`, example-major columns.
    var outputGradients: Matrix<Scalar> { get }
}

extension ParameterizedLayer {
    /// `d_in`: input features per position, without the homogeneous coordinate.
    @inlinable public var weightInputFeatures: Int { weight.columns - (hasBias ? 1 : 0) }

    /// The gradient of each example's own loss `ℓ_i` with respect to `W̃`:
    /// `∇W̃_i = b · Σ_r g_{i,r} ã_{i,r}ᵀ` (the factor `b` undoes the batch mean in `g`),
    /// so that `(1/b) Σ_i ∇W̃_i` equals ``TrainableLayer/weightGradient``. Used by EKFAC's
    /// re-estimated eigenvalues `s = E[(Q_Gᵀ ∇W_i Q_A)²]` (George et al. 2018).
    /// For `R = 1` this is the outer product `b · g_i ã_iᵀ`.
    /// - Complexity: `2·d_out·(d_in+1)·R` flops per example (one GEMM on the example's
    ///   contiguous columns); `b` matrices of the weight's shape.
    @inlinable
    public func perExampleWeightGradients() throws -> [Matrix<Scalar>] {
        let (a, g, r, b) = (inputs, outputGradients, sharedDimension, batchSize)
        guard g.columns == a.columns else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "perExampleWeightGradients", expected: "output gradients for the \(a.columns) captured columns",
                actual: "\(g.columns) columns (call backward after forward)")
        }
        return try (0..<b).map { i in
            var gradient = try Matrix<Scalar>(rows: g.rows, columns: a.rows)
            try Matrix.multiply(g.columns(i * r..<(i + 1) * r), a.columns(i * r..<(i + 1) * r),
                                transposingB: .transpose, alpha: Scalar(b), into: &gradient)
            return gradient
        }
    }
}
