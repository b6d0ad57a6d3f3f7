import DenseLinearAlgebra
import LinearOperators

/// An adaptive randomized range finder: grows an orthonormal basis `Q` one column
/// at a time until the a-posteriori estimate of `‖A − Q·Qᵀ·A‖₂` falls below a
/// tolerance [Halko, Martinsson & Tropp 2011 (HMT), Alg. 4.2].
///
/// It keeps `r` probe vectors `yᵢ = (I − QQᵀ)·A·ωᵢ` (Gaussian `ωᵢ`), and stops when
///
///     10·√(2/π) · maxᵢ ‖yᵢ‖ ≤ ε,
///
/// which bounds `‖(I − QQᵀ)A‖ ≤ ε` except with probability `10⁻ʳ` [HMT Lemma 4.1, eq. 4.3].
/// Otherwise a probe is normalised into `Q`, the other probes are projected off it, and a
/// fresh probe is drawn.
///
/// Differences from Alg. 4.2: the probe of largest norm enters the basis (not the oldest),
/// a pivoting that never normalises a probe already resolved; every probe and new column is
/// re-orthogonalised against `Q` (HMT §4.4 recommends it: classical Gram–Schmidt on
/// nearly dependent vectors loses orthogonality); the rank is capped (``Options/maximumRank``).
/// The algorithm is vector-at-a-time (BLAS-2 products with `A`), as in HMT; it pays off
/// when the rank is unknown, while ``RangeFinder`` is the fast choice when it is known.
///
/// - Accuracy: `Q` orthonormal to `c·m·rank·eps`; on return, the ``Result/errorEstimate``
///   bounds `‖A − QQᵀA‖₂` except with probability `10⁻ʳ` (HMT Lemma 4.1), and is `≤ ε` unless
///   the rank cap was reached or `A`'s residual reached rounding level (then the estimate is
///   returned as it is, above `ε`).
public struct AdaptiveRangeFinder<Scalar: LinearAlgebraScalar>: Sendable {
    /// The knobs of the adaptive range finder.
    public struct Options: Sendable, Hashable {
        /// The target `ε ≥ 0` for `‖A − QQᵀA‖₂`.
        public var tolerance: Scalar
        /// The number `r ≥ 1` of probe vectors; the estimate fails with probability at most
        /// `10⁻ʳ`. Default `10` [HMT 2011, §4.3: "r = 10" gives failure probability 10⁻¹⁰].
        public var probeCount: Int
        /// The largest basis size; `nil` (the default) means `min(m, n)`.
        public var maximumRank: Int?

        /// Options for tolerance `tolerance`.
        /// - Complexity: `O(1)`.
        public init(tolerance: Scalar, probeCount: Int = 10, maximumRank: Int? = nil) {
            self.tolerance = tolerance
            self.probeCount = probeCount
            self.maximumRank = maximumRank
        }
    }

    /// The basis and the estimate it was accepted with.
    public struct Result: Sendable {
        /// `Q` (`m × rank`) with orthonormal columns.
        public let basis: Matrix<Scalar>
        /// `10·√(2/π)·maxᵢ ‖(I − QQᵀ)·A·ωᵢ‖` over the final probes: an upper bound of
        /// `‖A − QQᵀA‖₂` except with probability `10⁻ʳ`.
        public let errorEstimate: Scalar

        /// Memberwise, for the finder.
        @usableFromInline
        init(basis: Matrix<Scalar>, errorEstimate: Scalar) {
            self.basis = basis
            self.errorEstimate = errorEstimate
        }
    }

    /// The options this range finder runs with.
    public var options: Options

    /// An adaptive range finder with `options`.
    /// - Complexity: `O(1)`.
    public init(options: Options) {
        self.options = options
    }

