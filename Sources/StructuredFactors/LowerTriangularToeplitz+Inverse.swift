import DenseLinearAlgebra

extension LowerTriangularToeplitz {
    /// The product `L(t)·L(u) = L(t ∗ u mod zⁿ)`, again lower-triangular Toeplitz (the structure
    /// is a commutative algebra: the product of the truncated power series).
    /// - Complexity: one FFT convolution of length `P ≥ 2n − 1`, `O(n log n)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for another order.
    @inlinable
    public func multiplied(by other: LowerTriangularToeplitz) throws -> LowerTriangularToeplitz {
        try requireSameStructure(as: other, "LowerTriangularToeplitz.multiplied")
        return LowerTriangularToeplitz(
            unchecked: try RealFourierTransform.linearConvolution(column, other.column, outputCount: order))
    }

    /// The inverse `L(t)⁻¹ = L(s)` with `s = 1/t(z) mod zⁿ`, the first column of `L(t)⁻¹`.
    ///
    /// Fast path: Newton doubling on the truncated power series, from `s = 1/t₀` (one term),
    /// `s ← s·(2 − t·s) mod z^{2j}` doubles the number `j` of correct terms per step (the residual
    /// `1 − t·s` is squared). Its error is normwise, about `log₂P·eps·κ₁·‖s‖₁` with
    /// `κ₁ = ‖t‖₁·‖s‖₁` the 1-norm condition number of `L(t)` (exact for triangular Toeplitz
    /// matrices: both norms are attained by the first column), so it is kept only while the
    /// inverse does not grow, `κ₁ ≤ √(n/log₂P)` (the bound derived in `Notes/StructuredFactors.md`).
    /// Careful path otherwise: `s = L(t)⁻¹·e₁` by substitution, as `?trtrs` computes it.
    ///
    /// - Complexity: `⌈log₂ n⌉` steps of two FFT convolutions of length `≤ 4j`, `O(n log n)`
    ///   (about three times one product); `n²` more flops on the careful path.
    /// - Accuracy: that of `?trtrs` on the dense triangle, `|Δs| ≤ γ_n·|L⁻¹|·|L|·|s|` componentwise
    ///   up to a small constant, on either path.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/singularMatrix(operation:index:)`` (index 1) for `t₀ = 0`,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` if the inverse overflows.
    @inlinable
    public func inverse() throws -> LowerTriangularToeplitz { try inverse(named: "LowerTriangularToeplitz.inverse") }

    /// ``inverse()`` with errors naming `operation` (the upper-triangular inverse goes through this one).
    @inlinable
    func inverse(named operation: String) throws -> LowerTriangularToeplitz {
        guard order > 0 else { return self }
        var s = try newtonReciprocal(operation).series
        if !newtonIsAccurate(s) {
            var unit = try Matrix<Scalar>(rows: order, columns: 1)
            unit[0, 0] = 1
            s = try triangularToeplitzSubstitution(column, unit, transposed: false).column(0)
        }
        try requireFiniteValues(s, operation, argument: "the inverse (overflow)")
        return LowerTriangularToeplitz(unchecked: s)
    }

