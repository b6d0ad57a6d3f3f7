import DenseLinearAlgebra

/// The distribution of the random test matrix `Ω` (`n × ℓ`) that a randomized
/// range finder multiplies its input by [Halko, Martinsson & Tropp 2011, §4.6;
/// Martinsson & Tropp 2020, §9].
///
/// Scaling does not matter to a range finder (only the range of `A·Ω` is used),
/// so the entries are left unscaled: `N(0, 1)`, `±1`, or `±1` on a sparse pattern.
public enum SketchDistribution: Sendable, Hashable {
    /// Independent standard normal entries: the distribution HMT's bounds
    /// (Thm 10.5, 10.6) are proved for. The default.
    case gaussian
    /// Independent Rademacher (`±1`, probability ½ each) entries: cheaper to draw,
    /// empirically as good as Gaussian for range finding [HMT 2011, §4.6].
    case rademacher
    /// Sparse sign: each row of `Ω` holds `nonzerosPerRow` entries `±1` at distinct
    /// random columns, the rest zero (`ζ = 8` is the recommendation of Tropp,
    /// Yurtsever, Udell & Cevher 2019, §3.3, and of Martinsson & Tropp 2020, §9.2).
    /// `ζ` is reduced to `ℓ` when `ℓ < ζ`. `Ω` is stored dense, so the saving is in
    /// drawing it (`n·ζ` random numbers instead of `n·ℓ`), not in applying it.
    case sparseSign(nonzerosPerRow: Int)

    /// An `n × ℓ` test matrix of this distribution, drawn from `generator`.
    ///
    /// The same generator state gives the same matrix bit for bit.
    /// - Complexity: `n·ℓ` random draws (Gaussian, Rademacher) or `n·min(ζ, ℓ)`
    ///   (sparse sign, plus `O(ζ²)` per row for distinct columns); `n·ℓ` memory.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for a negative
    ///   size or, for ``sparseSign(nonzerosPerRow:)``, `ζ < 1`.
    @inlinable
    public func testMatrix<Scalar: LinearAlgebraScalar>(
        rows n: Int, columns l: Int, as _: Scalar.Type = Scalar.self,
        using generator: inout some RandomNumberGenerator
    ) throws -> Matrix<Scalar> {
        let operation = "SketchDistribution.testMatrix"
        guard n >= 0, l >= 0 else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "size \(n)×\(l) must not be negative")
        }
        switch self {
        case .gaussian:
            return try Matrix.randomGaussian(rows: n, columns: l, using: &generator)
        case .rademacher:
            return try Matrix.randomSigns(rows: n, columns: l, using: &generator)
        case let .sparseSign(zeta):
            guard zeta >= 1 else {
                throw LinearAlgebraError.invalidArgument(
                    operation: operation, detail: "sparse sign needs nonzerosPerRow ≥ 1, got \(zeta)")
            }
            return try Self.sparseSign(rows: n, columns: l, nonzerosPerRow: Swift.min(zeta, l), using: &generator)
        }
    }

    /// Sparse sign matrix with exactly `zeta ≤ l` nonzeros `±1` per row.
    @inlinable
    static func sparseSign<Scalar: LinearAlgebraScalar>(
        rows n: Int, columns l: Int, nonzerosPerRow zeta: Int, using generator: inout some RandomNumberGenerator
    ) throws -> Matrix<Scalar> {
        var omega = try Matrix<Scalar>(rows: n, columns: l)
        guard n > 0, l > 0 else { return omega }
        omega.withUnsafeMutableBufferPointer { entries in
            for i in 0..<n {
                var placed = 0
                while placed < zeta {
                    // Rejection of an occupied column: with t of the l columns taken, a draw
                    // succeeds with probability (l−t)/l, so a row costs Σ_{t<ζ} l/(l−t) draws.
                    let j = Int.random(in: 0..<l, using: &generator)
                    if entries[i + j * n] != 0 { continue }
                    entries[i + j * n] = Bool.random(using: &generator) ? 1 : -1
                    placed += 1
                }
            }
        }
        return omega
    }
}
