import DenseLinearAlgebra
import Foundation
import KronKitTestSupport
import StructuredFactors
import Testing

/// `|a − b| / max(1, |b|)`.
func relativeError<Scalar: LinearAlgebraScalar>(_ a: Scalar, _ b: Scalar) -> Scalar {
    abs(a - b) / Swift.max(1, abs(b))
}

/// The sizes every structure is checked at: empty, 1, 2, odd, and around 40 (past the default
/// block sizes 30 and 15 + 15, so that every block of the default layouts is present).
let structureSizes = [0, 1, 2, 7, 40]

/// Compares every operation of the structured `s` with the dense matrix: products `S·X`, `Sᵀ·X`,
/// `X·S`, sums with `t` (same structure), scaling, diagonal shift, trace, average trace, Frobenius
/// norm, identity and zero, the projection of a symmetric matrix and of a Gram matrix against the
/// dense `reference` projection, and a JSON round trip. Every result must be within
/// `tolerance · max(1, max |reference|)` entrywise (``Matrix/relativeDistance(to:)``).
func checkStructure<S: StructuredMatrix>(
    _ s: S, _ t: S, tolerance bound: S.Scalar,
    reference project: (Matrix<S.Scalar>) throws -> Matrix<S.Scalar>,
    using generator: inout Xoshiro256StarStar,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    typealias Scalar = S.Scalar
    let n = s.order
    let d = try s.dense()
    #expect(d.rows == n && d.columns == n, sourceLocation: sourceLocation)
    let y = try Matrix<Scalar>.randomGaussian(rows: 4, columns: n, using: &generator)
    // The operator protocol (products, transposed products, dense form, diagonal, trace, solve
    // and determinant where the structure has them, compositions) through the shared checker;
    // its errors are normwise relative, at most the entrywise `bound` times the order.
    let failures = checkOperator(s, against: d, tolerance: bound * Scalar(Swift.max(n, 1)))
    #expect(failures.isEmpty, "\(failures.map(\.description).joined(separator: "; "))", sourceLocation: sourceLocation)
    #expect(try s.premultiplied(by: y).relativeDistance(to: y * d) <= bound, "X·S", sourceLocation: sourceLocation)
    #expect(try s.adding(t).dense().relativeDistance(to: d + t.dense()) <= bound, "S + T",
            sourceLocation: sourceLocation)
    #expect(try s.scaled(by: -1.5).dense().relativeDistance(to: d.scaled(by: -1.5)) <= bound, "α·S",
            sourceLocation: sourceLocation)
    var shifted = d
    try shifted.addToDiagonal(0.75)
    #expect(try s.addingToDiagonal(0.75).dense().relativeDistance(to: shifted) <= bound, "S + λI",
            sourceLocation: sourceLocation)
    let scale = Swift.max(1, d.maxAbsoluteEntry) * Scalar(Swift.max(n, 1))
    #expect(try abs(s.trace() - (try d.trace())) <= bound * scale, "trace", sourceLocation: sourceLocation)
    #expect(try abs(s.averageTrace() - (n == 0 ? 0 : try d.trace() / Scalar(n))) <= bound * scale, "average trace",
            sourceLocation: sourceLocation)
    #expect(try relativeError(s.frobeniusNorm(), d.frobeniusNorm) <= bound, "‖S‖_F", sourceLocation: sourceLocation)
    #expect(try S.identity(order: n, layout: s.layout).dense() == Matrix.identity(n), "identity",
            sourceLocation: sourceLocation)
    #expect(try S.zeros(order: n, layout: s.layout).dense() == Matrix.zeros(n, n), "zeros",
            sourceLocation: sourceLocation)
    // Projections: of a symmetric matrix, and of a Gram matrix without forming it (more rows than columns
    // and fewer, so the Gram matrix is full rank and rank deficient).
    for rows in [5, n + 3] {
        let samples = try Matrix<Scalar>.randomGaussian(rows: rows, columns: n, using: &generator)
        let gram = try samples.gram(.transpose)
        let expected = try project(gram)
        let gramBound = bound * Scalar(Swift.max(rows, 1))
        #expect(try S.projecting(gram, layout: s.layout).dense().relativeDistance(to: expected) <= bound,
                "Π(M)", sourceLocation: sourceLocation)
        #expect(try S.projectingGram(of: samples, layout: s.layout).dense().relativeDistance(to: expected) <= gramBound,
                "Π(XᵀX)", sourceLocation: sourceLocation)
    }
    // Π(SᵀS), the structure's own Gram projection (exact blockwise for the block structures).
    #expect(try s.projectingOwnGram().dense().relativeDistance(to: project(d.gram(.transpose)))
                <= bound * Scalar(Swift.max(n, 1)), "Π(SᵀS)", sourceLocation: sourceLocation)
    // Codable: the round trip keeps the matrix.
    let decoded = try JSONDecoder().decode(S.self, from: JSONEncoder().encode(s))
    #expect(try decoded.dense() == d, "Codable", sourceLocation: sourceLocation)
}

