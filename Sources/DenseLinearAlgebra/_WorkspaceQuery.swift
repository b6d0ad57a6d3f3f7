/// LAPACK's workspace-query protocol, done once for every routine that needs it.
///
/// A routine called with `lwork = -1` returns its optimal workspace size in `WORK(1)`,
/// a floating-point number. LAPACK 3.11 (Debian 12) stores it as `REAL(LWKOPT)`
/// rounded to nearest, so in single precision a size above 2²⁴ can come back *below*
/// the true requirement (`ssyevd` at order 3 000 needs 1 + 6n + 2n² = 18 018 001 and
/// reads back 18 018 000), and the second call fails with `info = -lwork`. LAPACK
/// 3.12 rounds up itself (`SROUNDUP_LWORK`); this helper makes every version safe.
///
/// The nearest `Float` to an integer `N` is within half an ulp of it, so its
/// successor is at least `N`: ``workspaceCount(fromQuery:)`` returns that, clamped to
/// LAPACK's 32-bit index range. In `Double` the query is exact below 2⁵³ and the
/// one-ulp margin costs nothing.
@usableFromInline
func workspaceCount<T: BinaryFloatingPoint>(fromQuery size: T) -> Int {
    guard size.isFinite, size >= 1 else { return 1 }
    let roundedUp = size.nextUp.rounded(.up)
    return roundedUp >= T(Int32.max) ? Int(Int32.max) : Int(roundedUp)
}

/// Runs a LAPACK `_work` routine twice: a workspace query (`lwork = -1`), then the
/// real call with a workspace of at least the queried size. `call` receives the
/// workspace and its length; it returns LAPACK's `info`, which is passed through.
@usableFromInline
func withQueriedWorkspace<T: BinaryFloatingPoint>(
    _ call: (UnsafeMutablePointer<T>, Int32) -> Int32
) -> Int {
    var size = T.zero
    let query = call(&size, -1)
    guard query == 0 else { return Int(query) }
    var work = [T](repeating: 0, count: workspaceCount(fromQuery: size))
    return Int(work.withUnsafeMutableBufferPointer { call($0.baseAddress!, Int32($0.count)) })
}

/// ``withQueriedWorkspace(_:)`` for routines that also take an integer workspace
/// (`?syevd`, `?syevr`): the integer size comes back exactly in `IWORK(1)`.
@usableFromInline
func withQueriedWorkspaces<T: BinaryFloatingPoint>(
    _ call: (UnsafeMutablePointer<T>, Int32, UnsafeMutablePointer<Int32>, Int32) -> Int32
) -> Int {
    var size = T.zero
    var integerSize: Int32 = 0
    let query = call(&size, -1, &integerSize, -1)
    guard query == 0 else { return Int(query) }
    var work = [T](repeating: 0, count: workspaceCount(fromQuery: size))
    var integerWork = [Int32](repeating: 0, count: Swift.max(1, Int(integerSize)))
    return Int(work.withUnsafeMutableBufferPointer { w in
        integerWork.withUnsafeMutableBufferPointer { iw in
            call(w.baseAddress!, Int32(w.count), iw.baseAddress!, Int32(iw.count))
        }
    })
}
