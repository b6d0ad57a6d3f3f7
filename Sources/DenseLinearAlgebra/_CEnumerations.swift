import CLinearAlgebra

// Conversions from KronKit's option enums to the CBLAS enumerations and the
// LAPACK character codes. Internal: no C type appears in the public API.

extension Transpose {
    @usableFromInline var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
    @usableFromInline var lapack: CChar { CChar(UInt8(ascii: self == .none ? "N" : "T")) }
}

extension Triangle {
    @usableFromInline var cblas: CBLAS_UPLO { self == .upper ? CblasUpper : CblasLower }
    @usableFromInline var lapack: CChar { CChar(UInt8(ascii: self == .upper ? "U" : "L")) }
}

extension Side {
    @usableFromInline var cblas: CBLAS_SIDE { self == .left ? CblasLeft : CblasRight }
}

extension DiagonalKind {
    @usableFromInline var cblas: CBLAS_DIAG { self == .nonUnit ? CblasNonUnit : CblasUnit }
    @usableFromInline var lapack: CChar { CChar(UInt8(ascii: self == .nonUnit ? "N" : "U")) }
}

/// LAPACK job letters.
@usableFromInline func lapackJob(_ computeVectors: Bool) -> CChar { CChar(UInt8(ascii: computeVectors ? "V" : "N")) }
@usableFromInline func lapackSVDJob(_ computeVectors: Bool) -> CChar { CChar(UInt8(ascii: computeVectors ? "S" : "N")) }

/// The norm letter of `?lange`, `?lansy`, `?gecon`: the 1-norm.
@usableFromInline let oneNorm = CChar(UInt8(ascii: "1"))

/// The LAPACK `range`, bounds and 1-based indices of a `?syevr` selection; the indices are
/// narrowed by `narrowing` (a typed error naming `il`/`iu` when one does not fit).
@usableFromInline func lapackRange<T: LinearAlgebraScalar>(_ selection: EigenvalueSelection<T>, zero: T, narrowing: BackendIndices<T>)
    throws -> (range: CChar, lower: T, upper: T, first: Int32, last: Int32) {
    switch selection {
    case .all: return (CChar(UInt8(ascii: "A")), zero, zero, 0, 0)
    case let .valueRange(lower, upper): return (CChar(UInt8(ascii: "V")), lower, upper, 0, 0)
    case let .indexRange(lower, upper):
        return (CChar(UInt8(ascii: "I")), zero, zero, try narrowing(lower + 1, "il"), try narrowing(upper + 1, "iu"))
    }
}

@usableFromInline let columnMajor = LAPACK_COL_MAJOR