/// Checks the structured product `S·T` of a structure closed under multiplication against the dense
/// product, and that multiplying matrices of different orders throws.
func checkProduct<S: StructuredMatrixAlgebra>(_ s: S, _ t: S, other: S, tolerance bound: S.Scalar,
                                              sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(try s.multiplied(by: t).dense().relativeDistance(to: s.dense() * t.dense()) <= bound, "S·T",
            sourceLocation: sourceLocation)
    #expect(throws: LinearAlgebraError.self, "S·T order", sourceLocation: sourceLocation) { try s.multiplied(by: other) }
}

/// Checks that every entry point of `s` throws a ``LinearAlgebraError`` on bad input: operands with
/// the wrong number of rows or columns, NaN in an operand, NaN scalars, another order, a negative
/// order, a non-square or non-finite matrix to project.
func checkErrors<S: StructuredMatrix>(_ s: S, other: S, sourceLocation: SourceLocation = #_sourceLocation) throws {
    typealias Scalar = S.Scalar
    let n = s.order
    let wrong = try Matrix<Scalar>(rows: n + 1, columns: 2)
    var poisoned = try Matrix<Scalar>(rows: n, columns: 2, repeating: 1)
    poisoned[0, 1] = .nan
    var square = try Matrix<Scalar>.identity(n)
    square[n - 1, 0] = .infinity
    let cases: [(String, () throws -> Void)] = [
        ("S·X rows", { _ = try s.apply(to: wrong) }),
        ("S·X NaN", { _ = try s.apply(to: poisoned) }),
        ("Sᵀ·X rows", { _ = try s.applyTransposed(to: wrong) }),
        ("Sᵀ·X NaN", { _ = try s.applyTransposed(to: poisoned) }),
        ("X·S columns", { _ = try s.premultiplied(by: wrong.transposed()) }),
        ("X·S NaN", { _ = try s.premultiplied(by: poisoned.transposed()) }),
        ("S + T order", { _ = try s.adding(other) }),
        ("α NaN", { _ = try s.scaled(by: .nan) }),
        ("λ ∞", { _ = try s.addingToDiagonal(.infinity) }),
        ("identity −1", { _ = try S.identity(order: -1, layout: s.layout) }),
        ("zeros −1", { _ = try S.zeros(order: -1, layout: s.layout) }),
        ("Π not square", { _ = try S.projecting(wrong, layout: s.layout) }),
        ("Π ∞", { _ = try S.projecting(square, layout: s.layout) }),
        ("Π(XᵀX) NaN", { _ = try S.projectingGram(of: poisoned.transposed(), layout: s.layout) }),
    ]
    for (name, body) in cases {
        #expect(throws: LinearAlgebraError.self, "\(name)", sourceLocation: sourceLocation) { try body() }
    }
}

/// Decoding `json` as `S` must throw a `DecodingError` (a corrupted archive never yields a bad value).
func expectCorruptDecoding<S: StructuredMatrix>(_: S.Type, _ json: String,
                                                sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(throws: DecodingError.self, sourceLocation: sourceLocation) {
        _ = try JSONDecoder().decode(S.self, from: Data(json.utf8))
    }
}

/// The reference projection that keeps the entries where `keep(i, j)` and zeroes the rest.
func maskedProjection<Scalar: LinearAlgebraScalar>(_ m: Matrix<Scalar>, keep: (Int, Int) -> Bool) throws -> Matrix<Scalar> {
    try Matrix(rows: m.rows, columns: m.columns) { i, j in keep(i, j) ? m[i, j] : 0 }
}

/// A random lower-triangular Toeplitz column with a dominant diagonal, `t₀ = 2`, `|t_k| ≲ 1/(2(k + 1)²)`:
/// `Σ_{k≥1}|t_k| < t₀`, so the inverse's series converges and it stays well conditioned.
func dominantToeplitzColumn<Scalar: LinearAlgebraScalar>(_ n: Int, using generator: inout Xoshiro256StarStar) -> [Scalar] {
    var column = [Scalar](repeating: 2, count: n)
    for k in column.indices.dropFirst() {
        let size = Scalar((k + 1) * (k + 1))
        column[k] = Scalar.randomGaussian(using: &generator) / (2 * size)
    }
    return column
}
