import DenseLinearAlgebra
import Testing

/// `true` for ``LinearAlgebraError/invalidSize(operation:argument:value:)`` of `operation` with `value`.
func isInvalidSize(_ error: any Error, _ operation: String, value: Int) -> Bool {
    guard case let .invalidSize(found, _, foundValue) = error as? LinearAlgebraError else { return false }
    return found == operation && foundValue == value
}

/// `true` for ``LinearAlgebraError/sizeExceedsLimit(operation:argument:elements:bytes:limit:)`` of
/// `operation` with `elements` entries of `Scalar` against `limit`.
func exceedsLimit<Scalar>(_ error: any Error, _ operation: String, elements: Int, of _: Scalar.Type,
                          limit: Int = SizePolicy.defaultMaximumBytes) -> Bool {
    guard case let .sizeExceedsLimit(found, _, foundElements, bytes, foundLimit) = error as? LinearAlgebraError
    else { return false }
    return found == operation && foundElements == elements
        && bytes == elements * MemoryLayout<Scalar>.stride && foundLimit == limit
}

/// `true` for ``LinearAlgebraError/exceedsIndexRange(operation:argument:value:)`` of `operation` with `value`.
func exceedsIndexRange(_ error: any Error, _ operation: String, value: Int) -> Bool {
    guard case let .exceedsIndexRange(found, _, foundValue) = error as? LinearAlgebraError else { return false }
    return found == operation && foundValue == value
}

// Sizes that cannot be allocated are tested through the size check only: every call below
// that must throw fails before it allocates, so none of them touches the allocator.
@Suite("Size policy: bad and huge sizes throw before allocating")
struct SizePolicyTests {
    @Test func negativeSizesThrowInvalidSize() throws {
        try negativeSizes(Float.self)
        try negativeSizes(Double.self)
    }

