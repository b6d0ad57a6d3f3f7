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
/// column-major at `input` (each of length `Π nᵢ`, `nᵢ` the columns of `op(Aᵢ)`) and
/// writes the `Π mᵢ × k` result, column-major, to `output`. Intermediates go to the
/// workspace's two buffers, grown as needed; the last step writes to `output`.
@inlinable
func applyKroneckerFactors<Scalar: LinearAlgebraScalar>(
    _ factors: [Matrix<Scalar>], transpose: Transpose, to input: UnsafePointer<Scalar>, columns k: Int,
    into output: UnsafeMutablePointer<Scalar>, workspace: inout KroneckerWorkspace<Scalar>
) {
    let d = factors.count
    let inner = factors.map { transpose == .none ? $0.columns : $0.rows }
    let outer = factors.map { transpose == .none ? $0.rows : $0.columns }
    let outputCount = outer.reduce(1, *) * k
    guard outputCount > 0 else { return }
    guard inner.reduce(1, *) * k > 0 else {
        output.initialize(repeating: 0, count: outputCount)
        return
    }
    // The largest intermediate: after applying factors d−1 … i, modes > i are in output size.
    var current = inner.reduce(1, *)
    var largest = 0
    for i in stride(from: d - 1, through: 1, by: -1) {
        current = current / inner[i] * outer[i]
        largest = Swift.max(largest, current)
    }
    workspace.intermediates.0.growUninitialized(to: largest * k)
    if d > 2 { workspace.intermediates.1.growUninitialized(to: largest * k) }
    workspace.intermediates.0.withUnsafeMutableBufferPointer { ping in
        workspace.intermediates.1.withUnsafeMutableBufferPointer { pong in
            var source = input
            for step in 0..<d {
                let i = d - 1 - step
                // The last step lands in the output; before it the steps alternate, ping last.
                let target = i == 0 ? output : (i % 2 == 1 ? ping.baseAddress! : pong.baseAddress!)
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
}

/// `result ← op(factors[0] ⊗ … ⊗ factors[d−1])·X` with `result` reshaped to `outputRows × k`
/// (its storage reused when the shape already matches); a size error names `operation`.
@inlinable
func applyKroneckerFactors<Scalar: LinearAlgebraScalar>(
    _ factors: [Matrix<Scalar>], transpose: Transpose, to x: Matrix<Scalar>, outputRows: Int,
    into result: inout Matrix<Scalar>, workspace: inout KroneckerWorkspace<Scalar>, operation: String
) throws {
    if result.rows != outputRows || result.columns != x.columns {
        result = try Matrix(rows: outputRows, columns: x.columns, for: operation, "result")
    }
    x.withUnsafeBufferPointer { input in
        result.withUnsafeMutableBufferPointer { output in
            guard let target = output.baseAddress else { return }
            // An empty `x` has no storage; its product is zero (or empty).
            guard let source = input.baseAddress else {
                target.update(repeating: 0, count: output.count)
                return
            }
            applyKroneckerFactors(factors, transpose: transpose, to: source, columns: x.columns, into: target,
                                  workspace: &workspace)
        }
    }
}

/// The Kronecker product of vectors under `combine`: entry `r` with mixed-radix
/// digits `(r₀, …, r_{d−1})`, the last digit fastest, is
/// `combine(…combine(identity, v₀[r₀])…, v_{d−1}[r_{d−1}])` — the eigenvalues of a
/// Kronecker product (`×`, identity 1) or of a Kronecker sum (`+`, identity 0).
/// The count `Π |vᵢ|` is checked with ``/DenseLinearAlgebra/SizePolicy`` (errors naming `operation`) before anything
/// is allocated.
/// - Complexity: `O(Π |vᵢ|)`.
@inlinable
func kroneckerCombination<Scalar: LinearAlgebraScalar>(
    _ vectors: [[Scalar]], identity: Scalar, operation: String, _ combine: (Scalar, Scalar) -> Scalar
) throws -> [Scalar] {
    var count = 1
    for vector in vectors {
        let (next, overflow) = count.multipliedReportingOverflow(by: vector.count)
        count = overflow ? .max : next
    }
    try SizePolicy.check(operation, "entries", count: count, of: Scalar.self, reachesBLAS: false)
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

/// `result ← Q·diag(c)·Qᵀ·X + complement·X`: maps `X` into the Kronecker eigenbasis
/// `Q = Q₁ ⊗ … ⊗ Q_d`, scales row `r` by `coefficients[r]`, maps back, and adds
/// `complement·X`. Shared by the damped inverse of a Kronecker product and the solve
/// of a Kronecker sum.
/// - Complexity: two Kronecker products with `k` columns plus `O(N·k)`; no allocation
///   once `result` and `workspace` have their sizes.
@inlinable
func applyInKroneckerEigenbasis<Scalar: LinearAlgebraScalar>(
    _ bases: [Matrix<Scalar>], coefficients: [Scalar], complement: Scalar, to x: Matrix<Scalar>,
    into result: inout Matrix<Scalar>, workspace: inout KroneckerWorkspace<Scalar>
) {
    let k = x.columns
    let rank = coefficients.count
    if result.rows != x.rows || result.columns != k { result = Matrix(shapeOf: x) }
    guard x.rows > 0, k > 0 else { return }
    var projection = workspace.projection
    workspace.projection = []
    projection.growUninitialized(to: rank * k)
    projection.withUnsafeMutableBufferPointer { coordinates in
        let p = coordinates.baseAddress!
        x.withUnsafeBufferPointer { input in
            applyKroneckerFactors(bases, transpose: .transpose, to: input.baseAddress!, columns: k, into: p,
                                  workspace: &workspace)
        }
        coefficients.withUnsafeBufferPointer { c in
            for j in 0..<k {
                let column = p + j * rank
                for r in 0..<rank { column[r] *= c[r] }
            }
        }
        result.withUnsafeMutableBufferPointer { output in
            applyKroneckerFactors(bases, transpose: .none, to: UnsafePointer(p), columns: k,
                                  into: output.baseAddress!, workspace: &workspace)
            if complement != 0 {
                x.withUnsafeBufferPointer { input in
                    Scalar.axpy(count: output.count, alpha: complement, x: input.baseAddress!, strideX: 1,
                                y: output.baseAddress!, strideY: 1)
                }
            }
        }
    }
    workspace.projection = projection
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

/// `Π sizes`, or ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` naming the sizes when
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