    /// `L(t)⁻¹·B`: the FFT product with the Newton inverse while that is accurate (see
    /// ``inverse()``), forward substitution on the Toeplitz structure otherwise.
    /// - Complexity: ``inverse()`` plus `O(k·n log n)` for `k` columns on the fast path, `n²·k` flops
    ///   on the careful path.
    /// - Accuracy: as `?trtrs` on the dense triangle: `|x − x̂| ≲ γ_n·|L⁻¹|·|L|·|x|` on the careful
    ///   path [Higham 2002, Thm 8.5], and within that bound normwise on the fast path.
    /// - Throws: as ``inverse()`` and ``apply(to:)``, and
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` if the solution overflows.
    @inlinable
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try triangularToeplitzSolve(b, transposed: false, operation: "LowerTriangularToeplitz.solve")
    }

    /// `L(t)⁻¹·B` or `L(t)ᵀ⁻¹·B` (the upper structure's solve) with the path choice of ``solve(_:)``.
    @inlinable
    func triangularToeplitzSolve(_ b: Matrix<Scalar>, transposed: Bool, operation: String) throws -> Matrix<Scalar> {
        try requireOperand(b, operation)
        guard order > 0 else { return b }
        let (s, transform) = try newtonReciprocal(operation)
        let x = newtonIsAccurate(s)
            ? try triangularToeplitzProduct(s, b, transposed: transposed, reusing: transform)
            : triangularToeplitzSubstitution(column, b, transposed: transposed)
        try x.requireFinite(operation, argument: "the solution (overflow)")
        return x
    }

    /// `1/t(z) mod zⁿ` by Newton doubling (possibly inaccurate or non-finite when the inverse grows).
    /// Step `j → 2j` (`m = min(2j, n)` terms): with `s` (`j` terms) as the kernel of one FFT
    /// convolution of length `P ≥ m + j − 1`, `e = t_{0..<m} ∗ s` and then `s ← (2 − e) ∗ s`, both
    /// truncated to `m` terms: one plan, one kernel transform and two filtered signals per step.
    /// The last step's transform is returned with the series: its length is the padded `2n − 1`
    /// of the products with `L(s)` (the last step has `m = n` and `j ≥ n/2`), so the solve reuses
    /// its plans instead of planning again (`nil` for `n = 1`, which takes no step).
    /// - Complexity: `⌈log₂ n⌉` steps of five real FFTs of length `< 4j`, `O(n log n)` in all.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/singularMatrix(operation:index:)`` (index 1) for `t₀ = 0`.
    @inlinable
    func newtonReciprocal(_ operation: String) throws -> (series: [Scalar], transform: RealFourierTransform<Scalar>?) {
        let n = order
        guard column[0] != 0 else { throw LinearAlgebraError.singularMatrix(operation: operation, index: 1) }
        var s: [Scalar] = [1 / column[0]]
        var transform: RealFourierTransform<Scalar>?
        var residual = [Scalar](repeating: 0, count: n)
        var next = [Scalar](repeating: 0, count: n)
        while s.count < n {
            let terms = Swift.min(2 * s.count, n)
            let convolution = try ToeplitzConvolution(kernel: s,
                                                      transformLength: paddedTransformLength(terms + s.count - 1))
            transform = convolution.transform
            column.withUnsafeBufferPointer { t in
                residual.withUnsafeMutableBufferPointer { buffer in
                    let r = UnsafeMutableBufferPointer(rebasing: buffer[..<terms])
                    convolution.convolve(UnsafeBufferPointer(rebasing: t[..<terms]), reversed: false, into: r)
                    for i in 0..<terms { r[i] = -r[i] }
                    r[0] += 2
                    next.withUnsafeMutableBufferPointer { next in
                        convolution.convolve(UnsafeBufferPointer(r), reversed: false,
                                             into: UnsafeMutableBufferPointer(rebasing: next[..<terms]))
                    }
                }
            }
            s = Array(next[..<terms])
        }
        return (s, transform)
    }

    /// Whether the Newton series `s` (and products with it) are as accurate as substitution:
    /// `s` finite and `κ₁ = ‖t‖₁·‖s‖₁ ≤ √(n/log₂P)`, `P` the FFT length. The Newton solve's normwise
    /// error is at most about `log₂P·eps·κ₁²·‖x‖`, substitution's at least `γ_n·‖x‖ ≈ n·eps·‖x‖`
    /// (Notes/StructuredFactors.md).
    /// - Complexity: `2n` additions.
    @inlinable
    func newtonIsAccurate(_ s: [Scalar]) -> Bool {
        let n = order
        let logLength = Swift.max(1, paddedTransformLength(2 * n - 1).trailingZeroBitCount)
        let condition = column.reduce(0) { $0 + abs($1) } * s.reduce(0) { $0 + abs($1) }
        return condition.isFinite && condition * condition <= Scalar(n) / Scalar(logLength)
    }
}
