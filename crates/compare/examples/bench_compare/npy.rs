//! Reading sentence vectors computed ahead of time by the NumPy reference of the model
//! (`scripts/embed_reference.py MODEL --jsonl IN FIELD OUT.npy`): a float32 matrix in
//! NumPy's `.npy` format, version 1 to 3, little-endian, C order.

use std::path::Path;

/// Rows of a 2-d float32 `.npy` file.
pub(crate) fn read_matrix(path: &Path) -> Result<Vec<Vec<f32>>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let fail = |why: &str| format!("{}: {why}", path.display());
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err(fail("not a .npy file"));
    }
    let (header_len, start) = match bytes[6] {
        1 => (usize::from(u16::from_le_bytes([bytes[8], bytes[9]])), 10),
        2 | 3 if bytes.len() >= 12 => {
            (u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize, 12)
        }
        _ => return Err(fail("unknown .npy version")),
    };
    let header = bytes
        .get(start..start + header_len)
        .and_then(|h| std::str::from_utf8(h).ok())
        .ok_or_else(|| fail("truncated header"))?;
    if !header.contains("'descr': '<f4'") || !header.contains("'fortran_order': False") {
        return Err(fail("expected little-endian float32 in C order"));
    }
    let shape = header
        .split("'shape': (")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .ok_or_else(|| fail("no shape"))?;
    let dims: Vec<usize> = shape
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|_| fail("bad shape")))
        .collect::<Result<_, _>>()?;
    let [rows, cols] = dims[..] else { return Err(fail("expected a 2-d matrix")) };
    let data = &bytes[start + header_len..];
    if data.len() != rows * cols * 4 {
        return Err(fail("data length does not match the shape"));
    }
    Ok(data
        .chunks_exact(cols * 4)
        .map(|row| {
            row.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
        })
        .collect())
}
