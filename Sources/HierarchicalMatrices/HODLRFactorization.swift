import DenseLinearAlgebra

/// The factorization of a ``HODLRMatrix`` for solves and determinants, by the
/// Sherman–Morrison–Woodbury identity applied level by level [Ambikasaran & Darve
/// 2013, §3; Kressner & Šušnjara 2019].
///
/// At a split, `H = D + W·Zᵀ` with `D = diag(H₁₁, H₂₂)` (HODLR again),
/// `W = diag(U₁₂, U₂₁)` and `Zᵀ = [0 V₁₂ᵀ; V₂₁ᵀ 0]`, so
///
/// ```
/// H⁻¹·b = D⁻¹b − (D⁻¹W)·C⁻¹·Zᵀ·D⁻¹b,   C = I + Zᵀ·(D⁻¹W)   (order k₁₂ + k₂₁)
/// det H = det D · det C                                      (determinant lemma)
/// ```
///
/// The factorization keeps, per split, `D⁻¹W` (solved through the children) and the LU of
/// the small capacitance matrix `C`; per leaf the LU of the dense block.
///
/// - Complexity: factorization `O(n·k²·log²(n/leafSize) + n·leafSize²)` flops, each solve
///   `O(n·c·(leafSize + k·log(n/leafSize)))` for `c` right-hand sides.
/// - Accuracy: each Woodbury step is stable when `C` is well conditioned, which it is when the
///   diagonal blocks are (for example for symmetric positive definite `H`). A numerically singular
///   `H` is refused when factored: an exactly singular leaf or capacitance matrix (`singularMatrix`),
///   a numerically singular one (its LU's `?gecon` estimate below `eps`), or an estimated
///   ``reciprocalConditionEstimate`` of `H` below `eps` (`numericallySingular`). A solve's error
///   relative to the matrix `A` that `H` compresses is about `cond(A)·(τ + eps)`,
///   reported as ``estimatedRelativeSolveError``.
public struct HODLRFactorization<Scalar: LinearAlgebraScalar>: Sendable {
    /// The factored tree. A split keeps the two blocks of `D⁻¹W` — `H₁₁⁻¹U₁₂` and `H₂₂⁻¹U₂₁`
    /// — and the right factors `V₁₂`, `V₂₁` of `Zᵀ`, not the zero-padded `n × (k₁ + k₂)` matrices.
    @usableFromInline
    indirect enum Node: Sendable {
        case leaf(LUFactorization<Scalar>)
        case split(first: Node, second: Node, upperCorrection: Matrix<Scalar>, lowerCorrection: Matrix<Scalar>,
                   upperRight: Matrix<Scalar>, lowerLeft: Matrix<Scalar>, capacitance: LUFactorization<Scalar>)
    }

    /// The order `n`.
    public let order: Int
    @usableFromInline let root: Node
    /// An estimate of `1/cond₂(H) = 1/(‖H‖₂·‖H⁻¹‖₂)` from three power iterations with `H` and with
    /// `H⁻¹` on two fixed start vectors (the all-ones vector and LAPACK `?lacn2`'s alternating one,
    /// so the result is reproducible). Each iteration gives a lower bound of its norm (exact for the
    /// dominant eigenvalue of symmetric `H` as it converges), so this is an upper bound of the true
    /// value up to the iteration's convergence: an estimate below `eps` means `H` is numerically singular.
    public let reciprocalConditionEstimate: Scalar
    /// The relative compression error `‖A − H‖_F/‖A‖_F` of the factored matrix
    /// (``HODLRMatrix/estimatedRelativeError``).
    public let compressionError: Scalar
    /// The factored matrix `H` (its products make the factorization an operator). - Complexity: `O(1)`.
    public let matrix: HODLRMatrix<Scalar>

    /// Factors `matrix` and estimates its condition number.
    /// - Complexity: as ``HODLRMatrix/factorized()``, plus three products and three solves with two columns.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/singularMatrix(operation:index:)`` when a leaf or a
    ///   capacitance matrix is exactly singular (wrapped in
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/inContext(_:underlying:)`` naming the leaf's or the split's rows and
    ///   tree level, the root being level 0),
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/numericallySingular(operation:reciprocalCondition:)`` when one of them
    ///   is numerically singular (wrapped in the same context) or ``reciprocalConditionEstimate`` is below `eps`.
    @inlinable
    public init(_ matrix: HODLRMatrix<Scalar>) throws {
        order = matrix.order
        self.matrix = matrix
        root = try Self.factor(matrix.root, offset: 0, level: 0)
        compressionError = matrix.estimatedRelativeError
        reciprocalConditionEstimate = try Self.reciprocalCondition(of: matrix, root)
        guard reciprocalConditionEstimate >= Scalar.ulpOfOne else {
            throw LinearAlgebraError.numericallySingular(operation: "HODLRFactorization",
                                                         reciprocalCondition: Double(reciprocalConditionEstimate))
        }
    }

