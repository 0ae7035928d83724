//! Comparing vectors, and storing them compactly.

/// The cosine similarity of two unit vectors, which is their dot product.
///
/// Vectors from [`Embedder::embed`](crate::Embedder::embed) are unit length, so no norms
/// are computed. Vectors of different lengths come from different models and have no
/// meaningful similarity; they are compared over the shorter length rather than
/// panicking.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The largest code: a component as large as the vector's largest maps to ±127.
const SCALE: f32 = 127.0;

/// A unit vector as one signed byte per component, a quarter of the `f32` size.
///
/// Each vector is scaled so that its largest component becomes ±127, then rounded. The
/// scale itself is not kept: a unit vector's direction is all that matters, and
/// [`dequantize`] and [`cosine_i8`] restore unit length. Scaling by the largest
/// component rather than by 127 uses the whole `i8` range: the components of a
/// 384-dimensional sentence vector rarely exceed 0.2, so a fixed `x * 127` would use
/// codes up to about 25 and cost six times the error. On the crate's golden vectors the
/// cosine of two codes ([`cosine_i8`]) is within 0.0016 of the cosine of the originals
/// (0.0005 on average; `x * 127` gives 0.0097).
///
/// Non-finite components become 0; an all-zero vector gives all-zero codes.
pub fn quantize(v: &[f32]) -> Vec<i8> {
    let largest = v.iter().filter(|x| x.is_finite()).fold(0.0f32, |m, x| m.max(x.abs()));
    if largest == 0.0 {
        return vec![0; v.len()];
    }
    let scale = SCALE / largest;
    v.iter()
        .map(|x| if x.is_finite() { (x * scale).round().clamp(-SCALE, SCALE) as i8 } else { 0 })
        .collect()
}

/// The unit vector a [`quantize`]d one stands for: the codes scaled to length 1.
///
/// All-zero codes give an all-zero vector.
pub fn dequantize(q: &[i8]) -> Vec<f32> {
    let norm = q.iter().map(|&x| f64::from(x) * f64::from(x)).sum::<f64>().sqrt();
    if norm == 0.0 {
        return vec![0.0; q.len()];
    }
    q.iter().map(|&x| (f64::from(x) / norm) as f32).collect()
}

/// The cosine similarity of two [`quantize`]d vectors, in integer arithmetic.
///
/// Codes carry no scale, so this divides by their norms. An all-zero vector has
/// similarity 0 with everything. Vectors of different lengths are compared over the
/// shorter length.
pub fn cosine_i8(a: &[i8], b: &[i8]) -> f32 {
    let (mut dot, mut aa, mut bb) = (0i64, 0i64, 0i64);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (i64::from(x), i64::from(y));
        dot += x * y;
        aa += x * x;
        bb += y * y;
    }
    if aa == 0 || bb == 0 {
        return 0.0;
    }
    (dot as f64 / ((aa as f64).sqrt() * (bb as f64).sqrt())) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantize_clamps_and_rounds() {
        assert_eq!(quantize(&[0.5, -0.25, 0.1, f32::NAN, f32::INFINITY]), [127, -64, 25, 0, 0]);
        assert_eq!(quantize(&[0.0, 0.0]), [0, 0]);
        assert_eq!(dequantize(&[3, -4, 0]), [0.6, -0.8, 0.0]);
        assert_eq!(dequantize(&[0, 0]), [0.0, 0.0]);
    }

    #[test]
    fn cosine_i8_of_zero_vector_is_zero() {
        assert_eq!(cosine_i8(&[0, 0], &[3, 4]), 0.0);
        assert!((cosine_i8(&[3, 4], &[3, 4]) - 1.0).abs() < 1e-6);
        assert!((cosine_i8(&[3, 4], &[-3, -4]) + 1.0).abs() < 1e-6);
    }

    #[test]
    fn cosine_of_unit_vectors_is_dot_product() {
        let a = [0.6, 0.8];
        let b = [0.8, 0.6];
        assert!((cosine(&a, &b) - 0.96).abs() < 1e-6);
        assert_eq!(cosine(&a, &[]), 0.0);
    }
}
