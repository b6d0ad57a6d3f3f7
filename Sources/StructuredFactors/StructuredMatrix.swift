import DenseLinearAlgebra
// A structured matrix is a linear operator: its users see the protocol it refines.
@_exported import LinearOperators

/// The parameters that fix a structure's sparsity pattern beyond its order (a block size,
/// the orders of a hierarchical factor's corner blocks). `init()` gives the defaults of the
/// reference implementation [f-dangel/singd, `singd/structures`].
public protocol StructureLayout: Sendable, Hashable, Codable {
    /// The default layout.
    init()
}

/// The layout of a structure that has no parameters besides its order.
public struct UnparameterizedLayout: StructureLayout {
    /// The only layout. - Complexity: `O(1)`.
    public init() {}
}

/// A square `n × n` matrix stored in a structure that SINGD can keep its factors in
/// [Lin et al. 2023, "Structured Inverse-Free Natural Gradient", arXiv 2312.05705, §3.2].
///
/// The requirements are the operations every structure has: dense conversion, the products
/// `S·X` and `Sᵀ·X` with a dense matrix (``/LinearOperators/LinearOperator/apply(to:)`` and
/// ``/LinearOperators/LinearOperator/applyTransposed(to:)`` of the operator protocol it
/// refines), the linear-space operations that keep the structure (add, scale, add to the
/// diagonal), trace and Frobenius norm, identity and zero, and the
/// structure-preserving projection `Π` of a symmetric matrix, above all of a Gram matrix
/// `Π(XᵀX)` (SINGD's `H_K = Π(Kᵀ·A·K)` with `A = aᵀa/b` is `Π((a·K)ᵀ(a·K))/b`).
///
/// Defaults in the protocol extension go through the dense matrix (`O(n²)` memory, `O(n³)`
/// or `O(m·n²)` time); every structure in this module overrides those it can do faster, and
/// says so in its doc comments. Nothing chooses a path by the runtime type: a call runs the
/// conforming type's witness, which is fixed at compile time.
///
/// ## Accuracy contract
/// Every operation is a fixed sequence of sums of products (BLAS, FFT convolutions, loops),
/// so its result has a normwise error of `c·n·eps` relative to the norms of its operands
/// (`c·log₂ n·eps` for the FFT products), the bound of a dense `gemm` [Higham 2002, §3.5].
/// Projections, sums, scalings and diagonal shifts are exact up to one rounding per entry.
/// Inverses and solves (``LowerTriangularToeplitz/inverse()``,
/// ``LowRankPlusDiagonal/solve(_:)``) are forward accurate to `c·n·eps·cond`, and only for
/// inputs whose inverse does not grow; see `Notes/StructuredFactors.md`.
///
/// ## Errors
/// Every entry point validates its input and throws ``/DenseLinearAlgebra/LinearAlgebraError``: a negative order,
/// operands of the wrong shape, NaN or ±∞ in a matrix or scalar, two operands of different
/// order or layout, a layout parameter out of range. Nothing traps on user input.
public protocol StructuredMatrix<Scalar>: LinearOperator, Codable {
    /// The parameters of the sparsity pattern, ``UnparameterizedLayout`` when there are none.
    associatedtype Layout: StructureLayout = UnparameterizedLayout

    /// The order `n` of the `n × n` matrix. - Complexity: `O(1)`.
    var order: Int { get }
    /// The layout this matrix was built with. - Complexity: `O(1)`.
    var layout: Layout { get }
    /// The number of scalars the structure stores (an optimizer's state size). - Complexity: `O(1)`.
    var storedCount: Int { get }

    /// The matrix as a dense `n × n` matrix. - Complexity: `O(n²)` memory and time.
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for `n × n`, before allocating.
    func dense() throws -> Matrix<Scalar>

    /// `S + T` for `T` of the same order and layout, in the same structure.
    /// - Complexity: linear in the storage.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for another
    ///   order or layout.
    func adding(_ other: Self) throws -> Self

    /// `α·S`. - Complexity: linear in the storage.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ `α`.
    func scaled(by alpha: Scalar) throws -> Self

    /// `S + λ·I` (SINGD's `diag_add`).
    /// - Complexity: `O(n)` after a copy; the fallback adds `λ·identity`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ `λ`.
    func addingToDiagonal(_ lambda: Scalar) throws -> Self

    /// The Frobenius norm `‖S‖_F`. - Complexity: linear in the storage; the fallback `O(n²)`.
    func frobeniusNorm() throws -> Scalar

    /// The identity of order `n` in this structure. - Complexity: linear in the storage.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `n < 0` or a
    ///   layout out of range.
    static func identity(order: Int, layout: Layout) throws -> Self

    /// The zero matrix of order `n` in this structure. - Complexity: linear in the storage.
    /// - Throws: as ``identity(order:layout:)``.
    static func zeros(order: Int, layout: Layout) throws -> Self

    /// The structure's projection `Π(M)` of a symmetric `n × n` matrix `M`, with the
    /// conventions of the reference implementation (singd's `from_dense`): entries outside
    /// the pattern are dropped, or folded onto their mirror image where the pattern holds only
    /// one of `m_ij`, `m_ji` (the triangular structures). Only as symmetric as `M` is.
    /// - Complexity: `O(n²)` (the checks read every entry).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless
    ///   square, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞, and
    ///   as ``identity(order:layout:)`` for the layout.
    static func projecting(_ symmetric: Matrix<Scalar>, layout: Layout) throws -> Self

