import DenseLinearAlgebra

/// A symmetric tridiagonal matrix `T` split into unreduced blocks, with the
/// Sturm-count bisection that finds selected eigenvalues of it — the eigenvalue
/// stage of LAPACK `?stebz` (Kahan's bisection, [Demmel 1997, §5.3.4]).
///
/// Splitting, pivot floor, Gershgorin bounds and stopping rule are `?stebz`'s:
/// an off-diagonal `eⱼ` is negligible when `eⱼ² ≤ ulp²·|dⱼ·dⱼ₊₁| + safmin` and
/// is then treated as zero; a Sturm pivot smaller than `pivmin = safmin·max(1, maxⱼ eⱼ²)`
/// is replaced by `−pivmin`; a bracket `[lo, hi]` has converged once
/// `hi − lo < max(atol, pivmin, 2·ulp·max(|lo|, |hi|))` with `atol = ulp·‖T‖` by default.
/// The difference from `?stebz` is the order of work: every selected eigenvalue
/// of a block is bisected at once, one pass over the block per step counting at all
/// their midpoints, so the `k` division chains are independent and overlap in the
/// processor instead of running one after another (3× faster for `k = 32`, `n = 2048`).
@usableFromInline
struct SymmetricTridiagonal<Scalar: LinearAlgebraScalar> {
    /// The diagonal `d` (`n`).
    @usableFromInline let diagonal: [Scalar]
    /// The off-diagonal `e` (`n − 1`) with negligible entries set to zero.
    @usableFromInline let offDiagonal: [Scalar]
    /// `eⱼ²`, zero where the matrix splits.
    @usableFromInline let squaredOffDiagonal: [Scalar]
    /// The 1-based last row of each unreduced block (`?stebz`'s `isplit`).
    @usableFromInline let blockEnds: [Int32]
    /// The smallest Sturm pivot magnitude allowed.
    @usableFromInline let pivotFloor: Scalar
    /// A bracket `[lower, upper]` of the whole spectrum (Gershgorin, widened as in `?stebz`).
    @usableFromInline let spectrumBracket: (lower: Scalar, upper: Scalar)
    /// The absolute accuracy the eigenvalues are computed to.
    @usableFromInline let absoluteTolerance: Scalar

    /// The order `n`.
    @inlinable var order: Int { diagonal.count }

    /// Splits `T = tridiag(e, d, e)` and sets up bisection to `absoluteTolerance`
    /// (`≤ 0` selects `ulp·‖T‖`, as `?stebz`'s `abstol`).
    /// - Complexity: `O(n)`.
    @inlinable
    init(diagonal: [Scalar], offDiagonal: [Scalar], absoluteTolerance: Scalar) {
        let n = diagonal.count
        let ulp = Scalar.ulpOfOne
        let safeMinimum = Scalar.leastNormalMagnitude
        var e = offDiagonal
        var squared = [Scalar](repeating: 0, count: Swift.max(n - 1, 0))
        var ends: [Int32] = []
        var largestSquare: Scalar = 1
        for j in 0..<Swift.max(n - 1, 0) {
            let square = e[j] * e[j]
            if abs(diagonal[j] * diagonal[j + 1]) * (ulp * ulp) + safeMinimum > square {
                ends.append(Int32(j + 1))
                e[j] = 0
            } else {
                squared[j] = square
                largestSquare = Swift.max(largestSquare, square)
            }
        }
        ends.append(Int32(n))
        let pivotFloor = safeMinimum * largestSquare
        // Gershgorin discs of the split matrix, widened by ?stebz's margins.
        var lower = Scalar.infinity, upper = -Scalar.infinity
        var previous: Scalar = 0
        for j in 0..<n {
            let next = j < n - 1 ? abs(e[j]) : 0
            lower = Swift.min(lower, diagonal[j] - previous - next)
            upper = Swift.max(upper, diagonal[j] + previous + next)
            previous = next
        }
        let norm = Swift.max(abs(lower), abs(upper))
        let margin = 2.1 * norm * ulp * Scalar(n)
        self.diagonal = diagonal
        self.offDiagonal = e
        self.squaredOffDiagonal = squared
        self.blockEnds = ends
        self.pivotFloor = pivotFloor
        self.spectrumBracket = (lower - margin - 4.2 * pivotFloor, upper + margin + 2.1 * pivotFloor)
        self.absoluteTolerance = absoluteTolerance > 0 ? absoluteTolerance : ulp * norm
    }

