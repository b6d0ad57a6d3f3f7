/// The size rules every KronKit entry point applies to a requested size before it
/// allocates or calls BLAS, LAPACK or FFTW, so that a bad or huge size throws a typed
/// error instead of trapping in `Array(repeating:count:)`, in an `Int32(_:)` conversion
/// or in the allocator.
///
/// A request passes when
/// 1. every extent is non-negative (else ``LinearAlgebraError/invalidSize(operation:argument:value:)``);
/// 2. its bytes, `elements · MemoryLayout<Scalar>.stride`, are at most ``maximumBytes``
///    (else ``LinearAlgebraError/sizeExceedsLimit(operation:argument:elements:bytes:limit:)``);
/// 3. where BLAS/LAPACK/FFTW will see it, every extent, the leading dimension and the
///    element count fit their 32-bit `int` (``maximumIndex`` = `Int32.max`)
///    (else ``LinearAlgebraError/exceedsIndexRange(operation:argument:value:)``).
///    A ``Matrix`` always satisfies rule 3 for its element count `rows·columns`, because
///    whole-matrix operations hand it to level-1 BLAS as one length; a non-empty matrix
///    then has rows, columns and leading dimension within range too. An empty matrix may
///    have one huge extent (BLAS and LAPACK are never called for it).
///
/// The byte budget is a task-local value, not a global: Swift Testing and the optimizers
/// run work concurrently, and a budget raised or lowered for one task must not change
/// what a concurrent one may allocate. Raise it around the code that needs more:
///
/// ```swift
/// try SizePolicy.$maximumBytes.withValue(64 << 30) { try runLargeJob() }
/// ```
///
/// Child tasks and `Task {}` inherit it; `Task.detached` and threads started outside
/// Swift concurrency see the default. The budget bounds each single allocation a call
/// makes, not the process's total.
public enum SizePolicy {
    /// The default byte budget of one allocation: 16 GiB. A fixed value rather than a
    /// fraction of physical memory, so that whether a call throws does not depend on the
    /// machine. Every matrix BLAS can index fits in it (8 GiB in Float, 16 GiB less 8 bytes
    /// in Double), so by default it refuses no matrix the index range would allow; it bounds
    /// storage that never reaches BLAS (Kronecker diagonals, HODLR leaves, samples).
    public static let defaultMaximumBytes = 16 << 30

    /// The largest extent, leading dimension or element count BLAS, LAPACK and FFTW accept:
    /// `Int32.max` (their `int` arguments, LP64 OpenBLAS).
    public static let maximumIndex = Int(Int32.max)

    /// The byte budget of one allocation in the current task; ``defaultMaximumBytes`` unless
    /// raised with `SizePolicy.$maximumBytes.withValue(_:operation:)`.
    @TaskLocal public static var maximumBytes: Int = defaultMaximumBytes

    /// Checks a `rows × columns` request of `Scalar` entries against the three rules and
    /// returns its element count. This is the one check every entry point calls.
    ///
    /// - Parameters:
    ///   - operation: the public entry point, for the message.
    ///   - argument: what is being sized (`"matrix"`, `"dense product"`, …).
    ///   - rows: the requested number of rows.
    ///   - columns: the requested number of columns.
    ///   - scalarType: the entry type, whose size gives the bytes.
    ///   - reachesBLAS: `false` for storage that never reaches BLAS/LAPACK/FFTW as one
    ///     operand (then only rules 1 and 2 apply).
    /// - Complexity: `O(1)`, one task-local read.
    /// - Throws: ``LinearAlgebraError/invalidSize(operation:argument:value:)``,
    ///   ``LinearAlgebraError/sizeExceedsLimit(operation:argument:elements:bytes:limit:)``,
    ///   ``LinearAlgebraError/exceedsIndexRange(operation:argument:value:)``, in this order.
    @inlinable @discardableResult
    public static func check<Scalar>(_ operation: @autoclosure () -> String, _ argument: @autoclosure () -> String,
                                     rows: Int, columns: Int, of scalarType: Scalar.Type,
                                     reachesBLAS: Bool = true) throws -> Int {
        try validate(operation(), argument(), rows: rows, columns: columns, of: Scalar.self,
                     reachesBLAS: reachesBLAS, isVector: false)
    }

    /// ``check(_:_:rows:columns:of:reachesBLAS:)`` for a vector of `count` entries.
    /// - Complexity: `O(1)`.
    /// - Throws: as ``check(_:_:rows:columns:of:reachesBLAS:)``.
    @inlinable
    public static func check<Scalar>(_ operation: @autoclosure () -> String, _ argument: @autoclosure () -> String,
                                     count: Int, of _: Scalar.Type, reachesBLAS: Bool = true) throws {
        try validate(operation(), argument(), rows: count, columns: 1, of: Scalar.self,
                     reachesBLAS: reachesBLAS, isVector: true)
    }

    /// The shared body of both checks: the fast test, then ``reject`` to name the broken rule.
    @inlinable @inline(__always) @discardableResult
    static func validate<Scalar>(_ operation: @autoclosure () -> String, _ argument: @autoclosure () -> String,
                                 rows: Int, columns: Int, of _: Scalar.Type,
                                 reachesBLAS: Bool, isVector: Bool) throws -> Int {
        let (elements, overflow) = rows.multipliedReportingOverflow(by: columns)
        let (bytes, bytesOverflow) = elements.multipliedReportingOverflow(by: MemoryLayout<Scalar>.stride)
        if rows >= 0, columns >= 0, !overflow, !bytesOverflow, bytes <= maximumBytes,
           !reachesBLAS || elements <= maximumIndex {
            return elements
        }
        try reject(operation(), argument(), rows: rows, columns: columns,
                   stride: MemoryLayout<Scalar>.stride, reachesBLAS: reachesBLAS, isVector: isVector)
        return elements
    }

    /// The slow path of the check: finds the first rule the request breaks and throws it.
    @usableFromInline @inline(never)
    static func reject(_ operation: String, _ argument: String, rows: Int, columns: Int, stride: Int,
                       reachesBLAS: Bool, isVector: Bool) throws {
        guard rows >= 0 else {
            throw LinearAlgebraError.invalidSize(
                operation: operation, argument: isVector ? argument : "\(argument) rows", value: rows)
        }
        guard columns >= 0 else {
            throw LinearAlgebraError.invalidSize(operation: operation, argument: "\(argument) columns", value: columns)
        }
        // Saturate: an element or byte count beyond Int is reported as Int.max.
        let (elements, overflow) = rows.multipliedReportingOverflow(by: columns)
        let (bytes, bytesOverflow) = elements.multipliedReportingOverflow(by: stride)
        let limit = maximumBytes
        if overflow || bytesOverflow || bytes > limit {
            throw LinearAlgebraError.sizeExceedsLimit(
                operation: operation, argument: isVector ? argument : "\(argument) \(rows)×\(columns)",
                elements: overflow ? .max : elements, bytes: overflow || bytesOverflow ? .max : bytes, limit: limit)
        }
        // A non-empty request within the element bound has every extent within it too; an
        // empty one may have a huge extent (BLAS is never called for it).
        guard reachesBLAS, elements > 0 else { return }
        for (name, value) in [("rows", rows), ("columns", columns), ("entries", elements)] where value > maximumIndex {
            throw LinearAlgebraError.exceedsIndexRange(
                operation: operation, argument: isVector ? argument : "\(argument) \(name)", value: value)
        }
    }
}