    /// `Π(XᵀX)` for `X` of `m × n`, the projection of the Gram matrix, computed without
    /// forming `XᵀX` where the structure allows (singd's `from_inner`).
    /// - Complexity: the structure's; `m·n²` flops for the dense one and the fallback.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ in `X`,
    ///   and as ``identity(order:layout:)`` for the layout.
    static func projectingGram(of x: Matrix<Scalar>, layout: Layout) throws -> Self

    /// `Π(SᵀS)`, the projection of the matrix's own Gram matrix in its layout (singd's
    /// `from_inner()` without `X`; SINGD's `Π(KᵀK)`).
    /// - Complexity: the structure's; the fallback forms the dense `S` (`n²` memory) and projects
    ///   its Gram matrix.
    func projectingOwnGram() throws -> Self
}

extension StructuredMatrix {
    /// `Π(SᵀS)` through the dense `S` (the fallback). - Complexity: `n²` memory plus
    /// ``projectingGram(of:layout:)`` of an `n × n` matrix.
    @inlinable
    public func projectingOwnGram() throws -> Self { try Self.projectingGram(of: dense(), layout: layout) }

    /// `Sᵀ·X` through the dense matrix (the fallback). - Complexity: `2n²·k` flops, `n²` memory.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless
    ///   `X` has `n` rows, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ in `X`.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, "\(Self.self).applyTransposed")
        return try dense().multiplied(by: x, transposingSelf: .transpose)
    }

    /// `S + λ·I` as `S + λ·identity` in the structure (the fallback).
    /// - Complexity: one ``identity(order:layout:)`` and one ``adding(_:)``.
    @inlinable
    public func addingToDiagonal(_ lambda: Scalar) throws -> Self {
        try requireFiniteScalar(lambda, "\(Self.self).addingToDiagonal", argument: "λ")
        return try adding(Self.identity(order: order, layout: layout).scaled(by: lambda))
    }

    /// The Frobenius norm of the dense matrix (the fallback). - Complexity: `O(n²)`.
    /// - Throws: as ``dense()``.
    @inlinable
    public func frobeniusNorm() throws -> Scalar { try dense().frobeniusNorm }

    /// `0·identity` (the fallback). - Complexity: as ``identity(order:layout:)``.
    @inlinable
    public static func zeros(order: Int, layout: Layout) throws -> Self {
        try identity(order: order, layout: layout).scaled(by: 0)
    }

    /// `Π(XᵀX)` through the dense Gram matrix (the fallback, BLAS `?syrk`).
    /// - Complexity: `m·n²` flops, `n²` memory.
    @inlinable
    public static func projectingGram(of x: Matrix<Scalar>, layout: Layout) throws -> Self {
        try x.requireFinite("\(Self.self).projectingGram", argument: "X")
        return try projecting(x.gram(.transpose), layout: layout)
    }

    /// The average trace `tr(S)/n` (SINGD's `average_trace`, the `tr(H)/d` of its update);
    /// `0` for `n = 0`. - Complexity: as ``/LinearOperators/LinearOperator/trace()``.
    /// - Throws: as ``/LinearOperators/LinearOperator/trace()``.
    @inlinable
    public func averageTrace() throws -> Scalar { order == 0 ? 0 : try trace() / Scalar(order) }

    /// The product `X·S` with `X` of `n` columns, as `(Sᵀ·Xᵀ)ᵀ` (SINGD's `X·K`).
    /// - Complexity: ``/LinearOperators/LinearOperator/applyTransposed(to:)`` and two transposes.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless
    ///   `X` has `n` columns, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞.
    @inlinable
    public func premultiplied(by x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard x.columns == order else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "\(Self.self).premultiplied", expected: "X with \(order) columns",
                actual: "\(x.rows)×\(x.columns)")
        }
        return try applyTransposed(to: x.transposed()).transposed()
    }

    /// The identity of order `n` with the default layout.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `n < 0`.
    @inlinable
    public static func identity(order: Int) throws -> Self { try identity(order: order, layout: Layout()) }

    /// The zero matrix of order `n` with the default layout.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `n < 0`.
    @inlinable
    public static func zeros(order: Int) throws -> Self { try zeros(order: order, layout: Layout()) }

    /// ``projecting(_:layout:)`` with the default layout.
    /// - Throws: as ``projecting(_:layout:)``.
    @inlinable
    public static func projecting(_ symmetric: Matrix<Scalar>) throws -> Self {
        try projecting(symmetric, layout: Layout())
    }

    /// ``projectingGram(of:layout:)`` with the default layout.
    /// - Throws: as ``projectingGram(of:layout:)``.
    @inlinable
    public static func projectingGram(of x: Matrix<Scalar>) throws -> Self {
        try projectingGram(of: x, layout: Layout())
    }

    /// Throws unless `x` has `n` rows and is finite: the check in front of every product.
    @inlinable
    public func requireOperand(_ x: Matrix<Scalar>, _ operation: String) throws {
        guard x.rows == order else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "X with \(order) rows", actual: "\(x.rows)×\(x.columns)")
        }
        try x.requireFinite(operation, argument: "X")
    }

    /// Throws unless `other` has the order and layout of `self`: the check in front of ``adding(_:)``.
    @inlinable
    public func requireSameStructure(as other: Self, _ operation: String) throws {
        guard other.order == order, other.layout == layout else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "order \(order) and layout \(layout)",
                actual: "order \(other.order) and layout \(other.layout)")
        }
    }
}
