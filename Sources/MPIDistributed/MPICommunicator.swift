import CMPI
import Distributed
import Foundation
import Synchronization

/// The processes that `mpirun` started (`MPI_COMM_WORLD`) as a ``/Distributed/Communicator``, on Open MPI.
///
/// MPI is initialised once per process, by the first ``world()`` (`MPI_Init_thread` with
/// `MPI_THREAD_FUNNELED`: only the thread that calls the collectives talks to MPI), and
/// finalised when the process exits normally. Errors are returned, not fatal
/// (`MPI_ERRORS_RETURN`), and become ``/Distributed/CommunicationError/library(operation:code:message:)``
/// naming the operation. Every operation counts its calls, bytes and seconds in ``statistics``.
///
/// A process that was not started by `mpirun` never needs this type: use
/// ``isLaunchedByMPIRun`` to choose it, and ``/Distributed/SingleProcessCommunicator`` otherwise.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    private let tallies = Mutex(CommunicationStatistics())

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// `true` when the process was started by Open MPI's `mpirun` (it sets
    /// `OMPI_COMM_WORLD_SIZE`; PMIx launchers set `PMIX_RANK`).
    public static var isLaunchedByMPIRun: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil
    }

    /// The world communicator, initialising MPI on the first call.
    /// - Throws: ``/Distributed/CommunicationError/library(operation:code:message:)`` when MPI cannot be
    ///   initialised or does not grant funnelled threading.
    public static func world() throws -> MPICommunicator {
        try shared.get()
    }

    /// Initialised once (a lazily initialised constant): MPI may be initialised only once per process.
    private static let shared: Result<MPICommunicator, CommunicationError> = {
        do throws(CommunicationError) {
            return .success(try initialize())
        } catch {
            return .failure(error)
        }
    }()

    private static func initialize() throws(CommunicationError) -> MPICommunicator {
        var initialized: Int32 = 0
        try check(MPI_Initialized(&initialized), "MPI_Initialized")
        if initialized == 0 {
            var provided: Int32 = 0
            try check(MPI_Init_thread(nil, nil, Int32(MPI_THREAD_FUNNELED), &provided), "MPI_Init_thread")
            guard provided >= Int32(MPI_THREAD_FUNNELED) else {
                throw .library(operation: "MPI_Init_thread", code: Int(provided),
                               message: "the library grants thread level \(provided), below MPI_THREAD_FUNNELED")
            }
            atexit {
                var finalized: Int32 = 0
                MPI_Finalized(&finalized)
                if finalized == 0 { MPI_Finalize() }
            }
        }
        try check(MPI_Comm_set_errhandler(cmpi_comm_world(), cmpi_errors_return()), "MPI_Comm_set_errhandler")
        var rank: Int32 = 0
        var size: Int32 = 0
        try check(MPI_Comm_rank(cmpi_comm_world(), &rank), "MPI_Comm_rank")
        try check(MPI_Comm_size(cmpi_comm_world(), &size), "MPI_Comm_size")
        return MPICommunicator(rank: Int(rank), size: Int(size))
    }

    public var statistics: CommunicationStatistics { tallies.withLock { $0 } }

    public func allReduceSum<Scalar: CommunicableScalar>(_ buffer: UnsafeMutableBufferPointer<Scalar>) throws {
        let count = try Self.count(buffer.count, "MPI_Allreduce")
        try timed(\.allReduce, bytes: buffer.count * Scalar.communicationKind.byteCount) {
            try Self.check(MPI_Allreduce(cmpi_in_place(), buffer.baseAddress, count, Self.datatype(Scalar.self), cmpi_sum(),
                                         cmpi_comm_world()), "MPI_Allreduce")
        }
    }

    public func broadcast<Scalar: CommunicableScalar>(_ buffer: UnsafeMutableBufferPointer<Scalar>, from root: Int) throws {
        try requireRank(root, "MPI_Bcast")
        let count = try Self.count(buffer.count, "MPI_Bcast")
        try timed(\.broadcast, bytes: buffer.count * Scalar.communicationKind.byteCount) {
            try Self.check(MPI_Bcast(buffer.baseAddress, count, Self.datatype(Scalar.self), Int32(root), cmpi_comm_world()),
                           "MPI_Bcast")
        }
    }

    public func allGather<Scalar: CommunicableScalar>(_ contribution: UnsafeBufferPointer<Scalar>,
                                                      into result: UnsafeMutableBufferPointer<Scalar>) throws {
        guard result.count == contribution.count * size else {
            throw CommunicationError.invalidArgument(
                operation: "MPI_Allgather",
                detail: "result holds \(result.count) elements, expected \(size)·\(contribution.count)")
        }
        let count = try Self.count(contribution.count, "MPI_Allgather")
        let type = Self.datatype(Scalar.self)
        try timed(\.allGather, bytes: contribution.count * Scalar.communicationKind.byteCount) {
            try Self.check(MPI_Allgather(contribution.baseAddress, count, type, result.baseAddress, count, type,
                                         cmpi_comm_world()), "MPI_Allgather")
        }
    }

    public func barrier() throws {
        try timed(\.barrier, bytes: 0) { try Self.check(MPI_Barrier(cmpi_comm_world()), "MPI_Barrier") }
    }

    /// Ends every process of the job at once with `code` (`MPI_Abort`): what a process that failed
    /// alone must do, since the others would wait for it in their next collective for ever.
    public func abort(exitCode code: Int32) -> Never {
        MPI_Abort(cmpi_comm_world(), code)
        exit(code)
    }

    /// Runs `body` and adds its time and `bytes` to the tally at `key`.
    private func timed(_ key: WritableKeyPath<CommunicationStatistics, CommunicationStatistics.Tally>, bytes: Int,
                       _ body: () throws -> Void) throws {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        tallies.withLock {
            $0[keyPath: key].calls += 1
            $0[keyPath: key].bytes += bytes
            $0[keyPath: key].seconds += seconds
        }
    }

    /// MPI counts are 32-bit: a larger buffer is refused by name rather than truncated.
    private static func count(_ count: Int, _ operation: String) throws -> Int32 {
        guard let value = Int32(exactly: count) else {
            throw CommunicationError.invalidArgument(operation: operation,
                                                     detail: "\(count) elements exceed MPI's 32-bit count")
        }
        return value
    }

    private static func datatype<Scalar: CommunicableScalar>(_: Scalar.Type) -> MPI_Datatype {
        switch Scalar.communicationKind {
        case .float32: cmpi_float()
        case .float64: cmpi_double()
        case .uint8: cmpi_uint8()
        case .int64: cmpi_int64()
        }
    }

    /// Throws the library's error text for a code other than `MPI_SUCCESS`.
    private static func check(_ code: Int32, _ operation: String) throws(CommunicationError) {
        guard code != Int32(MPI_SUCCESS) else { return }
        var text = [CChar](repeating: 0, count: Int(MPI_MAX_ERROR_STRING) + 1)
        var length: Int32 = 0
        let message = MPI_Error_string(code, &text, &length) == Int32(MPI_SUCCESS)
            ? String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown error"
        throw .library(operation: operation, code: Int(code), message: message)
    }
}
