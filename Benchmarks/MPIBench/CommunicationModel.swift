/// The communication of one data-parallel step, as `Notes/Distributed.md` derives it: the numbers
/// in each process's buffers (what `CommunicationStatistics` counts) and the numbers each process
/// receives under the usual algorithms, for an MLP whose layers are `d_out × d_in` (bias folded into `d_in`),
/// on a global batch of `B = P·b` examples with the Monte-Carlo Fisher (one extra pass).
/// Omitted: the loss (1 number), the refresh's failure flags (`P` integers), and the manifests and
/// tensor lengths of the refresh broadcasts (a few kB per layer).
struct CommunicationModel {
    enum Method: CustomStringConvertible {
        case sgd, kfac, ekfac
        case bKFAC(rank: Int)
        case rsKFAC(rank: Int)

        var description: String {
            switch self {
            case .sgd: "SGD"
            case .kfac: "K-FAC"
            case .ekfac: "EKFAC"
            case let .bKFAC(rank): "B-KFAC (r \(rank))"
            case let .rsKFAC(rank): "RS-KFAC (r \(rank))"
            }
        }
    }

    /// `(d_in, d_out)` per layer, bias included in `d_in`.
    var layers: [(input: Int, output: Int)]
    var classes: Int
    var globalBatch: Int
    var ranks: Int
    var factorPeriod = 10
    var inversePeriod = 100

    /// An MLP `784-w-w-10` with biases.
    static func mlp(width: Int, globalBatch: Int, ranks: Int) -> CommunicationModel {
        CommunicationModel(layers: [(785, width), (width + 1, width), (width + 1, 10)], classes: 10,
                           globalBatch: globalBatch, ranks: ranks)
    }

    var localBatch: Int { globalBatch / ranks }

    /// One step's numbers by collective: each process's buffer in the all-reduces, its contribution
    /// to the all-gathers, and the broadcasts' buffers.
    struct Volume {
        var allReduce = 0
        var allGather = 0
        var broadcast = 0

        var payload: Int { allReduce + allGather + broadcast }

        static func + (a: Volume, b: Volume) -> Volume {
            Volume(allReduce: a.allReduce + b.allReduce, allGather: a.allGather + b.allGather,
                   broadcast: a.broadcast + b.broadcast)
        }
    }

    /// Every step: the gradients' all-reduce, and for the K-FAC family the gather of the factors of
    /// the gradients that are preconditioned in their rank-`B` form (where
    /// `B·(d_out² + d_in² + d_out·d_in) < d_out·d_in·(d_out + d_in)`).
    func everyStep(_ method: Method) -> Volume {
        let gradients = layers.reduce(0) { $0 + $1.input * $1.output }
        if case .sgd = method { return Volume(allReduce: gradients) }
        return Volume(allReduce: gradients, allGather: layers.reduce(0) { total, layer in
            let (dIn, dOut, m) = (Double(layer.input), Double(layer.output), Double(globalBatch))
            let factored = m * (dOut * dOut + dIn * dIn + dOut * dIn) < dOut * dIn * (dOut + dIn)
            return total + (factored ? (layer.input + layer.output) * localBatch : 0)
        })
    }

    /// A factor step: the outputs (for the sampled labels) and every layer's capture.
    func factorStep(_ method: Method) -> Volume {
        if case .sgd = method { return Volume() }
        return Volume(allGather: classes * localBatch + layers.reduce(0) { $0 + ($1.input + $1.output) * localBatch })
    }

    /// A refresh step: what each block's refresh changed, broadcast from its process.
    func refreshStep(_ method: Method) -> Volume {
        switch method {
        case .sgd, .bKFAC: return Volume()
        case .kfac:
            return Volume(broadcast: layers.reduce(0) { $0 + $1.input * ($1.input + 1) + $1.output * ($1.output + 1) })
        case .ekfac:
            return refreshStep(.kfac) + Volume(broadcast: layers.reduce(0) { $0 + $1.input * $1.output })
        case let .rsKFAC(rank):
            // The new bases U (n × r) and eigenvalues (r) of both factors.
            return Volume(broadcast: layers.reduce(0) {
                $0 + ($1.input + 1) * min(rank, $1.input) + ($1.output + 1) * min(rank, $1.output)
            })
        }
    }

    /// The numbers one process receives per step, amortised over the periods, under the usual
    /// algorithms: a ring all-reduce moves `2(P−1)/P` times its buffer in and out, an all-gather
    /// brings in the `P−1` other contributions, a broadcast its buffer once.
    func receivedPerStep(_ method: Method) -> Double {
        let p = Double(ranks)
        func received(_ volume: Volume) -> Double {
            2 * (p - 1) / p * Double(volume.allReduce) + (p - 1) * Double(volume.allGather) + Double(volume.broadcast)
        }
        return received(everyStep(method)) + received(factorStep(method)) / Double(factorPeriod)
            + received(refreshStep(method)) / Double(inversePeriod)
    }

    /// The numbers in a process's buffers over steps `0..<steps` (factor steps at multiples of the factor period, refreshes at
    /// multiples of the inverse period, as the optimizer schedules them).
    func numbers(_ method: Method, steps: Int) -> Int {
        (0..<steps).reduce(0) { total, step in
            total + everyStep(method).payload + (step % factorPeriod == 0 ? factorStep(method).payload : 0)
                + (step % inversePeriod == 0 ? refreshStep(method).payload : 0)
        }
    }
}
