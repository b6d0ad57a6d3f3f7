import DenseLinearAlgebra

/// Scratch memory for Kronecker products applied to blocks of vectors, owned by the
/// caller so that repeated applications — an optimizer step, an iterative solver —
/// allocate nothing once it has grown to the largest size needed.
///
/// Pass the same workspace to the `into:workspace:` forms of
/// ``KroneckerProduct/apply(to:into:workspace:)``,
/// ``KroneckerEigendecomposition/dampedInverse(applyingTo:damping:into:workspace:)`` and
/// ``KroneckerSumEigendecomposition/solve(_:shift:into:workspace:)``. Its contents between
/// calls are meaningless; only its capacity carries over. A fresh allocation of tens of
/// megabytes costs a page fault per 4 KiB on first touch, which on a fast GEMM is a
/// third of the time of a `256² ⊗ 256²` product with 64 columns (`Notes/BENCHMARKS.md`).
public struct KroneckerWorkspace<Scalar: LinearAlgebraScalar>: Sendable {
    /// Intermediates of the mode products, ping and pong (the second only for three
    /// or more factors).
    @usableFromInline var intermediates: ([Scalar], [Scalar]) = ([], [])
    /// The coordinates `Qᵀ·X` in an eigenbasis.
    @usableFromInline var projection: [Scalar] = []

    /// An empty workspace; it grows on first use.
    /// - Complexity: `O(1)`.
    @inlinable public init() {}

    /// The number of scalars held.
    /// - Complexity: `O(1)`.
    @inlinable public var capacity: Int { intermediates.0.count + intermediates.1.count + projection.count }
}

extension Array where Element: LinearAlgebraScalar {
    /// Grows the buffer to at least `count` entries without initialising values a
    /// GEMM with `β = 0` overwrites anyway (it never reads its output).
    @inlinable
    mutating func growUninitialized(to count: Int) {
        guard self.count < count else { return }
        self = [Element](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}
