import DenseLinearAlgebra
import HierarchicalMatrices
import Testing

@Suite("HODLR: sizes checked before any work, factorization failures name the leaf or split")
struct HODLRSizeAndContextTests {
    @Test func hugeAndNegativeOrdersThrowBeforeEvaluatingAnEntry() throws {
        try orders(Float.self)
        try orders(Double.self)
    }

    func orders<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var calls = 0
        // 4.9e9 rows (19.6 GB of right-hand side alone in Float): an immediate error instead of
        // hours of tree building.
        #expect {
            try HODLRMatrix<Scalar>(order: 4_900_000_000) { _, _ in calls += 1; return 1 }
        } throws: { error in
            guard case let .sizeExceedsLimit(operation, _, elements, _, _) = error as? LinearAlgebraError
            else { return false }
            return operation == "HODLRMatrix(order:entry:)" && elements == 4_900_000_000
        }
        // With the budget raised, the BLAS index range still stops it.
        SizePolicy.$maximumBytes.withValue(Int.max) {
            #expect {
                try HODLRMatrix<Scalar>(order: 4_900_000_000) { _, _ in calls += 1; return 1 }
            } throws: { error in
                guard case let .exceedsIndexRange(_, _, value) = error as? LinearAlgebraError else { return false }
                return value == 4_900_000_000
            }
        }
        #expect {
            try HODLRMatrix<Scalar>(order: -1) { _, _ in calls += 1; return 1 }
        } throws: { error in
            guard case let .invalidSize(operation, _, value) = error as? LinearAlgebraError else { return false }
            return operation == "HODLRMatrix(order:entry:)" && value == -1
        }
        #expect(calls == 0)
    }

    @Test func aSingularLeafIsNamedByItsRowsAndLevel() throws {
        try singularLeaf(Float.self)
        try singularLeaf(Double.self)
    }

    func singularLeaf<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 3)
        // diag(1, …, 1) with a zero at index 5: every off-diagonal block is zero, and with leaves
        // of order 2 the leaf of rows 4..<6 (level 2 under the root's halves 0..<4, 4..<8) is singular.
        var diagonal = [Scalar](repeating: 1, count: 8)
        diagonal[5] = 0
        let h = try HODLRMatrix(compressing: try Matrix(diagonal: diagonal), options: .init(leafSize: 2),
                                using: &generator)
        #expect {
            try h.factorized()
        } throws: {
            "\($0)" == "HODLRFactorization: leaf of rows 4..<6 at level 2 (2×2): LU (\(Scalar.routinePrefix)getrf): "
                + "matrix is singular (zero pivot at row 2)"
        }
    }

    @Test func aSingularCapacitanceMatrixIsNamedWithItsSplit() throws {
        try singularCapacitance(Float.self)
        try singularCapacitance(Double.self)
    }

    func singularCapacitance<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        // The all-ones 2 × 2 matrix with leaves of order 1: the leaves [1] are regular, the
        // off-diagonal blocks are 1·1ᵀ exactly, and C = [1 1; 1 1] is exactly singular.
        let h = try HODLRMatrix<Scalar>(order: 2, options: .init(leafSize: 1)) { _, _ in 1 }
        #expect {
            try h.factorized()
        } throws: { error in
            guard let error = error as? LinearAlgebraError else { return false }
            return error.contextPath == ["HODLRFactorization: split of rows 0..<2 at level 0: capacitance matrix (2×2)"]
                && error.rootCause == .singularMatrix(operation: "LU (\(Scalar.routinePrefix)getrf)", index: 2)
        }
    }
}