    func negativeSizes<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 1)
        #expect { try Matrix<Scalar>(rows: -1, columns: 3) } throws: {
            isInvalidSize($0, "Matrix(rows:columns:)", value: -1)
        }
        #expect { try Matrix<Scalar>(rows: 3, columns: -4) } throws: {
            isInvalidSize($0, "Matrix(rows:columns:)", value: -4)
        }
        #expect { try Matrix<Scalar>.identity(-2) } throws: { isInvalidSize($0, "Matrix.identity", value: -2) }
        #expect { try Matrix<Scalar>.randomGaussian(rows: -1, columns: 2, using: &generator) } throws: {
            isInvalidSize($0, "Matrix.randomGaussian", value: -1)
        }
        #expect { try Scalar.randomGaussians(count: -5, using: &generator) } throws: {
            isInvalidSize($0, "randomGaussians(count:)", value: -5)
        }
        #expect { try MatrixEnsemble<Scalar>.positiveDefinite(-3, conditionNumber: 10, using: &generator) } throws: {
            isInvalidSize($0, "MatrixEnsemble.positiveDefinite", value: -3)
        }
        // The entry function is never called for a size that fails.
        var calls = 0
        #expect { try Matrix<Scalar>(rows: -1, columns: 2) { _, _ in calls += 1; return 0 } } throws: {
            isInvalidSize($0, "Matrix(rows:columns:)", value: -1)
        }
        #expect(calls == 0)
        // A negative shape is a size error, not "expected -1×-3 elements".
        #expect { try Matrix<Scalar>(rows: -1, columns: -3, columnMajor: [1, 2, 3]) } throws: {
            isInvalidSize($0, "Matrix(rows:columns:columnMajor:)", value: -1)
        }
        #expect {
            try Matrix<Scalar>(rows: -1, columns: -3, columnMajor: [1, 2, 3])
        } throws: { "\($0)" == "Matrix(rows:columns:columnMajor:): matrix rows = -1 must be ≥ 0" }
    }

    @Test func unallocatableSizesExceedTheDefaultLimit() throws {
        try unallocatableSizes(Float.self)
        try unallocatableSizes(Double.self)
    }

    func unallocatableSizes<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 2)
        // 70 000² = 4.9e9 entries: 19.6 GB in Float, 39.2 GB in Double, over the 16 GiB default.
        let n = 70_000
        #expect { try Matrix<Scalar>(rows: n, columns: n) } throws: {
            exceedsLimit($0, "Matrix(rows:columns:)", elements: n * n, of: Scalar.self)
        }
        #expect { try Matrix<Scalar>.randomGaussian(rows: n, columns: n, using: &generator) } throws: {
            exceedsLimit($0, "Matrix.randomGaussian", elements: n * n, of: Scalar.self)
        }
        #expect { try MatrixEnsemble<Scalar>.positiveDefinite(n, conditionNumber: 10, using: &generator) } throws: {
            exceedsLimit($0, "MatrixEnsemble.positiveDefinite", elements: n * n, of: Scalar.self)
        }
        #expect { try Matrix<Scalar>(diagonal: [Scalar](repeating: 1, count: n)) } throws: {
            exceedsLimit($0, "Matrix(diagonal:)", elements: n * n, of: Scalar.self)
        }
        // An element count that overflows Int is reported saturated, not wrapped.
        #expect { try Matrix<Scalar>(rows: Int.max / 2, columns: 3) } throws: { error in
            guard case let .sizeExceedsLimit(_, _, elements, bytes, _) = error as? LinearAlgebraError
            else { return false }
            return elements == .max && bytes == .max
        }
    }

    @Test func aSmallCustomLimitRejectsASmallMatrixOnlyInItsScope() throws {
        try customLimit(Float.self)
        try customLimit(Double.self)
    }

    func customLimit<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let limit = 1024
        let fits = limit / MemoryLayout<Scalar>.stride
        try SizePolicy.$maximumBytes.withValue(limit) { () throws in
            #expect(try Matrix<Scalar>(rows: fits, columns: 1).elements.count == fits)
            #expect { try Matrix<Scalar>(rows: fits + 1, columns: 1) } throws: {
                exceedsLimit($0, "Matrix(rows:columns:)", elements: fits + 1, of: Scalar.self, limit: limit)
            }
            #expect { try Matrix<Scalar>.identity(20) } throws: {
                exceedsLimit($0, "Matrix.identity", elements: 400, of: Scalar.self, limit: limit)
            }
        }
        // Outside the scope the default applies again.
        #expect(SizePolicy.maximumBytes == SizePolicy.defaultMaximumBytes)
        #expect(try Matrix<Scalar>.identity(20).rows == 20)
    }

    @Test func theLimitIsTaskLocalSoConcurrentTasksKeepTheirOwn() async throws {
        async let restricted: Bool = SizePolicy.$maximumBytes.withValue(8) {
            (try? Matrix<Double>(rows: 2, columns: 1)) == nil
        }
        async let unrestricted: Bool = (try? Matrix<Double>(rows: 2, columns: 1)) != nil
        #expect(await restricted)
        #expect(await unrestricted)
    }

    @Test func sizesBeyondTheBLASIndexRangeThrow() throws {
        // 3e9 Float entries (12 GB) are within the default budget but BLAS cannot index them.
        let count = 3_000_000_000
        #expect { try Matrix<Float>(rows: 1, columns: count) } throws: {
            exceedsIndexRange($0, "Matrix(rows:columns:)", value: count)
        }
        #expect { try RealFourierTransform<Float>(count: count) } throws: {
            exceedsIndexRange($0, "RealFourierTransform(count:)", value: count)
        }
        // In Double the budget is hit first; raised, the index range still holds.
        #expect { try Matrix<Double>(rows: count, columns: 1) } throws: {
            exceedsLimit($0, "Matrix(rows:columns:)", elements: count, of: Double.self)
        }
        try SizePolicy.$maximumBytes.withValue(Int.max) { () throws in
            #expect { try Matrix<Double>(rows: count, columns: 1) } throws: {
                exceedsIndexRange($0, "Matrix(rows:columns:)", value: count)
            }
            // Each dimension fits, the element count (seen by level-1 BLAS) does not.
            #expect { try Matrix<Double>(rows: 50_000, columns: 50_000) } throws: {
                exceedsIndexRange($0, "Matrix(rows:columns:)", value: 2_500_000_000)
            }
        }
        // An empty matrix may keep a huge extent: nothing is allocated or passed to BLAS.
        #expect(try Matrix<Float>(rows: 0, columns: count).isEmpty)
    }

    @Test func arrayBLASRunsInPiecesWithinTheIndexRange() {
        // Arrays longer than Int32.max cannot be allocated here; the splitting they go through
        // is checked with a small piece length instead.
        var pieces: [[Int]] = []
        forEachBLASPiece(of: 10, piece: 4) { pieces.append([$0, $1]) }
        #expect(pieces == [[0, 4], [4, 4], [8, 2]])
        forEachBLASPiece(of: 0, piece: 4) { _, _ in Issue.record("no piece of an empty range") }
        var whole: [[Int]] = []
        forEachBLASPiece(of: 1000) { whole.append([$0, $1]) }
        #expect(whole == [[0, 1000]])
    }

    @Test func outOfRangeColumnsRowsAndBlocksThrow() throws {
        try outOfRange(Float.self)
        try outOfRange(Double.self)
    }

    func outOfRange<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var a = try Matrix<Scalar>(rows: 3, columns: 4, repeating: 1)
        let isInvalid: @Sendable (any Error) -> Bool = { error in
            if case .invalidArgument = error as? LinearAlgebraError { return true }
            return false
        }
        #expect(try a.column(3).count == 3)
        #expect(performing: { try a.column(4) }, throws: isInvalid)
        #expect(performing: { try a.column(-1) }, throws: isInvalid)
        #expect(performing: { try a.row(3) }, throws: isInvalid)
        #expect(performing: { try a.columns(2..<5) }, throws: isInvalid)
        #expect(performing: { try a.submatrix(rows: 1..<4, columns: 0..<1) }, throws: isInvalid)
        #expect(performing: { try a.submatrix(rows: 0..<1, columns: -1..<1) }, throws: isInvalid)
        #expect(performing: { try a.setColumn(7, to: [1, 2, 3]) }, throws: isInvalid)
        #expect {
            try a.submatrix(rows: 1..<4, columns: 0..<1)
        } throws: { "\($0)" == "Matrix.submatrix: invalid argument, rows 1..<4 are outside 0..<3 of a 3×4 matrix" }
        #expect(try a.submatrix(rows: 1..<3, columns: 2..<4) == (try Matrix(rows: 2, columns: 2, repeating: 1)))
    }

    @Test func anOutOfRangeSubscriptStopsWithTheIndexAndShape() async {
        // A programmer error, as for Array: the process stops, and says where.
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let m = try Matrix<Double>(rows: 3, columns: 3)
            _ = m[3, 0]
        }
        let message = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
        #expect(message.contains("Matrix index (3, 0) out of range for a 3×3 matrix"))
    }

    @Test func sizeErrorMessagesNameTheOperationTheArgumentAndTheLimit() throws {
        let overLimit = LinearAlgebraError.sizeExceedsLimit(operation: "f", argument: "matrix 2×3", elements: 6,
                                                            bytes: 48, limit: 40)
        #expect("\(overLimit)" == "f: matrix 2×3 needs 6 entries (48 bytes), over the allocation limit of 40 bytes "
            + "(raise SizePolicy.maximumBytes to allow it)")
        #expect("\(LinearAlgebraError.exceedsIndexRange(operation: "f", argument: "matrix entries", value: 1 << 32))"
            == "f: matrix entries = 4294967296 exceeds the 32-bit index range of BLAS/LAPACK/FFTW (at most 2147483647)")
    }
}
