import DenseLinearAlgebra
import StructuredFactors
import Testing

/// Every bad input throws a ``LinearAlgebraError`` (or a `DecodingError` for a corrupt archive), never traps.
@Suite("Bad input to structured factors throws")
struct ErrorTests {
    func operations<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let n = 5
        try checkErrors(try DenseFactor<Scalar>.identity(order: n), other: try .identity(order: n + 1))
        try checkErrors(try DiagonalMatrix<Scalar>.identity(order: n), other: try .identity(order: n + 1))
        let blocks = BlockDiagonalMatrix<Scalar>.Layout(blockSize: 2)
        try checkErrors(try BlockDiagonalMatrix<Scalar>.identity(order: n, layout: blocks), other: try .identity(order: n + 1, layout: blocks))
        try checkErrors(try BlockDiagonalMatrix<Scalar>.identity(order: n, layout: blocks), other: try .identity(order: n))
        try checkErrors(try LowerTriangularToeplitz<Scalar>.identity(order: n), other: try .identity(order: n + 1))
        try checkErrors(try UpperTriangularToeplitz<Scalar>.identity(order: n), other: try .identity(order: n + 1))
        let corners = HierarchicalFactor<Scalar>.Layout(topLeftOrder: 2, bottomRightOrder: 1)
        try checkErrors(try HierarchicalFactor<Scalar>.identity(order: n, layout: corners), other: try .identity(order: n + 1, layout: corners))
        try checkErrors(try HierarchicalFactor<Scalar>.identity(order: n, layout: corners), other: try .identity(order: n))
        try checkErrors(try LowRankPlusDiagonal<Scalar>.identity(order: n), other: try .identity(order: n + 1))
    }

    @Test func badOperandsThrow() throws {
        try operations(Float.self)
        try operations(Double.self)
    }

    func constructions<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let m = try Matrix<Scalar>.identity(3)
        #expect(throws: LinearAlgebraError.self) { try DenseFactor(Matrix<Scalar>(rows: 2, columns: 3)) }
        #expect(throws: LinearAlgebraError.self) { try DiagonalMatrix<Scalar>(diagonal: [1, .nan]) }
        // Block size out of range, blocks of the wrong orders or shapes, NaN in a block.
        #expect(throws: LinearAlgebraError.self) { try BlockDiagonalMatrix<Scalar>.identity(order: 4, layout: .init(blockSize: 0)) }
        #expect(throws: LinearAlgebraError.self) { try BlockDiagonalMatrix<Scalar>.projecting(m, layout: .init(blockSize: -1)) }
        #expect(throws: LinearAlgebraError.self) { try BlockDiagonalMatrix<Scalar>(blocks: [m], layout: .init(blockSize: 2)) }
        #expect(throws: LinearAlgebraError.self) { try BlockDiagonalMatrix<Scalar>(blocks: [.identity(1), .identity(2)], layout: .init(blockSize: 2)) }
        #expect(throws: LinearAlgebraError.self) { try BlockDiagonalMatrix<Scalar>(blocks: [Matrix(rows: 2, columns: 1)], layout: .init(blockSize: 2)) }
        var poisoned = m
        poisoned[1, 2] = .nan
        #expect(throws: LinearAlgebraError.self) { try BlockDiagonalMatrix<Scalar>(blocks: [poisoned], layout: .init(blockSize: 3)) }
        // Hierarchical: negative corner orders, blocks that do not fit the layout.
        #expect(throws: LinearAlgebraError.self) { try HierarchicalFactor<Scalar>.identity(order: 4, layout: .init(topLeftOrder: -1)) }
        #expect(throws: LinearAlgebraError.self) {
            try HierarchicalFactor<Scalar>(topLeft: .identity(2), top: Matrix(rows: 2, columns: 1), middle: [1],
                                           bottom: Matrix(rows: 0, columns: 1), bottomRight: .identity(0),
                                           layout: .init(topLeftOrder: 2, bottomRightOrder: 1))
        }
        #expect(throws: LinearAlgebraError.self) {
            try HierarchicalFactor<Scalar>(topLeft: .identity(1), top: Matrix(rows: 1, columns: 2), middle: [1],
                                           bottom: Matrix(rows: 1, columns: 1), bottomRight: poisoned.submatrix(rows: 1..<2, columns: 2..<3),
                                           layout: .init(topLeftOrder: 1, bottomRightOrder: 1))
        }
        // Low rank: U with the wrong number of rows, C not r × r.
        #expect(throws: LinearAlgebraError.self) { try LowRankPlusDiagonal<Scalar>(diagonal: [1, 1], factor: m) }
        #expect(throws: LinearAlgebraError.self) {
            try LowRankPlusDiagonal<Scalar>(diagonal: [1, 1, 1], factor: m, core: .identity(2))
        }
        #expect(throws: LinearAlgebraError.self) { try LowRankPlusDiagonal<Scalar>(diagonal: [1, 1, 1], factor: poisoned) }
    }

    @Test func invalidConstructionsThrow() throws {
        try constructions(Float.self)
        try constructions(Double.self)
    }

    @Test func corruptArchivesThrowDecodingErrors() {
        expectCorruptDecoding(DenseFactor<Double>.self, #"{"matrix":{"rows":1,"columns":2,"elements":[1,2]}}"#)
        expectCorruptDecoding(BlockDiagonalMatrix<Double>.self,
                              #"{"blocks":[{"rows":2,"columns":2,"elements":[1,0,0,1]}],"layout":{"blockSize":1}}"#)
        expectCorruptDecoding(HierarchicalFactor<Float>.self, #"""
            {"topLeft":{"rows":1,"columns":1,"elements":[1]},"top":{"rows":1,"columns":1,"elements":[0]},
             "middle":[1],"bottom":{"rows":0,"columns":1,"elements":[]},"bottomRight":{"rows":0,"columns":0,"elements":[]},
             "layout":{"topLeftOrder":1,"bottomRightOrder":1}}
            """#)
        expectCorruptDecoding(LowRankPlusDiagonal<Float>.self,
                              #"{"diagonal":[1],"factor":{"rows":2,"columns":1,"elements":[1,1]},"core":{"rows":1,"columns":1,"elements":[1]}}"#)
    }
}
