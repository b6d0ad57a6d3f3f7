/// Which output gradients `d` estimate the factor `G` (Martens & Grosse 2015, §5;
/// Kunstner et al. 2019 on the empirical Fisher's limits).
public enum CurvatureEstimate: String, Codable, Sendable, Hashable, CaseIterable {
    /// The true labels' gradients: no extra pass, but not a curvature in general.
    case empirical
    /// Labels sampled from the model's predictive distribution: one extra backward pass.
    case monteCarlo
    /// The exact generalised Gauss–Newton: one backward pass per column of the loss
    /// Hessian's square root (the output size); for tests and small outputs.
    case exactGGN
}

extension CurvatureEstimate {
    /// The estimate's name as users type it (`monte-carlo`, `empirical`, `exact-ggn`).
    public var optionValue: String {
        switch self {
        case .empirical: return "empirical"
        case .monteCarlo: return "monte-carlo"
        case .exactGGN: return "exact-ggn"
        }
    }

    /// The estimate named `optionValue`, or nil.
    /// - Complexity: `O(1)`.
    public init?(optionValue: String) {
        guard let estimate = Self.allCases.first(where: { $0.optionValue == optionValue }) else { return nil }
        self = estimate
    }
}
