import DenseLinearAlgebra

// The engine behind every Kronecker product with a block of vectors: apply
// `op(A₁) ⊗ … ⊗ op(A_d)` to the `k` columns of `X` one factor at a time, never
// forming the product.
//
// With column-major `vec`, a column of `X` is a tensor whose fastest index
// belongs to the last factor: `(A ⊗ B)·vec(Y) = vec(B·Y·Aᵀ)` for `Y` of size
// `n_B × n_A`. Applying factor `i` is a mode product: viewing the current data
// as `p_before × nᵢ × p_after` (faster modes, mode `i`, slower modes and the
// `k` columns),
//   - when `p_before = 1` (the fastest mode) it is one GEMM `op(Aᵢ)·[nᵢ × p_after]`;
//   - otherwise `p_after` GEMMs `[p_before × nᵢ]·op(Aᵢ)ᵀ`, one per slab.
// Factors are applied from the last (fastest) to the first, ping-ponging
// between two buffers arranged so that the last step lands in the result.
// Flops: `Σᵢ 2·mᵢ·nᵢ·(Π_{j>i} m_j)·(Π_{j<i} n_j)·k` — for two `n × n` factors
// `4n³k` instead of the dense product's `2n⁴k`. See Notes/KroneckerOperators.md.

/// Applies `op(factors[0]) ⊗ … ⊗ op(factors[d−1])` to the `k` columns stored
/// column-major at `input` (each of length `Π nᵢ`, `nᵢ` the columns of `op(Aᵢ)`);
/// returns the `Π mᵢ × k` result in column-major order.
@inlinable
func applyKroneckerFactors<Scalar: LinearAlgebraScalar>(
    _ factors: [Matrix<Scalar>], transpose: Transpose, to input: UnsafeBufferPointer<Scalar>, columns k: Int
) -> [Scalar] {
    let d = factors.count
    let inner = factors.map { transpose == .none ? $0.columns : $0.rows }
    let outer = factors.map { transpose == .none ? $0.rows : $0.columns }
    let outputCount = outer.reduce(1, *) * k
    guard outputCount > 0, inner.reduce(1, *) * k > 0 else {
        return [Scalar](repeating: 0, count: outputCount)
    }
    precondition(input.count == inner.reduce(1, *) * k, "Kronecker engine: input of \(input.count) entries")
    // The largest intermediate: after applying factors d−1 … i, modes > i are in output size.
    var current = inner.reduce(1, *)
    var largest = current
    for i in stride(from: d - 1, through: 0, by: -1) {
        current = current / inner[i] * outer[i]
        largest = Swift.max(largest, current)
    }
    let capacity = largest * k
    // GEMM with β = 0 never reads its output, so the buffers need no initialisation.
    var result = [Scalar](unsafeUninitializedCapacity: capacity) { _, count in count = capacity }
    var work = [Scalar](unsafeUninitializedCapacity: d > 1 ? capacity : 0) { _, count in count = d > 1 ? capacity : 0 }
    result.withUnsafeMutableBufferPointer { resultBuffer in
        work.withUnsafeMutableBufferPointer { workBuffer in
            var source = input.baseAddress!
            for step in 0..<d {
                let i = d - 1 - step
                // Step `step` writes to the result when an even number of steps remain after it.
                let target = (d - 1 - step) % 2 == 0 ? resultBuffer.baseAddress! : workBuffer.baseAddress!
                let before = outer[(i + 1)...].reduce(1, *)
                let after = inner[..<i].reduce(1, *) * k
                let (m, n) = (outer[i], inner[i])
                factors[i].withUnsafeBufferPointer { factor in
                    let a = factor.baseAddress!
                    let lda = factors[i].leadingDimension
                    if before == 1 {
                        Scalar.gemm(transposeA: transpose, transposeB: .none, m: m, n: after, k: n, alpha: 1,
                                    a: a, lda: lda, b: source, ldb: n, beta: 0, c: target, ldc: m)
                    } else {
                        // Slab b: [before × n]·op(A)ᵀ, and op(A)ᵀ is Aᵀ (as stored, transposed) or A.
                        let flip: Transpose = transpose == .none ? .transpose : .none
                        for b in 0..<after {
                            Scalar.gemm(transposeA: .none, transposeB: flip, m: before, n: m, k: n, alpha: 1,
                                        a: source + b * before * n, lda: before, b: a, ldb: lda,
                                        beta: 0, c: target + b * before * m, ldc: before)
                        }
                    }
                }
                source = UnsafePointer(target)
            }
        }
    }
    result.removeLast(capacity - outputCount)
    return result
}

