import DenseLinearAlgebra
import StructuredFactors
import Testing

@Suite("Structured factors: orders checked before allocating, a singular capacitance is named")
struct StructuredSizeAndContextTests {
    @Test func hugeAndNegativeOrdersThrowSizeErrors() throws {
        try orders(Float.self)
        try orders(Double.self)
    }

    func orders<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let layout = UnparameterizedLayout()
        // 4.9e9 entries: over the index range in Float (19.6 GB is also over the budget in
        // Double, which is checked first).
        #expect { try LowerTriangularToeplitz<Scalar>.identity(order: 4_900_000_000, layout: layout) } throws: { error in
            let operation = "LowerTriangularToeplitz.identity"
            switch error as? LinearAlgebraError {
            case let .exceedsIndexRange(found, _, value): return found == operation && value == 4_900_000_000
            case let .sizeExceedsLimit(found, _, elements, _, _): return found == operation && elements == 4_900_000_000
            default: return false
            }
        }
        #expect { try DiagonalMatrix<Scalar>.identity(order: -2, layout: layout) } throws: { error in
            guard case let .invalidSize(operation, _, value) = error as? LinearAlgebraError else { return false }
            return operation == "DiagonalMatrix.identity" && value == -2
        }
        // A dense factor of order 70 000 needs 4.9e9 entries: rejected by the identity's check.
        #expect { try DenseFactor<Scalar>.identity(order: 70_000, layout: layout) } throws: { error in
            if case .sizeExceedsLimit = error as? LinearAlgebraError { return true }
            return false
        }
    }

    @Test func aSingularCapacitanceMatrixIsNamed() throws {
        try singularCapacitance(Float.self)
        try singularCapacitance(Double.self)
    }

    func singularCapacitance<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        // M = I − e₁e₁ᵀ: D = I, U = e₁, C = [−1], so K = 1 + UᵀD⁻¹U·C = 0 exactly.
        var u = try Matrix<Scalar>(rows: 3, columns: 1)
        u[0, 0] = 1
        let core = try Matrix<Scalar>(rows: 1, columns: 1, repeating: -1)
        let m = try LowRankPlusDiagonal(diagonal: [1, 1, 1], factor: u, core: core)
        let routine = "LU (\(Scalar.routinePrefix)getrf)"
        #expect {
            try m.solve(try Matrix(rows: 3, columns: 1, repeating: 1))
        } throws: {
            "\($0)" == "LowRankPlusDiagonal.solve: capacitance matrix K = I + UᵀD⁻¹U·C (1×1): \(routine): "
                + "matrix is singular (zero pivot at row 1)"
        }
        #expect {
            try m.logAbsoluteDeterminant()
        } throws: { error in
            guard let error = error as? LinearAlgebraError else { return false }
            let context = "LowRankPlusDiagonal.logAbsoluteDeterminant: capacitance matrix K = I + UᵀD⁻¹U·C (1×1)"
            return error.contextPath == [context] && error.rootCause == .singularMatrix(operation: routine, index: 1)
        }
    }
}
