import ArgumentParser
import CurvatureOptimizers
import DenseLinearAlgebra
import NeuralNetworks
import StructuredFactors

/// The training methods `kronkit` offers: every optimizer of `CurvatureOptimizers`.
enum Method: String, CaseIterable, Sendable, Codable, ExpressibleByArgument {
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

    /// First-order baselines (no curvature state).
    var isFirstOrder: Bool { [.sgd, .sgdNesterov, .adam, .adamw].contains(self) }

    /// The methods with damped Kronecker-factored curvature blocks, which `--adaptive` can wrap
    /// (not SINGD and IKFAC, whose damping steers their factors' updates).
    var isKroneckerFactored: Bool { !isFirstOrder && self != .singd && self != .ikfac }

    /// One line per method for `--help`.
    static let helpText = """
        sgd (momentum), sgd-nesterov, adam, adamw (decoupled weight decay), kfac (eigen route), \
        kfac-inverse (factored Tikhonov, Cholesky inverses), tkfac (trace-restricted), ekfac \
        (eigenvalue-corrected), tekfac (trace-restricted eigenbasis, corrected), rs-kfac and sre-kfac \
        (randomized SVD / EVD of the factors, rank --rank), b-kfac (Brand updates of rank-r factors), b-r-kfac \
        (with randomized refreshes), b-kfac-c (with Rayleigh-Ritz corrections), singd (inverse-free, factors \
        in the --structures; INGD with dense,dense), ikfac (singd's K-FAC-like update).
        """

    /// The methods `kronkit compare` runs by default.
    static let compareDefault: [Method] = [.sgd, .adam, .kfac, .kfacInverse, .tkfac, .ekfac, .tekfac]

    /// Parses a comma-separated list (`sgd,adam,kfac`) or `all`.
    /// - Throws: `ValidationError` naming an unknown method and the known ones.
    static func list(parsing text: String) throws -> [Method] {
        if text == "all" { return allCases }
        var methods: [Method] = []
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let method = Method(rawValue: name) else {
                throw ValidationError("unknown optimizer '\(name)'; choose from \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if !methods.contains(method) { methods.append(method) }
        }
        guard !methods.isEmpty else { throw ValidationError("--optimizers needs at least one method") }
        return methods
    }
}

/// The options of every method as given on the command line; `nil` means the method's own default.
struct MethodSettings: Sendable {
    var learningRates = LearningRates()
    var momentum: Double?
    var weightDecay = 0.0
    var damping = 1e-3
    var factorDecay = 0.95
    var factorUpdatePeriod = 10
    var inverseUpdatePeriod = 100
    var klClip: Double? = 1e-3
    var curvature = CurvatureEstimate.monteCarlo
    var weightSharing = WeightSharingApproximation.expand
    var piDamping = true
    var schedule = LearningRateSchedule.constant
    /// The rank of the low-rank methods' factors (RS-KFAC's reference default).
    var rank = 220
    /// The structures of SINGD's `K` and `C`.
    var structures = SINGDStructures()
    /// Tuning-free K-FAC: learning rate and momentum from the exact GGN's quadratic model,
    /// damping by the Levenberg–Marquardt rule (``AdaptiveKroneckerFactoredOptimizer``).
    var adaptive = false

