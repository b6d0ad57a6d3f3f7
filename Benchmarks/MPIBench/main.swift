// `make bench-mpi`: data-parallel step time of SGD and K-FAC on the MLP 784-1024-1024-10 (Float,
// random Gaussian inputs, 10 classes), the time spent in communication, and the bytes each process
// sent against CommunicationModel's formula. Run it once alone and once under `mpirun -np 2`;
// `--table` prints the formula's table for Notes/Distributed.md instead.
import CurvatureOptimizers
import DenseLinearAlgebra
import Distributed
import Foundation
import MPIDistributed
import NeuralNetworks

let arguments = CommandLine.arguments
func option(_ name: String, default value: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let parsed = Int(arguments[index + 1])
    else { return value }
    return parsed
}

if arguments.contains("--table") {
    let widths = [1024, 2048, 4096, 8192]
    let rankCounts = [2, 4, 8, 16, 32, 64]
    let batch = option("--batch", default: 1024)
    let methods: [CommunicationModel.Method] = [.sgd, .kfac, .ekfac, .bKFAC(rank: 64), .rsKFAC(rank: 220)]
    print("MB (10⁶ bytes, Float) each process receives per step, MLP 784-w-w-10, global batch \(batch), T_cov 10, "
        + "T_inv 100 (ring all-reduce, all-gather, broadcast)")
    for method in methods {
        print("\n\(method)\n| width | " + rankCounts.map { "P = \($0)" }.joined(separator: " | ") + " |")
        print("|---:|" + String(repeating: "---:|", count: rankCounts.count))
        for width in widths {
            let cells = rankCounts.map { ranks in
                String(format: "%.1f", 4 * CommunicationModel.mlp(width: width, globalBatch: batch, ranks: ranks)
                    .receivedPerStep(method) / 1e6)
            }
            print("| \(width) | " + cells.joined(separator: " | ") + " |")
        }
    }
    exit(0)
}

let communicator: any Communicator = MPICommunicator.isLaunchedByMPIRun ? try MPICommunicator.world()
    : SingleProcessCommunicator()
let steps = option("--steps", default: 20)
let globalBatch = option("--batch", default: 128)
let width = 1024
let model = CommunicationModel(layers: [(785, width), (width + 1, width), (width + 1, 10)], classes: 10,
                               globalBatch: globalBatch, ranks: communicator.size, factorPeriod: 10, inversePeriod: 20)

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

func measure(_ method: CommunicationModel.Method) throws {
    var generator = Xoshiro256StarStar(seed: 18)
    var network = try Sequential<Float>([
        Dense(inputSize: 784, outputSize: width, initialization: .heNormal, using: &generator),
        Activation(.relu, size: width),
        Dense(inputSize: width, outputSize: width, initialization: .heNormal, using: &generator),
        Activation(.relu, size: width),
        Dense(inputSize: width, outputSize: 10, initialization: .glorotUniform, using: &generator),
    ])
    var optimizer: any Optimizer<Float>
    switch method {
    case .kfac:
        optimizer = try KFAC<Float>(model: network, options: .init(factorUpdatePeriod: model.factorPeriod,
                                                                   inverseUpdatePeriod: model.inversePeriod),
                                    configuration: .init(), seed: 7)
    default:
        optimizer = try StochasticGradientDescent<Float>(model: network)
    }
    let slice = try communicator.shard(of: globalBatch)
    let input = try Matrix<Float>.randomGaussian(rows: 784, columns: globalBatch, using: &generator)
    let labels = (0..<globalBatch).map { _ in Int.random(in: 0..<10, using: &generator) }
    let target = try Matrix<Float>.oneHot(labels, classCount: 10)
    let (localInput, localTarget) = (try input.columns(slice), try target.columns(slice))
    try communicator.barrier()
    let before = communicator.statistics
    let start = ContinuousClock.now
    for _ in 0..<steps {
        _ = try optimizer.step(&network, input: localInput, target: localTarget, loss: SoftmaxCrossEntropy<Float>(),
                               communicator: communicator)
    }
    let elapsed = seconds(ContinuousClock.now - start)
    let after = communicator.statistics
    let bytes = Double(after.totalBytes - before.totalBytes) / Double(steps)
    let communication = (after.totalSeconds - before.totalSeconds) / Double(steps)
    let predicted = communicator.size == 1 ? 0 : 4 * Double(model.numbers(method, steps: steps)) / Double(steps)
    if communicator.isRoot {
        let ratio = predicted > 0 ? String(format: "%.3f", bytes / predicted) : "–"
        print("| \(method) | \(communicator.size) | \(String(format: "%.1f", 1000 * elapsed / Double(steps))) | "
            + "\(String(format: "%.1f", 1000 * communication)) | \(String(format: "%.2f", bytes / 1e6)) | "
            + "\(String(format: "%.2f", predicted / 1e6)) | \(ratio) |")
    }
}

if communicator.isRoot {
    print("MLP 784-\(width)-\(width)-10, Float, global batch \(globalBatch), \(steps) steps (K-FAC: T_cov \(model.factorPeriod), "
        + "T_inv \(model.inversePeriod)), \(communicator.size) process(es)")
    print("| method | ranks | ms/step | communication ms/step | MB/step measured | MB/step formula | measured/formula |")
    print("|---|---:|---:|---:|---:|---:|---:|")
}
try measure(.sgd)
try measure(.kfac)
