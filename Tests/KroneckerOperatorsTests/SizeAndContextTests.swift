import DenseLinearAlgebra
import KroneckerOperators
import SymmetricEigen
import Testing

/// `true` for ``LinearAlgebraError/sizeExceedsLimit(operation:argument:elements:bytes:limit:)`` of
/// `operation` with `elements` entries.
func exceedsLimit(_ error: any Error, _ operation: String, elements: Int) -> Bool {
    guard case let .sizeExceedsLimit(found, _, foundElements, _, _) = error as? LinearAlgebraError else { return false }
    return found == operation && foundElements == elements
}

@Suite("Kronecker products: explicit forms are size-checked, factor failures name the factor")
struct KroneckerSizeAndContextTests {
    @Test func denseFormsAndDiagonalsTooLargeToAllocateThrow() throws {
        try tooLarge(Float.self)
        try tooLarge(Double.self)
    }

    func tooLarge<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let factor = try Matrix<Scalar>.identity(300)
        // (300² × 300²) dense: 8.1e9 entries, over the 16 GiB default in either precision.
        let pair = try KroneckerProduct(factor, factor)
        #expect { try pair.dense() } throws: { exceedsLimit($0, "KroneckerProduct.dense", elements: 8_100_000_000) }
        #expect { try KroneckerSum(factor, factor).dense() } throws: { exceedsLimit($0, "KroneckerSum.dense", elements: 8_100_000_000) }
        // The diagonal of four 300 × 300 factors has 300⁴ = 8.1e9 entries.
        let four = try KroneckerProduct([factor, factor, factor, factor])
        #expect { try four.diagonalEntries() } throws: { exceedsLimit($0, "KroneckerProduct.diagonalEntries", elements: 8_100_000_000) }
        // So do the 8.1e9 eigenvalues of the four factors' Kronecker eigendecomposition.
        let eig = try SymmetricEigendecomposition(factor)
        #expect { try KroneckerEigendecomposition(factors: [eig, eig, eig, eig]).eigenvalues() } throws: { exceedsLimit($0, "KroneckerEigendecomposition.eigenvalues", elements: 8_100_000_000) }
        // Small ones still work.
        let small = try KroneckerProduct(try Matrix<Scalar>.identity(3), try Matrix<Scalar>.identity(2))
        #expect(try small.dense() == (try Matrix<Scalar>.identity(6)))
        #expect(try small.diagonalEntries() == [Scalar](repeating: 1, count: 6))
    }

    @Test func aSingularFactorIsNamedWithItsPositionAndShape() throws {
        try singularFactor(Float.self)
        try singularFactor(Double.self)
    }

    func singularFactor<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        // Factor 2 of 3 is diag(1, 0, 1, 1, 1): LU stops at the zero pivot in row 2.
        let product = try KroneckerProduct([try .identity(2), try Matrix<Scalar>(diagonal: [1, 0, 1, 1, 1]),
                                            try .identity(3)])
        let b = try Matrix<Scalar>(rows: product.rows, columns: 1, repeating: 1)
        let routine = "\(Scalar.routinePrefix)getrf"
        #expect {
            try product.solve(b)
        } throws: {
            "\($0)" == "KroneckerProduct.solve: factor 2 of 3 (5×5): LU (\(routine)): matrix is singular (zero pivot at row 2)"
        }
        #expect {
            try product.logAbsoluteDeterminant()
        } throws: { error in
            guard let error = error as? LinearAlgebraError else { return false }
            return error.contextPath == ["KroneckerProduct.logAbsoluteDeterminant: factor 2 of 3 (5×5)"]
                && error.rootCause == .singularMatrix(operation: "LU (\(routine))", index: 2)
        }
    }
}
