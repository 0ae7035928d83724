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

/// The scale between a unit vector's components and their `i8` codes.
const SCALE: f32 = 127.0;

/// A unit vector as one signed byte per component: `round(x * 127)`.
///
/// A quarter of the `f32` size; the components of a unit vector lie in `[-1, 1]`, so
/// nothing saturates (values outside are clamped, and NaN becomes 0). For 384-component
/// sentence vectors the cosine of two quantised vectors ([`cosine_i8`]) is within about
/// 0.001 of the cosine of the originals; the crate's tests measure the bound on their
/// golden vectors.
pub fn quantize(v: &[f32]) -> Vec<i8> {
    v.iter()
        .map(|x| (x * SCALE).round().clamp(-SCALE, SCALE) as i8)
        .collect()
}

/// The `f32` vector a [`quantize`]d one stands for: `q / 127`.
///
/// Close to unit length but not exactly; [`cosine_i8`] normalises, [`cosine`] on the
/// result does not.
pub fn dequantize(q: &[i8]) -> Vec<f32> {
    q.iter().map(|&x| f32::from(x) / SCALE).collect()
}

/// The cosine similarity of two [`quantize`]d vectors, in integer arithmetic.
///
/// Rounding leaves the codes slightly off unit length, so this divides by their norms;
/// that halves the error of taking the dot product over `127²`. An all-zero vector has
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
        assert_eq!(quantize(&[1.0, -1.0, 0.5, 2.0, -3.0, f32::NAN]), [127, -127, 64, 127, -127, 0]);
        assert_eq!(dequantize(&[127, -127, 0]), [1.0, -1.0, 0.0]);
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
