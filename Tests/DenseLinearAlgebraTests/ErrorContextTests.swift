import DenseLinearAlgebra
import Testing

@Suite("Errors carry the context they happened in")
struct ErrorContextTests {
    struct Unrelated: Error, Equatable {}

    @Test func withContextWrapsOnlyLinearAlgebraErrorsOutermostFirst() throws {
        let singular = try Matrix<Double>(diagonal: [1, 0, 1])
        let error = #expect(throws: LinearAlgebraError.self) {
            try LinearAlgebraError.withContext("outer") {
                try LinearAlgebraError.withContext("inner (3×3)") { try LUFactorization(singular) }
            }
        }
        #expect(error?.contextPath == ["outer", "inner (3×3)"])
        #expect(error?.rootCause == .singularMatrix(operation: "LU (dgetrf)", index: 2))
        #expect(error.map { "\($0)" } == "outer: inner (3×3): LU (dgetrf): matrix is singular (zero pivot at row 2)")
        // Other errors pass through unchanged, and the context is not built on success.
        #expect(throws: Unrelated()) { try LinearAlgebraError.withContext("unused") { throw Unrelated() } }
        var built = false
        let value = try LinearAlgebraError.withContext({ built = true; return "never" }()) { 42 }
        #expect(value == 42 && !built)
        #expect(LinearAlgebraError.invalidArgument(operation: "f", detail: "d").contextPath.isEmpty)
    }

    @Test func singularEigenvalueMessagesSayEigenvalueNotPivot() {
        #expect("\(LinearAlgebraError.singularEigenvalue(operation: "f", index: 3, value: 0))"
            == "f: matrix is singular (eigenvalue 0 at index 3)")
        #expect("\(LinearAlgebraError.singularEigenvalue(operation: "f", index: 1, value: .leastNonzeroMagnitude))"
            == "f: matrix is singular (eigenvalue 5e-324, whose reciprocal overflows, at index 1)")
    }
}
