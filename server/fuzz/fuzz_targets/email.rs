//! Fuzzes the e-mail parsers (.eml and .mbox): they must never panic, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use probity_server::messages::{Format, ReadOptions, read};

fuzz_target!(|data: &[u8]| {
    let options = ReadOptions {
        time_zone: jiff::tz::TimeZone::UTC,
        day_first: None,
        owner: String::new(),
        participants: Vec::new(),
    };
    for format in [Format::Email, Format::Mbox] {
        let _ = read(format, data, &options, &mut |_| true);
    }
});
