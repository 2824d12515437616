#![no_main]
//! See `briefbot_fuzz::checks::regex_pattern` for what is asserted.

libfuzzer_sys::fuzz_target!(|data: &[u8]| briefbot_fuzz::checks::regex_pattern(data));
