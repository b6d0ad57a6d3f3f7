import DenseLinearAlgebra
import Testing

@Suite("The C bridge: sizes beyond BLAS's 32-bit int throw before any C call")
struct BackendBridgeTests {
    /// A size one past `Int32.max`: a BLAS `int` cannot hold it.
    static let tooLarge = Int(Int32.max) + 1

    func narrowingThrowsNamingRoutineAndArgument<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let prefix = Scalar.routinePrefix
        // One scalar of storage: the pointers are never dereferenced, because the size check comes first.
        var cell = [Scalar](repeating: 0, count: 1)
        try cell.withUnsafeMutableBufferPointer { buffer in
            let p = try #require(buffer.baseAddress)
            #expect(throws: LinearAlgebraError.exceedsIndexRange(operation: "\(prefix)gemm", argument: "k",
                                                                 value: Self.tooLarge)) {
                try Scalar.gemm(transposeA: .none, transposeB: .none, m: 1, n: 1, k: Self.tooLarge, alpha: 1, a: p, lda: 1,
                                b: p, ldb: 1, beta: 0, c: p, ldc: 1)
            }
            #expect(throws: LinearAlgebraError.exceedsIndexRange(operation: "\(prefix)axpy", argument: "incy",
                                                                 value: Self.tooLarge)) {
                try Scalar.axpy(count: 1, alpha: 1, x: p, strideX: 1, y: p, strideY: Self.tooLarge)
            }
            #expect(throws: LinearAlgebraError.exceedsIndexRange(operation: "\(prefix)trsm", argument: "ldb",
                                                                 value: Self.tooLarge)) {
                try Scalar.trsm(side: .left, triangle: .lower, transpose: .none, diagonal: .nonUnit, m: 1, n: 1, alpha: 1,
                                a: p, lda: 1, b: p, ldb: Self.tooLarge)
            }
            #expect(throws: LinearAlgebraError.exceedsIndexRange(operation: "\(prefix)potrf", argument: "n",
                                                                 value: Self.tooLarge)) {
                try Scalar.potrf(triangle: .lower, n: Self.tooLarge, a: p, lda: Self.tooLarge)
            }
            var found = 0
            var support = [Int32](repeating: 0, count: 2)
            #expect(throws: LinearAlgebraError.exceedsIndexRange(operation: "\(prefix)syevr", argument: "iu",
                                                                 value: Self.tooLarge)) {
                try Scalar.syevr(computeVectors: false, selection: .indexRange(lower: 0, upper: Self.tooLarge - 1), triangle: .lower,
                                 n: 1, a: p, lda: 1, absoluteTolerance: 0, found: &found, eigenvalues: p, z: nil, ldz: 1,
                                 support: &support)
            }
        }
        #expect(cell == [0])
        // Within range the same entry points compute: 3·2 + 1 = 7 through the generic bridge.
        var x: [Scalar] = [3], y: [Scalar] = [1]
        try Scalar.axpy(count: 1, alpha: 2, x: &x, strideX: 1, y: &y, strideY: 1)
        #expect(y == [7])
    }

    @Test func narrowingThrowsNamingRoutineAndArgument() throws {
        try narrowingThrowsNamingRoutineAndArgument(Float.self)
        try narrowingThrowsNamingRoutineAndArgument(Double.self)
    }
}
