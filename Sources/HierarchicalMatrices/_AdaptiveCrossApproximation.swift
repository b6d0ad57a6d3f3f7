import DenseLinearAlgebra

/// Adaptive cross approximation with partial pivoting [Bebendorf 2000; Bebendorf &
/// Rjasanow 2003]: a low-rank `U·Vᵀ` of the `m × n` block `f(i, j)` built from `k` of its
/// rows and columns, `O(k·(m + n))` entry evaluations and `O(k²·(m + n))` flops.
///
/// Step `k`: the residual's row at the pivot row `i*` (the entries minus the current
/// approximation), its largest entry `j*` as the column pivot, `v = row / row[j*]`, the
/// residual's column `j*` as `u`; the next pivot row is the unused row where `|u|` is
/// largest. It stops when `‖u‖·‖v‖ ≤ ε·‖S_k‖_F`, with `‖S_k‖_F` updated exactly from the
/// factors — a heuristic, as for every partial-pivoting ACA: it can stop early on blocks
/// whose residual vanishes on the rows it has looked at, which smooth kernels do not have.
/// A zero residual row is skipped (the next unused row is tried).
///
/// Also returns the usual estimate of the residual's Frobenius norm, the norm `‖u‖·‖v‖` of the
/// last term (0 when every row was used or the rank is `min(m, n)`, where the approximation
/// interpolates the whole block), and whether `maximumRank` stopped it before the tolerance.
@inlinable
func adaptiveCrossApproximation<Scalar: LinearAlgebraScalar>(
    rows m: Int, columns n: Int, relativeTolerance epsilon: Scalar, maximumRank: Int,
    entry: (Int, Int) throws -> Scalar
) throws -> (block: LowRankBlock<Scalar>, residualEstimate: Scalar, capped: Bool) {
    var lastTerm: Scalar = 0
    var converged = false
    var us: [[Scalar]] = [], vs: [[Scalar]] = []
    var usedRows = Set<Int>()
    var pivotRow = 0
    var squaredNorm: Scalar = 0
    let limit = Swift.min(maximumRank, m, n)
    while us.count < limit, usedRows.count < m {
        usedRows.insert(pivotRow)
        var row = try (0..<n).map { try entry(pivotRow, $0) }
        for (u, v) in zip(us, vs) where u[pivotRow] != 0 {
            for j in 0..<n { row[j] -= u[pivotRow] * v[j] }
        }
        guard let pivotColumn = row.indices.max(by: { abs(row[$0]) < abs(row[$1]) }), row[pivotColumn] != 0 else {
            // The residual vanishes on this row: try the next unused one.
            guard let next = (0..<m).first(where: { !usedRows.contains($0) }) else { break }
            pivotRow = next
            continue
        }
        let v = row.map { $0 / row[pivotColumn] }
        var u = try (0..<m).map { try entry($0, pivotColumn) }
        for (previousU, previousV) in zip(us, vs) where previousV[pivotColumn] != 0 {
            for i in 0..<m { u[i] -= previousU[i] * previousV[pivotColumn] }
        }
        let (uu, vv) = (try u.dot(u), try v.dot(v))
        for (previousU, previousV) in zip(us, vs) { squaredNorm += 2 * (try u.dot(previousU)) * (try v.dot(previousV)) }
        squaredNorm += uu * vv
        us.append(u)
        vs.append(v)
        lastTerm = (uu * vv).squareRoot()
        if lastTerm <= epsilon * Swift.max(squaredNorm, 0).squareRoot() {
            converged = true
            break
        }
        guard let next = (0..<m).filter({ !usedRows.contains($0) }).max(by: { abs(u[$0]) < abs(u[$1]) }) else { break }
        pivotRow = next
    }
    let k = us.count
    let exhausted = k == Swift.min(m, n) || usedRows.count == m
    let capped = !converged && !exhausted && k == limit
    let block = try LowRankBlock(u: Matrix(rows: m, columns: k) { i, l in us[l][i] },
                                 v: Matrix(rows: n, columns: k) { j, l in vs[l][j] })
    return (block, exhausted ? 0 : lastTerm, capped)
}
