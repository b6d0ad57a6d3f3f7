import DenseLinearAlgebra

/// The eigendecomposition `M = Q·diag(d)·Qᵀ` of a real symmetric matrix, or a
/// selection of its eigenpairs, computed by a LAPACK symmetric eigensolver.
///
/// SymmetricEigen depends on DenseLinearAlgebra only. It wraps the two LAPACK
/// drivers that scale to large matrices — divide and conquer (`?syevd`) and
/// multiple relatively robust representations, MRRR (`?syevr`) — computes a
/// selection of eigenpairs by the stages of `?syevr`'s subset path (reduction,
/// bisection, inverse iteration) with the bisection run for all selected
/// eigenvalues at once, and evaluates spectral functions (reconstruction,
/// inverse, damped inverse, inverse p-th root, square root, `f(M)`) on a
/// decomposition without recomputing it.
///
/// Only one triangle of the input is read (``Options/triangle``, lower by
/// default); the other is never touched, so it need not be filled in.
///
/// ## Accuracy contract
/// - Eigenvalues: each computed `d̂ᵢ` is an exact eigenvalue of `M + E` with
///   `‖E‖₂ ≤ c·n·eps·‖M‖₂`, hence `|d̂ᵢ − dᵢ| ≤ c·n·eps·‖M‖₂` (absolute, not relative:
///   eigenvalues much smaller than `‖M‖` carry only absolute accuracy)
///   [LAPACK Users' Guide §4.7; Demmel 1997, Thm 5.3].
/// - Eigenvectors: orthonormal to `‖QᵀQ − I‖ ≤ c·n·eps`, residual
///   `‖M·Q − Q·diag(d)‖ ≤ c·n·eps·‖M‖`; an individual vector is accurate to
///   `c·n·eps·‖M‖ / gap(dᵢ)`, so vectors of clustered eigenvalues are only
///   determined as a subspace.
/// - The two drivers agree to these bounds, not bit for bit. Spectral functions
///   add one GEMM or SYRK (one-signed `f(d)`), or two GEMMs (damped inverse), each with
///   error `≤ n·eps·‖Q‖·‖f(D)·Qᵀ‖`.
/// - Not promised: high relative accuracy of tiny eigenvalues (that needs a
///   Jacobi method), or exact symmetry of `f(M)` beyond the final mirroring.
///
/// Derivations and the choice of drivers: `Notes/SymmetricEigen.md`.
public struct SymmetricEigendecomposition<Scalar: LinearAlgebraScalar>: Sendable {
    /// The LAPACK driver that computes a full decomposition.
    public enum Driver: Sendable, Hashable {
        /// Divide and conquer, LAPACK `?syevd` [Gu & Eisenstat 1995]: the fastest
        /// full eigendecomposition with vectors (about `9n³` flops for `n` large),
        /// workspace `1 + 6n + 2n²`.
        case divideAndConquer
        /// Multiple relatively robust representations, LAPACK `?syevr` [Dhillon,
        /// Parlett & Vömel 2006]: `O(n²)` for the tridiagonal stage, `O(n·k)`
        /// workspace. (A selection is computed by ``init(_:selecting:options:)``.)
        case relativelyRobustRepresentations
    }

    /// Options shared by both drivers.
    public struct Options: Sendable, Hashable {
        /// The triangle of the input that is read; the other is ignored.
        /// Default `.lower`, as for ``/DenseLinearAlgebra/CholeskyFactorization``.
        public var triangle: Triangle
        /// `false` computes eigenvalues only (`jobz = 'N'`, about `4n³/3` flops for the
        /// tridiagonal reduction instead of `≈ 9n³`). Default `true`.
        public var computeVectors: Bool
        /// `?syevr`'s `abstol`, the absolute accuracy of bisection for a selection. The
        /// default `0` means `ulp·‖T‖₁` for a selection; MRRR (all eigenpairs) reaches
        /// full accuracy regardless of it (LAPACK `dsyevr` documentation, argument ABSTOL).
        public var absoluteTolerance: Scalar

        /// Options with LAPACK's defaults: lower triangle, with vectors, `abstol = 0`.
        /// - Complexity: `O(1)`.
        public init(triangle: Triangle = .lower, computeVectors: Bool = true, absoluteTolerance: Scalar = 0) {
            self.triangle = triangle
            self.computeVectors = computeVectors
            self.absoluteTolerance = absoluteTolerance
        }
    }

    /// The order `n` of the decomposed matrix.
    public let order: Int
    /// The computed eigenvalues: ascending from the initialisers, descending from
    /// ``largest(_:of:options:)``. `eigenvalues[j]` belongs to column `j` of ``eigenvectors``.
    public let eigenvalues: [Scalar]
    /// Orthonormal eigenvectors as columns (`n × k`, `k = eigenvalues.count`);
    /// `n × 0` when computed without vectors.
    public let eigenvectors: Matrix<Scalar>

    /// `true` when the eigenvectors were computed.
    /// - Complexity: `O(1)`.
    @inlinable public var hasEigenvectors: Bool { eigenvectors.columns == eigenvalues.count }
    /// `true` when every eigenpair of the `n × n` matrix is held (not a selection).
    /// - Complexity: `O(1)`.
    @inlinable public var isComplete: Bool { eigenvalues.count == order }

