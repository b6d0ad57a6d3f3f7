import DenseLinearAlgebra

/// SINGD's hierarchical structure: an `n × n` matrix with dense corner blocks, a dense top block
/// row, a diagonal middle and a dense bottom block row under it [Lin et al. 2023, §3.2 and Fig. 3;
/// singd's `Hierarchical15_15Matrix`]:
///
/// ```
/// [ A  B_C  B_E ]    A: k₁ × k₁ dense       B = [B_C B_E]: k₁ × (n − k₁) dense
/// [ 0  C    0   ]    C: diagonal of order n − k₁ − k₂
/// [ 0  D    E   ]    D: k₂ × (n − k₁ − k₂) dense,   E: k₂ × k₂ dense
/// ```
///
/// When `n` is too small for every block, the reference fills `A` first (`n ≤ k₁`: only `A`), then
/// `B` and `E` (`n ≤ k₁ + k₂`: no middle), and this type does the same (``Layout/blockOrders(for:)``).
/// Products cost `2k₁·n + 2k₂·(n − k₁) + n` flops per column, memory is `O((k₁ + k₂)·n)`.
///
/// The projection is singd's `from_dense`: `A`, `E` and `C` are copied from `M`, the off-diagonal
/// blocks are doubled, `B = 2·M[top, rest]`, `D = 2·M[bottom, middle]`, folding the mirror
/// entries of a symmetric `M` that the pattern does not hold onto those it does.
public struct HierarchicalFactor<Scalar: LinearAlgebraScalar>: StructuredMatrix {
    /// The orders of the dense corner blocks.
    public struct Layout: StructureLayout {
        /// The largest order `k₁ ≥ 0` of the top-left block `A`. Default 15 [singd].
        public var topLeftOrder: Int
        /// The largest order `k₂ ≥ 0` of the bottom-right block `E`. Default 15 [singd].
        public var bottomRightOrder: Int

        /// The layout with corner blocks of orders up to `k₁`, `k₂` (defaults 15, 15, singd's
        /// `Hierarchical15_15Matrix`). - Complexity: `O(1)`.
        public init(topLeftOrder: Int = 15, bottomRightOrder: Int = 15) {
            self.topLeftOrder = topLeftOrder
            self.bottomRightOrder = bottomRightOrder
        }

        /// The default layout, `k₁ = k₂ = 15`. - Complexity: `O(1)`.
        public init() { self.init(topLeftOrder: 15, bottomRightOrder: 15) }

        /// The orders `(top, middle, bottom)` of `A`, `C`, `E` for an `n × n` matrix: `(n, 0, 0)` for
        /// `n ≤ k₁`, `(k₁, 0, n − k₁)` for `n ≤ k₁ + k₂`, else `(k₁, n − k₁ − k₂, k₂)` [singd].
        /// - Complexity: `O(1)`.
        /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for negative orders.
        @inlinable
        public func blockOrders(for n: Int) throws -> (top: Int, middle: Int, bottom: Int) {
            guard topLeftOrder >= 0, bottomRightOrder >= 0 else {
                throw LinearAlgebraError.invalidArgument(
                    operation: "HierarchicalFactor.Layout",
                    detail: "block orders k₁ = \(topLeftOrder), k₂ = \(bottomRightOrder) must be ≥ 0")
            }
            try requireOrder(n, "HierarchicalFactor.Layout", of: Scalar.self)
            if n <= topLeftOrder { return (n, 0, 0) }
            if n <= topLeftOrder + bottomRightOrder { return (topLeftOrder, 0, n - topLeftOrder) }
            return (topLeftOrder, n - topLeftOrder - bottomRightOrder, bottomRightOrder)
        }
    }

    /// `A`, the dense top-left block.
    public let topLeft: Matrix<Scalar>
    /// `B = [B_C B_E]`, the dense top block row right of `A`.
    public let top: Matrix<Scalar>
    /// The diagonal of `C`, the middle block.
    public let middle: [Scalar]
    /// `D`, the dense block below `C`.
    public let bottom: Matrix<Scalar>
    /// `E`, the dense bottom-right block.
    public let bottomRight: Matrix<Scalar>
    /// The corner block orders.
    public let layout: Layout
    /// The scalars stored (the five blocks). - Complexity: `O(1)`.
    @inlinable public var storedCount: Int {
        topLeft.elements.count + top.elements.count + middle.count + bottom.elements.count + bottomRight.elements.count
    }

