import ArgumentParser
import CurvatureOptimizers
import DenseLinearAlgebra
import Testing
@testable import KronkitTool

@Suite("Argument parsing")
struct ArgumentParsingTests {
    @Test("train reads every flag into its options")
    func trainFlags() throws {
        let train = try Train.parse([
            "--optimizer", "tekfac", "--model", "cnn", "--data", "idx:images.idx,labels.idx", "--steps", "7",
            "--batch-size", "32", "--learning-rate", "tekfac=0.2", "--damping", "0.01", "--precision", "float64",
            "--no-kl-clip", "--checkpoint-every", "3", "--resume", "state.json", "--seed", "9", "-o", "out",
            "--curvature", "empirical", "--weight-sharing", "reduce", "--schedule", "cosine:0.1",
            "--factor-update-period", "2", "--inverse-update-period", "4",
        ])
        #expect(train.optimizer == .tekfac)
        #expect(train.options.model == .cnn)
        #expect(train.options.data == .idx(images: "images.idx", labels: "labels.idx"))
        #expect(train.options.totalSteps(batchesPerEpoch: 100) == 7)
        #expect(train.options.batchSize == 32)
        #expect(train.options.precision == .float64)
        #expect(train.checkpointEvery == 3)
        #expect(train.resume == "state.json")
        #expect(train.options.seed == 9)
        #expect(train.options.output == "out")
        let settings = try train.options.settings(totalSteps: 7)
        #expect(settings.klClip == nil)
        #expect(settings.damping == 0.01)
        #expect(settings.curvature == .empirical)
        #expect(settings.weightSharing == .reduce)
        #expect(settings.schedule == .cosine(totalSteps: 7, floor: 0.1))
        #expect((settings.factorUpdatePeriod, settings.inverseUpdatePeriod) == (2, 4))
        #expect(settings.learningRates.rate(for: .tekfac) == 0.2)
        #expect(settings.learningRates.rate(for: .adam) == nil)
        #expect(settings.given == [.learningRate, .damping, .klClip, .curvature, .weightSharing, .schedule,
                                   .factorUpdatePeriod, .inverseUpdatePeriod])
    }

    @Test("defaults: K-FAC on the built-in data, MLP, float32, two epochs")
    func defaults() throws {
        let train = try Train.parse([])
        #expect(train.optimizer == .kfac)
        #expect(train.options.data == .builtIn)
        #expect(train.options.model == .mlp)
        #expect(train.options.precision == .float32)
        #expect(train.options.totalSteps(batchesPerEpoch: 78) == 156)
        let compare = try Compare.parse([])
        #expect(compare.optimizers == OptimizerMethod.compareDefault)
        #expect(compare.target == nil && compare.accuracyTarget == 0.9)
    }

    @Test("data sources: builtin, idx, csv and npy parse; anything else is rejected")
    func dataSources() throws {
        #expect(try DataSource(parsing: "builtin") == .builtIn)
        #expect(try DataSource(parsing: "csv:/data/train.csv") == .csv(path: "/data/train.csv"))
        #expect(try DataSource(parsing: "npz:d.npz") == .numPyArchive(path: "d.npz", features: nil, labels: nil))
        #expect(try DataSource(parsing: "/data/mnist.CSV.gz") == .csv(path: "/data/mnist.CSV.gz"))
        #expect(try DataSource(parsing: "digits.npz") == .numPyArchive(path: "digits.npz", features: nil, labels: nil))
        #expect(try DataSource(parsing: "npz:d.npz,X,y") == .numPyArchive(path: "d.npz", features: "X", labels: "y"))
        #expect(try DataSource(parsing: "npy:x.npy,y.npy") == .numPy(features: "x.npy", labels: "y.npy"))
        #expect(try DataSource(parsing: "idx:a,b").description == "idx:a,b")
        for bad in ["mnist", "idx:only-one", "npy:x.npy,", "csv:", "csv:a,b", "hdf5:file.h5", "npz:", "npz:a,b"] {
            #expect(throws: ToolError.self) { try DataSource(parsing: bad) }
        }
    }

    @Test("method lists, learning rates and schedules")
    func methodListsRatesSchedules() throws {
        #expect(try OptimizerMethod.list(parsing: "sgd, adam,kfac,sgd") == [.sgd, .adam, .kfac])
        #expect(try OptimizerMethod.list(parsing: "all") == OptimizerMethod.allCases)
        #expect(throws: ValidationError.self) { try OptimizerMethod.list(parsing: "sgd,newton") }
        #expect(throws: ValidationError.self) { try OptimizerMethod.list(parsing: ",") }
        #expect(try LearningRates(parsing: "0.1").rate(for: .adam) == 0.1)
        let rates = try LearningRates(parsing: "sgd=0.2,kfac-inverse=0.03")
        #expect(rates.rate(for: .sgd) == 0.2 && rates.rate(for: .kfacInverse) == 0.03 && rates.rate(for: .adam) == nil)
        for bad in ["-1", "fast", "sgd=0", "newton=0.1", "sgd"] {
            #expect(throws: ValidationError.self) { try LearningRates(parsing: bad) }
        }
        #expect(try LearningRateSchedule(parsing: "step:10:0.5", totalSteps: 5) == .stepDecay(every: 10, factor: 0.5))
        #expect(try LearningRateSchedule(parsing: "cosine", totalSteps: 5) == .cosine(totalSteps: 5, floor: 0))
        #expect(throws: ValidationError.self) { try LearningRateSchedule(parsing: "linear", totalSteps: 5) }
        #expect(throws: OptimizerError.self) { try LearningRateSchedule(parsing: "step:0:0.5", totalSteps: 5) }
    }

    @Test("every method is built as the optimizer of its name", arguments: OptimizerMethod.allCases)
    func factory(method: OptimizerMethod) throws {
        var generator = Xoshiro256StarStar(seed: 1)
        let model = try ModelKind.mlp.build(featureCount: 4, classCount: 3, hidden: [5], as: Float.self,
                                            using: &generator)
        let optimizer = try MethodSettings().makeOptimizer(method, model: model, seed: 0)
        let expected = method == .kfacInverse ? "kfac" : method.rawValue
        #expect(optimizer.name == expected)
    }

    @Test("--structures and --rank reach SINGD and the low-rank methods, and their checkpoints' identity")
    func structuresAndRank() throws {
        let train = try Compare.parse(["--optimizers", "singd,b-kfac", "--structures", "lower-toeplitz,diagonal",
                                       "--rank", "16"])
        #expect(train.options.methodOptions.structures == SINGDStructures(input: .lowerToeplitz, output: .diagonal))
        #expect(try train.options.identity(method: .singd, totalSteps: 1)["--structures"] == "lower-toeplitz,diagonal")
        #expect(try train.options.identity(method: .bKFAC, totalSteps: 1)["--rank"] == "16")
        #expect(try train.options.identity(method: .kfac, totalSteps: 1)["--rank"] == nil,
                "other methods' checkpoints are unchanged")
        #expect(try SINGDStructures(parsing: "hierarchical") == SINGDStructures(input: .hierarchical, output: .hierarchical))
        for bad in ["dense,triangular", "dense,", "a,b,c"] {
            #expect(throws: OptimizerError.self, "\(bad)") { try SINGDStructures(parsing: bad) }
            #expect(throws: (any Error).self, "\(bad)") { try Train.parse(["--optimizer", "singd", "--structures", bad]) }
        }
        #expect(throws: (any Error).self) { try Train.parse(["--structures", "banded"]) }
        #expect(throws: (any Error).self) { try Train.parse(["--rank", "0"]) }
        var generator = Xoshiro256StarStar(seed: 1)
        let model = try ModelKind.mlp.build(featureCount: 4, classCount: 3, hidden: [5], as: Double.self, using: &generator)
        for input in FactorStructure.allCases {
            var settings = MethodSettings()
            settings.structures = SINGDStructures(input: input, output: .upperToeplitz)
            #expect(try settings.makeOptimizer(.singd, model: model, seed: 0).name == "singd")
        }
    }

    @Test("--help lists every method and model")
    func helpListsMethods() {
        let help = Train.helpMessage() + Compare.helpMessage()
        for method in OptimizerMethod.allCases { #expect(help.contains(method.rawValue)) }
        for model in ModelKind.allCases { #expect(help.contains(model.rawValue)) }
        let result = ToolHarness.run(["train", "--help"])
        #expect(result.status == 0)
        #expect(result.output.contains("--optimizer"))
    }

    @Test("info prints the backend, threads and precisions")
    func info() {
        let result = ToolHarness.run(["info"])
        #expect(result.status == 0)
        #expect(result.output.contains("BLAS threads:"))
        #expect(result.output.contains("float32") && result.output.contains("float64"))
        #expect(result.output.contains("FFTW"))
    }
}
