import DenseLinearAlgebra

// FFT kernels of the triangular Toeplitz structures. Derivations: Notes/StructuredFactors.md.
// Each carries `@_specialize` for Float and Double: callers that are themselves generic over the
// structure (SINGD's block, chosen at run time) reach them unspecialised, and the per-entry
// loops would otherwise run through generic arithmetic (measured: 10× slower).

/// The smallest power of two `≥ count` (and ≥ 1): the padded FFT length.
@inlinable
func paddedTransformLength(_ count: Int) -> Int {
    var length = 1
    while length < count { length *= 2 }
    return length
}

/// `L(t)·X` or `L(t)ᵀ·X` for the lower-triangular Toeplitz `L(t)_ij = t_{i−j}` (`i ≥ j`), column by
/// column as truncated linear convolutions through one FFT plan of length `P ≥ 2n − 1`:
/// `(L·x)_i = (t ∗ x)_i` for `i < n`, and `(Lᵀ·x)_i = (t ∗ rev x)_{n−1−i}`.
/// The spectrum of `t` is computed once. - Complexity: `(k + 1)` forward and `k` inverse
/// real FFTs of length `P`, `O(k·n log n)` for `k` columns.
@inlinable
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func triangularToeplitzProduct<Scalar: LinearAlgebraScalar>(
    _ t: [Scalar], _ x: Matrix<Scalar>, transposed: Bool
) throws -> Matrix<Scalar> {
    let n = t.count
    guard n > 0, x.columns > 0 else { return try Matrix(rows: n, columns: x.columns) }
    let length = paddedTransformLength(2 * n - 1)
    let transform = try RealFourierTransform<Scalar>(count: length)
    let zeros = [Scalar](repeating: 0, count: length - n)
    let kernel = try transform.forward(t + zeros)
    var result = try Matrix<Scalar>(rows: n, columns: x.columns)
    try result.withUnsafeMutableBufferPointer { output in
        for j in 0..<x.columns {
            var column = try x.column(j)
            if transposed { column.reverse() }
            var spectrum = try transform.forward(column + zeros)
            multiplySpectra(&spectrum, kernel)
            let convolution = try transform.inverse(spectrum)
            for i in 0..<n { output[i + j * n] = transposed ? convolution[n - 1 - i] : convolution[i] }
        }
    }
    return result
}

/// `a ← a ⊙ b` for interleaved complex spectra.
@inlinable
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func multiplySpectra<Scalar: LinearAlgebraScalar>(_ a: inout [Scalar], _ b: [Scalar]) {
    precondition(a.count == b.count, "spectra of \(a.count) and \(b.count) values")
    for k in stride(from: 0, to: a.count, by: 2) {
        let (re, im) = (a[k] * b[k] - a[k + 1] * b[k + 1], a[k] * b[k + 1] + a[k + 1] * b[k])
        a[k] = re
        a[k + 1] = im
    }
}

/// singd's Toeplitz projection of a symmetric `M`, from its diagonal sums
/// `σ_k = Σ_i m_{i+k,i}` and `σ_{−k} = Σ_i m_{i,i+k}`: `p_0 = σ_0/n`, `p_k = (σ_k + σ_{−k})/(n − k)`.
/// - Complexity: `n²` additions.
@inlinable
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func toeplitzProjection<Scalar: LinearAlgebraScalar>(_ m: Matrix<Scalar>) -> [Scalar] {
    let n = m.rows
    var sums = [Scalar](repeating: 0, count: n)
    m.withUnsafeBufferPointer { a in
        for j in 0..<n {
            for i in 0..<n { sums[abs(i - j)] += a[i + j * n] }
        }
    }
    return (0..<n).map { sums[$0] / Scalar(n - $0) }
}

/// The Toeplitz projection of `XᵀX` without forming it. The lag-`k` diagonal sum of the Gram
/// matrix is the summed autocorrelation of the rows of `X`, `σ_k = Σ_r Σ_i x_{r,i+k}·x_{r,i}`,
/// the inverse transform of `Σ_r |x̂_r|²` at lag `k` (Wiener–Khinchin, padded to `P ≥ 2n − 1` so that
/// no lag wraps). `σ_{−k} = σ_k` by symmetry, so `p_0 = σ_0/n`, `p_k = 2σ_k/(n − k)`.
/// - Complexity: `m` forward and one inverse real FFT of length `P`: `O(m·n log n)`.
@inlinable
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func toeplitzGramProjection<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>) throws -> [Scalar] {
    let n = x.columns
    guard n > 0 else { return [] }
    let length = paddedTransformLength(2 * n - 1)
    let transform = try RealFourierTransform<Scalar>(count: length)
    let zeros = [Scalar](repeating: 0, count: length - n)
    var power = [Scalar](repeating: 0, count: 2 * transform.spectrumCount)
    for r in 0..<x.rows {
        let spectrum = try transform.forward(x.row(r) + zeros)
        for k in 0..<transform.spectrumCount {
            power[2 * k] += spectrum[2 * k] * spectrum[2 * k] + spectrum[2 * k + 1] * spectrum[2 * k + 1]
        }
    }
    let lags = try transform.inverse(power)
    return (0..<n).map { ($0 == 0 ? lags[0] : 2 * lags[$0]) / Scalar(n - $0) }
}

/// `‖L(t)‖_F = sqrt(Σ_k (n − k)·t_k²)`, without overflow. - Complexity: `O(n)`.
@inlinable
func toeplitzFrobeniusNorm<Scalar: LinearAlgebraScalar>(_ t: [Scalar]) -> Scalar {
    let n = t.count
    return scaledEuclideanNorm(t.enumerated().map { $0.element * Scalar(n - $0.offset).squareRoot() })
}

/// `L(t)⁻¹·B` or `L(t)ᵀ⁻¹·B` by substitution on the Toeplitz structure, without forming the matrix:
/// forward, `x_i = (b_i − Σ_{k=1}^{i} t_k·x_{i−k})/t₀`, or (transposed) backward,
/// `x_i = (b_i − Σ_{k=1}^{n−1−i} t_k·x_{i+k})/t₀`. The same operations as `?trtrs` on the formed
/// triangle, so the same componentwise backward error, `|ΔL| ≤ γ_n·|L|` [Higham 2002, Thm 8.5].
/// The careful path of the triangular Toeplitz solves (Notes/StructuredFactors.md). Requires `t₀ ≠ 0`.
/// - Complexity: `n²` flops per column, no workspace beyond the result.
@inlinable
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func triangularToeplitzSubstitution<Scalar: LinearAlgebraScalar>(
    _ t: [Scalar], _ b: Matrix<Scalar>, transposed: Bool
) -> Matrix<Scalar> {
    let n = t.count
    precondition(n == b.rows && (n == 0 || t[0] != 0), "substitution needs \(n) rows and t₀ ≠ 0")
    var x = b
    guard n > 0 else { return x }
    t.withUnsafeBufferPointer { t in
        x.withUnsafeMutableBufferPointer { x in
            for o in stride(from: 0, to: b.columns * n, by: n) {
                if transposed {
                    for i in stride(from: n - 1, through: 0, by: -1) {
                        var sum = x[o + i]
                        for k in 1..<(n - i) { sum -= t[k] * x[o + i + k] }
                        x[o + i] = sum / t[0]
                    }
                } else {
                    for i in 0..<n {
                        var sum = x[o + i]
                        for k in stride(from: 1, through: i, by: 1) { sum -= t[k] * x[o + i - k] }
                        x[o + i] = sum / t[0]
                    }
                }
            }
        }
    }
    return x
}
