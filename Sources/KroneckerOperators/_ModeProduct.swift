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

/// The number of columns a Kronecker product processes together: as many as keep one intermediate
/// of `entriesPerColumn` entries per column within 512 KiB (at least one, at most `k`). Column
/// blocks of that width keep the intermediate between the mode products in the core's L2 cache
/// (1–2 MiB on current server cores) instead of streaming it through memory, and keep the
/// workspace small: the allocating forms then do not page-fault in a fresh buffer of
/// `N·k` entries on every call (Notes/KroneckerOperators.md, "Column blocks").
/// - Complexity: `O(1)`.
@inlinable
func kroneckerColumnBlock<Scalar: LinearAlgebraScalar>(entriesPerColumn: Int, columns k: Int, of _: Scalar.Type) -> Int {
    let budget = 512 * 1024 / MemoryLayout<Scalar>.stride
    return Swift.max(1, Swift.min(k, budget / Swift.max(1, entriesPerColumn)))
}

/// The largest intermediate per column of `op(factors[0]) ⊗ … ⊗ op(factors[d−1])` applied from the
/// last factor to the first: after factors `d−1 … i`, the modes `> i` have their output sizes.
/// - Complexity: `O(d)`.
@inlinable
func largestKroneckerIntermediate(inner: [Int], outer: [Int]) -> Int {
    var current = inner.reduce(1, *)
    var largest = 0
    for i in stride(from: inner.count - 1, through: 1, by: -1) {
        current = current / inner[i] * outer[i]
        largest = Swift.max(largest, current)
    }
    return largest
}

/// Applies `op(factors[0]) ⊗ … ⊗ op(factors[d−1])` to the `k` columns of `input` (contiguous,
/// `Π nᵢ × k`, `nᵢ` the columns of `op(Aᵢ)`) and writes the `Π mᵢ × k` result to `output`
/// (contiguous), in blocks of ``kroneckerColumnBlock(entriesPerColumn:columns:of:)`` columns.
/// Each mode product is a GEMM on views of the current data reshaped; the intermediates live
/// in the workspace's two buffers, grown as needed, and the last step writes to `output`.
/// - Throws: only on an internal shape inconsistency (a typed error from the view wrappers).
@inlinable
func applyKroneckerFactors<Scalar: LinearAlgebraScalar>(
    _ factors: [Matrix<Scalar>], transpose: Transpose, to input: MatrixView<Scalar>,
    into output: MutableMatrixView<Scalar>, workspace: inout KroneckerWorkspace<Scalar>
) throws {
    let k = input.columns
    let inner = factors.map { transpose == .none ? $0.columns : $0.rows }
    let outer = factors.map { transpose == .none ? $0.rows : $0.columns }
    let width = kroneckerColumnBlock(entriesPerColumn: largestKroneckerIntermediate(inner: inner, outer: outer),
                                     columns: k, of: Scalar.self)
    for first in stride(from: 0, to: k, by: width) {
        let block = first..<Swift.min(first + width, k)
        try applyKroneckerFactorsToBlock(factors, transpose: transpose, to: input.columns(block),
                                         into: output.columns(block), workspace: &workspace)
    }
}