    /// The rows `start..<end` of each unreduced block.
    @inlinable var blocks: [Range<Int>] {
        var start = 0
        return blockEnds.map { end in
            defer { start = Int(end) }
            return start..<Int(end)
        }
    }

    /// For each shift `x`, the number of eigenvalues `≤ x` of the block `rows` (the
    /// Sturm count of `T − xI`, `?laebz`'s recurrence `q ← dⱼ − eⱼ₋₁²/q − x`).
    /// - Complexity: `3·|rows|·shifts.count` flops, divisions independent across shifts.
    @inlinable
    func countEigenvalues(in rows: Range<Int>, atOrBelow shifts: UnsafeBufferPointer<Scalar>,
                          pivots: UnsafeMutableBufferPointer<Scalar>, counts: UnsafeMutableBufferPointer<Int>) {
        let floor = pivotFloor
        diagonal.withUnsafeBufferPointer { d in
            squaredOffDiagonal.withUnsafeBufferPointer { e2 in
                let first = d[rows.lowerBound]
                for s in 0..<shifts.count {
                    var q = first - shifts[s]
                    if abs(q) < floor { q = -floor }
                    pivots[s] = q
                    counts[s] = q <= 0 ? 1 : 0
                }
                for j in rows.dropFirst() {
                    let (dj, ej) = (d[j], e2[j - 1])
                    for s in 0..<shifts.count {
                        var q = dj - ej / pivots[s] - shifts[s]
                        if abs(q) < floor { q = -floor }
                        pivots[s] = q
                        counts[s] &+= q <= 0 ? 1 : 0
                    }
                }
            }
        }
    }

    /// Brackets `[lo, hi]` of the eigenvalues with ascending indices `targets` (0-based
    /// within the block `rows`), each narrowed from `[lower, upper]` until it has
    /// converged; eigenvalue `t` lies in `(lo, hi]` of its bracket.
    ///
    /// Requires `count(lower) ≤ targets.lowerBound` and `count(upper) ≥ targets.upperBound`.
    /// - Complexity: about `3·|rows|·|targets|·log₂((upper − lower)/tolerance)` flops.
    @inlinable
    func bisect(_ rows: Range<Int>, targets: Range<Int>, from lower: Scalar, to upper: Scalar)
        -> (lower: [Scalar], upper: [Scalar]) {
        let k = targets.count
        var low = [Scalar](repeating: lower, count: k)
        var high = [Scalar](repeating: upper, count: k)
        var active = Array(0..<k)
        var midpoints = [Scalar](repeating: 0, count: k)
        var pivots = [Scalar](repeating: 0, count: k)
        var counts = [Int](repeating: 0, count: k)
        for _ in 0..<stepLimit(lower, upper) {
            active.removeAll { r in hasConverged(low[r], high[r]) }
            if active.isEmpty { break }
            for (slot, r) in active.enumerated() { midpoints[slot] = (low[r] + high[r]) / 2 }
            let m = active.count
            midpoints.withUnsafeBufferPointer { x in
                pivots.withUnsafeMutableBufferPointer { p in
                    counts.withUnsafeMutableBufferPointer { c in
                        countEigenvalues(in: rows, atOrBelow: UnsafeBufferPointer(rebasing: x[..<m]),
                                         pivots: UnsafeMutableBufferPointer(rebasing: p[..<m]),
                                         counts: UnsafeMutableBufferPointer(rebasing: c[..<m]))
                    }
                }
            }
            for (slot, r) in active.enumerated() {
                if counts[slot] > targets.lowerBound + r { high[r] = midpoints[slot] } else { low[r] = midpoints[slot] }
            }
        }
        return (low, high)
    }

