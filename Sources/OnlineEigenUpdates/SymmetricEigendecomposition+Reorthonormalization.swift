import DenseLinearAlgebra
import SymmetricEigen

extension SymmetricEigendecomposition {
    /// `‖QᵀQ − I‖_max` for the eigenvectors `Q` (`n × k`): how far a decomposition
    /// maintained by updates has drifted from an orthonormal basis (LAPACK's results
    /// start at `c·n·eps`).
    /// - Complexity: one `syrk`, `n·k²` flops. `0` for a decomposition without vectors.
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the `k × k` Gram matrix.
    @inlinable
    public func orthogonalityLoss() throws -> Scalar {
        guard hasEigenvectors, !eigenvalues.isEmpty else { return 0 }
        var gram = try eigenvectors.gram(.transpose)
        try gram.addToDiagonal(-1)
        return gram.maxAbsoluteEntry
    }

    /// The same matrix `Q·diag(d)·Qᵀ` with orthonormal eigenvectors restored, in
    /// descending order: with the thin QR `Q = Q̂·R`, `Q·diag(d)·Qᵀ = Q̂·(R·diag(d)·Rᵀ)·Q̂ᵀ`,
    /// and the `k × k` eigendecomposition `R·diag(d)·Rᵀ = V·diag(s)·Vᵀ` gives `Q ← Q̂·V`,
    /// `d ← s`. Exact in exact arithmetic for any full-rank `Q`; in floating point the
    /// represented matrix changes by `c·n·eps·‖d‖∞·‖Q‖²` and `‖QᵀQ − I‖` returns to `c·n·eps`.
    /// - Complexity: `≈ 4n·k²` flops (QR and forming `Q̂`) `+ 9k³ + 2n·k²`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for a decomposition without
    ///   eigenvectors, ``/DenseLinearAlgebra/LinearAlgebraError/lapackFailure(routine:info:)`` from LAPACK.
    @inlinable
    public func reorthonormalized() throws -> Self {
        guard hasEigenvectors || eigenvalues.isEmpty else {
            throw LinearAlgebraError.invalidArgument(
                operation: "SymmetricEigendecomposition.reorthonormalized",
                detail: "the decomposition was computed without eigenvectors")
        }
        guard !eigenvalues.isEmpty else { return self }
        let qr = try QRFactorization(eigenvectors)
        let core = try qr.r.scalingColumns(by: eigenvalues).multiplied(by: qr.r, transposingOther: .transpose)
        let small = try SymmetricEigendecomposition(core)
        let descending = Array(small.eigenvalues.indices.reversed())
        return try SymmetricEigendecomposition(
            eigenvalues: descending.map { small.eigenvalues[$0] },
            eigenvectors: qr.q.multiplied(by: small.eigenvectors.columns(at: descending)))
    }
}
