import CurvatureOptimizers
import DenseLinearAlgebra
import StructuredFactors
import Testing

@Suite("The method catalogue")
struct MethodCatalogueTests {
    /// A value outside each numeric option's range (the rest have no numeric value to break).
    static let outOfRange: [MethodOption: @Sendable (inout MethodSettings) -> Void] = [
        .learningRate: { $0.learningRates.all = -1 }, .momentum: { $0.momentum = 1 },
        .weightDecay: { $0.weightDecay = -1 }, .damping: { $0.damping = 0 }, .factorDecay: { $0.factorDecay = 1 },
        .factorUpdatePeriod: { $0.factorUpdatePeriod = 0 }, .inverseUpdatePeriod: { $0.inverseUpdatePeriod = 0 },
        .klClip: { $0.klClip = .nan }, .rank: { $0.rank = 0 }, .singdDamping: { $0.singdDamping = -1 },
        .schedule: { $0.schedule = .stepDecay(every: 0, factor: 0.5) },
    ]

    @Test("every method builds its optimizer from the defaults, Float and Double", arguments: OptimizerMethod.allCases)
    func everyMethodBuilds(method: OptimizerMethod) throws {
        func build<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
            let model = try TestModels.tanhNetwork(Scalar.self, inputs: 3, hidden: 4, outputs: 2, seed: 1)
            let optimizer = try MethodSettings.defaults.makeOptimizer(method, model: model, seed: 0)
            // kfac-inverse is K-FAC on its other route; every other method reports its own name.
            #expect(optimizer.name == (method == .kfacInverse ? "kfac" : method.rawValue))
        }
        try build(Float.self)
        try build(Double.self)
    }

    @Test("a method checks exactly the options it reads", arguments: OptimizerMethod.allCases)
    func rangesAreCheckedForTheOptionsRead(method: OptimizerMethod) throws {
        let model = try TestModels.tanhNetwork(Double.self, inputs: 3, hidden: 4, outputs: 2, seed: 1)
        for (option, breakIt) in Self.outOfRange {
            var settings = MethodSettings()
            breakIt(&settings)
            if method.entry.options.contains(option) {
                let error = #expect(throws: OptimizerError.self, "\(method.rawValue) \(option.flag)") {
                    try settings.makeOptimizer(method, model: model, seed: 0)
                }
                // A range is named in words for a library user (kronkit names the flag); the
                // schedule's own check says what is wrong with it.
                let words = option == .schedule ? "step decay needs" : option.name + " must be "
                #expect(error.map { "\($0)".contains(words) } == true, "\(String(describing: error))")
            } else {
                _ = try settings.makeOptimizer(method, model: model, seed: 0)
            }
        }
    }

    @Test("identities hold every option the method reads and nothing else", arguments: OptimizerMethod.allCases)
    func identityKeys(method: OptimizerMethod) {
        let identity = MethodSettings.defaults.identity(for: method)
        #expect(Set(identity.keys) == Set(method.entry.options.map(\.flag)))
        #expect(identity["--learning-rate"] == "\(method.entry.defaultLearningRate)")
    }

    @Test("an option no chosen method reads is refused, naming it and its readers")
    func unusedOptions() throws {
        var settings = MethodSettings()
        settings.given = [.damping]
        #expect(throws: OptimizerError.optionNotUsed(option: "--damping", methods: ["sgd"],
                                                     readBy: MethodOption.damping.methods.map(\.rawValue))) {
            try settings.requireUsed(by: [.sgd])
        }
        try settings.requireUsed(by: [.sgd, .kfac])
        #expect(throws: OptimizerError.self, "SINGD has its own damping") { try settings.requireUsed(by: [.singd]) }
        var rates = MethodSettings()
        rates.learningRates.perMethod[.sgd] = 0.1
        rates.given = [.learningRate]
        #expect(throws: OptimizerError.optionNotUsed(option: "--learning-rate sgd=…", methods: ["kfac"], readBy: ["sgd"])) {
            try rates.requireUsed(by: [.kfac])
        }
        try rates.requireUsed(by: [.kfac, .sgd])
        #expect(OptimizerError.optionNotUsed(option: "--damping", methods: ["sgd"], readBy: ["kfac"]).description
            == "--damping is not an option of sgd; it is read by kfac")
    }

    @Test("every option is read by some method and listed in the table with its default")
    func tableCoversEverything() {
        let table = OptimizerMethod.catalogueTable
        for option in MethodOption.allCases {
            #expect(!option.methods.isEmpty, "\(option.flag)")
            #expect(table.contains("| `\(option.flag)` |") && table.contains(option.defaultText), "\(option.flag)")
        }
        for method in OptimizerMethod.allCases { #expect(table.contains("| `\(method.rawValue)` |")) }
    }

    @Test("the option structs' defaults are the catalogue's")
    func libraryDefaultsAreTheCatalogues() {
        let defaults = MethodSettings.defaults
        let kfac = KroneckerOptimizerOptions(), block = KroneckerBlockOptions()
        #expect(kfac.learningRate == OptimizerMethod.kfac.entry.defaultLearningRate && kfac.momentum == defaults.momentum)
        #expect((kfac.factorUpdatePeriod, kfac.inverseUpdatePeriod) == (defaults.factorUpdatePeriod,
                                                                          defaults.inverseUpdatePeriod))
        #expect(kfac.klClip == defaults.klClip && kfac.curvature == defaults.curvature)
        #expect(block.damping == defaults.damping && block.factorDecay == defaults.factorDecay
            && block.piDamping == defaults.piDamping)
        #expect(StochasticGradientDescent<Float>.Options().learningRate == OptimizerMethod.sgd.entry.defaultLearningRate)
        #expect(Adam<Float>.Options().learningRate == OptimizerMethod.adam.entry.defaultLearningRate)
        #expect(SINGDBlock<DiagonalMatrix<Float>, DiagonalMatrix<Float>>.Configuration().damping == defaults.singdDamping)
        #expect(LowRankKFACBlock<Float>.Configuration().rank == defaults.rank)
    }

    @Test("an optimizer built without a configuration takes the blocks' defaults, Float and Double")
    func optimizersWithoutAConfiguration() throws {
        func check<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
            let model = try TestModels.tanhNetwork(Scalar.self, inputs: 3, hidden: 4, outputs: 2, seed: 1)
            #expect(try KFAC<Scalar>(model: model).configuration == .init())
            #expect(try EKFAC<Scalar>(model: model).configuration == .init())
            #expect(try LowRankKFAC<Scalar>(model: model).configuration == .init())
            #expect(try SINGD<DiagonalMatrix<Scalar>, DenseFactor<Scalar>>(model: model).configuration == .init())
        }
        try check(Float.self)
        try check(Double.self)
    }

    @Test("unknown method names and structures are typed errors listing the known ones")
    func unknownNames() {
        #expect(throws: OptimizerError.unknownMethod("newton", known: OptimizerMethod.allCases.map(\.rawValue))) {
            try OptimizerMethod(named: "newton")
        }
        #expect((try? SINGDStructures(parsing: "diagonal,dense")) == SINGDStructures(input: .diagonal, output: .dense))
        #expect(throws: OptimizerError.self) { try SINGDStructures(parsing: "banded") }
    }
}
