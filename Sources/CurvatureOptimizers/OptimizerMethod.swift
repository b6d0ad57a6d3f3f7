/// Every training method of the module, by the name users type (`kfac`, `b-kfac-c`, …):
/// the method catalogue. Each method's description, the optimizer it builds, the options it
/// reads and its paper are declared once, in ``entry``; the `kronkit` tool derives its
/// `--help`, option checks, checkpoint identity and the README's method table from it.
///
/// Build a method's optimizer with ``MethodSettings/makeOptimizer(_:model:seed:)``.
public enum OptimizerMethod: String, CaseIterable, Sendable, Codable, Hashable {
    case sgd
    case sgdNesterov = "sgd-nesterov"
    case adam
    case adamw
    case kfac
    case kfacInverse = "kfac-inverse"
    case tkfac
    case ekfac
    case tekfac
    case rsKFAC = "rs-kfac"
    case sreKFAC = "sre-kfac"
    case bKFAC = "b-kfac"
    case brKFAC = "b-r-kfac"
    case bKFACc = "b-kfac-c"
    case singd
    case ikfac

    /// What the catalogue says about one method.
    public struct Entry: Sendable, Hashable {
        /// One line: what the method is.
        public var summary: String
        /// The optimizer type it builds and the parts that type is composed of.
        public var builds: String
        /// The paper the method and its defaults come from (an entry of `Notes/REFERENCES.md`).
        public var reference: String
        /// The options the method reads; any other is refused (``MethodSettings/requireUsed(by:)``).
        public var options: [MethodOption]
        /// The learning rate when none is given: the one per-method default.
        public var defaultLearningRate: Double
    }

