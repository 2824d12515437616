//! The invariants the fuzz targets assert. They live in `checks.rs`, which the
//! main crate's tests also compile (`tests/it/fuzz_regressions` through
//! `tests/it/properties.rs`), so a crasher kept in `tests/data/fuzz/` is
//! replayed through exactly the code the fuzzer ran.

pub mod checks;
