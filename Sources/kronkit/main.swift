// The `kronkit` executable: everything lives in the KronkitTool library. OpenBLAS's kernel
// set is chosen first, before any BLAS call (this may re-execute the process; Notes/BLASCores.md).
import BLASCoreSelection
import KronkitTool

CoreSelection.applyAtStartup(program: "kronkit")
Kronkit.main()
