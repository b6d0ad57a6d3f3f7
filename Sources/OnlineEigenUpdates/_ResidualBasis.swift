import DenseLinearAlgebra

/// The columns of `X` split along an orthonormal basis `U` and its complement:
/// `X = U·coefficients + Q·R` with `Q` orthonormal, orthogonal to `U`, and `R` of full
/// numerical rank — the first step of every Brand update [Brand 2006, §2].
@usableFromInline
struct ResidualBasis<Scalar: LinearAlgebraScalar> {
    /// `UᵀX` (`r × c`), accumulated over the projection passes.
    @usableFromInline var coefficients: Matrix<Scalar>
    /// An orthonormal basis of the residual `(I − UUᵀ)X` (`n × ρ`) in the first ``rank`` columns
    /// of an `n × c` matrix (the residual, factored in place): read it with ``withBasis(_:)``.
    @usableFromInline var basisStorage: Matrix<Scalar>
    /// `ρ`, the number of residual directions kept.
    @usableFromInline var rank: Int
    /// `R` (`ρ × c`, columns in the order of `X`): the residual is `basis·R` up to the
    /// dropped directions.
    @usableFromInline var residualCoordinates: Matrix<Scalar>

    /// Splits `x` along `u`.
    ///
    /// The residual `X − U·(UᵀX)` is projected `passes` times (classical Gram–Schmidt;
    /// two passes keep `‖UᵀQ‖` at working precision whenever the residual is not
    /// itself rounding noise — "twice is enough", Giraud, Langou & Rozložník 2005).
    /// A QR factorization with column pivoting (`?geqp3`) of the residual then orders
    /// its directions by size, and those with `|R_jj| ≤ tolerance` are dropped: what is
    /// left of `X` there is rounding noise whose normalised direction would not be
    /// orthogonal to `U`, and dropping it changes `X` by at most `tolerance` per column.
    /// At most `n − r` directions are kept.
    /// - Complexity: `4·n·r·c·passes` flops for the projections, `≈ 4n·c²` for the
    ///   pivoted QR and for forming `Q`.
    @inlinable
    init(splitting x: Matrix<Scalar>, along u: Matrix<Scalar>, passes: Int, tolerance: Scalar) throws {
        let (n, r, c) = (x.rows, u.columns, x.columns)
        var coefficients = try Matrix<Scalar>(rows: r, columns: c)
        var residual = x
        var correction = try Matrix<Scalar>(rows: r, columns: c)
        for _ in 0..<(r > 0 ? passes : 0) {
            try Matrix.multiply(u, residual, transposingA: .transpose, into: &correction)
            try Matrix.multiply(u, correction, alpha: -1, beta: 1, into: &residual)
            try coefficients.add(correction, scaledBy: 1)
        }
        let width = Swift.min(n, c)
        var tau = [Scalar](repeating: 0, count: Swift.max(1, width))
        var pivots = [Int32](repeating: 0, count: Swift.max(1, c))
        try residual.withMutableView { try $0.factorQRWithColumnPivoting(pivots: &pivots, tau: &tau) }
        // |R_jj| is non-increasing: the kept directions are a prefix.
        var rank = 0
        while rank < Swift.min(width, n - r), abs(residual[rank, rank]) > tolerance { rank += 1 }
        var coordinates = try Matrix<Scalar>(rows: rank, columns: c)
        for j in 0..<c {
            let column = Int(pivots[j]) - 1
            for i in 0..<Swift.min(rank, j + 1) { coordinates[i, column] = residual[i, j] }
        }
        // Q overwrites the first ρ columns of the residual in place (no copy of the n × ρ block).
        try residual.withMutableView(rows: 0..<n, columns: 0..<rank) { try $0.formOrthonormalFactor(reflectors: rank, tau: tau) }
        self.coefficients = coefficients
        self.basisStorage = residual
        self.rank = rank
        self.residualCoordinates = coordinates
    }

    /// Calls `body` with the `n × ρ` orthonormal basis `Q` of the residual (a view, no copy).
    @inlinable
    func withBasis<R>(_ body: (MatrixView<Scalar>) throws -> R) throws -> R {
        try basisStorage.withView(rows: 0..<basisStorage.rows, columns: 0..<rank, body)
    }

    /// `[coefficients; R]`, the `(r + ρ) × c` coordinates of `X` in the basis `[U Q]`.
    @inlinable
    var stackedCoordinates: Matrix<Scalar> {
        get throws { try Matrix(stackingRows: [coefficients, residualCoordinates], columns: coefficients.columns) }
    }
}

/// `[U Q]·W` for `W` of `u.columns + ρ` rows, with `Q` the residual basis of `split`: two GEMMs
/// on views of `W`'s row blocks (no concatenation, no copies).
/// - Complexity: `2·n·(r + ρ)·k` flops.
@inlinable
func rotate<Scalar: LinearAlgebraScalar>(_ u: Matrix<Scalar>, _ split: ResidualBasis<Scalar>, by w: Matrix<Scalar>)
    throws -> Matrix<Scalar> {
    let r = u.columns
    var result = try Matrix<Scalar>(rows: u.rows, columns: w.columns, for: "BrandUpdate", "rotated basis")
    try w.withView { coordinates in
        try result.withMutableView { output in
            try u.withView { try Matrix.multiply($0, coordinates.rows(0..<r), into: output) }
            guard split.rank > 0 else { return }
            try split.withBasis { try Matrix.multiply($0, coordinates.rows(r..<coordinates.rows), beta: 1, into: output) }
        }
    }
    return result
}