    /// Decomposes the symmetric `matrix`, reading one triangle.
    ///
    /// - Complexity: with vectors about `9n³` flops (`?syevd`) or `≈ 4n³/3 + O(n²)`
    ///   for the reduction plus `2n³` for the back-transformation (`?syevr`); `4n³/3`
    ///   without vectors. One copy of the input.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless square,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ in the triangle read,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/lapackFailure(routine:info:)`` if the solver fails to converge.
    @inlinable
    public init(_ matrix: Matrix<Scalar>, driver: Driver = .divideAndConquer,
                options: Options = Options()) throws {
        switch driver {
        case .divideAndConquer:
            var (workspace, _) = try validatedSymmetricCopy(
                of: matrix, operation: "SymmetricEigendecomposition (\(Scalar.routinePrefix)syevd)",
                triangle: options.triangle)
            try self.init(divideAndConquer: &workspace, options: options)
        case .relativelyRobustRepresentations:
            try self.init(matrix, selecting: .all, options: options)
        }
    }

    /// The `k` algebraically largest eigenpairs of `matrix` in descending order: the
    /// selection of the index range `n−k..<n` (``init(_:selecting:options:)``).
    ///
    /// - Complexity: `4n³/3` flops for the reduction plus `O(n·k + n²·k)`; for
    ///   `k ≪ n` about 3× faster than a full decomposition (`Notes/BENCHMARKS.md`).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `matrix`
    ///   is square, ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` unless `0 ≤ k ≤ n`,
    ///   and as ``init(_:selecting:options:)``.
    @inlinable
    public static func largest(_ k: Int, of matrix: Matrix<Scalar>, options: Options = Options()) throws -> Self {
        let n = matrix.rows
        guard matrix.isSquare else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "SymmetricEigendecomposition.largest", expected: "a square matrix",
                actual: "\(matrix.rows)×\(matrix.columns)")
        }
        guard k >= 0, k <= n else {
            throw LinearAlgebraError.invalidArgument(
                operation: "SymmetricEigendecomposition.largest", detail: "k = \(k) must be in 0...n = \(n)")
        }
        guard k > 0 else {
            _ = try validatedSymmetricCopy(of: matrix, operation: "SymmetricEigendecomposition.largest",
                                           triangle: options.triangle)
            return Self(uncheckedOrder: n, eigenvalues: [], eigenvectors: try Matrix(rows: n, columns: 0))
        }
        return try Self(matrix, selecting: .indexRange(lower: n - k, upper: n - 1), options: options).reversed()
    }

    /// A decomposition from given eigenpairs: `eigenvalues[j]` with column `j` of
    /// `eigenvectors` (`n × k`). The columns are trusted to be orthonormal (not checked);
    /// `k < n` makes a partial decomposition.
    /// - Complexity: one finiteness pass over the `n·k + k` entries; nothing is copied.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when the
    ///   counts differ or `k > n`, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞.
    @inlinable
    public init(eigenvalues: [Scalar], eigenvectors: Matrix<Scalar>) throws {
        let operation = "SymmetricEigendecomposition(eigenvalues:eigenvectors:)"
        guard eigenvectors.columns == eigenvalues.count, eigenvalues.count <= eigenvectors.rows else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "n × \(eigenvalues.count) eigenvectors with n ≥ \(eigenvalues.count)",
                actual: "\(eigenvectors.rows)×\(eigenvectors.columns)")
        }
        guard eigenvalues.allSatisfy(\.isFinite) else {
            throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: "eigenvalues")
        }
        try eigenvectors.requireFinite(operation, argument: "eigenvectors")
        self.init(uncheckedOrder: eigenvectors.rows, eigenvalues: eigenvalues, eigenvectors: eigenvectors)
    }

    /// Memberwise, for values already validated.
    @inlinable
    init(uncheckedOrder order: Int, eigenvalues: [Scalar], eigenvectors: Matrix<Scalar>) {
        self.order = order
        self.eigenvalues = eigenvalues
        self.eigenvectors = eigenvectors
    }

    /// The full decomposition by `?syevd` of a validated working copy, which it overwrites.
    @inlinable
    init(divideAndConquer a: inout Matrix<Scalar>, options: Options) throws {
        let routine = "\(Scalar.routinePrefix)syevd"
        let n = a.rows
        guard n > 0 else {
            self.init(uncheckedOrder: 0, eigenvalues: [], eigenvectors: Matrix())
            return
        }
        var values = [Scalar](repeating: 0, count: n)
        let info = try a.withMutableView { pa in
            try Scalar.syevd(computeVectors: options.computeVectors, triangle: options.triangle, n: n,
                             a: pa.unsafeStart, lda: pa.leadingDimension, eigenvalues: &values)
        }
        if info != 0 { throw LinearAlgebraError.lapackFailure(routine: routine, info: info) }
        self.init(uncheckedOrder: n, eigenvalues: values,
                  eigenvectors: options.computeVectors ? a : try Matrix(rows: n, columns: 0))
    }

    /// The same eigenpairs in reverse order.
    @inlinable
    func reversed() throws -> Self {
        let k = eigenvalues.count
        let vectors = hasEigenvectors && k > 1 ? try eigenvectors.columns(at: Array((0..<k).reversed())) : eigenvectors
        return Self(uncheckedOrder: order, eigenvalues: eigenvalues.reversed(), eigenvectors: vectors)
    }
}
