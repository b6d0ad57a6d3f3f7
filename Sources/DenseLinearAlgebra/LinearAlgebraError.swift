/// Every error KronKit throws. Each case names the operation and the offending
/// values, so its ``description`` reads as a complete sentence.
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Operand shapes do not fit: `operation` needed `expected`, got `actual`.
    case dimensionMismatch(operation: String, expected: String, actual: String)
    /// An input held NaN or ±∞.
    case nonFiniteInput(operation: String, argument: String)
    /// A matrix that must be symmetric positive definite is not: the leading
    /// minor of order `minor` (1-based, as LAPACK `?potrf` reports it) is not positive.
    case notPositiveDefinite(operation: String, minor: Int)
    /// A matrix is exactly singular: the pivot or diagonal entry at 1-based `index` is zero.
    case singularMatrix(operation: String, index: Int)
    /// A LAPACK routine returned a non-zero `info` for a reason not covered above
    /// (for example an eigensolver that failed to converge).
    case lapackFailure(routine: String, info: Int)
    /// An argument is outside its valid range.
    case invalidArgument(operation: String, detail: String)
    /// A file is not what it claims to be.
    case malformedFile(path: String, reason: String)
    /// A matrix is numerically singular: its estimated reciprocal condition number in the
    /// 1-norm, `1/(‖A‖₁·‖A⁻¹‖₁)`, is below the machine epsilon `eps` (`ulpOfOne`) of the scalar (LAPACK `?gecon`,
    /// `?pocon`), so a solve could lose every digit.
    case numericallySingular(operation: String, reciprocalCondition: Double)
    /// A compression could not reach its requested relative tolerance: `achieved` is the
    /// estimated relative error it reached, `reason` what stopped it (for example a rank cap).
    case toleranceNotMet(operation: String, requested: Double, achieved: Double, reason: String)
    /// A size or count is negative: `argument` of `operation` has `value < 0`.
    case invalidSize(operation: String, argument: String, value: Int)
    /// A request needs more than the byte budget ``SizePolicy/maximumBytes`` allows;
    /// `elements` and `bytes` are `Int.max` when the true count overflows `Int`.
    case sizeExceedsLimit(operation: String, argument: String, elements: Int, bytes: Int, limit: Int)
    /// An extent, leading dimension or element count that BLAS, LAPACK or FFTW would see
    /// exceeds their 32-bit index range ``SizePolicy/maximumIndex``.
    case exceedsIndexRange(operation: String, argument: String, value: Int)
    /// A matrix is singular because an eigenvalue (of a spectral function, possibly shifted
    /// by a damping) has no finite reciprocal: `value` (zero, or so small that `1/value`
    /// overflows) at the 1-based `index` into the decomposition's eigenvalues.
    case singularEigenvalue(operation: String, index: Int, value: Double)
    /// One call would write its `output` operand while reading an `input` that shares entries with it
    /// (two overlapping views of one matrix's storage); BLAS and LAPACK define no result for that.
    case overlappingOperands(operation: String, output: String, input: String)
    /// `underlying` happened inside `context` — a sub-step such as one factor of a Kronecker
    /// product, one leaf of a HODLR tree or a capacitance matrix. Added with
    /// ``LinearAlgebraError/withContext(_:_:)``; ``rootCause`` strips every context.
    indirect case inContext(String, underlying: LinearAlgebraError)

    /// What the ``sizeExceedsLimit(operation:argument:elements:bytes:limit:)`` message suggests, in
    /// parentheses at its end; a tool whose users cannot call ``SizePolicy`` puts its own in its place.
    public static let sizeLimitRemedy = "raise SizePolicy.maximumBytes to allow it"

    public var description: String {
        switch self {
        case let .dimensionMismatch(operation, expected, actual):
            return "\(operation): dimension mismatch, expected \(expected) but got \(actual)"
        case let .nonFiniteInput(operation, argument):
            return "\(operation): argument \(argument) contains NaN or infinity"
        case let .notPositiveDefinite(operation, minor):
            return "\(operation): matrix is not positive definite (leading minor of order \(minor) is not positive)"
        case let .singularMatrix(operation, index):
            return "\(operation): matrix is singular (zero pivot at row \(index))"
        case let .lapackFailure(routine, info):
            return "LAPACK \(routine) failed with info = \(info)"
        case let .invalidArgument(operation, detail):
            return "\(operation): invalid argument, \(detail)"
        case let .malformedFile(path, reason):
            return "\(path): \(reason)"
        case let .numericallySingular(operation, reciprocalCondition):
            return "\(operation): matrix is numerically singular (estimated reciprocal condition number "
                + "\(reciprocalCondition) is below machine epsilon)"
        case let .toleranceNotMet(operation, requested, achieved, reason):
            return "\(operation): requested relative tolerance \(requested) not met, estimated relative error "
                + "\(achieved) (\(reason))"
        case let .invalidSize(operation, argument, value):
            return "\(operation): \(argument) = \(value) must be ≥ 0"
        case let .sizeExceedsLimit(operation, argument, elements, bytes, limit):
            let amount = elements == .max || bytes == .max
                ? "more than Int.max bytes" : "\(elements) entries (\(bytes) bytes)"
            return "\(operation): \(argument) needs \(amount), over the allocation limit of \(limit) bytes "
                + "(\(Self.sizeLimitRemedy))"
        case let .exceedsIndexRange(operation, argument, value):
            return "\(operation): \(argument) = \(value) exceeds the 32-bit index range of BLAS/LAPACK/FFTW "
                + "(at most \(Int32.max))"
        case let .singularEigenvalue(operation, index, value):
            let what = value == 0 ? "eigenvalue 0" : "eigenvalue \(value), whose reciprocal overflows,"
            return "\(operation): matrix is singular (\(what) at index \(index))"
        case let .overlappingOperands(operation, output, input):
            return "\(operation): output \(output) overlaps input \(input); pass disjoint views or copy the input"
        case let .inContext(context, underlying):
            return "\(context): \(underlying.description)"
        }
    }
}

extension LinearAlgebraError {
    /// Runs `body`; a ``LinearAlgebraError`` it throws comes back as
    /// ``inContext(_:underlying:)`` with `context` in front, so that a failure inside a
    /// sub-step says where it happened ("KroneckerProduct.solve: factor 2 of 3 (5×5): LU
    /// (dgetrf): matrix is singular (zero pivot at row 2)"). Other errors pass unchanged.
    /// This is the one mechanism for such paths; nested calls build the path outermost first.
    /// - Complexity: that of `body`; `context` is evaluated only when it throws.
    /// - Throws: what `body` throws, wrapped as above.
    @inlinable
    public static func withContext<Result>(_ context: @autoclosure () -> String,
                                           _ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let error as LinearAlgebraError {
            throw LinearAlgebraError.inContext(context(), underlying: error)
        }
    }

    /// The error without any ``inContext(_:underlying:)`` wrapping: what actually failed.
    /// - Complexity: `O(depth)`.
    public var rootCause: LinearAlgebraError {
        if case let .inContext(_, underlying) = self { return underlying.rootCause }
        return self
    }

    /// The contexts around ``rootCause``, outermost first (empty for an unwrapped error).
    /// - Complexity: `O(depth)`.
    public var contextPath: [String] {
        if case let .inContext(context, underlying) = self { return [context] + underlying.contextPath }
        return []
    }
}
