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

    /// Expects column `j` of `result` to be `vec(L·V·R)`: both sides are two GEMMs with inner
    /// dimensions `L.columns` and `V.columns` in another association, so each entry errs by at most
    /// (γ_{n₁} + γ_{n₂})·(|L|·|V|·|R|)_ij per side [Higham 2002, §3.5].
    func expectColumn<Scalar: LinearAlgebraScalar>(_ result: Matrix<Scalar>, _ j: Int, equals l: Matrix<Scalar>,
                                                   _ v: Matrix<Scalar>, _ r: Matrix<Scalar>) throws {
        let reference = try l * v * r
        let magnitude = try absolute(l) * absolute(v) * absolute(r)
        let bound = Scalar(2 * (l.columns + v.columns)) * Scalar.ulpOfOne * magnitude.maxAbsoluteEntry
            / Swift.max(1, reference.maxAbsoluteEntry)
        #expect(try unvec(result, j, rows: reference.rows, columns: reference.columns).relativeDistance(to: reference)
                <= bound)
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
            try expectColumn(applied, j, equals: g, unvec(x, j, rows: 80, columns: 60), a.transposed())
            // (A ⊗ G)ᵀ·vec(W) = vec(Gᵀ·W·A), W 70 × 50.
            try expectColumn(appliedTransposed, j, equals: g.transposed(), unvec(y, j, rows: 70, columns: 50), a)
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

    /// `(A ⊗ G + λI)⁻¹·X` for SPD `A` (`nA`), `G` (`nG`) and `k` columns on the eigen route, the
    /// allocating form against the `into:workspace:` form (bit for bit) and every column against
    /// the matrix form.
    func dampedInverses<Scalar: LinearAlgebraScalar>(_: Scalar.Type, nA: Int, nG: Int, k: Int, seed: UInt64) throws {
        var generator = Xoshiro256StarStar(seed: seed)
        let a = try MatrixEnsemble<Scalar>.positiveDefinite(nA, conditionNumber: 10, using: &generator)
        let g = try MatrixEnsemble<Scalar>.positiveDefinite(nG, conditionNumber: 10, using: &generator)
        let eigA = try SymmetricEigendecomposition(a)
        let eigG = try SymmetricEigendecomposition(g)
        let eig = try KroneckerEigendecomposition(eigA, eigG)
        let lambda: Scalar = 0.1
        let x = try Matrix<Scalar>.randomGaussian(rows: nG * nA, columns: k, using: &generator)
        let route = try eig.dampedInverse(applyingTo: x, damping: lambda)
        var reused = Matrix<Scalar>()
        var workspace = KroneckerWorkspace<Scalar>()
        try eig.dampedInverse(applyingTo: x, damping: lambda, into: &reused, workspace: &workspace)
        #expect(reused == route)
        // Both evaluate four GEMMs with inner dimensions nG, nA, nG, nA through orthogonal bases
        // and one division, in another association (the matrix form: Q_G·[(Q_Gᵀ·V·Q_A) ⊘ D]·Q_Aᵀ):
        // c·(2·nG + 2·nA)·eps relative, amplified by the spread of the divisors |d_A·d_G + λ|
        // (as KroneckerEigendecompositionTests' K-FAC route).
        let values = KroneckerEigendecompositionTests.products(eigA.eigenvalues, eigG.eigenvalues, lambda)
        let tolerance = Tolerance.backward(Scalar.self, order: 2 * (nG + nA)) * (values.max()! / values.min()!)
        for j in 0..<k {
            let reference = try eig.dampedInverse(applyingToMatrix: unvec(x, j, rows: nG, columns: nA), damping: lambda)
            #expect(try unvec(route, j, rows: nG, columns: nA).relativeDistance(to: reference) <= tolerance)
        }
    }

    @Test func dampedInversesInColumnBlocksMatchTheMatrixForm() throws {
        try dampedInverses(Float.self, nA: 60, nG: 80, k: 40, seed: 91)
        try dampedInverses(Double.self, nA: 60, nG: 80, k: 40, seed: 91)
    }

    /// A product and a damped inverse whose results span 4 MiB or more (Float 4.3 MiB, Double 8.6 MiB),
    /// so that the allocating forms advise their fresh result to huge pages, with non-square factors
    /// and 233 columns — not a multiple of the block width (product: Double 17, Float 34 columns of
    /// 3 840 entries; damped inverse: 14 and 28 of 4 608): every column against the matrix form, the
    /// last partial block included.
    func largeResults<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 92)
        let k = 233
        let a = try Matrix<Scalar>.randomGaussian(rows: 48, columns: 40, using: &generator)
        let g = try Matrix<Scalar>.randomGaussian(rows: 96, columns: 80, using: &generator)
        let x = try Matrix<Scalar>.randomGaussian(rows: 80 * 40, columns: k, using: &generator)
        let applied = try KroneckerProduct(a, g).apply(to: x)
        #expect(applied.rows * applied.columns * MemoryLayout<Scalar>.stride >= 4 << 20)
        for j in 0..<k { try expectColumn(applied, j, equals: g, unvec(x, j, rows: 80, columns: 40), a.transposed()) }
        try dampedInverses(Scalar.self, nA: 48, nG: 96, k: k, seed: 93)
    }

    @Test func resultsOfFourMebibytesAndMoreMatchTheMatrixForm() throws {
        try largeResults(Float.self)
        try largeResults(Double.self)
    }
}
