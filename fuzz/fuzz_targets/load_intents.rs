#![no_main]
//! See `briefbot_fuzz::checks::load_intents` for what is asserted.

libfuzzer_sys::fuzz_target!(|data: &[u8]| briefbot_fuzz::checks::load_intents(data));
