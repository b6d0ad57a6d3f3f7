// The data-parallel check of issue 18, run under `mpirun -np 2` by `make test-mpi` (and `make test`
// when mpirun is present): for SGD, K-FAC and B-KFAC in Float and Double and EKFAC in Double (its
// eigenbasis-dependent correction has no summation-order bound in Float: Notes/Distributed.md), 20 data-parallel
// steps (factor steps every 2, refreshes every 5) equal one process's steps on the same global
// batches within `EquivalenceCheck.bound`, and the parameters are bit-identical across the ranks.
// Exits 1 on a failure; rank 0 prints one line per case.
import DataParallelTestSupport
import DenseLinearAlgebra
import Distributed
import Foundation
import MPIDistributed

let communicator: any Communicator = MPICommunicator.isLaunchedByMPIRun ? try MPICommunicator.world()
    : SingleProcessCommunicator()

/// Runs one case, prints its line on rank 0 and returns whether it passed on every rank.
func check<Scalar: LinearAlgebraScalar>(_ method: EquivalenceCheck<Scalar>.Method, _: Scalar.Type) throws -> Bool {
    let check = EquivalenceCheck<Scalar>(method: method, steps: 20, globalBatch: 8 * communicator.size,
                                         factorUpdatePeriod: 2, inverseUpdatePeriod: 5)
    let parallel = try check.train(on: communicator)
    let difference = EquivalenceCheck<Scalar>.relativeDifference(parallel, try check.train(on: SingleProcessCommunicator()))
    // Bit-identity across ranks: rank 0's parameters against this rank's, counted over every rank.
    var rootParameters = parallel
    for index in rootParameters.indices { try communicator.broadcast(&rootParameters[index], from: 0) }
    var counts = [Int64(EquivalenceCheck<Scalar>.bitDifferences(parallel, rootParameters)), difference <= check.bound ? 0 : 1]
    try communicator.allReduceSum(&counts)
    let passed = counts == [0, 0]
    if communicator.isRoot {
        print("\(passed ? "ok  " : "FAIL") \(method.rawValue) \(Scalar.self), \(communicator.size) ranks, batch "
            + "\(check.globalBatch): relative difference \(difference) (bound \(check.bound)), \(counts[0]) parameters "
            + "differ across ranks")
    }
    return passed
}

var failures = 0
for method: EquivalenceCheck<Float>.Method in [.sgd, .kfac, .bKFAC] where !(try check(method, Float.self)) {
    failures += 1
}
for method: EquivalenceCheck<Double>.Method in [.sgd, .kfac, .ekfac, .bKFAC] where !(try check(method, Double.self)) {
    failures += 1
}
if communicator.isRoot { print(failures == 0 ? "MPI training check passed" : "MPI training check: \(failures) failures") }
exit(failures == 0 ? 0 : 1)
