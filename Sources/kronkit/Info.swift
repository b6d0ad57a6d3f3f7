import ArgumentParser
import KronKit

/// `kronkit info`: the linked BLAS/LAPACK/FFTW configuration.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the BLAS, LAPACK and FFTW configuration.")

    func run() {
        print("BLAS/LAPACK: \(BackendConfiguration.blasConfiguration)")
        print("BLAS core:   \(BackendConfiguration.blasCoreName)")
        print("BLAS threads: \(BackendConfiguration.blasThreads)")
        print("FFTW:        \(BackendConfiguration.fftwVersion)")
        print("Precisions:  Float (s-routines), Double (d-routines)")
    }
}
