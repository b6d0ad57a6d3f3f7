import DenseLinearAlgebra
import StructuredFactors
import Testing
import KronKitTestSupport

/// One SINGD factor step written with the structured API against the same step on dense matrices
/// with the dense projection: `H = Π(Kᵀ·(aᵀa/b)·K)`, `m = ½[τ·H + λ·Π(KᵀK) − I]`, `K ← K·(I − β·m)`
/// [Lin et al. 2023, Fig. 2 (INGD/SINGD's K update); singd's `from_inner`].
@Suite("A SINGD factor step in each structure")
struct SINGDStepTests {
    func step<S: StructuredMatrixAlgebra>(_ k: S, batch a: Matrix<S.Scalar>, tolerance bound: S.Scalar) throws {
        typealias Scalar = S.Scalar
        let (b, n) = (Scalar(a.rows), k.order)
        let (tau, lambda, beta): (Scalar, Scalar, Scalar) = (0.9, 1e-3, 1e-2)
        // Structured: H from a·K without the n × n covariance; Π(KᵀK) from the dense K (singd's from_inner(None)).
        let h = try S.projectingGram(of: k.premultiplied(by: a), layout: k.layout).scaled(by: 1 / b)
        let kk = try S.projectingGram(of: k.dense(), layout: k.layout)
        let m = try h.scaled(by: tau).adding(kk.scaled(by: lambda)).addingToDiagonal(-1).scaled(by: 0.5)
        let updated = try k.multiplied(by: S.identity(order: n, layout: k.layout).adding(m.scaled(by: -beta)))
        // Dense: the same formulas on n × n matrices, projected by the structure's dense projection.
        let kd = try k.dense()
        let covariance = try a.gram(.transpose).scaled(by: 1 / b)
        let hd = try S.projecting(kd.transposed() * covariance * kd, layout: k.layout).dense()
        let kkd = try S.projecting(kd.transposed() * kd, layout: k.layout).dense()
        var md = try hd.scaled(by: tau) + kkd.scaled(by: lambda)
        try md.addToDiagonal(-1)
        md.scale(by: 0.5)
        var step = md.scaled(by: -beta)
        try step.addToDiagonal(1)
        #expect(try updated.dense().relativeDistance(to: kd * step) <= bound)
        #expect(try abs(h.averageTrace() - (n == 0 ? 0 : try hd.trace() / Scalar(n))) <= bound * Swift.max(1, hd.maxAbsoluteEntry))
    }

    func steps<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 31)
        let n = 40
        let a = try Matrix<Scalar>.randomGaussian(rows: 16, columns: n, using: &generator)
        let near = { (count: Int) in (0..<count).map { _ in Scalar.randomGaussian(using: &generator) / 10 } }
        // K, H and the step have entries O(1) (K near I, ‖a‖ ~ √b per column, H scaled by 1/b), and every
        // entry is a few sums of n products: 10·n·eps as for one product.
        let bound = Tolerance.backward(Scalar.self, order: n)
        try step(try DenseFactor(Matrix.identity(n) + Matrix.randomGaussian(rows: n, columns: n, using: &generator).scaled(by: 0.1)),
                 batch: a, tolerance: bound)
        try step(try DiagonalMatrix(diagonal: near(n)).addingToDiagonal(1), batch: a, tolerance: bound)
        try step(try BlockDiagonalMatrix.projecting(Matrix.randomGaussian(rows: n, columns: n, using: &generator).scaled(by: 0.1))
                    .addingToDiagonal(1), batch: a, tolerance: bound)
        try step(try LowerTriangularToeplitz(column: near(n)).addingToDiagonal(1), batch: a, tolerance: bound)
        try step(try UpperTriangularToeplitz(row: near(n)).addingToDiagonal(1), batch: a, tolerance: bound)
        try step(try HierarchicalFactor.projecting(Matrix.randomGaussian(rows: n, columns: n, using: &generator).scaled(by: 0.1))
                    .addingToDiagonal(1), batch: a, tolerance: bound)
    }

    @Test func structuredStepMatchesTheDenseStep() throws {
        try steps(Float.self)
        try steps(Double.self)
    }
}
