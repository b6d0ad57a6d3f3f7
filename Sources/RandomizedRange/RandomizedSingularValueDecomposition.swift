import DenseLinearAlgebra
import LinearOperators

/// A rank-`k` approximate singular value decomposition `A ≈ U·diag(σ)·Vᵀ` from a
/// randomized range finder and a small dense SVD [Halko, Martinsson & Tropp 2011, Alg. 5.1].
///
/// `Q = ` ``RangeFinder/basis(of:using:)`` (`m × ℓ`), `B = Qᵀ·A` (`ℓ × n`),
/// `B = Ũ·Σ·Vᵀ` by LAPACK `?gesdd`, `U = Q·Ũ`; the leading `k` triplets are kept
/// (the `p` oversampled ones are the least accurate and are dropped, HMT §5.1 remark).
///
/// - Accuracy: `‖A − UΣVᵀ‖ ≤ ‖A − QQᵀA‖ + σ_{k+1}(QQᵀA) ≤ ‖A − QQᵀA‖ + σ_{k+1}` [HMT §5.1, §9.4
///   for the truncation], so the range finder's contract (``RangeFinder``) carries over up to
///   one extra `σ_{k+1}`; exact to `c·max(m,n)·eps·‖A‖` for exact rank `≤ k`.
public struct RandomizedSingularValueDecomposition<Scalar: LinearAlgebraScalar>: Sendable {
    /// Approximate left singular vectors (`m × k`, orthonormal columns).
    public let u: Matrix<Scalar>
    /// The `k` approximate singular values, descending and non-negative.
    public let singularValues: [Scalar]
    /// Approximate right singular vectors, transposed (`k × n`, orthonormal rows).
    public let vt: Matrix<Scalar>

    /// The rank-`k` randomized SVD of `a` with the options of `rangeFinder`.
    ///
    /// - Complexity: the range finder's `(2q+1)·2mnℓ` flops, plus `2mnℓ` for `B = QᵀA`
    ///   (`2q + 2` passes over `A` in all), `O(nℓ²)` for the SVD of `B` and `2mℓk` for `U`.
    /// - Throws: as ``RangeFinder/basis(of:using:)``; ``/DenseLinearAlgebra/LinearAlgebraError/lapackFailure(routine:info:)``
    ///   if `?gesdd` does not converge.
    @inlinable
    public init(_ a: Matrix<Scalar>, rangeFinder: RangeFinder<Scalar>,
                using generator: inout some RandomNumberGenerator) throws {
        try self.init(a, rangeFinder: rangeFinder, startingFrom: nil, using: &generator)
    }

    /// ``init(_:rangeFinder:using:)`` with the range finder warm-started from `start`
    /// (``RangeFinder/basis(of:startingFrom:using:)``; `n` rows, the columns of `a`): RS-KFAC passes
    /// the previous refresh's `U` (its factor is square). `nil` is the cold start.
    /// - Complexity: as ``init(_:rangeFinder:using:)``.
    /// - Throws: as ``init(_:rangeFinder:using:)`` and ``RangeFinder/basis(of:startingFrom:using:)``.
    @inlinable
    public init(_ a: Matrix<Scalar>, rangeFinder: RangeFinder<Scalar>, startingFrom start: Matrix<Scalar>?,
                using generator: inout some RandomNumberGenerator) throws {
        let q = try rangeFinder.basis(of: a, startingFrom: start, using: &generator)
        let b = try q.multiplied(by: a, transposingSelf: .transpose)
        let small = try SingularValueDecomposition(b)
        let k = rangeFinder.options.rank
        u = try q.multiplied(by: small.u.columns(0..<k))
        singularValues = Array(small.singularValues.prefix(k))
        vt = try small.vt.submatrix(rows: 0..<k, columns: 0..<b.columns)
    }

    /// `U·diag(σ)·Vᵀ`, the rank-`k` approximation as a dense `m × n` matrix.
    /// - Complexity: `2mnk` flops (one GEMM) plus `mk` to scale `U`.
    @inlinable
    public func reconstructed() throws -> Matrix<Scalar> {
        try u.scalingColumns(by: singularValues).multiplied(by: vt)
    }
}
