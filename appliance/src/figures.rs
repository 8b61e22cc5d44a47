//! Arithmetic the service figures share (letters, queue).

/// Nearest-rank percentile of sorted values: the smallest value with at
/// least `p`% of the values at or below it (a real observed time, never an
/// interpolated one).
pub fn percentile<T: Copy>(sorted: &[T], p: usize) -> Option<T> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        assert_eq!(percentile::<i64>(&[], 50), None);
        assert_eq!(percentile(&[7], 90), Some(7));
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 50), Some(5));
        assert_eq!(percentile(&v, 90), Some(9));
        let v: Vec<i64> = (1..=11).collect();
        assert_eq!(percentile(&v, 50), Some(6));
        assert_eq!(percentile(&v, 90), Some(10));
        let hours = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert_eq!(percentile(&hours, 50), Some(5.0));
        assert_eq!(percentile(&hours, 90), Some(9.0));
        assert_eq!(percentile::<f64>(&[], 50), None);
    }
}
