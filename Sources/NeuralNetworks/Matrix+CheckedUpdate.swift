import DenseLinearAlgebra

extension Matrix {
    /// `self ← store(self + α·update)` in place, where `store` rounds to `precision` (`nil`: the
    /// value as computed): what ``TrainableLayer/apply(update:scaledBy:storingIn:)`` does to a
    /// layer's weight. A read-only pass first checks that every stored result will be finite, so
    /// a NaN or ±∞ in `update`, or an overflow, throws and leaves `self` unchanged; then one
    /// BLAS `?axpy` on the storage (the same call as ``/DenseLinearAlgebra/Matrix/add(_:scaledBy:)``,
    /// so the same bits) and, with a `precision`, one rounding pass.
    ///
    /// The check is `|w| + |α·u| ≤ G/2` for the largest stored value `G` (then neither the fused
    /// nor the unfused `w + α·u` can overflow); only when some entry fails it is every entry
    /// tested exactly, fused and unfused, since BLAS may compute either.
    /// - Complexity: two passes over `self` and `update` (three with a `precision`); no
    ///   allocation when the storage is uniquely referenced.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)``
    ///   for another shape; ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)``
    ///   naming `operation` for a non-finite stored result.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    mutating func addStoringFinite(_ update: Matrix, scaledBy alpha: Scalar, storingIn precision: StoragePrecision?,
                                   operation: String) throws {
        guard rows == update.rows, columns == update.columns else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "TrainableLayer.apply(update:scaledBy:)", expected: "update \(rows)×\(columns)",
                actual: "\(update.rows)×\(update.columns)")
        }
        let storesFinite = withUnsafeBufferPointer { w in
            update.withUnsafeBufferPointer { u in Self.storesFinite(w, plus: u, scaledBy: alpha, in: precision) }
        }
        guard storesFinite else { throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: "weight") }
        try add(update, scaledBy: alpha)
        if let precision { precision.round(&self) }
    }

    /// Whether `store(w + α·u)` is finite for every entry, fused or not.
    /// - Complexity: one vectorised pass; a second, scalar one only near the largest stored value.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private static func storesFinite(_ w: UnsafeBufferPointer<Scalar>, plus u: UnsafeBufferPointer<Scalar>,
                                     scaledBy alpha: Scalar, in precision: StoragePrecision?) -> Bool {
        let largest = precision.map { Scalar($0.greatestFiniteMagnitude) } ?? Scalar.greatestFiniteMagnitude
        if allWithin(largest / 2, w, plus: u, scaledBy: alpha) { return true }
        func isStoredFinite(_ x: Scalar) -> Bool {
            guard let precision else { return x.isFinite }
            return precision.rounded(Double(x)).isFinite
        }
        return w.indices.allSatisfy { k in
            isStoredFinite(w[k] + alpha * u[k]) && isStoredFinite(w[k].addingProduct(alpha, u[k]))
        }
    }

    /// Whether `|w_k| + |α·u_k| ≤ bound` for every `k` (not for a NaN): an OR of the failed comparisons
    /// over the whole buffers, with no early exit and a trip count known before the loop, so that
    /// LLVM vectorises it (the loop over `w.indices` with a test per entry did not: 2–3× the `?axpy`).
    /// - Complexity: one pass over `w` and `u`.
    @inline(__always)
    private static func allWithin(_ bound: Scalar, _ w: UnsafeBufferPointer<Scalar>, plus u: UnsafeBufferPointer<Scalar>,
                                  scaledBy alpha: Scalar) -> Bool {
        var outside: UInt8 = 0
        for k in 0..<Swift.min(w.count, u.count) {
            outside |= w[k].magnitude + (alpha * u[k]).magnitude <= bound ? 0 : 1
        }
        return outside == 0
    }
}
