// Included FIRST by each kernel .cc file: GCC will not inline a function
// whose optimisation options differ from its caller's, so every inline
// function of the file (ours and the standard library's) must see the same
// pragma. Never include it from a header.
//
// The project builds with -O2, whose "very cheap" vectoriser skips any loop
// that needs an epilogue, and with trapping semantics that forbid
// speculating a guarded division. The kernels' element-wise loops are written
// branch-free (divide, then select) and are only fast once vectorised, so ask
// GCC for that here. Results do not change: no fast-math, no reassociation,
// no contraction (sqrt goes through SqrtInPlace in kernel.h). Clang
// vectorises these loops at -O2 without help.
#pragma once

// OHLCV_KERNEL_CLONES on a kernel function compiles it twice, for AVX2 and
// for the baseline ISA, and picks one at load time (ifunc): the vectorised
// loops then run 4 doubles wide where the CPU allows. AVX2 without FMA, so
// both clones round identically.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define OHLCV_KERNEL_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define OHLCV_KERNEL_CLONES
#endif

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("tree-vectorize", "vect-cost-model=dynamic", "no-math-errno", \
                     "no-trapping-math")
#endif