    /// The estimated relative error of a solve against the exact `A⁻¹b` of the compressed matrix `A`:
    /// `cond(A)·(‖A − H‖_F/‖A‖_F + eps)` with the estimated condition number — an estimate (the
    /// norms mix Frobenius and spectral), the number to compare with the accuracy a caller needs.
    /// - Complexity: `O(1)`.
    @inlinable
    public var estimatedRelativeSolveError: Scalar {
        (compressionError + Scalar.ulpOfOne) / reciprocalConditionEstimate
    }

    /// Solves `H·X = B`.
    /// - Complexity: as in the type's overview.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `B` has `n` rows,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ in `B`.
    @inlinable
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard b.rows == order else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "HODLRFactorization.solve", expected: "B with \(order) rows", actual: "\(b.rows)×\(b.columns)")
        }
        try b.requireFinite("HODLRFactorization.solve", argument: "B")
        guard order > 0 else { return b }
        return try Self.solve(root, b)
    }

    /// `log |det H|` and the sign of `det H`: the leaves' and the capacitance matrices' LU
    /// determinants, summed in the log domain (no overflow).
    /// - Complexity: `O(n)`.
    @inlinable
    public func logAbsoluteDeterminant() -> (logAbs: Scalar, sign: Scalar) { Self.logDeterminant(root) }

    /// `1/(ν(H)·ν(H⁻¹))` with `ν(M)` the largest growth `‖M·z‖/‖z‖` over three power iterations
    /// from two fixed start vectors; 0 when `H⁻¹·z` overflows.
    @inlinable
    static func reciprocalCondition(of matrix: HODLRMatrix<Scalar>, _ root: Node) throws -> Scalar {
        let n = matrix.order
        guard n > 0 else { return 1 }
        let start = try Matrix<Scalar>(rows: n, columns: 2) { i, j in
            j == 0 ? 1 : (i % 2 == 0 ? 1 : -1) * (1 + Scalar(i) / Scalar(Swift.max(n - 1, 1)))
        }
        func growth(_ apply: (Matrix<Scalar>) throws -> Matrix<Scalar>) throws -> Scalar {
            var z = start
            var largest: Scalar = 0
            for _ in 0..<3 {
                let norms = try (0..<2).map { try z.column($0).norm2 }
                try z.scaleColumns(by: norms.map { 1 / $0 })
                let y = try apply(z)
                let growths = try (0..<2).map { try y.column($0).norm2 }
                guard growths.allSatisfy(\.isFinite) else { return .infinity }
                largest = Swift.max(largest, growths.max()!)
                guard growths.allSatisfy({ $0 > 0 }) else { break }
                z = y
            }
            return largest
        }
        let norm = try growth { try matrix.apply(to: $0) }
        let inverseNorm = try growth { try solve(root, $0) }
        guard norm > 0, inverseNorm.isFinite else { return 0 }
        return 1 / (norm * inverseNorm)
    }

    /// Factors the subtree `node` over the rows `offset..<offset + node.order` at tree `level`.
    @inlinable
    static func factor(_ node: HODLRNode<Scalar>, offset: Int, level: Int) throws -> Node {
        // Built only when a factorization fails (withContext's argument is an autoclosure).
        func context() -> String {
            "HODLRFactorization: \(node.isLeaf ? "leaf" : "split") of rows \(offset)..<\(offset + node.order) "
                + "at level \(level)"
        }
        // A factorization whose solves would refuse (numerically singular) fails here, in its context.
        func factored(_ matrix: Matrix<Scalar>) throws -> LUFactorization<Scalar> {
            let lu = try LUFactorization(matrix)
            guard lu.isNumericallyNonsingular else {
                throw LinearAlgebraError.numericallySingular(operation: "LU (\(Scalar.routinePrefix)getrf)",
                                                             reciprocalCondition: Double(lu.reciprocalCondition))
            }
            return lu
        }
        switch node {
        case let .leaf(block):
            return .leaf(try LinearAlgebraError.withContext("\(context()) (\(block.rows)×\(block.columns))") {
                try factored(block)
            })
        case let .split(first, second, upperRight, lowerLeft):
            let (left, right) = (try factor(first, offset: offset, level: level + 1),
                                 try factor(second, offset: offset + first.order, level: level + 1))
            // D⁻¹W = diag(H₁₁⁻¹U₁₂, H₂₂⁻¹U₂₁) and Zᵀ = [0 V₁₂ᵀ; V₂₁ᵀ 0], so
            // C = I + Zᵀ·D⁻¹W = [I  V₁₂ᵀ·H₂₂⁻¹U₂₁; V₂₁ᵀ·H₁₁⁻¹U₁₂  I].
            let upperCorrection = try solve(left, upperRight.u), lowerCorrection = try solve(right, lowerLeft.u)
            let (k1, k2) = (upperRight.rank, lowerLeft.rank)
            let topRight = try upperRight.v.multiplied(by: lowerCorrection, transposingSelf: .transpose)
            let bottomLeft = try lowerLeft.v.multiplied(by: upperCorrection, transposingSelf: .transpose)
            var capacitance = try Matrix<Scalar>(rows: k1 + k2, columns: k1 + k2) { i, j in
                switch (i < k1, j < k1) {
                case (true, false): return topRight[i, j - k1]
                case (false, true): return bottomLeft[i - k1, j]
                default: return 0
                }
            }
            try capacitance.addToDiagonal(1)
            return .split(first: left, second: right, upperCorrection: upperCorrection,
                          lowerCorrection: lowerCorrection, upperRight: upperRight.v, lowerLeft: lowerLeft.v,
                          capacitance: try LinearAlgebraError.withContext(
                              "\(context()): capacitance matrix (\(k1 + k2)×\(k1 + k2))"
                          ) { try factored(capacitance) })
        }
    }

    /// `H⁻¹·b` for the subtree `node`, as a new matrix.
    @inlinable
    static func solve(_ node: Node, _ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var x = b
        try x.withMutableView { try solve(node, inPlace: $0) }
        return x
    }

    /// Overwrites `b` with `H⁻¹·b` for the subtree `node`: the halves are solved in place on views
    /// of `b`'s rows, and only the `(k₁₂ + k₂₁) × c` capacitance right-hand side is allocated.
    @inlinable
    static func solve(_ node: Node, inPlace b: MutableMatrixView<Scalar>) throws {
        switch node {
        case let .leaf(lu):
            try lu.solve(inPlace: b)
        case let .split(first, second, upperCorrection, lowerCorrection, upperRight, lowerLeft, capacitance):
            let half = b.rows - second.order
            let (top, bottom) = (try b.rows(0..<half), try b.rows(half..<b.rows))
            try solve(first, inPlace: top)
            try solve(second, inPlace: bottom)
            let (k1, k2) = (upperRight.columns, lowerLeft.columns)
            guard k1 + k2 > 0 else { return }
            // s = C⁻¹·Zᵀ·x with Zᵀx = [V₁₂ᵀ·x₂; V₂₁ᵀ·x₁]; then x −= D⁻¹W·s blockwise.
            var s = try Matrix<Scalar>(rows: k1 + k2, columns: b.columns, for: "HODLRFactorization.solve",
                                       "capacitance right-hand side")
            try s.withMutableView { coupled in
                let (upper, lower) = (try coupled.rows(0..<k1), try coupled.rows(k1..<(k1 + k2)))
                try upperRight.withView { try Matrix.multiply($0, bottom.readOnly, transposingA: .transpose, into: upper) }
                try lowerLeft.withView { try Matrix.multiply($0, top.readOnly, transposingA: .transpose, into: lower) }
                try capacitance.solve(inPlace: coupled)
                try upperCorrection.withView { try Matrix.multiply($0, upper.readOnly, alpha: -1, beta: 1, into: top) }
                try lowerCorrection.withView { try Matrix.multiply($0, lower.readOnly, alpha: -1, beta: 1, into: bottom) }
            }
        }
    }

    @inlinable
    static func logDeterminant(_ node: Node) -> (logAbs: Scalar, sign: Scalar) {
        switch node {
        case let .leaf(lu):
            return lu.logAbsoluteDeterminant()
        case let .split(first, second, _, _, _, _, capacitance):
            let parts = [logDeterminant(first), logDeterminant(second), capacitance.logAbsoluteDeterminant()]
            return (parts.reduce(0) { $0 + $1.logAbs }, parts.reduce(1) { $0 * $1.sign })
        }
    }
}

extension HODLRFactorization.Node {
    /// The order of the node.
    @inlinable
    var order: Int {
        switch self {
        case let .leaf(lu): return lu.packedFactors.rows
        case let .split(first, second, _, _, _, _, _): return first.order + second.order
        }
    }
}

extension HODLRMatrix {
    /// The factorization for solves and determinants (``HODLRFactorization``).
    /// - Complexity: `O(n·k²·log²(n/leafSize) + n·leafSize²)` flops.
    /// - Throws: as ``HODLRFactorization/init(_:)``.
    @inlinable
    public func factorized() throws -> HODLRFactorization<Scalar> { try HODLRFactorization(self) }
}
