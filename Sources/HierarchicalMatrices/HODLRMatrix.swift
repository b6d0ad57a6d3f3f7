import DenseLinearAlgebra
import LinearOperators
import RandomizedRange

/// A hierarchically off-diagonal low-rank (HODLR) matrix: the index range is halved
/// recursively down to leaves of at most ``Options/leafSize``; diagonal leaves are
/// dense and every off-diagonal block of every level is stored as `U·Vᵀ` compressed
/// to a tolerance [Ambikasaran & Darve 2013; hm-toolbox, Massei, Robol & Kressner 2020].
///
/// ```
/// A = [ A₁₁      U₁₂V₁₂ᵀ ]     with A₁₁, A₂₂ HODLR again
///     [ U₂₁V₂₁ᵀ  A₂₂     ]
/// ```
///
/// Off-diagonal blocks of dense input are compressed by the adaptive randomized
/// range finder (RandomizedRange, HMT Alg. 4.2) and those of an entry function by
/// adaptive cross approximation; either way each block is then recompressed by a
/// QR–SVD of its factors to the fewest singular triplets within its share of the
/// error budget. HierarchicalMatrices uses RandomizedRange for this compression only.
///
/// ## Accuracy contract
/// The discarded parts of the `2L` off-diagonal blocks have Frobenius norm at most
/// `τ·‖A‖_F/√(2L)` each, so `‖A − H‖_F ≤ τ·‖A‖_F` for the tolerance `τ` — with
/// probability `1 − 10⁻¹⁰` per block for dense input (the range finder's estimate) and
/// heuristically for entry functions (ACA's stopping rule; exact for the smooth
/// kernels it is meant for). The error reached is reported as ``estimatedRelativeError``
/// (computed exactly, to rounding, for dense input; ACA's estimate for entries), and a
/// compression that cannot reach `τ` (a rank cap, or `τ` below what the precision resolves)
/// throws ``/DenseLinearAlgebra/LinearAlgebraError/toleranceNotMet(operation:requested:achieved:reason:)`` unless
/// ``Options/allowsTruncationBeyondTolerance`` is set. Products, solves and determinants are then
/// backward stable for `H` (one GEMM per block; LU and Woodbury), so a solve's error relative to
/// `A⁻¹b` is about `cond(A)·(τ + c·n·eps)`: pick `τ ≲ 1/cond(A)` times the accuracy wanted
/// (``HODLRFactorization/estimatedRelativeSolveError`` reports it). Derivations:
/// `Notes/HierarchicalMatrices.md`.
public struct HODLRMatrix<Scalar: LinearAlgebraScalar>: Sendable {
    /// The compression's knobs.
    public struct Options: Sendable, Hashable {
        /// The relative Frobenius tolerance `τ ∈ (0, 1)` of the whole approximation.
        /// Default ``defaultTolerance``, `min(√eps, 10⁻⁵)`: 1.5e-8 in Double, 1e-5 in Float.
        public var tolerance: Scalar
        /// The largest order of a dense diagonal leaf. Default 64 (hm-toolbox uses 256 for
        /// its MATLAB kernels; 64 balances BLAS efficiency against the leaves' `O(n·leafSize)` cost here).
        public var leafSize: Int
        /// A cap `≥ 1` on every off-diagonal rank; `nil` (the default) lets the tolerance decide.
        /// A cap that keeps the compression from reaching ``tolerance`` makes it throw, unless
        /// ``allowsTruncationBeyondTolerance`` is set.
        public var maximumRank: Int?
        /// Whether a compression that does not reach ``tolerance`` (because of ``maximumRank``, or
        /// because the tolerance is below what the precision resolves) is returned, with its
        /// ``HODLRMatrix/estimatedRelativeError``, instead of throwing. Default `false`.
        public var allowsTruncationBeyondTolerance: Bool

