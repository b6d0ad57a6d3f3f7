import DenseLinearAlgebra

/// Multi-head scaled dot-product attention on projected queries, keys and values, the
/// parameter-free core of ``MultiHeadSelfAttention`` (Vaswani et al. 2017, eq. 1):
/// for each example and head `h`, `O_h = V_h · softmax_columns(K_hᵀ Q_h / √d_h)`.
///
/// Layout: `Q`, `K`, `V` and `O` are `(R·d) × batch` with token `r`'s features in rows
/// `r·d ..< (r+1)·d`, so one example's column, read as a `d × R` column-major matrix, has the
/// tokens as columns and head `h`'s block as rows `h·d_h ..< (h+1)·d_h` — a `d_h × R` view
/// with leading dimension `d` (`headBlock(example:head:of:)`), which the GEMMs on views take
/// without a copy. `P` (`R × R` per example and head) holds in column `r` the attention
/// weights of query `r` over the keys; with the causal mask, keys after the query get weight 0.
///
/// - Complexity: `4·R²·d` flops forward and `8·R²·d` backward per example (four and eight
///   GEMMs of `R × R × d_h` per head); keeps `P`, `h·R²` per example.
@usableFromInline
struct _ScaledDotProductAttention<Scalar: LinearAlgebraScalar>: Sendable {
    @usableFromInline let features: Int
    @usableFromInline let positions: Int
    @usableFromInline let heads: Int
    @usableFromInline let causal: Bool
    @usableFromInline var queries = Matrix<Scalar>()
    @usableFromInline var keys = Matrix<Scalar>()
    @usableFromInline var values = Matrix<Scalar>()
    /// The attention weights of the last forward pass: `R × R` blocks, example after example,
    /// head after head (`R × (R·heads·batch)`).
    @usableFromInline var weights = Matrix<Scalar>()

    @usableFromInline
    init(features: Int, positions: Int, heads: Int, causal: Bool) {
        precondition(features % heads == 0, "the attention layer checks that the heads divide the width")
        (self.features, self.positions, self.heads, self.causal) = (features, positions, heads, causal)
    }

    @inlinable var headFeatures: Int { features / heads }
    @inlinable var scale: Scalar { 1 / Scalar.sqrt(Scalar(headFeatures)) }

    /// `O` for `Q`, `K`, `V` of equal shape `(R·d) × batch`; keeps them and `P` for ``backward(_:)``.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    mutating func forward(queries q: Matrix<Scalar>, keys k: Matrix<Scalar>, values v: Matrix<Scalar>) throws
        -> Matrix<Scalar> {
        let (d, r, batch) = (features, positions, q.columns)
        (queries, keys, values) = (q, k, v)
        var p = try Matrix<Scalar>(rows: r, columns: r * heads * batch)
        var output = try Matrix<Scalar>(rows: r * d, columns: batch)
        guard batch > 0 else { return output }
        let (alpha, causal) = (scale, causal)
        try q.withView { qv in
            try k.withView { kv in
                try v.withView { vv in
                    try p.withMutableView { pv in
                        try output.withMutableView { ov in
                            for i in 0..<batch {
                                for h in 0..<heads {
                                    let (qh, kh, vh) = try (headBlock(example: i, head: h, of: qv),
                                                            headBlock(example: i, head: h, of: kv),
                                                            headBlock(example: i, head: h, of: vv))
                                    let block = try pv.columns((i * heads + h) * r ..< (i * heads + h + 1) * r)
                                    try Matrix.multiply(kh, qh, transposingA: .transpose,
                                                        alpha: alpha, into: block)
                                    for query in 0..<r {
                                        Self.softmax(block.unsafeStart + query * r, count: causal ? query + 1 : r,
                                                     total: r)
                                    }
                                    try Matrix.multiply(vh, block.readOnly,
                                                        into: headBlock(example: i, head: h, of: ov))
                                }
                            }
                        }
                    }
                }
            }
        }
        weights = p
        return output
    }

