//! Retry timing: exponential backoff with jitter and a cap.

use rand::Rng;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Backoff {
    /// The wait before attempt `attempts + 1`: `base · 2^(attempts-1)`, capped, then a random
    /// point in its upper half so that many phones coming back online do not retry in step.
    pub fn delay(&self, attempts: u32, rng: &mut impl Rng) -> Duration {
        let exponent = attempts.saturating_sub(1).min(30);
        let full = self.base.saturating_mul(1u32 << exponent).min(self.cap);
        let millis = full.as_millis() as u64;
        Duration::from_millis(rng.random_range(millis / 2..=millis.max(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_then_stop_at_the_cap_with_jitter() {
        let backoff = Backoff {
            base: Duration::from_secs(2),
            cap: Duration::from_secs(600),
        };
        let mut rng = rand::rng();
        for (attempts, low, high) in [
            (1, 1_000, 2_000),
            (2, 2_000, 4_000),
            (5, 16_000, 32_000),
            (12, 300_000, 600_000),
            (40, 300_000, 600_000),
        ] {
            let seen: Vec<u128> = (0..200)
                .map(|_| backoff.delay(attempts, &mut rng).as_millis())
                .collect();
            assert!(
                seen.iter().all(|d| (low..=high).contains(d)),
                "attempt {attempts}: {seen:?}"
            );
            assert!(
                seen.iter().any(|d| *d != seen[0]),
                "attempt {attempts} has no jitter"
            );
        }
    }
}
