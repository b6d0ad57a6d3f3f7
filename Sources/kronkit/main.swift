// The `kronkit` executable: everything lives in the KronkitTool library.
import KronkitTool

Kronkit.main()