    /// `method`'s optimizer for `model`; `seed` drives the Monte-Carlo Fisher's label sampling.
    /// - Throws: ``OptimizerError/invalidConfiguration(_:)`` for an option out of range.
    func makeOptimizer<Scalar: LinearAlgebraScalar>(_ method: Method, model: Sequential<Scalar>, seed: UInt64) throws
        -> any Optimizer<Scalar> {
        let rate = learningRates.rate(for: method)
        if adaptive && !method.isKroneckerFactored {
            let names = Method.allCases.filter(\.isKroneckerFactored).map(\.rawValue).joined(separator: ", ")
            throw OptimizerError.invalidConfiguration(
                "--adaptive applies to the Kronecker-factored methods (\(names)); \(method.rawValue) has no damped "
                    + "Kronecker-factored curvature for it to adapt")
        }
        switch method {
        case .sgd, .sgdNesterov:
            let defaults = StochasticGradientDescent<Scalar>.Options()
            return try StochasticGradientDescent(model: model, options: .init(
                learningRate: rate ?? defaults.learningRate, momentum: momentum ?? defaults.momentum,
                nesterov: method == .sgdNesterov, weightDecay: weightDecay, schedule: schedule))
        case .adam, .adamw:
            return try Adam(model: model, options: .init(
                learningRate: rate ?? Adam<Scalar>.Options().learningRate, weightDecay: weightDecay,
                decoupledWeightDecay: method == .adamw, schedule: schedule))
        case .kfac, .kfacInverse, .tkfac:
            let block = blockOptions(route: method == .kfacInverse ? .inverse : .eigen)
            return try withAdaptation(KFAC(model: model, options: optimizerOptions(rate), configuration: .init(
                options: block, estimate: method == .tkfac ? .traceRestricted : .standard), seed: seed))
        case .ekfac, .tekfac:
            return try withAdaptation(EKFAC(model: model, options: optimizerOptions(rate), configuration: .init(
                options: blockOptions(route: .eigen), basis: method == .tekfac ? .traceRestricted : .standard), seed: seed))
        case .rsKFAC, .sreKFAC, .bKFAC, .brKFAC, .bKFACc:
            guard let lowRank = LowRankKFACBlock<Scalar>.Method(rawValue: method.rawValue) else {
                preconditionFailure("every low-rank method of the tool is a LowRankKFACBlock method")
            }
            return try withAdaptation(LowRankKFAC(model: model, options: optimizerOptions(rate), configuration: .init(
                options: blockOptions(route: .eigen), method: lowRank, rank: rank, seed: seed), seed: seed))
        case .singd, .ikfac:
            return try makeSINGD(kfacLike: method == .ikfac, model: model, rate: rate, seed: seed)
        }
    }

    /// SINGD with `K` and `C` in the chosen structures: each choice names a type, and the
    /// optimizer is built for that pair (the generic parameters fixed here, once).
    private func makeSINGD<Scalar: LinearAlgebraScalar>(kfacLike: Bool, model: Sequential<Scalar>, rate: Double?,
                                                         seed: UInt64) throws -> any Optimizer<Scalar> {
        func withInput<K: StructuredMatrixAlgebra<Scalar>>(_: K.Type) throws -> any Optimizer<Scalar> {
            func withOutput<C: StructuredMatrixAlgebra<Scalar>>(_: C.Type) throws -> any Optimizer<Scalar> {
                try SINGD<K, C>(model: model, options: optimizerOptions(rate), configuration: .init(
                    damping: damping, kfacLike: kfacLike, weightSharing: weightSharing), seed: seed)
            }
            return try withOutput(structures.output.type(Scalar.self))
        }
        return try withInput(structures.input.type(Scalar.self))
    }

    /// `optimizer` wrapped for tuning-free steps when `--adaptive` is given, else itself.
    private func withAdaptation<Block: AdjustableDampingBlock>(_ optimizer: KroneckerFactoredOptimizer<Block>) throws
        -> any Optimizer<Block.Scalar> {
        guard adaptive else { return optimizer }
        return try AdaptiveKroneckerFactoredOptimizer(optimizer)
    }

    private func optimizerOptions(_ rate: Double?) -> KroneckerOptimizerOptions {
        let defaults = KroneckerOptimizerOptions()
        return KroneckerOptimizerOptions(
            learningRate: rate ?? defaults.learningRate, momentum: momentum ?? defaults.momentum,
            weightDecay: weightDecay, klClip: klClip, factorUpdatePeriod: factorUpdatePeriod,
            inverseUpdatePeriod: inverseUpdatePeriod, curvature: curvature, schedule: schedule)
    }

    private func blockOptions(route: KroneckerBlockOptions.Route) -> KroneckerBlockOptions {
        KroneckerBlockOptions(damping: damping, factorDecay: factorDecay, weightSharing: weightSharing, route: route,
                              piDamping: piDamping)
    }
}

/// `--learning-rate`: one rate for every method (`0.1`) or rates per method
/// (`sgd=0.1,adam=0.003`); methods not named keep their defaults.
struct LearningRates: Sendable, Equatable {
    var all: Double?
    var perMethod: [Method: Double] = [:]

    init(all: Double? = nil, perMethod: [Method: Double] = [:]) {
        self.all = all
        self.perMethod = perMethod
    }

