//! Fuzzes the WhatsApp parser: it must never panic, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use probity_server::messages::{Format, ReadOptions, read};

fuzz_target!(|data: &[u8]| {
    let options = ReadOptions {
        time_zone: jiff::tz::TimeZone::UTC,
        day_first: data.first().map(|byte| byte % 2 == 0),
        owner: "owner".to_string(),
        participants: Vec::new(),
    };
    let _ = probity_server::messages::whatsapp::survey(data);
    let mut count = 0usize;
    let _ = read(Format::WhatsApp, data, &options, &mut |_| {
        count += 1;
        true
    });
});
