import DenseLinearAlgebra
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
/// kernels it is meant for). Products, solves and determinants are then backward
/// stable for `H` (one GEMM per block; LU and Woodbury), so their error relative to
/// `A` is that of `H` plus `c·n·eps·cond(H)`. Derivations: `Notes/HierarchicalMatrices.md`.
public struct HODLRMatrix<Scalar: LinearAlgebraScalar>: Sendable {
    /// The compression's knobs.
    public struct Options: Sendable, Hashable {
        /// The relative Frobenius tolerance `τ ∈ (0, 1)` of the whole approximation.
        /// Default `√eps` (1.5e-8 in Double, 3.5e-4 in Float).
        public var tolerance: Scalar
        /// The largest order of a dense diagonal leaf. Default 64 (hm-toolbox uses 256 for
        /// its MATLAB kernels; 64 balances BLAS efficiency against the leaves' `O(n·leafSize)` cost here).
        public var leafSize: Int
        /// A cap on every off-diagonal rank; `nil` (the default) lets the tolerance decide.
        public var maximumRank: Int?

        /// Options with the defaults above.
        /// - Complexity: `O(1)`.
        public init(tolerance: Scalar = Scalar.ulpOfOne.squareRoot(), leafSize: Int = 64, maximumRank: Int? = nil) {
            self.tolerance = tolerance
            self.leafSize = leafSize
            self.maximumRank = maximumRank
        }

        /// Throws ``LinearAlgebraError/invalidArgument(operation:detail:)`` for options out of range.
        @inlinable
        func validate(_ operation: String) throws {
            guard tolerance > 0, tolerance < 1 else {
                throw LinearAlgebraError.invalidArgument(operation: operation,
                                                         detail: "tolerance \(tolerance) must lie in (0, 1)")
            }
            guard leafSize >= 1 else {
                throw LinearAlgebraError.invalidArgument(operation: operation, detail: "leaf size \(leafSize) must be ≥ 1")
            }
            if let maximumRank, maximumRank < 0 {
                throw LinearAlgebraError.invalidArgument(operation: operation,
                                                         detail: "maximum rank \(maximumRank) must be ≥ 0")
            }
        }
    }

    /// The order `n`.
    public let order: Int
    /// The options the matrix was compressed with.
    public let options: Options
    /// The tree.
    @usableFromInline let root: HODLRNode<Scalar>

    /// Compresses the dense `matrix`.
    ///
    /// - Complexity: `O(n²·k)` flops for ranks `k` (the range finder reads each off-diagonal
    ///   block `k + 10` times), plus `O(n·k²·log n)` for the recompression.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless square,
    ///   ``LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞,
    ///   ``LinearAlgebraError/invalidArgument(operation:detail:)`` for options out of range.
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
        let budget = Self.blockBudget(norm: matrix.frobeniusNorm, order: n, options: options)
        root = try HODLRNode.build(
            offset: 0, order: n, leafSize: options.leafSize,
            leaf: { try matrix.submatrix(rows: $0, columns: $0) },
            block: { rows, columns in
                let block = try matrix.submatrix(rows: rows, columns: columns)
                // Half the budget to the range finder (its spectral bound times √min(m, n)
                // bounds the Frobenius error), half to the truncation.
                let finder = AdaptiveRangeFinder<Scalar>(options: .init(
                    tolerance: budget / 2 / Scalar(Swift.min(rows.count, columns.count)).squareRoot(),
                    maximumRank: options.maximumRank.map { Swift.min($0, rows.count, columns.count) }))
                let q = try finder.basis(of: block, using: &generator).basis
                let coordinates = try block.multiplied(by: q, transposingSelf: .transpose)
                return try LowRankBlock(u: q, v: coordinates).recompressed(budget: budget / 2,
                                                                           maximumRank: options.maximumRank)
            })
        order = n
        self.options = options
    }

    /// Compresses the `order × order` matrix whose entry `(i, j)` is `entry(i, j)`, evaluating
    /// the diagonal leaves in full and `O(k·(m + n))` entries of each `m × n` off-diagonal
    /// block (adaptive cross approximation), so that kernel matrices too large to form are
    /// compressed in `O(n·k·log n)` evaluations.
    ///
    /// - Complexity: `O(n·(leafSize + k·log(n/leafSize)))` evaluations, `O(n·k²·log n)` flops.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` for options out of range;
    ///   before any evaluation, as ``SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for a negative
    ///   order, one BLAS cannot index, or leaves (`n·min(leafSize, n)` entries) over the byte budget;
    ///   ``LinearAlgebraError/nonFiniteInput(operation:argument:)`` when an evaluated entry is NaN/∞,
    ///   and whatever `entry` throws.
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
        let firstPass = try HODLRNode.build(
            offset: 0, order: n, leafSize: options.leafSize,
            leaf: { range in
                try Matrix(rows: range.count, columns: range.count,
                           columnMajor: try range.flatMap { j in try range.map { i in try checked(i, j) } })
            },
            block: { rows, columns in
                try adaptiveCrossApproximation(
                    rows: rows.count, columns: columns.count, relativeTolerance: relative,
                    maximumRank: options.maximumRank ?? Swift.min(rows.count, columns.count)) { i, j in
                    try checked(rows.lowerBound + i, columns.lowerBound + j)
                }
            })
        let budget = Self.blockBudget(norm: try firstPass.squaredFrobeniusNorm.squareRoot(), order: n, options: options)
        root = try firstPass.mappingBlocks { try $0.recompressed(budget: budget / 2, maximumRank: options.maximumRank) }
        order = n
        self.options = options
    }

    /// The Frobenius error allowed in each off-diagonal block: `τ·‖A‖_F/√(2L)`.
    @inlinable
    static func blockBudget(norm: Scalar, order n: Int, options: Options) -> Scalar {
        let blocks = HODLRNode<Scalar>.offDiagonalBlockCount(order: n, leafSize: options.leafSize)
        return options.tolerance * norm / Scalar(Swift.max(blocks, 1)).squareRoot()
    }

    /// The largest rank of an off-diagonal block.
    /// - Complexity: `O(number of blocks)`.
    @inlinable public var maximumOffDiagonalRank: Int { root.statistics.maximumRank }

    /// The scalars stored (leaves and factors): `O(n·(leafSize + k·log(n/leafSize)))`, against `n²` dense.
    /// - Complexity: `O(number of blocks)`.
    @inlinable public var storedCount: Int { root.statistics.storedCount }

    /// `H·X` for `X` with `n` rows.
    /// - Complexity: `2n·c·(leafSize + 2k·log₂(n/leafSize))` flops for `c` columns.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X` has
    ///   `n` rows.
    @inlinable
    public func multiplied(by x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard x.rows == order else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "HODLRMatrix.multiplied", expected: "X with \(order) rows", actual: "\(x.rows)×\(x.columns)")
        }
        guard order > 0 else { return x }
        return try root.multiplied(by: x)
    }

    /// `H` as a dense matrix (for tests and small orders).
    /// - Complexity: `O(n²·k)` flops, `n²` memory.
    /// - Throws: as ``DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the result.
    @inlinable
    public func dense() throws -> Matrix<Scalar> {
        order > 0 ? try root.dense() : Matrix()
    }
}
