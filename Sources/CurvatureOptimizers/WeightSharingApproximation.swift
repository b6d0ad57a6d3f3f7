/// How Kronecker factors are formed for a layer whose weight is shared over `R`
/// positions per example (convolution patches, sequence positions)
/// [Eschenhagen et al., NeurIPS 2023, arXiv 2311.00636].
///
/// Both give plain K-FAC when `R = 1`. Derivation: `Notes/KFAC-family.md`.
public enum WeightSharingApproximation: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every (example, position) pair is a row: `A = a·aᵀ/(b·R)`, `G = b·g·gᵀ`.
    /// Exact for deep linear networks when every position carries its own loss term.
    case expand
    /// Positions are combined first (`â` the mean, `ĝ` the sum over each example's
    /// `R` columns, one `?gemv` with the ones vector per example): `A = â·âᵀ/b`, `G = b·ĝ·ĝᵀ`.
    /// Its `syrk`s run on `R` times fewer rows, after one pass over the captured columns;
    /// exact for deep linear networks when positions are pooled before the loss.
    case reduce
}
