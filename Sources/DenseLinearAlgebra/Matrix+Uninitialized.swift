extension Matrix {
    /// A `rows × columns` matrix whose entries are not set: for kernels that write every entry
    /// before anything reads one (a GEMM with `β = 0`, a convolution filling each column), so
    /// that a large result is not first zeroed in a pass of its own. A buffer of 4 MiB or more is
    /// advised to transparent huge pages before anything touches it (`adviseHugePages(_:)`), so
    /// that its first touch faults 2 MiB pages in, not 4 KiB ones.
    /// - Complexity: one allocation (and one `madvise` from 4 MiB on), no writes.
    /// - Throws: as ``SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)``, naming `operation` and `argument`.
    @inlinable
    package static func uninitialized(rows: Int, columns: Int, for operation: @autoclosure () -> String,
                                      _ argument: @autoclosure () -> String) throws -> Matrix {
        try SizePolicy.check(operation(), argument(), rows: rows, columns: columns, of: Scalar.self)
        let count = rows * columns
        return Matrix(checkedRows: rows, columns: columns,
                      storage: [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
                          adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
                          initialized = count
                      })
    }
}
