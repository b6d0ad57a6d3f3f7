import ArgumentParser
import CurvatureOptimizers
import DenseLinearAlgebra
import Distributed
import Foundation

/// `kronkit info`: the linked BLAS/LAPACK/FFTW configuration, the OpenBLAS core (how it was
/// chosen, the CPU's capabilities, its self-check), threads and precisions.
struct Info: ToolCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the BLAS, LAPACK and FFTW configuration, the BLAS kernels and their self-check, "
            + "threads and precisions.")

    func execute(in context: CommandContext) {
        for line in Self.lines(communicator: context.communicator) { context.console.print(line) }
    }

    /// The report, one line per fact.
    static func lines(communicator: any Communicator = SingleProcessCommunicator()) -> [String] {
        ["BLAS/LAPACK:  \(BLASConfiguration.configuration) (OpenBLAS's build string; LAPACKE from liblapacke)"] + kernelLines() + [
            "BLAS threads: \(BLASConfiguration.threads) (cores available: \(ProcessInfo.processInfo.activeProcessorCount); "
                + "set OPENBLAS_NUM_THREADS to change)",
            "FFTW:         \(BLASConfiguration.fftwVersion)",
            "Precisions:   float32 (Float, s-routines), float64 (Double, d-routines), bfloat16 and float16 "
                + "(stored in 16 bits, computed in Float); --precision selects",
            "Methods:      \(OptimizerMethod.allCases.map(\.rawValue).joined(separator: ", "))",
            "Models:       \(ModelKind.allCases.map(\.rawValue).joined(separator: ", "))",
            "Processes:    rank \(communicator.rank) of \(communicator.size) "
                + (communicator.size > 1 ? "(MPI, data-parallel: each rank trains on its slice of every batch)"
                    : "(one process; start with mpirun -np P for data-parallel training)"),
        ]
    }
}
