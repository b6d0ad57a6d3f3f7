import DenseLinearAlgebra
import LinearOperators

/// Extreme eigenpairs (the `k` algebraically largest or smallest) of any
/// ``/LinearOperators/SymmetricOperator`` from its products alone, by the block Lanczos method
/// with full reorthogonalisation [Golub & Underwood 1977; Golub & Van Loan 2013, §10.3.6].
///
/// A block of `b` random orthonormal vectors `V₁` generates the block Krylov space
/// `span{V₁, A·V₁, A²·V₁, …}`; each step applies `A` to the newest block, orthogonalises the
/// result against the whole basis `Q` (twice, classical Gram–Schmidt, "twice is enough"
/// [Giraud et al. 2005]) and orthonormalises it by QR. The Ritz pairs `(θ, Q·s)` of the
/// projected matrix `T = Qᵀ·A·Q` (LAPACK `?syevd`, `T` of order `m = j·b`) are accepted when every
/// wanted one has `‖A·y − θ·y‖₂ ≤ τ·max|θ|`; each Ritz value is then within that residual of an
/// eigenvalue of `A` (for symmetric `A`, [Parlett 1998, Thm 4.5.1]).
///
/// Differences from the textbook recurrence: `T` is formed as `Qᵀ·(A·Q)` from the stored
/// products instead of from the block-tridiagonal recurrence, which costs `2n·m·b` flops per
/// step more but keeps `T` exactly the Rayleigh quotient of the orthonormalised basis; a block
/// that loses rank after orthogonalisation (an invariant subspace was found) is completed with
/// random directions, so the basis still grows to `n` if needed.
///
/// - Complexity: `m` operator products (one block of `b` columns per step) and
///   `O(n·m²)` flops for orthogonalisation and Ritz vectors, `O(m³)` for the small eigenproblems;
///   memory `2n·m` for `Q` and `A·Q`.
public struct BlockLanczos<Scalar: LinearAlgebraScalar>: Sendable {
    /// Which end of the spectrum to compute.
    public enum End: Sendable, Hashable {
        /// The `k` algebraically largest eigenvalues, in descending order.
        case largest
        /// The `k` algebraically smallest eigenvalues, in ascending order.
        case smallest
    }

    /// The knobs of the method.
    public struct Options: Sendable, Hashable {
        /// `b`, the block size; `nil` takes `k` (a block at least as wide as the wanted cluster
        /// resolves multiple eigenvalues [Golub & Van Loan 2013, §10.3.6]).
        public var blockSize: Int?
        /// The largest basis `m` before giving up; `nil` takes `min(n, max(20·b, 2k + 40))`.
        public var maximumBasisSize: Int?
        /// `τ`: the relative residual `‖A·y − θ·y‖₂ / max|θ|` every wanted pair must reach.
        /// Default `√eps`, the eigenvalues then accurate to `√eps·‖A‖` (and to `eps·‖A‖`
        /// times the square of that over the gap, Rayleigh-quotient accuracy).
        public var tolerance: Scalar

        /// Options with the documented defaults.
        public init(blockSize: Int? = nil, maximumBasisSize: Int? = nil, tolerance: Scalar = Scalar.ulpOfOne.squareRoot()) {
            self.blockSize = blockSize
            self.maximumBasisSize = maximumBasisSize
            self.tolerance = tolerance
        }
    }

    /// The accepted Ritz pairs and what they cost.
    public struct Result: Sendable {
        /// The `k` Ritz pairs as a partial decomposition, from the extreme inward.
        public let decomposition: SymmetricEigendecomposition<Scalar>
        /// `‖A·yᵢ − θᵢ·yᵢ‖₂` for each pair, in the same order.
        public let residualNorms: [Scalar]
        /// The number of vectors `A` was applied to (`m`, the final basis size).
        public let products: Int

        /// Memberwise. - Complexity: `O(1)`.
        @usableFromInline
        init(decomposition: SymmetricEigendecomposition<Scalar>, residualNorms: [Scalar], products: Int) {
            self.decomposition = decomposition
            self.residualNorms = residualNorms
            self.products = products
        }
    }

    /// The options.
    public var options: Options

    /// A block Lanczos method with `options`. - Complexity: `O(1)`.
    public init(options: Options = Options()) {
        self.options = options
    }