    /// The eigenvalues with ascending global indices `indices`, each with the 1-based
    /// block it belongs to, grouped by block and ascending within one (`?stebz` with
    /// `order = 'B'`, the layout `?stein` takes).
    ///
    /// One block: a single bisection. Several: the global bracket of the first and last
    /// index is found first, then each block's eigenvalues inside it, and the extra ones
    /// at either end (ties across blocks) are discarded, as `?stebz` does.
    /// - Complexity: about `3n·k·log₂(‖T‖/tolerance)` flops for `k = indices.count`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/lapackFailure(routine:info:)`` (`?stebz`'s `info = 4`)
    ///   if the blocks' Sturm counts do not add up to the whole matrix's, which IEEE
    ///   arithmetic rules out but a broken floating-point environment would not.
    @inlinable
    func eigenvalues(indices: ClosedRange<Int>) throws -> (values: [Scalar], blocks: [Int32]) {
        let rowRanges = blocks
        if order == 1 { return ([diagonal[0]], [1]) }
        if rowRanges.count == 1 {
            let (low, high) = bisect(0..<order, targets: indices.lowerBound..<(indices.upperBound + 1),
                                     from: spectrumBracket.lower, to: spectrumBracket.upper)
            return (zip(low, high).map { ($0 + $1) / 2 }, [Int32](repeating: 1, count: indices.count))
        }
        let outer = wholeMatrixBracket(of: indices)
        var found: [(value: Scalar, block: Int32)] = []
        for (number, rows) in rowRanges.enumerated() {
            let below = countEigenvalues(inBlock: rows, atOrBelow: outer.lower)
            let upTo = countEigenvalues(inBlock: rows, atOrBelow: outer.upper)
            guard upTo > below else { continue }
            if rows.count == 1 {
                found.append((diagonal[rows.lowerBound], Int32(number + 1)))
                continue
            }
            let (low, high) = bisect(rows, targets: below..<upTo, from: outer.lower, to: outer.upper)
            for (lo, hi) in zip(low, high) { found.append(((lo + hi) / 2, Int32(number + 1))) }
        }
        // `found` holds the global indices count(lower) ..< count(upper); keep `indices`.
        let ranked = found.enumerated().sorted { ($0.element.value, $0.offset) < ($1.element.value, $1.offset) }
        let first = indices.lowerBound - outer.countBelow
        guard first >= 0, first + indices.count <= ranked.count else {
            throw LinearAlgebraError.lapackFailure(routine: "\(Scalar.routinePrefix)stebz (bisection)", info: 4)
        }
        let kept = ranked[first..<(first + indices.count)].sorted { $0.offset < $1.offset }
        return (kept.map(\.element.value), kept.map(\.element.block))
    }

    /// `true` once the bracket is narrower than `max(atol, pivmin, 2·ulp·max(|lo|, |hi|))`.
    @inlinable
    func hasConverged(_ low: Scalar, _ high: Scalar) -> Bool {
        high - low < Swift.max(absoluteTolerance, pivotFloor, 2 * Scalar.ulpOfOne * Swift.max(abs(low), abs(high)))
    }

    /// `?stebz`'s bound on the bisection steps from `[lower, upper]`: the bracket halves
    /// until it is narrower than `pivmin` (logarithms apart, since the ratio overflows in Float).
    @inlinable
    func stepLimit(_ lower: Scalar, _ upper: Scalar) -> Int {
        Int(Scalar.log2(upper - lower + pivotFloor) - Scalar.log2(pivotFloor)) + 2
    }

    /// `[lower, upper]` with `count(lower) ≤ indices.lowerBound` and
    /// `count(upper) ≥ indices.upperBound + 1` on the whole split matrix.
    @inlinable
    func wholeMatrixBracket(of indices: ClosedRange<Int>) -> (lower: Scalar, upper: Scalar, countBelow: Int) {
        let ends = bisectWholeMatrix(targets: [indices.lowerBound, indices.upperBound])
        let lower = ends[0].lower
        return (lower, ends[1].upper, countEigenvalues(inBlock: 0..<order, atOrBelow: lower))
    }

    /// Brackets of single eigenvalues of the whole (split) matrix by global index.
    @inlinable
    func bisectWholeMatrix(targets: [Int]) -> [(lower: Scalar, upper: Scalar)] {
        targets.map { target in
            var (low, high) = spectrumBracket
            for _ in 0..<stepLimit(low, high) {
                if hasConverged(low, high) { break }
                let middle = (low + high) / 2
                if countEigenvalues(inBlock: 0..<order, atOrBelow: middle) > target { high = middle } else { low = middle }
            }
            return (low, high)
        }
    }

    /// The number of eigenvalues `≤ x` of one block, or of the whole matrix for
    /// `rows = 0..<n` (a zero `eⱼ²` restarts the recurrence, so the count over all
    /// rows is the sum of the blocks' counts, bit for bit).
    @inlinable
    func countEigenvalues(inBlock rows: Range<Int>, atOrBelow x: Scalar) -> Int {
        var shift = [x], pivot: [Scalar] = [0], count = [0]
        shift.withUnsafeMutableBufferPointer { s in
            pivot.withUnsafeMutableBufferPointer { p in
                count.withUnsafeMutableBufferPointer { c in
                    countEigenvalues(in: rows, atOrBelow: UnsafeBufferPointer(s), pivots: p, counts: c)
                }
            }
        }
        return count[0]
    }
}
