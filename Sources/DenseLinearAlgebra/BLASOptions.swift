/// Whether a BLAS/LAPACK routine reads a matrix as stored or transposed.
public enum Transpose: Sendable, Hashable {
    /// Use the matrix as stored: `op(A) = A`.
    case none
    /// Use the transpose: `op(A) = Aᵀ`.
    case transpose
}

/// Which triangle of a square matrix a routine reads or writes.
public enum Triangle: Sendable, Hashable {
    case upper
    case lower

    /// The other triangle.
    public var opposite: Triangle { self == .upper ? .lower : .upper }
}

/// On which side a triangular matrix multiplies: `op(A)·B` (`.left`) or `B·op(A)` (`.right`).
public enum Side: Sendable, Hashable {
    case left
    case right
}

/// Whether a triangular matrix has an implicit unit diagonal.
public enum DiagonalKind: Sendable, Hashable {
    case nonUnit
    case unit
}

/// Which eigenvalues a symmetric eigensolver (LAPACK `syevr`) computes.
public enum EigenvalueSelection<Scalar: Sendable & Hashable>: Sendable, Hashable {
    /// Every eigenvalue.
    case all
    /// The eigenvalues in the half-open interval `(lower, upper]`.
    case valueRange(lower: Scalar, upper: Scalar)
    /// The eigenvalues with ascending indices `lower...upper`, counted from 0.
    case indexRange(lower: Int, upper: Int)
}