        /// The default tolerance `min(√eps, 10⁻⁵)`: `√eps` (1.5e-8) in Double, `10⁻⁵` (84·eps) in Float.
        ///
        /// A solve with `H` is off from one with `A` by about `cond(A)·τ`. `√eps` keeps that below 1 up
        /// to `cond = 6.7·10⁷` in Double at ranks that stay small; Float's `√eps = 3.5·10⁻⁴` would
        /// allow only `cond < 3·10³` (a 263 % error was measured at `cond ≈ 4·10⁴`), so the default
        /// is capped at `10⁻⁵` (below 1 up to `cond = 10⁵`). Lower is not better in Float: each block's
        /// share `τ/(2√(2L))` must stay above the rounding `eps·‖B‖_F` of the block, and at `10⁻⁶`
        /// it does not (measured: the range finder then runs to rank 652 of 1024 at `n = 2048`).
        /// - Complexity: `O(1)`.
        @inlinable
        public static var defaultTolerance: Scalar { Swift.min(Scalar.ulpOfOne.squareRoot(), Scalar(1e-5)) }

        /// Options with the defaults above.
        /// - Complexity: `O(1)`.
        public init(tolerance: Scalar = Options.defaultTolerance, leafSize: Int = 64, maximumRank: Int? = nil,
                    allowsTruncationBeyondTolerance: Bool = false) {
            self.tolerance = tolerance
            self.leafSize = leafSize
            self.maximumRank = maximumRank
            self.allowsTruncationBeyondTolerance = allowsTruncationBeyondTolerance
        }

        /// Throws ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for options out of range.
        @inlinable
        func validate(_ operation: String) throws {
            guard tolerance > 0, tolerance < 1 else {
                throw LinearAlgebraError.invalidArgument(operation: operation,
                                                         detail: "tolerance \(tolerance) must lie in (0, 1)")
            }
            guard leafSize >= 1 else {
                throw LinearAlgebraError.invalidArgument(operation: operation, detail: "leaf size \(leafSize) must be ≥ 1")
            }
            if let maximumRank, maximumRank < 1 {
                throw LinearAlgebraError.invalidArgument(
                    operation: operation, detail: "maximum rank \(maximumRank) must be ≥ 1 (0 would drop every off-diagonal block)")
            }
        }

        /// Throws ``/DenseLinearAlgebra/LinearAlgebraError/toleranceNotMet(operation:requested:achieved:reason:)`` when
        /// `achieved > τ` and truncation beyond the tolerance is not allowed.
        @inlinable
        func requireTolerance(_ achieved: Scalar, capped: Bool, _ operation: String) throws {
            guard achieved > tolerance, !allowsTruncationBeyondTolerance else { return }
            throw LinearAlgebraError.toleranceNotMet(
                operation: operation, requested: Double(tolerance), achieved: Double(achieved),
                reason: capped ? "the maximum rank \(maximumRank ?? 0) stopped an off-diagonal block early"
                    : "the tolerance is below the rounding level of the blocks")
        }
    }

    /// The order `n`.
    public let order: Int
    /// The options the matrix was compressed with.
    public let options: Options
    /// The relative error `‖A − H‖_F/‖A‖_F` the compression reached, `≤ τ` unless
    /// ``Options/allowsTruncationBeyondTolerance`` let a larger one through. For dense input it is
    /// computed from each block's residual `‖B − QQᵀB‖_F` and the singular values truncated (exact
    /// up to rounding); for an entry function it is ACA's estimate (the last cross term per block)
    /// combined with the truncated singular values, relative to the norm of `H`.
    public let estimatedRelativeError: Scalar
    /// The tree.
    @usableFromInline let root: HODLRNode<Scalar>