    /// Parses `0.1` or `sgd=0.1,kfac=0.05`.
    /// - Throws: `ValidationError` for a rate that is not a positive finite number or an unknown method.
    init(parsing text: String) throws {
        func rate(_ field: Substring) throws -> Double {
            guard let value = Double(field.trimmingCharacters(in: .whitespaces)), value > 0, value.isFinite else {
                throw ValidationError("learning rate '\(field)' is not a positive number")
            }
            return value
        }
        guard text.contains("=") else {
            all = try rate(Substring(text))
            return
        }
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let method = Method(rawValue: parts[0].trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("'\(entry)' is not METHOD=RATE with METHOD one of \(Method.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            perMethod[method] = try rate(parts[1])
        }
    }

    /// The rate given for `method`, or nil for its default.
    func rate(for method: Method) -> Double? { perMethod[method] ?? all }
}

extension LearningRateSchedule {
    /// Parses `constant`, `cosine[:FLOOR]` (annealed over the run's `totalSteps`) or `step:EVERY:FACTOR`.
    /// - Throws: `ValidationError` for another form.
    init(parsing text: String, totalSteps: Int) throws {
        let parts = text.split(separator: ":").map(String.init)
        switch (parts.first, parts.count) {
        case ("constant", 1):
            self = .constant
        case ("cosine", 1):
            self = .cosine(totalSteps: totalSteps, floor: 0)
        case ("cosine", 2):
            guard let floor = Double(parts[1]) else { throw ValidationError("cosine floor '\(parts[1])' is not a number") }
            self = .cosine(totalSteps: totalSteps, floor: floor)
        case ("step", 3):
            guard let every = Int(parts[1]), let factor = Double(parts[2]) else {
                throw ValidationError("'\(text)' is not step:EVERY:FACTOR with an integer EVERY and a number FACTOR")
            }
            self = .stepDecay(every: every, factor: factor)
        default:
            throw ValidationError("unknown schedule '\(text)'; use constant, cosine[:FLOOR] or step:EVERY:FACTOR")
        }
        try validate()
    }
}

/// A structure for SINGD's factors, as named on the command line.
enum StructureChoice: String, CaseIterable, Sendable, Hashable {
    case dense
    case diagonal
    case blockDiagonal = "block-diagonal"
    case lowerToeplitz = "lower-toeplitz"
    case upperToeplitz = "upper-toeplitz"
    case hierarchical

    /// The StructuredFactors type (with singd's default layouts: blocks of 30, corners of 15).
    func type<Scalar: LinearAlgebraScalar>(_: Scalar.Type) -> any StructuredMatrixAlgebra<Scalar>.Type {
        switch self {
        case .dense: return DenseFactor<Scalar>.self
        case .diagonal: return DiagonalMatrix<Scalar>.self
        case .blockDiagonal: return BlockDiagonalMatrix<Scalar>.self
        case .lowerToeplitz: return LowerTriangularToeplitz<Scalar>.self
        case .upperToeplitz: return UpperTriangularToeplitz<Scalar>.self
        case .hierarchical: return HierarchicalFactor<Scalar>.self
        }
    }
}

/// `--structures K,C`: the structures of SINGD's input-side `K` and output-side `C`.
struct SINGDStructures: Sendable, Hashable, CustomStringConvertible {
    var input = StructureChoice.dense
    var output = StructureChoice.dense

    init(input: StructureChoice = .dense, output: StructureChoice = .dense) {
        self.input = input
        self.output = output
    }

    /// Parses `K,C` (`diagonal,dense`) or one structure for both.
    /// - Throws: `ValidationError` naming an unknown structure and the known ones.
    @Sendable init(parsing argument: String) throws {
        let fields = argument.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard (1...2).contains(fields.count) else {
            throw ValidationError("--structures takes K,C or one structure, got '\(argument)'")
        }
        let names = try fields.map { field in
            guard let choice = StructureChoice(rawValue: field) else {
                throw ValidationError("unknown structure '\(field)'; choose from "
                    + StructureChoice.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return choice
        }
        self.init(input: names[0], output: names[names.count - 1])
    }

    /// `K,C` as written on the command line (for `--help`'s default).
    var description: String { "\(input.rawValue),\(output.rawValue)" }
}