    /// `(∂L/∂Q, ∂L/∂K, ∂L/∂V)` for `∂L/∂O` of the last forward pass:
    /// `∂V_h = ∂O_h Pᵀ`, `∂P = V_hᵀ ∂O_h`, the softmax Jacobian per column
    /// `∂T = P ⊙ (∂P − 1·(1ᵀ(P ⊙ ∂P)))`, then `∂Q_h = K_h ∂T/√d_h` and `∂K_h = Q_h ∂Tᵀ/√d_h`.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func backward(_ outputGradient: Matrix<Scalar>) throws
        -> (queries: Matrix<Scalar>, keys: Matrix<Scalar>, values: Matrix<Scalar>) {
        let (r, batch) = (positions, queries.columns)
        var (dq, dk, dv) = (Matrix<Scalar>(shapeOf: queries), Matrix<Scalar>(shapeOf: keys),
                            Matrix<Scalar>(shapeOf: values))
        guard batch > 0 else { return (dq, dk, dv) }
        var scratch = try Matrix<Scalar>(rows: r, columns: r)
        let alpha = scale
        try queries.withView { qv in
            try keys.withView { kv in
                try values.withView { vv in
                    try weights.withView { pv in
                        try outputGradient.withView { gv in
                            try dq.withMutableView { dqv in
                                try dk.withMutableView { dkv in
                                    try dv.withMutableView { dvv in
                                        try scratch.withMutableView { tv in
                                            let t = tv.unsafeStart
                                            for i in 0..<batch {
                                                for h in 0..<heads {
                                                    let (qh, kh, vh) = try (headBlock(example: i, head: h, of: qv),
                                                            headBlock(example: i, head: h, of: kv),
                                                            headBlock(example: i, head: h, of: vv))
                                                    let gradient = try headBlock(example: i, head: h, of: gv)
                                                    let weightsBlock = try pv.columns((i * heads + h) * r ..< (i * heads + h + 1) * r)
                                                    let block = weightsBlock.unsafeStart
                                                    try Matrix.multiply(gradient, weightsBlock, transposingB: .transpose,
                                                                        into: headBlock(example: i, head: h, of: dvv))
                                                    try Matrix.multiply(vh, gradient, transposingA: .transpose,
                                                                        into: tv)
                                                    for query in 0..<r {
                                                        let column = query * r
                                                        var weighted: Scalar = 0
                                                        for key in 0..<r { weighted += block[column + key] * t[column + key] }
                                                        for key in 0..<r {
                                                            t[column + key] = block[column + key] * (t[column + key] - weighted)
                                                        }
                                                    }
                                                    try Matrix.multiply(kh, tv.readOnly, alpha: alpha,
                                                                        into: headBlock(example: i, head: h, of: dqv))
                                                    try Matrix.multiply(qh, tv.readOnly, transposingB: .transpose,
                                                                        alpha: alpha,
                                                                        into: headBlock(example: i, head: h, of: dkv))
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dq, dk, dv)
    }

    /// Head `h`'s `d_h × R` block of example `i` in a `(R·d) × batch` view: column `i` read as
    /// `d × R` (tokens as columns), rows `h·d_h ..< (h+1)·d_h`, leading dimension `d`. No copy.
    @inlinable
    func headBlock(example i: Int, head h: Int, of view: MatrixView<Scalar>) throws -> MatrixView<Scalar> {
        try view.columns(i ..< i + 1).reshaped(rows: features, columns: positions)
            .rows(h * headFeatures ..< (h + 1) * headFeatures)
    }

    /// `headBlock(example:head:of:)` of a writable view.
    @inlinable
    func headBlock(example i: Int, head h: Int, of view: MutableMatrixView<Scalar>) throws -> MutableMatrixView<Scalar> {
        try view.columns(i ..< i + 1).reshaped(rows: features, columns: positions)
            .rows(h * headFeatures ..< (h + 1) * headFeatures)
    }

    /// The softmax of the first `count` of `total` contiguous scores, in place, with the
    /// maximum subtracted first; the remaining `total − count` entries (masked keys) become 0.
    @inlinable
    static func softmax(_ scores: UnsafeMutablePointer<Scalar>, count: Int, total: Int) {
        var largest = -Scalar.infinity
        for k in 0..<count { largest = Swift.max(largest, scores[k]) }
        var sum: Scalar = 0
        for k in 0..<count {
            scores[k] = Scalar.exp(scores[k] - largest)
            sum += scores[k]
        }
        for k in 0..<count { scores[k] /= sum }
        for k in count..<total { scores[k] = 0 }
    }
}