    /// Compresses the dense `matrix`.
    ///
    /// - Complexity: `O(n²·k)` flops for ranks `k` (the range finder reads each off-diagonal
    ///   block `k + 10` times), plus `O(n·k²·log n)` for the recompression.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless square,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for options out of range,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/toleranceNotMet(operation:requested:achieved:reason:)`` when the
    ///   tolerance is not reached (see ``Options/allowsTruncationBeyondTolerance``).
    @inlinable
    public init(compressing matrix: Matrix<Scalar>, options: Options = Options(),
                using generator: inout some RandomNumberGenerator) throws {
        let operation = "HODLRMatrix(compressing:)"
        try options.validate(operation)
        guard matrix.isSquare else {
            throw LinearAlgebraError.dimensionMismatch(operation: operation, expected: "a square matrix",
                                                       actual: "\(matrix.rows)×\(matrix.columns)")
        }
        try matrix.requireFinite(operation, argument: "A")
        let n = matrix.rows
        let norm = matrix.frobeniusNorm
        let budget = Self.blockBudget(norm: norm, order: n, options: options)
        var squaredError: Scalar = 0
        var capped = false
        root = try HODLRNode.build(
            offset: 0, order: n, leafSize: options.leafSize,
            leaf: { try matrix.submatrix(rows: $0, columns: $0) },
            block: { rows, columns in
                let block = try matrix.submatrix(rows: rows, columns: columns)
                let fullRank = Swift.min(rows.count, columns.count)
                // Half the budget to the range finder, half to the truncation. The finder's estimate
                // 10·√(2/π)·maxᵢ‖(I − QQᵀ)Bωᵢ‖ is at least 0.8·‖(I − QQᵀ)B‖_F except with probability
                // 0.08¹⁰ ≈ 10⁻¹¹ (Notes/HierarchicalMatrices.md), so its tolerance 0.4·β gives a
                // residual ≤ β/2; the residual is then measured exactly below.
                let finder = AdaptiveRangeFinder<Scalar>(options: .init(
                    tolerance: budget * 2 / 5,
                    maximumRank: options.maximumRank.map { Swift.min($0, fullRank) }))
                let range = try finder.basis(of: block, using: &generator)
                let q = range.basis
                let coordinates = try block.multiplied(by: q, transposingSelf: .transpose)
                // The residual B − Q·(QᵀB) is orthogonal to everything in range(Q), where the
                // truncation happens, so the block's squared error is its norm² plus the tail².
                var residual = block
                try Matrix.multiply(q, coordinates, transposingB: .transpose, alpha: -1, beta: 1, into: &residual)
                let truncated = try LowRankBlock(u: q, v: coordinates).recompressed(
                    budget: budget / 2, maximumRank: options.maximumRank)
                let residualNorm = residual.frobeniusNorm
                squaredError += residualNorm * residualNorm + truncated.discarded * truncated.discarded
                capped = capped || truncated.capped
                    || (q.columns < fullRank && q.columns == options.maximumRank && range.errorEstimate > finder.options.tolerance)
                return truncated.block
            })
        order = n
        self.options = options
        estimatedRelativeError = norm > 0 ? squaredError.squareRoot() / norm : 0
        try options.requireTolerance(estimatedRelativeError, capped: capped, operation)
    }

