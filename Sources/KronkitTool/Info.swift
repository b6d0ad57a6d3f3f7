import ArgumentParser
import DenseLinearAlgebra
import Foundation

/// `kronkit info`: the linked BLAS/LAPACK/FFTW configuration, threads and precisions.
struct Info: ToolCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the BLAS, LAPACK and FFTW configuration, threads and precision support.")

    func execute(in context: CommandContext) {
        for line in Self.lines() { context.console.print(line) }
    }

    /// The report, one line per fact.
    static func lines() -> [String] {
        [
            "BLAS/LAPACK:  \(BackendConfiguration.blasConfiguration) (LAPACKE C interface)",
            "BLAS core:    \(BackendConfiguration.blasCoreName)",
            "BLAS threads: \(BackendConfiguration.blasThreads) (cores available: \(ProcessInfo.processInfo.activeProcessorCount); "
                + "set OPENBLAS_NUM_THREADS to change)",
            "FFTW:         \(BackendConfiguration.fftwVersion)",
            "Precisions:   float32 (Float, s-routines), float64 (Double, d-routines); --precision selects",
            "Methods:      \(Method.allCases.map(\.rawValue).joined(separator: ", "))",
            "Models:       \(ModelKind.allCases.map(\.rawValue).joined(separator: ", "))",
        ]
    }
}