/// The Kronecker product of vectors under `combine`: entry `r` with mixed-radix
/// digits `(r₀, …, r_{d−1})`, the last digit fastest, is
/// `combine(…combine(identity, v₀[r₀])…, v_{d−1}[r_{d−1}])` — the eigenvalues of a
/// Kronecker product (`×`, identity 1) or of a Kronecker sum (`+`, identity 0).
/// - Complexity: `O(Π |vᵢ|)`.
@inlinable
func kroneckerCombination<Scalar: LinearAlgebraScalar>(
    _ vectors: [[Scalar]], identity: Scalar, _ combine: (Scalar, Scalar) -> Scalar
) -> [Scalar] {
    var result = [identity]
    for vector in vectors {
        var next = [Scalar]()
        next.reserveCapacity(result.count * vector.count)
        for value in result {
            for entry in vector { next.append(combine(value, entry)) }
        }
        result = next
    }
    return result
}

/// `Q·diag(c)·Qᵀ·X + complement·X`: maps `X` into the Kronecker eigenbasis `Q = Q₁ ⊗ … ⊗ Q_d`,
/// scales row `r` by `coefficients[r]`, maps back, and adds `complement·X`. Shared by the damped
/// inverse of a Kronecker product and the solve of a Kronecker sum.
/// - Complexity: two Kronecker products with `k` columns plus `O(N·k)`.
@inlinable
func applyInKroneckerEigenbasis<Scalar: LinearAlgebraScalar>(
    _ bases: [Matrix<Scalar>], coefficients: [Scalar], complement: Scalar, to x: Matrix<Scalar>
) throws -> Matrix<Scalar> {
    let k = x.columns
    let rank = coefficients.count
    var projected = try Matrix(
        rows: rank, columns: k,
        columnMajor: x.withUnsafeBufferPointer { applyKroneckerFactors(bases, transpose: .transpose, to: $0, columns: k) })
    try projected.scaleRows(by: coefficients)
    var result = try Matrix(
        rows: x.rows, columns: k,
        columnMajor: projected.withUnsafeBufferPointer { applyKroneckerFactors(bases, transpose: .none, to: $0, columns: k) })
    if complement != 0 { try result.add(x, scaledBy: complement) }
    return result
}

/// Throws unless the right-hand side `x` of an eigenbasis solve has `rows` rows and is
/// finite and the shift (damping `λ` or `σ`) is finite — the checks shared by
/// ``KroneckerEigendecomposition/dampedInverse(applyingTo:damping:)`` and
/// ``KroneckerSumEigendecomposition/solve(_:shift:)``.
@inlinable
func requireSolveOperands<Scalar: LinearAlgebraScalar>(
    _ x: Matrix<Scalar>, name: String, rows: Int, shift: Scalar, shiftName: String, operation: String
) throws {
    guard x.rows == rows else {
        throw LinearAlgebraError.dimensionMismatch(
            operation: operation, expected: "\(name) with \(rows) rows", actual: "\(x.rows)×\(x.columns)")
    }
    guard shift.isFinite else {
        throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: "\(shiftName) = \(shift)")
    }
    try x.requireFinite(operation, argument: name)
}

/// `Π sizes`, or ``LinearAlgebraError/invalidArgument(operation:detail:)`` naming the sizes when
/// the product overflows `Int` (a Kronecker product's order is the product of its factors' orders).
/// - Complexity: `O(sizes.count)`.
@inlinable
func checkedProduct(_ sizes: [Int], of what: String, operation: String) throws -> Int {
    var product = 1
    for size in sizes {
        let (next, overflow) = product.multipliedReportingOverflow(by: size)
        guard !overflow else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "\(what) \(sizes.map(String.init).joined(separator: " · ")) overflows Int")
        }
        product = next
    }
    return product
}
