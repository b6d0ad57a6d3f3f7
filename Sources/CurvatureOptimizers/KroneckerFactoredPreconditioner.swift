import DenseLinearAlgebra
import LinearOperators

/// The block-diagonal preconditioner of a Kronecker-factored optimizer as an operator over the
/// flattened parameter vector (``ParameterShapes/flatten(_:)``): each layer's block applies its
/// damped inverse curvature to that layer's part, `diag((A₀ ⊗ G₀ + λI)⁻¹, (A₁ ⊗ G₁ + λI)⁻¹, …)`
/// for K-FAC, the corresponding damped inverse for every other block type.
///
/// With it, the true curvature ``GaussNewtonOperator`` can be solved by conjugate gradients
/// preconditioned by K-FAC (``/LinearOperators/ConjugateGradients/solve(_:_:preconditioner:)``),
/// and a K-FAC direction can be compared with the exact damped Gauss–Newton direction
/// (``GaussNewtonOperator/relativeDirectionError(_:gradient:damping:preconditioner:options:)``).
///
/// The conformance to ``/LinearOperators/SymmetricOperator`` is the blocks' promise: every block of
/// the library applies a symmetric positive definite operator (a damped inverse of Kronecker
/// factors, an eigenbasis with positive scales, SINGD's `C·Cᵀ ⊗ K·Kᵀ`).
///
/// - Complexity: one ``CurvatureBlock/preconditioned(_:)`` per layer and vector.
public struct KroneckerFactoredPreconditioner<Block: CurvatureBlock>: SymmetricOperator {
    /// The scalar type of the blocks.
    public typealias Scalar = Block.Scalar
    /// One block per parameterised layer, in model order.
    public let blocks: [Block]
    /// The layers' weight shapes: the layout of the flattened vector.
    public let layout: ParameterShapes

    /// The preconditioner of `blocks` for layers of the shapes `layout`.
    /// - Complexity: `O(1)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless there
    ///   is one block per layer.
    public init(blocks: [Block], layout: ParameterShapes) throws {
        guard blocks.count == layout.shapes.count else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "KroneckerFactoredPreconditioner", expected: "\(layout.shapes.count) blocks (one per layer)",
                actual: "\(blocks.count)")
        }
        self.blocks = blocks
        self.layout = layout
    }

    /// `P`. - Complexity: `O(layers)`.
    public var rows: Int { layout.parameterCount }
    /// `P`. - Complexity: `O(layers)`.
    public var columns: Int { layout.parameterCount }

    /// Each column split by layer, preconditioned by its block, and flattened again.
    /// - Complexity: per column, every block's preconditioning of its layer's part.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X` has
    ///   `P` rows; ``OptimizerError/invalidConfiguration(_:)`` for a block never refreshed; as the blocks.
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, rows: rows, "KroneckerFactoredPreconditioner.apply")
        var result = try Matrix<Scalar>(rows: rows, columns: x.columns)
        for j in 0..<x.columns {
            let parts = try layout.split(x.column(j))
            let preconditioned = try zip(blocks, parts).map { try $0.preconditioned($1) }
            try result.setColumn(j, to: layout.flatten(preconditioned))
        }
        return result
    }
}

extension KroneckerFactoredOptimizer {
    /// The blocks' current damped inverse curvature as one block-diagonal operator over the
    /// flattened parameters (after at least one step, so that the blocks have been refreshed).
    /// - Complexity: `O(1)` (the blocks are values, shared copy-on-write).
    /// - Throws: as ``KroneckerFactoredPreconditioner/init(blocks:layout:)``.
    public func preconditioner() throws -> KroneckerFactoredPreconditioner<Block> {
        try KroneckerFactoredPreconditioner(blocks: blocks, layout: parameterShapes)
    }
}