    /// The matrix with these blocks; their shapes must be those ``Layout/blockOrders(for:)`` gives
    /// for `n = k₁ + middle.count + k₂`.
    /// - Complexity: one pass over the blocks (the checks).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for a layout out of range,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for blocks of the wrong
    ///   shapes, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞.
    @inlinable
    public init(topLeft: Matrix<Scalar>, top: Matrix<Scalar>, middle: [Scalar], bottom: Matrix<Scalar>,
                bottomRight: Matrix<Scalar>, layout: Layout = Layout()) throws {
        let operation = "HierarchicalFactor"
        let n = topLeft.rows + middle.count + bottomRight.rows
        let (k1, m, k2) = try layout.blockOrders(for: n)
        try requireComponent(topLeft, rows: k1, columns: k1, operation, argument: "A")
        try requireComponent(top, rows: k1, columns: n - k1, operation, argument: "B")
        guard middle.count == m else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "C of order \(m)", actual: "order \(middle.count)")
        }
        try requireFiniteValues(middle, operation, argument: "C")
        try requireComponent(bottom, rows: k2, columns: m, operation, argument: "D")
        try requireComponent(bottomRight, rows: k2, columns: k2, operation, argument: "E")
        self.init(unchecked: topLeft, top, middle, bottom, bottomRight, layout)
    }

    @usableFromInline
    init(unchecked topLeft: Matrix<Scalar>, _ top: Matrix<Scalar>, _ middle: [Scalar], _ bottom: Matrix<Scalar>,
         _ bottomRight: Matrix<Scalar>, _ layout: Layout) {
        self.topLeft = topLeft
        self.top = top
        self.middle = middle
        self.bottom = bottom
        self.bottomRight = bottomRight
        self.layout = layout
    }

    /// `n = k₁ + (n − k₁ − k₂) + k₂`. - Complexity: `O(1)`.
    @inlinable public var order: Int { topLeft.rows + middle.count + bottomRight.rows }

    /// The row ranges of the top, middle and bottom block rows. - Complexity: `O(1)`.
    @inlinable
    var ranges: (top: Range<Int>, middle: Range<Int>, bottom: Range<Int>) {
        let (k1, m) = (topLeft.rows, middle.count)
        return (0..<k1, k1..<(k1 + m), (k1 + m)..<order)
    }

    /// The dense matrix. - Complexity: `n²` memory.
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the result, before allocating.
    @inlinable
    public func dense() throws -> Matrix<Scalar> {
        let (t, m, b) = ranges
        var result = try Matrix<Scalar>(rows: order, columns: order)
        for j in t { for i in t { result[i, j] = topLeft[i, j] } }
        for j in 0..<top.columns { for i in t { result[i, t.count + j] = top[i, j] } }
        for (i, value) in zip(m, middle) { result[i, i] = value }
        for j in 0..<m.count { for i in 0..<b.count { result[b.lowerBound + i, m.lowerBound + j] = bottom[i, j] } }
        for j in 0..<b.count { for i in 0..<b.count { result[b.lowerBound + i, b.lowerBound + j] = bottomRight[i, j] } }
        return result
    }

    /// `S·X`: top `A·X_t + B·X_rest`, middle `C·X_m`, bottom `D·X_m + E·X_b` (five `?gemm`).
    /// - Complexity: `2·(k₁·n + k₂·(n − k₁))·k + n·k` flops for `k` columns.
    /// - Throws: as ``/LinearOperators/LinearOperator/apply(to:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, "HierarchicalFactor.apply")
        let (t, m, b) = ranges
        let (xm, xb) = (try x.submatrix(rows: m, columns: 0..<x.columns),
                        try x.submatrix(rows: b, columns: 0..<x.columns))
        var upper = try topLeft.multiplied(by: x.submatrix(rows: t, columns: 0..<x.columns))
        try Matrix.multiply(top, x.submatrix(rows: t.upperBound..<order, columns: 0..<x.columns), beta: 1,
                            into: &upper)
        var lower = try bottomRight.multiplied(by: xb)
        try Matrix.multiply(bottom, xm, beta: 1, into: &lower)
        return try Matrix(stackingRows: [upper, xm.scalingRows(by: middle), lower], columns: x.columns)
    }

    /// `Sᵀ·X`: top `Aᵀ·X_t`, rest `Bᵀ·X_t + [C·X_m + Dᵀ·X_b; Eᵀ·X_b]`.
    /// - Complexity: as ``apply(to:)``.
    /// - Throws: as ``/LinearOperators/LinearOperator/apply(to:)``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, "HierarchicalFactor.applyTransposed")
        let (t, m, b) = ranges
        let (xt, xb) = (try x.submatrix(rows: t, columns: 0..<x.columns),
                        try x.submatrix(rows: b, columns: 0..<x.columns))
        var middleRows = try x.submatrix(rows: m, columns: 0..<x.columns).scalingRows(by: middle)
        try Matrix.multiply(bottom, xb, transposingA: .transpose, beta: 1, into: &middleRows)
        let bottomRows = try bottomRight.multiplied(by: xb, transposingSelf: .transpose)
        var rest = try Matrix(stackingRows: [middleRows, bottomRows], columns: x.columns)
        try Matrix.multiply(top, xt, transposingA: .transpose, beta: 1, into: &rest)
        return try Matrix(stackingRows: [try topLeft.multiplied(by: xt, transposingSelf: .transpose), rest],
                                   columns: x.columns)
    }

    /// Blockwise `S + T`. - Complexity: `O((k₁ + k₂)·n)` additions.
    /// - Throws: as ``StructuredMatrix/adding(_:)``.
    @inlinable
    public func adding(_ other: HierarchicalFactor) throws -> HierarchicalFactor {
        try requireSameStructure(as: other, "HierarchicalFactor.adding")
        return HierarchicalFactor(
            unchecked: try topLeft + other.topLeft, try top + other.top, zip(middle, other.middle).map { $0 + $1 },
            try bottom + other.bottom, try bottomRight + other.bottomRight, layout)
    }

    /// Blockwise `α·S`. - Complexity: `O((k₁ + k₂)·n)` multiplications.
    /// - Throws: as ``StructuredMatrix/scaled(by:)``.
    @inlinable
    public func scaled(by alpha: Scalar) throws -> HierarchicalFactor {
        try requireFiniteScalar(alpha, "HierarchicalFactor.scaled", argument: "α")
        return HierarchicalFactor(unchecked: topLeft.scaled(by: alpha), top.scaled(by: alpha),
                                  middle.map { alpha * $0 }, bottom.scaled(by: alpha),
                                  bottomRight.scaled(by: alpha), layout)
    }

    /// `S + λ·I`: `A + λI`, `C + λ`, `E + λI`. - Complexity: `O(n)` after the copies.
    /// - Throws: as ``StructuredMatrix/addingToDiagonal(_:)``.
    @inlinable
    public func addingToDiagonal(_ lambda: Scalar) throws -> HierarchicalFactor {
        try requireFiniteScalar(lambda, "HierarchicalFactor.addingToDiagonal", argument: "λ")
        var (a, e) = (topLeft, bottomRight)
        try a.addToDiagonal(lambda)
        try e.addToDiagonal(lambda)
        return HierarchicalFactor(unchecked: a, top, middle.map { $0 + lambda }, bottom, e, layout)
    }

    /// `tr A + Σ c + tr E`. - Complexity: `O(n)`.
    @inlinable
    public func trace() throws -> Scalar {
        topLeft.diagonal.reduce(0, +) + middle.reduce(0, +) + bottomRight.diagonal.reduce(0, +)
    }

    /// `sqrt(‖A‖² + ‖B‖² + Σc² + ‖D‖² + ‖E‖²)`, without overflow. - Complexity: one pass per block.
    @inlinable
    public func frobeniusNorm() -> Scalar {
        scaledEuclideanNorm([topLeft.frobeniusNorm, top.frobeniusNorm, scaledEuclideanNorm(middle),
                             bottom.frobeniusNorm, bottomRight.frobeniusNorm])
    }

    /// `I_n`: `A = I`, `C = 1`, `E = I`, `B = D = 0`. - Complexity: `O((k₁ + k₂)·n)` memory.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `n < 0` or a negative block order.
    @inlinable
    public static func identity(order: Int, layout: Layout) throws -> HierarchicalFactor {
        let (k1, m, k2) = try layout.blockOrders(for: order)
        return HierarchicalFactor(unchecked: try .identity(k1), try Matrix(rows: k1, columns: order - k1),
                                  [Scalar](repeating: 1, count: m), try Matrix(rows: k2, columns: m), try .identity(k2),
                                  layout)
    }

    /// singd's projection: `A = M[t, t]`, `B = 2·M[t, rest]`, `C = diag M[m, m]`, `D = 2·M[b, m]`, `E = M[b, b]`.
    /// - Complexity: `O((k₁ + k₂)·n)` copies after the `O(n²)` checks.
    /// - Throws: as ``StructuredMatrix/projecting(_:layout:)``.
    @inlinable
    public static func projecting(_ symmetric: Matrix<Scalar>, layout: Layout) throws -> HierarchicalFactor {
        try requireSymmetricOperand(symmetric, "HierarchicalFactor.projecting")
        let n = symmetric.rows
        let (k1, m, _) = try layout.blockOrders(for: n)
        let (t, mid, b) = (0..<k1, k1..<(k1 + m), (k1 + m)..<n)
        return HierarchicalFactor(
            unchecked: try symmetric.submatrix(rows: t, columns: t),
            try symmetric.submatrix(rows: t, columns: k1..<n).scaled(by: 2), mid.map { symmetric[$0, $0] },
            try symmetric.submatrix(rows: b, columns: mid).scaled(by: 2), try symmetric.submatrix(rows: b, columns: b),
            layout)
    }

    /// `Π(XᵀX)` from the column blocks `X_t, X_m, X_b` of `X`: `A = X_tᵀX_t`, `B = 2·X_tᵀ[X_m X_b]`,
    /// `C = (‖x_j‖²)_{j ∈ m}`, `D = 2·X_bᵀX_m`, `E = X_bᵀX_b`, without the `n × n` Gram matrix.
    /// - Complexity: `m·(k₁² + 2k₁·n + 2k₂·n + k₂²)` flops.
    /// - Throws: as ``StructuredMatrix/projectingGram(of:layout:)``.
    @inlinable
    public static func projectingGram(of x: Matrix<Scalar>, layout: Layout) throws -> HierarchicalFactor {
        try x.requireFinite("HierarchicalFactor.projectingGram", argument: "X")
        let n = x.columns
        let (k1, m, _) = try layout.blockOrders(for: n)
        let (xt, xm, xb) = (try x.columns(0..<k1), try x.columns(k1..<(k1 + m)), try x.columns((k1 + m)..<n))
        var b = try Matrix<Scalar>(rows: k1, columns: n - k1)
        try Matrix.multiply(xt, x.columns(k1..<n), transposingA: .transpose, alpha: 2, into: &b)
        var d = try Matrix<Scalar>(rows: n - k1 - m, columns: m)
        try Matrix.multiply(xb, xm, transposingA: .transpose, alpha: 2, into: &d)
        return HierarchicalFactor(unchecked: try xt.gram(.transpose), b, xm.squaredColumnNorms, d,
                                  try xb.gram(.transpose), layout)
    }

    enum CodingKeys: String, CodingKey { case topLeft, top, middle, bottom, bottomRight, layout }

    /// Decodes and validates the matrix.
    /// - Complexity: as the validating initialiser, after decoding.
    /// - Throws: `DecodingError.dataCorrupted` for blocks that do not fit the layout or are not finite.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let (a, b, middle) = (try c.decode(Matrix<Scalar>.self, forKey: .topLeft),
                              try c.decode(Matrix<Scalar>.self, forKey: .top), try c.decode([Scalar].self, forKey: .middle))
        let (d, e) = (try c.decode(Matrix<Scalar>.self, forKey: .bottom), try c.decode(Matrix<Scalar>.self, forKey: .bottomRight))
        let layout = try c.decode(Layout.self, forKey: .layout)
        self = try decodingValidated(decoder) {
            try HierarchicalFactor(topLeft: a, top: b, middle: middle, bottom: d, bottomRight: e, layout: layout)
        }
    }
}
