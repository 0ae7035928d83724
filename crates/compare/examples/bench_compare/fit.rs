//! Logistic regression with an L2 penalty, fitted by Newton's method on standardised
//! features, and thresholds chosen for accuracy.

/// A fitted model in the features' own units: `p = 1 / (1 + exp(-(bias + w · x)))`.
#[derive(Clone, Debug)]
pub(crate) struct Logistic {
    pub(crate) bias: f64,
    pub(crate) weights: Vec<f64>,
}

impl Logistic {
    pub(crate) fn probability(&self, x: &[f32]) -> f64 {
        let z = self.bias + self.weights.iter().zip(x).map(|(w, &v)| w * f64::from(v)).sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }
}

/// Fits `y ~ x` with penalty `lambda / 2 · |w|²` on the standardised weights (not the
/// bias). Features with no spread get weight 0.
pub(crate) fn fit(x: &[Vec<f32>], y: &[bool], lambda: f64) -> Logistic {
    let n = x.len();
    let d = x[0].len();
    let mean: Vec<f64> =
        (0..d).map(|j| x.iter().map(|r| f64::from(r[j])).sum::<f64>() / n as f64).collect();
    let sd: Vec<f64> = (0..d)
        .map(|j| {
            let v = x.iter().map(|r| (f64::from(r[j]) - mean[j]).powi(2)).sum::<f64>() / n as f64;
            v.sqrt()
        })
        .collect();
    let z: Vec<Vec<f64>> = x
        .iter()
        .map(|r| {
            let mut v = vec![1.0];
            v.extend(
                (0..d)
                    .map(|j| if sd[j] > 1e-9 { (f64::from(r[j]) - mean[j]) / sd[j] } else { 0.0 }),
            );
            v
        })
        .collect();
    let k = d + 1;
    let mut beta = vec![0.0; k];
    for _ in 0..50 {
        let mut grad = vec![0.0; k];
        let mut hess = vec![vec![0.0; k]; k];
        for (row, &label) in z.iter().zip(y) {
            let t: f64 = row.iter().zip(&beta).map(|(a, b)| a * b).sum();
            let p = 1.0 / (1.0 + (-t).exp());
            let e = p - f64::from(u8::from(label));
            let w = (p * (1.0 - p)).max(1e-12);
            for a in 0..k {
                grad[a] += e * row[a];
                for b in 0..k {
                    hess[a][b] += w * row[a] * row[b];
                }
            }
        }
        for a in 1..k {
            grad[a] += lambda * beta[a];
            hess[a][a] += lambda;
        }
        let step = solve(hess, grad);
        let mut largest: f64 = 0.0;
        for a in 0..k {
            beta[a] -= step[a];
            largest = largest.max(step[a].abs());
        }
        if largest < 1e-10 {
            break;
        }
    }
    let weights: Vec<f64> =
        (0..d).map(|j| if sd[j] > 1e-9 { beta[j + 1] / sd[j] } else { 0.0 }).collect();
    let bias = beta[0] - weights.iter().zip(&mean).map(|(w, m)| w * m).sum::<f64>();
    Logistic { bias, weights }
}

/// Solves `a · x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for col in 0..n {
        let pivot =
            (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs())).unwrap_or(col);
        a.swap(col, pivot);
        b.swap(col, pivot);
        let p = a[col][col];
        if p.abs() < 1e-15 {
            continue;
        }
        let (top, bottom) = a.split_at_mut(col + 1);
        let pivot_row = &top[col];
        for (r, row) in bottom.iter_mut().enumerate() {
            let f = row[col] / p;
            for (x, y) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * y;
            }
            b[col + 1 + r] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|c| a[row][c] * x[c]).sum();
        x[row] = if a[row][row].abs() < 1e-15 { 0.0 } else { (b[row] - s) / a[row][row] };
    }
    x
}

/// The threshold on `score` (predict "same" at or above it) with the best accuracy on
/// these pairs; ties go to the lower threshold.
pub(crate) fn best_threshold(score: &[f32], y: &[bool]) -> f32 {
    let mut order: Vec<usize> = (0..score.len()).collect();
    order.sort_by(|&a, &b| score[a].total_cmp(&score[b]));
    // Threshold below everything: all predicted "same".
    let mut correct = y.iter().filter(|&&s| s).count();
    let mut best = (correct, f32::NEG_INFINITY);
    for (k, &i) in order.iter().enumerate() {
        // Moving the threshold above score[i]: pair i now predicted "not same".
        correct = if y[i] { correct - 1 } else { correct + 1 };
        let next = order.get(k + 1).map(|&j| score[j]);
        if next != Some(score[i]) && correct > best.0 {
            let t = next.map_or(score[i] + 1e-6, |n| (score[i] + n) / 2.0);
            best = (correct, t);
        }
    }
    best.1
}