    /// The `k` eigenpairs of `operator` at `end` of its spectrum.
    /// - Complexity: see the type.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless the
    ///   operator is square; ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` unless
    ///   `1 ≤ k ≤ n`, `1 ≤ b ≤ n`, `k ≤ m_max` and `τ` is positive and finite;
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/toleranceNotMet(operation:requested:achieved:reason:)`` when the
    ///   basis reaches `m_max < n` first; ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)``
    ///   when a product with the operator is NaN or ∞; and what the operator's product throws.
    @inlinable
    public func eigenpairs<Op: SymmetricOperator<Scalar>>(
        _ k: Int, _ end: End, of op: Op, using generator: inout some RandomNumberGenerator
    ) throws -> Result {
        let operation = "BlockLanczos.eigenpairs"
        try op.requireSquare(operation)
        let n = op.rows
        let b = options.blockSize ?? k
        let limit = Swift.min(n, options.maximumBasisSize ?? Swift.max(20 * b, 2 * k + 40))
        for (name, value, lower) in [("k", k, 1), ("block size b", b, 1), ("maximum basis size", limit, k)]
        where !(value >= lower && value <= n) {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "\(name) = \(value) must be in \(lower)...n = \(n)")
        }
        guard options.tolerance.isFinite, options.tolerance > 0 else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "tolerance τ = \(options.tolerance) must be positive and finite")
        }
        var basis = try Matrix<Scalar>(rows: n, columns: 0)
        var images = try Matrix<Scalar>(rows: n, columns: 0)
        var block = try Self.orthonormalComplement(
            of: basis, Matrix<Scalar>.randomGaussian(rows: n, columns: b, using: &generator), using: &generator)
        while true {
            let image = try op.apply(to: block)
            // NaN or ∞ in the operator would otherwise surface as a failure of the Ritz eigensolver.
            try image.requireFinite(operation, argument: "A·Q")
            basis = try Self.appendingColumns(basis, block)
            images = try Self.appendingColumns(images, image)
            let m = basis.columns
            // T = Qᵀ·(A·Q), symmetrised (A is symmetric; rounding is not).
            var projected = try basis.multiplied(by: images, transposingSelf: .transpose)
            projected = try Matrix(rows: m, columns: m) { i, j in (projected[i, j] + projected[j, i]) / 2 }
            let ritz = try SymmetricEigendecomposition(projected)
            let wanted = end == .largest ? Array((m - k..<m).reversed()) : Array(0..<k)
            let coordinates = try ritz.eigenvectors.columns(at: wanted)
            let values = wanted.map { ritz.eigenvalues[$0] }
            let vectors = try basis.multiplied(by: coordinates)
            var residual = try images.multiplied(by: coordinates)
            try Matrix.multiply(vectors, Matrix(diagonal: values), alpha: -1, beta: 1, into: &residual)
            let norms = try (0..<k).map { try Self.norm(residual.column($0)) }
            let scale = Swift.max(abs(ritz.eigenvalues.first ?? 0), abs(ritz.eigenvalues.last ?? 0))
            if m == n || norms.allSatisfy({ $0 <= options.tolerance * scale }) {
                return Result(decomposition: try SymmetricEigendecomposition(eigenvalues: values, eigenvectors: vectors),
                              residualNorms: norms, products: m)
            }
            guard m < limit else {
                throw LinearAlgebraError.toleranceNotMet(
                    operation: operation, requested: Double(options.tolerance),
                    achieved: Double(norms.max()! / (scale > 0 ? scale : 1)),
                    reason: "the basis reached its maximum size \(limit) < n = \(n); raise Options.maximumBasisSize")
            }
            let width = Swift.min(b, limit - m)
            block = try Self.orthonormalComplement(of: basis, image.columns(0..<width), using: &generator)
        }
    }

    /// `[A B]`. - Complexity: `O(n·(a + b))` copies.
    @inlinable
    static func appendingColumns(_ a: Matrix<Scalar>, _ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try Matrix(rows: a.rows, columns: a.columns + b.columns, columnMajor: a.elements + b.elements)
    }

    /// `‖v‖₂`. - Complexity: `O(n)`.
    @inlinable
    static func norm(_ v: [Scalar]) -> Scalar { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// An orthonormal basis of `W`'s columns with `Q`'s span removed (two passes of classical
    /// Gram–Schmidt, then QR, then once more against `Q`): a column that keeps less than
    /// `√eps` of its norm is replaced by a random direction, so the result always has `W`'s
    /// width (at most `n − columns(Q)`).
    @inlinable
    static func orthonormalComplement(
        of q: Matrix<Scalar>, _ w: Matrix<Scalar>, using generator: inout some RandomNumberGenerator
    ) throws -> Matrix<Scalar> {
        var block = w
        for _ in 0..<2 { try removeSpan(of: q, from: &block) }
        let threshold = Scalar.ulpOfOne.squareRoot()
        var replaced = false
        for j in 0..<block.columns where norm(try block.column(j)) <= threshold * Swift.max(norm(try w.column(j)), 1) {
            let fresh = try Scalar.randomGaussians(count: block.rows, using: &generator)
            for i in 0..<block.rows { block[i, j] = fresh[i] }
            replaced = true
        }
        if replaced { for _ in 0..<2 { try removeSpan(of: q, from: &block) } }
        var orthonormal = try QRFactorization(block).q
        try removeSpan(of: q, from: &orthonormal)
        return try QRFactorization(orthonormal).q
    }

    /// `W ← W − Q·(Qᵀ·W)`. - Complexity: `4n·q·w` flops.
    @inlinable
    static func removeSpan(of q: Matrix<Scalar>, from w: inout Matrix<Scalar>) throws {
        guard q.columns > 0, w.columns > 0 else { return }
        let coefficients = try q.multiplied(by: w, transposingSelf: .transpose)
        try Matrix.multiply(q, coefficients, alpha: -1, beta: 1, into: &w)
    }
}
