// The C interfaces KronKit builds on: CBLAS and the OpenBLAS extensions,
// LAPACKE (column-major LAPACK), and FFTW 3 in single and double precision.
#ifndef KRONKIT_CLINEARALGEBRA_SHIM_H
#define KRONKIT_CLINEARALGEBRA_SHIM_H
#include <cblas.h>
#include <lapacke.h>
#include <fftw3.h>

/// FFTW's version string (an unsized extern array Swift cannot import directly).
static inline const char *kronkit_fftw_version(void) { return fftw_version; }
#endif