    /// Compresses the `order × order` matrix whose entry `(i, j)` is `entry(i, j)`, evaluating
    /// the diagonal leaves in full and `O(k·(m + n))` entries of each `m × n` off-diagonal
    /// block (adaptive cross approximation), so that kernel matrices too large to form are
    /// compressed in `O(n·k·log n)` evaluations.
    ///
    /// - Complexity: `O(n·(leafSize + k·log(n/leafSize)))` evaluations, `O(n·k²·log n)` flops.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for options out of range;
    ///   before any evaluation, as ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for a negative
    ///   order, one BLAS cannot index, or leaves (`n·min(leafSize, n)` entries) over the byte budget;
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` when an evaluated entry is NaN/∞,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/toleranceNotMet(operation:requested:achieved:reason:)`` when the
    ///   tolerance is not reached (see ``Options/allowsTruncationBeyondTolerance``), and whatever
    ///   `entry` throws.
    @inlinable
    public init(order n: Int, options: Options = Options(), entry: (Int, Int) throws -> Scalar) throws {
        let operation = "HODLRMatrix(order:entry:)"
        try options.validate(operation)
        try SizePolicy.check(operation, "order", count: n, of: Scalar.self)
        try SizePolicy.check(operation, "diagonal leaves", rows: n, columns: Swift.min(options.leafSize, n),
                             of: Scalar.self, reachesBLAS: false)
        func checked(_ i: Int, _ j: Int) throws -> Scalar {
            let value = try entry(i, j)
            guard value.isFinite else {
                throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: "entry (\(i), \(j)) = \(value)")
            }
            return value
        }
        let blockCount = HODLRNode<Scalar>.offDiagonalBlockCount(order: n, leafSize: options.leafSize)
        // ACA to half the per-block share of τ relative to each block, then truncation with
        // the absolute budget from the norm of that first approximation.
        let relative = options.tolerance / 2 / Scalar(Swift.max(blockCount, 1)).squareRoot()
        var squaredResidual: Scalar = 0
        var capped = false
        let firstPass = try HODLRNode.build(
            offset: 0, order: n, leafSize: options.leafSize,
            leaf: { range in
                try Matrix(rows: range.count, columns: range.count,
                           columnMajor: try range.flatMap { j in try range.map { i in try checked(i, j) } })
            },
            block: { rows, columns in
                let cross = try adaptiveCrossApproximation(
                    rows: rows.count, columns: columns.count, relativeTolerance: relative,
                    maximumRank: options.maximumRank ?? Swift.min(rows.count, columns.count)) { i, j in
                    try checked(rows.lowerBound + i, columns.lowerBound + j)
                }
                squaredResidual += cross.residualEstimate * cross.residualEstimate
                capped = capped || cross.capped
                return cross.block
            })
        let norm = try firstPass.squaredFrobeniusNorm.squareRoot()
        let budget = Self.blockBudget(norm: norm, order: n, options: options)
        var squaredTail: Scalar = 0
        root = try firstPass.mappingBlocks {
            let truncated = try $0.recompressed(budget: budget / 2, maximumRank: options.maximumRank)
            squaredTail += truncated.discarded * truncated.discarded
            capped = capped || truncated.capped
            return truncated.block
        }
        order = n
        self.options = options
        // ACA's residual and the truncated tail are not orthogonal: add the norms (triangle inequality).
        estimatedRelativeError = norm > 0 ? (squaredResidual.squareRoot() + squaredTail.squareRoot()) / norm : 0
        try options.requireTolerance(estimatedRelativeError, capped: capped, operation)
    }

    /// The Frobenius error allowed in each off-diagonal block: `τ·‖A‖_F/√(2L)`.
    @inlinable
    static func blockBudget(norm: Scalar, order n: Int, options: Options) -> Scalar {
        let blocks = HODLRNode<Scalar>.offDiagonalBlockCount(order: n, leafSize: options.leafSize)
        return options.tolerance * norm / Scalar(Swift.max(blocks, 1)).squareRoot()
    }

    /// The largest rank of an off-diagonal block.
    /// - Complexity: `O(number of blocks)`.
    @inlinable public var maximumOffDiagonalRank: Int { root.maximumRank }

    /// The scalars stored (leaves and factors): `O(n·(leafSize + k·log(n/leafSize)))`, against `n²` dense.
    /// - Complexity: `O(number of blocks)`.
    @inlinable public var storedCount: Int { root.storedCount }

    /// `H·X` for `X` with `n` rows.
    /// - Complexity: `2n·c·(leafSize + 2k·log₂(n/leafSize))` flops for `c` columns.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X` has
    ///   `n` rows.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard x.rows == order else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "HODLRMatrix.apply", expected: "X with \(order) rows", actual: "\(x.rows)×\(x.columns)")
        }
        guard order > 0 else { return x }
        return try root.product(x, transposed: false)
    }

    /// `H` as a dense matrix (for tests and small orders).
    /// - Complexity: `O(n²·k)` flops, `n²` memory.
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the result.
    @inlinable
    public func dense() throws -> Matrix<Scalar> {
        order > 0 ? try root.dense() : Matrix()
    }
}
