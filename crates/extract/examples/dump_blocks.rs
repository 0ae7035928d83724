//! Debug: dump blocks of one page.
use std::io::Read;
fn main() {
    let p = std::env::args().nth(1).unwrap();
    let raw = std::fs::read(&p).unwrap();
    let mut buf = Vec::new();
    if p.ends_with(".gz") { flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut buf).unwrap(); } else { buf = raw; }
    print!("{}", chorus_extract::debug_dump(&buf));
}
