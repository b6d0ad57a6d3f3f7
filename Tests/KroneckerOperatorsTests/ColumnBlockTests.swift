import DenseLinearAlgebra
import KroneckerOperators
import SymmetricEigen
import Testing
import KronKitTestSupport

/// Products and damped inverses whose intermediates exceed the column-block budget (512 KiB),
/// so that the engine runs them in several blocks of columns (Double: 15 columns of 4 200
/// entries per block, Float: 31), against two dense GEMMs per column in the matrix form.
@Suite("Kronecker products in column blocks")
struct ColumnBlockTests {
    /// The matrix `rows × columns` holding column `j` of `x` (`vec⁻¹`).
    func unvec<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, _ j: Int, rows: Int, columns: Int) throws -> Matrix<Scalar> {
        try Matrix(rows: rows, columns: columns, columnMajor: x.column(j))
    }

    func absolute<Scalar: LinearAlgebraScalar>(_ m: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try Matrix(rows: m.rows, columns: m.columns) { i, j in abs(m[i, j]) }
    }

    func blocks<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 90)
        let k = 40
        // Rectangular factors: A is 50 × 60, G is 70 × 80; (A ⊗ G)·vec(V) = vec(G·V·Aᵀ), V 80 × 60.
        let a = try Matrix<Scalar>.randomGaussian(rows: 50, columns: 60, using: &generator)
        let g = try Matrix<Scalar>.randomGaussian(rows: 70, columns: 80, using: &generator)
        let product = try KroneckerProduct(a, g)
        let x = try Matrix<Scalar>.randomGaussian(rows: 80 * 60, columns: k, using: &generator)
        let y = try Matrix<Scalar>.randomGaussian(rows: 70 * 50, columns: k, using: &generator)
        let applied = try product.apply(to: x)
        let appliedTransposed = try product.applyTransposed(to: y)
        for j in 0..<k {
            let v = try unvec(x, j, rows: 80, columns: 60)
            let reference = try g * v * a.transposed()
            // Both sides are two GEMMs with inner dimensions 80 and 60 in another association:
            // each entry errs by at most (γ₈₀ + γ₆₀)·(|G|·|V|·|Aᵀ|)_ij [Higham 2002, §3.5] per side.
            let magnitude = try absolute(g) * absolute(v) * absolute(a).transposed()
            let bound = Scalar(2 * (80 + 60)) * Scalar.ulpOfOne * magnitude.maxAbsoluteEntry
                / Swift.max(1, reference.maxAbsoluteEntry)
            #expect(try unvec(applied, j, rows: 70, columns: 50).relativeDistance(to: reference) <= bound)
            // (A ⊗ G)ᵀ·vec(W) = vec(Gᵀ·W·A), W 70 × 50: inner dimensions 70 and 50.
            let w = try unvec(y, j, rows: 70, columns: 50)
            let transposedReference = try g.transposed() * w * a
            let transposedMagnitude = try absolute(g).transposed() * absolute(w) * absolute(a)
            let transposedBound = Scalar(2 * (70 + 50)) * Scalar.ulpOfOne * transposedMagnitude.maxAbsoluteEntry
                / Swift.max(1, transposedReference.maxAbsoluteEntry)
            #expect(try unvec(appliedTransposed, j, rows: 80, columns: 60).relativeDistance(to: transposedReference)
                    <= transposedBound)
        }
        // Three factors (intermediates of 14 400 entries per column, in blocks of 4 or 9 columns)
        // against the same product with the first two factors formed: three GEMMs with inner
        // dimensions 30, 24, 20 on one side, the formed entries (one rounding) and two GEMMs with
        // inner dimensions 30 and 480 on the other: within γ_{74} + γ_{511} of (|A|⊗|B|⊗|C|)·|z|.
        let factors = try [20, 24, 30].map { try Matrix<Scalar>.randomGaussian(rows: $0, columns: $0, using: &generator) }
        let three = try KroneckerProduct(factors)
        let formed = try KroneckerProduct(KroneckerProduct(factors[0], factors[1]).dense(), factors[2])
        let z = try Matrix<Scalar>.randomGaussian(rows: 20 * 24 * 30, columns: 12, using: &generator)
        let magnitude = try KroneckerProduct(factors.map { try absolute($0) }).apply(to: absolute(z))
        let formedResult = try formed.apply(to: z)
        let threeBound = Scalar(74 + 511) * Scalar.ulpOfOne * magnitude.maxAbsoluteEntry
            / Swift.max(1, formedResult.maxAbsoluteEntry)
        #expect(try three.apply(to: z).relativeDistance(to: formedResult) <= threeBound)
    }

    @Test func productsInColumnBlocksMatchTwoGEMMsPerColumn() throws {
        try blocks(Float.self)
        try blocks(Double.self)
    }

    func dampedInverses<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 91)
        let k = 40
        let a = try MatrixEnsemble<Scalar>.positiveDefinite(60, conditionNumber: 10, using: &generator)
        let g = try MatrixEnsemble<Scalar>.positiveDefinite(80, conditionNumber: 10, using: &generator)
        let eigA = try SymmetricEigendecomposition(a)
        let eigG = try SymmetricEigendecomposition(g)
        let eig = try KroneckerEigendecomposition(eigA, eigG)
        let lambda: Scalar = 0.1
        let x = try Matrix<Scalar>.randomGaussian(rows: 80 * 60, columns: k, using: &generator)
        let route = try eig.dampedInverse(applyingTo: x, damping: lambda)
        var reused = Matrix<Scalar>()
        var workspace = KroneckerWorkspace<Scalar>()
        try eig.dampedInverse(applyingTo: x, damping: lambda, into: &reused, workspace: &workspace)
        #expect(reused == route)
        // Both evaluate four GEMMs with inner dimensions 80, 60, 80, 60 through orthogonal bases
        // and one division, in another association (the matrix form: Q_G·[(Q_Gᵀ·V·Q_A) ⊘ D]·Q_Aᵀ):
        // c·(2·80 + 2·60)·eps relative, amplified by the spread of the divisors |d_A·d_G + λ|
        // (as KroneckerEigendecompositionTests' K-FAC route).
        let values = KroneckerEigendecompositionTests.products(eigA.eigenvalues, eigG.eigenvalues, lambda)
        let tolerance = Tolerance.backward(Scalar.self, order: 2 * (80 + 60)) * (values.max()! / values.min()!)
        for j in 0..<k {
            let reference = try eig.dampedInverse(applyingToMatrix: unvec(x, j, rows: 80, columns: 60), damping: lambda)
            #expect(try unvec(route, j, rows: 80, columns: 60).relativeDistance(to: reference) <= tolerance)
        }
    }

    @Test func dampedInversesInColumnBlocksMatchTheMatrixForm() throws {
        try dampedInverses(Float.self)
        try dampedInverses(Double.self)
    }
}