    /// The method's catalogue entry.
    /// - Complexity: `O(1)`.
    public var entry: Entry {
        switch self {
        case .sgd:
            return Entry(summary: "stochastic gradient descent with heavy-ball momentum",
                         builds: "StochasticGradientDescent", reference: "Sutskever et al. 2013",
                         options: MethodOption.firstOrder + [.momentum], defaultLearningRate: 0.05)
        case .sgdNesterov:
            return Entry(summary: "SGD with Nesterov's look-ahead momentum",
                         builds: "StochasticGradientDescent (nesterov)", reference: "Sutskever et al. 2013",
                         options: MethodOption.firstOrder + [.momentum], defaultLearningRate: 0.05)
        case .adam:
            return Entry(summary: "Adam, weight decay added to the gradient", builds: "Adam",
                         reference: "Kingma & Ba 2015", options: MethodOption.firstOrder, defaultLearningRate: 1e-3)
        case .adamw:
            return Entry(summary: "Adam with decoupled weight decay", builds: "Adam (decoupled weight decay)",
                         reference: "Loshchilov & Hutter 2019", options: MethodOption.firstOrder,
                         defaultLearningRate: 1e-3)
        case .kfac:
            return Entry(summary: "K-FAC, exact damped inverse of A ⊗ G through the factors' eigenbases",
                         builds: "KFAC: KroneckerFactors (dense EMA) + KroneckerEigenbasisInverse (eigendecomposition, Kronecker-eigenbasis damped inverse)",
                         reference: "Martens & Grosse 2015", options: MethodOption.kroneckerFactors,
                         defaultLearningRate: 0.05)
        case .kfacInverse:
            return Entry(summary: "K-FAC, factored Tikhonov damping split by π",
                         builds: "KFAC: KroneckerFactors (dense EMA) + FactoredTikhonovInverse (Cholesky inverses of the damped factors)",
                         reference: "Martens & Grosse 2015, §6.3",
                         options: MethodOption.kroneckerFactors + [.piDamping], defaultLearningRate: 0.05)
        case .tkfac:
            return Entry(summary: "trace-restricted K-FAC: F ≈ δ·Φ ⊗ Ψ with tr F kept",
                         builds: "KFAC: KroneckerFactors (trace-weighted EMA) + KroneckerEigenbasisInverse (eigendecomposition, Kronecker-eigenbasis damped inverse)",
                         reference: "Gao et al. 2021", options: MethodOption.kroneckerFactors,
                         defaultLearningRate: 0.05)
        case .ekfac:
            return Entry(summary: "eigenvalue-corrected K-FAC: the Kronecker eigenbasis with per-example second moments",
                         builds: "EKFAC: KroneckerFactors (dense EMA) + EigenvalueCorrectedInverse (eigendecomposition, eigenvalue correction S)",
                         reference: "George et al. 2018", options: MethodOption.kroneckerFactors,
                         defaultLearningRate: 0.05)
        case .tekfac:
            return Entry(summary: "EKFAC in TKFAC's trace-restricted eigenbasis",
                         builds: "EKFAC: KroneckerFactors (trace-weighted EMA) + EigenvalueCorrectedInverse (eigendecomposition, eigenvalue correction S)",
                         reference: "Gao et al. 2021", options: MethodOption.kroneckerFactors,
                         defaultLearningRate: 0.05)
        case .rsKFAC:
            return Entry(summary: "K-FAC with a randomized SVD of each factor at every refresh",
                         builds: "LowRankKFAC: dense EMA factors, randomized SVD, partial Kronecker eigenbasis",
                         reference: "Puiu 2022 (arXiv 2206.15397)", options: MethodOption.lowRank,
                         defaultLearningRate: 0.05)
        case .sreKFAC:
            return Entry(summary: "K-FAC with a randomized symmetric EVD of each factor at every refresh",
                         builds: "LowRankKFAC: dense EMA factors, randomized EVD, partial Kronecker eigenbasis",
                         reference: "Puiu 2022 (arXiv 2206.15397)", options: MethodOption.lowRank,
                         defaultLearningRate: 0.05)
        case .bKFAC:
            return Entry(summary: "Brand updates of rank-r factor decompositions; no dense factor",
                         builds: "LowRankKFAC: Brand low-rank EMA, partial Kronecker eigenbasis",
                         reference: "Puiu 2022, Brand New K-FACs", options: MethodOption.lowRank,
                         defaultLearningRate: 0.05)
        case .brKFAC:
            return Entry(summary: "B-KFAC with a randomized EVD of the dense factor at every refresh",
                         builds: "LowRankKFAC: Brand low-rank EMA and dense EMA, randomized EVD refresh, partial Kronecker eigenbasis",
                         reference: "Puiu 2022, Brand New K-FACs", options: MethodOption.lowRank,
                         defaultLearningRate: 0.05)
        case .bKFACc:
            return Entry(summary: "B-KFAC with a Rayleigh–Ritz correction of random columns at every refresh",
                         builds: "LowRankKFAC: Brand low-rank EMA and dense EMA, Rayleigh–Ritz correction, partial Kronecker eigenbasis",
                         reference: "Puiu 2022, Brand New K-FACs", options: MethodOption.lowRank,
                         defaultLearningRate: 0.05)
        case .singd:
            return Entry(summary: "inverse-free structured natural gradient: A⁻¹ ≈ KKᵀ, G⁻¹ ≈ CCᵀ in the chosen structures",
                         builds: "SINGD<K, C>: Riemannian factor updates, no inversion (INGD with dense,dense)",
                         reference: "Lin et al. 2023 (arXiv 2312.05705)", options: MethodOption.inverseFree,
                         defaultLearningRate: 0.05)
        case .ikfac:
            return Entry(summary: "SINGD's K-FAC-like update: no trace coupling, no Riemannian momentum",
                         builds: "SINGD<K, C> (kfacLike)", reference: "Lin et al. 2023 (arXiv 2312.05705)",
                         options: MethodOption.inverseFree, defaultLearningRate: 0.05)
        }
    }

    /// `true` for the methods without curvature state (SGD, Adam and their variants).
    /// - Complexity: `O(1)`.
    public var isFirstOrder: Bool { !entry.options.contains(.factorUpdatePeriod) }

    /// The method named `name`.
    /// - Throws: ``OptimizerError/unknownMethod(_:known:)`` listing the known names.
    public init(named name: String) throws {
        guard let method = OptimizerMethod(rawValue: name) else {
            throw OptimizerError.unknownMethod(name, known: Self.allCases.map(\.rawValue))
        }
        self = method
    }
}
