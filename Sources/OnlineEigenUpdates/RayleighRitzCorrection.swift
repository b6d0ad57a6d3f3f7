import DenseLinearAlgebra
import SymmetricEigen

/// B-KFAC-c's correction of a maintained eigenbasis against the matrix it
/// approximates: a Rayleigh–Ritz step on a subset `S` of the basis columns.
///
/// For `Q_S` the eigenvector columns `S` of the current decomposition and `M` the
/// exact (moving-average) factor, the `|S| × |S|` projection `Q_Sᵀ·M·Q_S = V·diag(θ)·Vᵀ`
/// gives the Ritz pairs `(θ, Q_S·V)`: the best approximations to eigenpairs of `M`
/// within `span(Q_S)` [Parlett 1998, §11.4]. They replace the columns `S` and their
/// eigenvalues; every other pair is unchanged. `Q_S·V` spans the same space as `Q_S`,
/// so the basis stays orthonormal. Puiu 2022 ("Brand New K-FACs", §4) corrects a
/// random subset every few steps, so that over time every direction is re-fitted to
/// `M` and the drift of repeated truncated Brand updates is bounded.
///
/// A value type without options; the subset is chosen by the caller or drawn
/// uniformly with an explicit generator.
public struct RayleighRitzCorrection<Scalar: LinearAlgebraScalar>: Sendable {
    /// The correction.
    /// - Complexity: `O(1)`.
    public init() {}

    /// `current` with the pairs `columns` replaced by the Ritz pairs of `matrix` in their span.
    ///
    /// `matrix` is the full symmetric `n × n` matrix (both triangles, as an average of outer
    /// products is). The Ritz values are assigned to the positions `columns` in the order of
    /// the eigenvalues they replace (largest to the position of the largest), so a decomposition
    /// in descending order stays sorted within `columns`.
    /// - Complexity: `2n²·s` flops for `M·Q_S`, `2n·s²` for the projection and as much for the
    ///   rotation, `9s³` for the small EVD, `s = columns.count`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `matrix`
    ///   is `n × n`, ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for a decomposition
    ///   without eigenvectors or a column index out of range or repeated,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ in `matrix`.
    @inlinable
    public func corrected(_ current: SymmetricEigendecomposition<Scalar>, against matrix: Matrix<Scalar>,
                          columns: [Int]) throws -> SymmetricEigendecomposition<Scalar> {
        let operation = "RayleighRitzCorrection.corrected"
        let (n, k) = (current.order, current.eigenvalues.count)
        guard matrix.rows == n, matrix.columns == n else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "M of size \(n)×\(n)", actual: "\(matrix.rows)×\(matrix.columns)")
        }
        guard current.hasEigenvectors || k == 0 else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "the decomposition was computed without eigenvectors")
        }
        if let bad = columns.first(where: { !(0..<k).contains($0) }) {
            throw LinearAlgebraError.invalidArgument(operation: operation, detail: "column \(bad) must be in 0..<\(k)")
        }
        guard Set(columns).count == columns.count else {
            throw LinearAlgebraError.invalidArgument(operation: operation, detail: "columns \(columns) repeat")
        }
        try matrix.requireFinite(operation, argument: "M")
        guard !columns.isEmpty else { return current }
        // Largest replaced eigenvalue first, so the Ritz values (descending) keep the order.
        let positions = columns.sorted { (current.eigenvalues[$0], $1) > (current.eigenvalues[$1], $0) }
        let subspace = try current.eigenvectors.columns(at: positions)
        let projected = try subspace.multiplied(by: matrix.multiplied(by: subspace), transposingSelf: .transpose)
        let ritz = try SymmetricEigendecomposition(projected)
        let descending = Array(ritz.eigenvalues.indices.reversed())
        let rotated = try subspace.multiplied(by: ritz.eigenvectors.columns(at: descending))
        var values = current.eigenvalues
        var vectors = current.eigenvectors
        for (slot, position) in positions.enumerated() {
            values[position] = ritz.eigenvalues[descending[slot]]
            try vectors.setColumn(position, to: rotated.column(slot))
        }
        return try SymmetricEigendecomposition(eigenvalues: values, eigenvectors: vectors)
    }

    /// ``corrected(_:against:columns:)`` on `count` distinct columns drawn uniformly from
    /// the `k` pairs with `generator` (a partial Fisher–Yates shuffle), reproducible from its seed.
    /// - Complexity: as ``corrected(_:against:columns:)`` plus `O(k)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` unless `0 ≤ count ≤ k`,
    ///   and as ``corrected(_:against:columns:)``.
    @inlinable
    public func corrected(_ current: SymmetricEigendecomposition<Scalar>, against matrix: Matrix<Scalar>,
                          randomColumns count: Int, using generator: inout some RandomNumberGenerator) throws
        -> SymmetricEigendecomposition<Scalar> {
        let k = current.eigenvalues.count
        guard count >= 0, count <= k else {
            throw LinearAlgebraError.invalidArgument(
                operation: "RayleighRitzCorrection.corrected", detail: "count \(count) must be in 0...\(k)")
        }
        var indices = Array(0..<k)
        for slot in 0..<count {
            indices.swapAt(slot, Int.random(in: slot..<k, using: &generator))
        }
        return try corrected(current, against: matrix, columns: Array(indices.prefix(count)))
    }
}
