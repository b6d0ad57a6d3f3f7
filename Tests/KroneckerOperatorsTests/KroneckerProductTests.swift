import DenseLinearAlgebra
import KroneckerOperators
import Testing
import KronKitTestSupport

@Suite("Kronecker product: products and structure against the dense product")
struct KroneckerProductTests {
    func products<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 51)
        for shapes in productShapes {
            let factors = try shapes.map { try Matrix<Scalar>.randomGaussian(rows: $0.0, columns: $0.1, using: &generator) }
            let product = try KroneckerProduct(factors)
            let dense = try product.dense()
            #expect(dense.rows == product.rows && dense.columns == product.columns)
            // Each entry of the factored product is a sum over the same terms as the
            // dense one, regrouped: both within c·N·eps of the exact value.
            let tolerance = Tolerance.backward(Scalar.self, order: dense.rows + dense.columns)
            for k in [0, 1, 3] {
                for transpose in [Transpose.none, .transpose] {
                    let inputRows = transpose == .none ? product.columns : product.rows
                    let x = try Matrix<Scalar>.randomGaussian(rows: inputRows, columns: k, using: &generator)
                    let fast = try (transpose == .none ? product.apply(to: x) : product.applyTransposed(to: x))
                    let reference = try dense.multiplied(by: x, transposingSelf: transpose)
                    #expect(try maxDifference(fast, reference)
                        <= tolerance * magnitudeScale(dense, x, transpose: transpose))
                }
            }
            let vector = try Scalar.randomGaussians(count: product.columns, using: &generator)
            let fastVector = try product.apply(to: Matrix(column: vector)).elements
            #expect(try maxDifference(Matrix(column: fastVector), dense * Matrix(column: vector))
                <= tolerance * magnitudeScale(dense, Matrix(column: vector)))
            #expect(try product.transposed().dense() == dense.transposed())
            // Products of d entries, associated differently: within d ulps of each other.
            #expect(try zip(product.diagonalEntries(), dense.diagonal).allSatisfy {
                abs($0 - $1) <= Scalar(2 * shapes.count) * Scalar.ulpOfOne * abs($1) })
            #expect(try product.diagonalEntries().count == Swift.min(dense.rows, dense.columns))
            #expect(abs(product.frobeniusNorm() - dense.frobeniusNorm) <= tolerance * Swift.max(1, dense.frobeniusNorm))
            if product.hasSquareFactors {
                #expect(abs(try product.trace() - dense.trace()) <= tolerance * Swift.max(1, dense.maxAbsoluteEntry) * Scalar(dense.rows))
            }
        }
    }

    @Test func matmatMatvecTransposeAndInvariantsMatchTheDenseProduct() throws {
        try products(Float.self)
        try products(Double.self)
    }

    func matrixForm<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 52)
        // K-FAC shapes: A is d_in × d_in, G is d_out × d_out, V is d_out × d_in.
        let (dIn, dOut) = (6, 4)
        let a = try FactorKind.positiveDefinite.matrix(dIn, using: &generator) as Matrix<Scalar>
        let g = try FactorKind.indefinite.matrix(dOut, using: &generator) as Matrix<Scalar>
        let v = try Matrix<Scalar>.randomGaussian(rows: dOut, columns: dIn, using: &generator)
        let fisher = try KroneckerProduct(a, g)
        let applied = try fisher.apply(toMatrix: v)
        let reference = try g * v * a.transposed()
        // relativeDistance divides by max(1, max|reference|); the entries are O(1), so c·n·eps is the bound.
        let tolerance = Tolerance.backward(Scalar.self, order: dIn * dOut)
        #expect(try applied.relativeDistance(to: reference) <= tolerance)
        // The convention stated in the docs: (A ⊗ G)·vec(V) = vec(G·V·Aᵀ).
        let vectorForm = try fisher.dense().multiplied(by: Matrix(column: v.elements))
        #expect(try vectorForm.reshaped(rows: dOut, columns: dIn).relativeDistance(to: reference) <= tolerance)
        // Rectangular factors and the transposed form: (A ⊗ B)ᵀ·vec(W) = vec(Bᵀ·W·A).
        let ra = try Matrix<Scalar>.randomGaussian(rows: 3, columns: 5, using: &generator)
        let rb = try Matrix<Scalar>.randomGaussian(rows: 2, columns: 4, using: &generator)
        let w = try Matrix<Scalar>.randomGaussian(rows: 2, columns: 3, using: &generator)
        let transposedForm = try KroneckerProduct(ra, rb).applyTransposed(toMatrix: w)
        #expect(try transposedForm.relativeDistance(to: rb.transposed() * w * ra) <= tolerance)
    }

    @Test func matrixFormIsGVAtransposed() throws {
        try matrixForm(Float.self)
        try matrixForm(Double.self)
    }

    func errors<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var poisoned = try Matrix<Scalar>.identity(3)
        poisoned[0, 2] = .nan
        #expect(throws: LinearAlgebraError.self) { try KroneckerProduct<Scalar>([]) }
        #expect(throws: LinearAlgebraError.self) { try KroneckerProduct(.identity(2), poisoned) }
        let rectangular = try KroneckerProduct(Matrix<Scalar>(rows: 2, columns: 3), .identity(2))
        #expect(throws: LinearAlgebraError.self) { try rectangular.apply(to: Matrix<Scalar>(rows: 4, columns: 1)) }
        #expect(throws: LinearAlgebraError.self) {
            try rectangular.applyTransposed(to: Matrix<Scalar>(rows: 6, columns: 1))
        }
        #expect(throws: LinearAlgebraError.self) { try rectangular.apply(to: Matrix(column: [Scalar](repeating: 1, count: 5))) }
        #expect(throws: LinearAlgebraError.self) { try rectangular.trace() }
        #expect(throws: LinearAlgebraError.self) { try rectangular.apply(toMatrix: Matrix<Scalar>(rows: 3, columns: 2)) }
        let three = try KroneckerProduct(Matrix<Scalar>.identity(2), .identity(2), .identity(2))
        #expect(throws: LinearAlgebraError.self) { try three.apply(toMatrix: Matrix<Scalar>(rows: 2, columns: 4)) }
    }

    @Test func badShapesAndNonFiniteFactorsThrow() throws {
        try errors(Float.self)
        try errors(Double.self)
    }
}
