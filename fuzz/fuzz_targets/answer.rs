#![no_main]
//! See `briefbot_fuzz::checks::answer` for what is asserted.

libfuzzer_sys::fuzz_target!(|data: &[u8]| briefbot_fuzz::checks::answer(data));