    /// A basis `Q` with `‖A − QQᵀA‖₂ ≤ ε` (with probability `1 − 10⁻ʳ`), of the rank this takes,
    /// for any ``/LinearOperators/LinearOperator`` `A` (only ``/LinearOperators/LinearOperator/apply(to:)`` is used:
    /// a dense `Matrix`, or a structure that is never formed).
    ///
    /// - Complexity: `(rank + r)` operator–vector products with `A` (`2mn` flops each for a dense
    ///   `A`, the first `r` as one block product) and `O(m·rank·(rank + r))` flops of
    ///   Gram–Schmidt.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for a negative or
    ///   non-finite tolerance, `r < 1`, or a maximum rank outside `0...min(m, n)`; as
    ///   ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the `max(m, n) × r` probe block;
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` when a product holds NaN/∞
    ///   (so for NaN/∞ in a dense `A`); and what the operator's product throws.
    @inlinable
    public func basis<Op: LinearOperator<Scalar>>(
        of a: Op, using generator: inout some RandomNumberGenerator
    ) throws -> Result {
        let operation = "AdaptiveRangeFinder.basis"
        let (m, n) = (a.rows, a.columns)
        let (tolerance, r) = (options.tolerance, options.probeCount)
        let cap = options.maximumRank ?? Swift.min(m, n)
        guard tolerance.isFinite, tolerance >= 0 else {
            throw LinearAlgebraError.invalidArgument(operation: operation, detail: "tolerance ε = \(tolerance) must be finite and ≥ 0")
        }
        guard r >= 1 else {
            throw LinearAlgebraError.invalidArgument(operation: operation, detail: "probe count r = \(r) must be ≥ 1")
        }
        guard (0...Swift.min(m, n)).contains(cap) else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "maximum rank \(cap) must be in 0...min(m, n) = \(Swift.min(m, n))")
        }
        try SizePolicy.check(operation, "probe block (Ω or A·Ω)", rows: Swift.max(m, n), columns: r, of: Scalar.self)
        // 10·√(2/π): HMT eq. (4.3), from E|⟨g, x⟩| = √(2/π)·‖x‖ for Gaussian g and a 10⁻ʳ tail.
        let factor = 10 * Scalar.sqrt(2 / Scalar.pi)
        var columns: [[Scalar]] = []
        let omega = try Matrix<Scalar>.randomGaussian(rows: n, columns: r, using: &generator)
        let sample = try a.apply(to: omega)
        try sample.requireFinite(operation, argument: "A·Ω")
        var probes = try (0..<r).map { try sample.column($0) }
        var norms = probes.map(\.norm2)
        var estimate = factor * (norms.max() ?? 0)
        while estimate > tolerance, columns.count < cap {
            let pivot = norms.indices.max { norms[$0] < norms[$1] }!
            var y = probes[pivot]
            try Self.project(&y, against: columns)
            let norm = y.norm2
            guard norm > 0 else { break }
            y.scale(by: 1 / norm)
            for i in probes.indices where i != pivot {
                try probes[i].add(y, scaledBy: -y.dot(probes[i]))
                norms[i] = probes[i].norm2
            }
            columns.append(y)
            var fresh = try a.apply(to: Matrix(column: Scalar.randomGaussians(count: n, using: &generator))).elements
            guard fresh.allSatisfy(\.isFinite) else {
                throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: "A·ω")
            }
            // Twice is enough: the second pass removes what rounding left of the first
            // ("twice is enough", Giraud, Langou & Rozložník 2005).
            try Self.project(&fresh, against: columns)
            try Self.project(&fresh, against: columns)
            probes[pivot] = fresh
            norms[pivot] = fresh.norm2
            estimate = factor * (norms.max() ?? 0)
        }
        return Result(basis: try Matrix(rows: m, columns: columns.count, columnMajor: columns.flatMap { $0 }),
                      errorEstimate: estimate)
    }

    /// `y ← (I − QQᵀ)·y` by modified Gram–Schmidt over the columns of `Q`.
    @inlinable
    static func project(_ y: inout [Scalar], against columns: [[Scalar]]) throws {
        for q in columns { try y.add(q, scaledBy: -q.dot(y)) }
    }
}
