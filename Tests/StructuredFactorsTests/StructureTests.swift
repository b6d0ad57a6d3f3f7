import DenseLinearAlgebra
import StructuredFactors
import Testing
import KronKitTestSupport

/// Every structure against its dense matrix, through the shared ``checkStructure(_:_:tolerance:reference:using:sourceLocation:)``,
/// for random instances at every size in ``structureSizes`` and both precisions.
@Suite("Structured factors against their dense matrices")
struct StructureTests {
    func denseFactors<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 1)
        for n in structureSizes {
            let (s, t) = (try DenseFactor(Matrix<Scalar>.randomGaussian(rows: n, columns: n, using: &generator)),
                          try DenseFactor(Matrix<Scalar>.randomGaussian(rows: n, columns: n, using: &generator)))
            try checkStructure(s, t, tolerance: Tolerance.backward(Scalar.self, order: n), reference: { $0 }, using: &generator)
            try checkProduct(s, t, other: try .identity(order: n + 1), tolerance: Tolerance.backward(Scalar.self, order: n))
        }
    }

    @Test func denseFactorIsTheDenseMatrix() throws {
        try denseFactors(Float.self)
        try denseFactors(Double.self)
    }

    func diagonals<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 2)
        for n in structureSizes {
            let (s, t) = (try DiagonalMatrix(diagonal: Scalar.randomGaussians(count: n, using: &generator)),
                          try DiagonalMatrix(diagonal: Scalar.randomGaussians(count: n, using: &generator)))
            try checkStructure(s, t, tolerance: Tolerance.backward(Scalar.self, order: n),
                               reference: { try maskedProjection($0) { $0 == $1 } }, using: &generator)
            try checkProduct(s, t, other: try .identity(order: n + 1), tolerance: Tolerance.backward(Scalar.self, order: n))
        }
    }

    @Test func diagonalMatrixKeepsTheDiagonal() throws {
        try diagonals(Float.self)
        try diagonals(Double.self)
    }

    func blockDiagonals<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 3)
        for layout in [BlockDiagonalMatrix<Scalar>.Layout(), .init(blockSize: 3)] {
            for n in structureSizes {
                let random = {
                    try BlockDiagonalMatrix<Scalar>.projecting(
                        Matrix.randomGaussian(rows: n, columns: n, using: &generator), layout: layout)
                }
                let (s, t) = (try random(), try random())
                #expect(s.blocks.map(\.rows) == (try layout.blockOrders(for: n)))
                let b = layout.blockSize
                try checkStructure(s, t, tolerance: Tolerance.backward(Scalar.self, order: n),
                                   reference: { try maskedProjection($0) { $0 / b == $1 / b } }, using: &generator)
                try checkProduct(s, t, other: try .identity(order: n + 1, layout: layout),
                                 tolerance: Tolerance.backward(Scalar.self, order: n))
            }
        }
        // The last block is the remainder, as in singd: 40 = 30 + 10, 7 = 3 + 3 + 1.
        #expect(try BlockDiagonalMatrix<Scalar>.identity(order: 40).blocks.map(\.rows) == [30, 10])
        #expect(try BlockDiagonalMatrix<Scalar>.identity(order: 7, layout: .init(blockSize: 3)).blocks.map(\.rows) == [3, 3, 1])
    }

    @Test func blockDiagonalMatrixKeepsTheDiagonalBlocks() throws {
        try blockDiagonals(Float.self)
        try blockDiagonals(Double.self)
    }

    /// singd's Toeplitz projection written entry by entry: `p_0` the mean of the diagonal, `p_k` the
    /// sum of sub- and super-diagonal `k` over `n − k`, placed below (`lower`) or above the diagonal.
    static func toeplitzReference<Scalar: LinearAlgebraScalar>(_ m: Matrix<Scalar>, lower: Bool) throws -> Matrix<Scalar> {
        let n = m.rows
        let p: [Scalar] = (0..<n).map { k in
            var sum: Scalar = 0
            for i in 0..<(n - k) { sum += k == 0 ? m[i, i] : m[i + k, i] + m[i, i + k] }
            return sum / Scalar(n - k)
        }
        return try Matrix(rows: n, columns: n) { i, j in
            lower ? (i >= j ? p[i - j] : 0) : (j >= i ? p[j - i] : 0)
        }
    }

    func toeplitz<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 4)
        for n in structureSizes {
            let columns = try (0..<2).map { _ in try Scalar.randomGaussians(count: n, using: &generator) }
            let bound = Tolerance.backward(Scalar.self, order: n)
            try checkStructure(try LowerTriangularToeplitz(column: columns[0]), try LowerTriangularToeplitz(column: columns[1]),
                               tolerance: bound, reference: { try Self.toeplitzReference($0, lower: true) }, using: &generator)
            try checkStructure(try UpperTriangularToeplitz(row: columns[0]), try UpperTriangularToeplitz(row: columns[1]),
                               tolerance: bound, reference: { try Self.toeplitzReference($0, lower: false) }, using: &generator)
        }
    }

    @Test func triangularToeplitzProductsByFFTMatchTheDenseProducts() throws {
        try toeplitz(Float.self)
        try toeplitz(Double.self)
    }

    /// singd's hierarchical projection written entry by entry: entries in `A`, `C` (diagonal only)
    /// and `E` copied, entries in `B` and `D` doubled, the rest dropped.
    static func hierarchicalReference<Scalar: LinearAlgebraScalar>(
        _ m: Matrix<Scalar>, layout: HierarchicalFactor<Scalar>.Layout
    ) throws -> Matrix<Scalar> {
        let n = m.rows
        let (k1, mid, _) = try layout.blockOrders(for: n)
        let block = { (i: Int) in i < k1 ? 0 : (i < k1 + mid ? 1 : 2) }
        return try Matrix(rows: n, columns: n) { i, j in
            switch (block(i), block(j)) {
            case (0, 0), (2, 2): return m[i, j]
            case (0, _), (2, 1): return 2 * m[i, j]
            case (1, 1) where i == j: return m[i, i]
            default: return 0
            }
        }
    }

    func hierarchical<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 5)
        for layout in [HierarchicalFactor<Scalar>.Layout(), .init(topLeftOrder: 3, bottomRightOrder: 2),
                       .init(topLeftOrder: 0, bottomRightOrder: 4)] {
            for n in structureSizes + [4] {
                let random = {
                    try HierarchicalFactor<Scalar>.projecting(
                        Matrix.randomGaussian(rows: n, columns: n, using: &generator), layout: layout)
                }
                let (s, t) = (try random(), try random())
                try checkStructure(s, t, tolerance: Tolerance.backward(Scalar.self, order: n),
                                   reference: { try! Self.hierarchicalReference($0, layout: layout) }, using: &generator)
                try checkProduct(s, t, other: try .identity(order: n + 1, layout: layout),
                                 tolerance: Tolerance.backward(Scalar.self, order: n))
            }
        }
        // singd's fill order for k₁ = 3, k₂ = 2: A first, then B and E, then the diagonal middle.
        let layout = HierarchicalFactor<Scalar>.Layout(topLeftOrder: 3, bottomRightOrder: 2)
        #expect(try layout.blockOrders(for: 2) == (2, 0, 0))
        #expect(try layout.blockOrders(for: 4) == (3, 0, 1))
        #expect(try layout.blockOrders(for: 9) == (3, 4, 2))
    }

    @Test func hierarchicalFactorMatchesItsDenseMatrix() throws {
        try hierarchical(Float.self)
        try hierarchical(Double.self)
    }

    func lowRank<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 6)
        for n in structureSizes {
            let random = { (rank: Int) in
                try LowRankPlusDiagonal(
                    diagonal: Scalar.randomGaussians(count: n, using: &generator),
                    factor: Matrix.randomGaussian(rows: n, columns: rank, using: &generator),
                    core: Matrix.randomGaussian(rows: rank, columns: rank, using: &generator))
            }
            // The low-rank part has entries of size r, so the bound is relative to c·n·r·eps.
            try checkStructure(try random(3), try random(2), tolerance: Tolerance.backward(Scalar.self, order: 3 * n),
                               reference: { $0 }, using: &generator)
            try checkStructure(try random(0), try random(4), tolerance: Tolerance.backward(Scalar.self, order: 4 * n),
                               reference: { $0 }, using: &generator)
        }
    }

    @Test func lowRankPlusDiagonalMatchesItsDenseMatrix() throws {
        try lowRank(Float.self)
        try lowRank(Double.self)
    }
}
