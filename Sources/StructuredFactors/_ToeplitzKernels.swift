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
/// The spectrum of `t`, scaled by `1/P` (the inverse transform's normalisation), is computed once;
/// each column is copied (reversed for the transpose) into the transform's buffer, filtered in
/// place and written straight into the result: one allocation (the result) for all columns, and
/// the two `P`-long buffers stay in cache (Notes/StructuredFactors.md, "Products by FFT").
/// `transform`, when it has length `P`, is used instead of planning a new one (the solve passes
/// the Newton inverse's last, which has that length).
/// - Complexity: `(k + 1)` forward and `k` inverse real FFTs of length `P`, `O(k·n log n)` for `k` columns.
@inlinable
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func triangularToeplitzProduct<Scalar: LinearAlgebraScalar>(
    _ t: [Scalar], _ x: Matrix<Scalar>, transposed: Bool, reusing transform: RealFourierTransform<Scalar>? = nil
) throws -> Matrix<Scalar> {
    let n = t.count
    guard n > 0, x.columns > 0 else { return try Matrix(rows: n, columns: x.columns) }
    let length = paddedTransformLength(2 * n - 1)
    let convolution = try ToeplitzConvolution(
        kernel: t, transform: transform.flatMap { $0.count == length ? $0 : nil } ?? RealFourierTransform(count: length))
    var result = try Matrix<Scalar>.uninitialized(rows: n, columns: x.columns, for: "triangular Toeplitz product", "result")
    x.withUnsafeBufferPointer { input in
        result.withUnsafeMutableBufferPointer { output in
            for j in 0..<x.columns {
                let columnRange = (j * n)..<((j + 1) * n)
                convolution.convolve(UnsafeBufferPointer(rebasing: input[columnRange]), reversed: transposed,
                                     into: UnsafeMutableBufferPointer(rebasing: output[columnRange]))
            }
        }
    }
    return result
}

/// Truncated linear convolutions `(t ∗ x)_{0..<m}` with one fixed kernel `t` through one real FFT of
/// length `P`: the kernel's spectrum is computed once, scaled by `1/P`, and every signal is filtered
/// through the transform's buffers (``/DenseLinearAlgebra/RealFourierTransform/filter(writingSignal:modifyingSpectrum:readingSignal:)``),
/// so a convolution allocates nothing. `P ≥ |t| + |x| − 1` makes the circular convolution the linear one.
@usableFromInline
struct ToeplitzConvolution<Scalar: LinearAlgebraScalar> {
    @usableFromInline let transform: RealFourierTransform<Scalar>
    /// `|t|`.
    @usableFromInline let kernelCount: Int
    /// `DFT(t padded to P)/P`, interleaved.
    @usableFromInline let kernelSpectrum: [Scalar]

    /// Plans the transform of length `transformLength` (`≥ kernel.count`) and transforms the kernel.
    /// - Complexity: one plan and one real FFT of length `P`.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    init(kernel: [Scalar], transformLength: Int) throws {
        try self.init(kernel: kernel, transform: RealFourierTransform<Scalar>(count: transformLength))
    }

    /// Transforms the kernel with an existing `transform` (`count ≥ kernel.count`), whose plans and
    /// buffers the convolution then uses: planning costs as much as a few transforms of the length.
    /// - Complexity: one real FFT of length `P`.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    init(kernel: [Scalar], transform: RealFourierTransform<Scalar>) throws {
        self.transform = transform
        kernelCount = kernel.count
        let scale = 1 / Scalar(transform.count)
        kernelSpectrum = try transform.forward(kernel + [Scalar](repeating: 0, count: transform.count - kernel.count))
            .map { $0 * scale }
    }

    /// `output_i = (t ∗ x)_i` for `i < output.count`, or with `reversed`, the correlation
    /// `output_i = (t ∗ rev x)_{m−1−i}` (`m = x.count = output.count`), i.e. `L(t)ᵀ·x` truncated.
    /// Requires `P ≥ |t| + |x| − 1` and `output.count ≤ |x|` (`=` for the correlation).
    /// - Complexity: two real FFTs of length `P` and `O(P)` copies; no allocation.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func convolve(_ x: UnsafeBufferPointer<Scalar>, reversed: Bool, into output: UnsafeMutableBufferPointer<Scalar>) {
        let m = x.count
        precondition(kernelCount + m - 1 <= transform.count && output.count <= m && (!reversed || output.count == m),
                     "\(m) samples into \(output.count) through a kernel of \(kernelCount) and a transform of \(transform.count)")
        kernelSpectrum.withUnsafeBufferPointer { kernel in
            transform.filter(
                writingSignal: { signal in
                    if reversed {
                        for i in 0..<m { signal[i] = x[m - 1 - i] }
                    } else {
                        _ = signal.update(fromContentsOf: x)
                    }
                    UnsafeMutableBufferPointer(rebasing: signal[m...]).update(repeating: 0)
                },
                modifyingSpectrum: { spectrum in multiplySpectra(spectrum, by: kernel) },
                readingSignal: { signal in
                    if reversed {
                        for i in 0..<m { output[i] = signal[m - 1 - i] }
                    } else {
                        for i in 0..<output.count { output[i] = signal[i] }
                    }
                })
        }
    }
}

/// `a ← a ⊙ b` for interleaved complex spectra of equal length.
/// - Complexity: `a.count / 2` complex multiplications.
@inlinable
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
func multiplySpectra<Scalar: LinearAlgebraScalar>(_ a: UnsafeMutableBufferPointer<Scalar>, by b: UnsafeBufferPointer<Scalar>) {
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
