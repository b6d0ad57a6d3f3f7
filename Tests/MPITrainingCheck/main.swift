// The data-parallel check of issue 18, run under `mpirun -np 2` by `make test-mpi` (and `make test`
// when mpirun is present): for SGD, K-FAC, EKFAC and B-KFAC in Float and Double, 20 data-parallel
// steps equal one process's steps on the same global batches within the summation-order bound of
// `EquivalenceCheck.bound`, and the parameters are bit-identical across the ranks. Exits 1 on a
// failure; rank 0 prints one line per case.
import Distributed
import Foundation
import MPIDistributed

let communicator: any Communicator = MPICommunicator.isLaunchedByMPIRun ? try MPICommunicator.world()
    : SingleProcessCommunicator()
/// Runs one case, prints its line on rank 0 and returns whether it passed.
func check<Scalar>(_ check: EquivalenceCheck<Scalar>) throws -> Bool {
    let outcome = try check.run()
    if communicator.isRoot {
        print("\(outcome.passed ? "ok  " : "FAIL") \(check.method.rawValue) \(Scalar.self), \(communicator.size) ranks, "
            + "batch \(check.globalBatch): relative difference \(outcome.relativeDifference) (bound \(outcome.bound)), "
            + "\(outcome.bitDifferencesAcrossRanks) parameters differ across ranks")
    }
    return outcome.passed
}

let globalBatch = 8 * communicator.size
var failures = 0
for method in EquivalenceCheck<Float>.Method.allCases
where !(try check(EquivalenceCheck<Float>(method: method, globalBatch: globalBatch, communicator: communicator))) {
    failures += 1
}
for method in EquivalenceCheck<Double>.Method.allCases
where !(try check(EquivalenceCheck<Double>(method: method, globalBatch: globalBatch, communicator: communicator))) {
    failures += 1
}
if communicator.isRoot { print(failures == 0 ? "MPI training check passed" : "MPI training check: \(failures) failures") }
exit(failures == 0 ? 0 : 1)