/// ``applyKroneckerFactors(_:transpose:to:into:workspace:)`` on all columns of `input` at once.
@inlinable
func applyKroneckerFactorsToBlock<Scalar: LinearAlgebraScalar>(
    _ factors: [Matrix<Scalar>], transpose: Transpose, to input: MatrixView<Scalar>,
    into output: MutableMatrixView<Scalar>, workspace: inout KroneckerWorkspace<Scalar>
) throws {
    let d = factors.count
    let k = input.columns
    let inner = factors.map { transpose == .none ? $0.columns : $0.rows }
    let outer = factors.map { transpose == .none ? $0.rows : $0.columns }
    guard outer.reduce(1, *) * k > 0 else { return }
    guard inner.reduce(1, *) * k > 0 else { return output.fill(with: 0) }
    let largest = largestKroneckerIntermediate(inner: inner, outer: outer)
    workspace.intermediates.0.growUninitialized(to: largest * k)
    if d > 2 { workspace.intermediates.1.growUninitialized(to: largest * k) }
    try workspace.intermediates.0.withUnsafeMutableBufferPointer { ping in
        try workspace.intermediates.1.withUnsafeMutableBufferPointer { pong in
            var source = input
            for step in 0..<d {
                let i = d - 1 - step
                let before = outer[(i + 1)...].reduce(1, *)
                let after = inner[..<i].reduce(1, *) * k
                let (m, n) = (outer[i], inner[i])
                // The last step lands in the output; before it the steps alternate, ping last.
                let target = i == 0
                    ? try output.reshaped(rows: before * m, columns: after)
                    : try MutableMatrixView(unsafeBuffer: i % 2 == 1 ? ping : pong, rows: before * m, columns: after)
                try factors[i].withView { a in
                    if before == 1 {
                        try Matrix.multiply(a, source.reshaped(rows: n, columns: after), transposingA: transpose,
                                            into: target)
                    } else {
                        // Slab b: [before × n]·op(A)ᵀ, and op(A)ᵀ is Aᵀ (as stored, transposed) or A.
                        let flip: Transpose = transpose == .none ? .transpose : .none
                        let slabs = try source.reshaped(rows: before, columns: n * after)
                        let results = try target.reshaped(rows: before, columns: m * after)
                        for b in 0..<after {
                            try Matrix.multiply(slabs.columns((b * n)..<((b + 1) * n)), a, transposingB: flip,
                                                into: results.columns((b * m)..<((b + 1) * m)))
                        }
                    }
                }
                source = target.readOnly
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
        result = try .uninitialized(rows: outputRows, columns: x.columns, for: operation, "result")
    }
    try x.withView { input in
        try result.withMutableView { output in
            try applyKroneckerFactors(factors, transpose: transpose, to: input, into: output, workspace: &workspace)
        }
    }
}

/// `result ← (A ⊕ B)·X = vec(B·Xⱼ + Xⱼ·Aᵀ)` column by column for `result` and `X` of
/// `n_A·n_B` rows: one GEMM `B·[X₁ … X_k]` over `n_A·k` columns, then `k` accumulating GEMMs
/// `Xⱼ·Aᵀ`, each on a view of a column reshaped to `n_B × n_A`.
/// - Complexity: `2·n_A·n_B·(n_A + n_B)·k` flops; no allocation.
@inlinable
func applyKroneckerSum<Scalar: LinearAlgebraScalar>(
    _ first: Matrix<Scalar>, _ second: Matrix<Scalar>, to x: Matrix<Scalar>, into result: inout Matrix<Scalar>
) throws {
    let (na, nb, k) = (first.rows, second.rows, x.columns)
    try x.withView { source in
        try first.withView { a in
            try second.withView { b in
                try result.withMutableView { target in
                    // I ⊗ B: B·[X₁ … X_k], one GEMM over n_A·k columns.
                    try Matrix.multiply(b, source.reshaped(rows: nb, columns: na * k),
                                        into: target.reshaped(rows: nb, columns: na * k))
                    // A ⊗ I: Yⱼ += Xⱼ·Aᵀ.
                    for j in 0..<k {
                        try Matrix.multiply(source.columns(j..<(j + 1)).reshaped(rows: nb, columns: na), a,
                                            transposingB: .transpose, beta: 1,
                                            into: target.columns(j..<(j + 1)).reshaped(rows: nb, columns: na))
                    }
                }
            }
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
) throws {
    let k = x.columns
    let rank = coefficients.count
    if result.rows != x.rows || result.columns != k {
        result = try .uninitialized(rows: x.rows, columns: k, for: "applyInKroneckerEigenbasis", "result")
    }
    guard x.rows > 0, k > 0 else { return }
    // Column blocks: the coordinates and the mode products' intermediates of a block stay in cache.
    let (orders, ranks) = (bases.map(\.rows), bases.map(\.columns))
    let perColumn = Swift.max(rank, largestKroneckerIntermediate(inner: orders, outer: ranks),
                              largestKroneckerIntermediate(inner: ranks, outer: orders))
    let width = kroneckerColumnBlock(entriesPerColumn: perColumn, columns: k, of: Scalar.self)
    var projection = workspace.projection
    workspace.projection = []
    defer { workspace.projection = projection }
    projection.growUninitialized(to: rank * width)
    try projection.withUnsafeMutableBufferPointer { buffer in
        try x.withView { input in
            try result.withMutableView { output in
                for first in stride(from: 0, to: k, by: width) {
                    let block = first..<Swift.min(first + width, k)
                    let coordinates = try MutableMatrixView(
                        unsafeBuffer: UnsafeMutableBufferPointer(rebasing: buffer[..<(rank * block.count)]),
                        rows: rank, columns: block.count)
                    try applyKroneckerFactorsToBlock(bases, transpose: .transpose, to: input.columns(block),
                                                     into: coordinates, workspace: &workspace)
                    try coordinates.scaleRows(by: coefficients)
                    try applyKroneckerFactorsToBlock(bases, transpose: .none, to: coordinates.readOnly,
                                                     into: output.columns(block), workspace: &workspace)
                    if complement != 0 { try output.columns(block).add(input.columns(block), scaledBy: complement) }
                }
            }
        }
    }
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
