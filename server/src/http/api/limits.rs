//! The per-token rate limit: a token bucket per token, kept in memory on each app node.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Buckets of requests per token.
pub struct RateLimiter {
    per_minute: f64,
    buckets: Mutex<HashMap<i64, Bucket>>,
}

struct Bucket {
    left: f64,
    at: Instant,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` requests a minute per token, in bursts of as many.
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_minute: f64::from(per_minute.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from the token's bucket; `Err(seconds)` to wait when it is empty.
    pub fn take(&self, token_id: i64) -> Result<(), u64> {
        let now = Instant::now();
        let per_second = self.per_minute / 60.0;
        // A poisoned lock only means another request panicked mid-update; the counts are
        // still usable.
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() > 100_000 {
            // Tokens idle long enough to have refilled carry no state worth keeping.
            let full = self.per_minute / per_second;
            buckets.retain(|_, bucket| now.duration_since(bucket.at).as_secs_f64() < full);
        }
        let bucket = buckets.entry(token_id).or_insert(Bucket {
            left: self.per_minute,
            at: now,
        });
        let refill = now.duration_since(bucket.at).as_secs_f64() * per_second;
        bucket.left = (bucket.left + refill).min(self.per_minute);
        bucket.at = now;
        if bucket.left >= 1.0 {
            bucket.left -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.left) / per_second).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RateLimiter;

    #[test]
    fn a_token_is_stopped_after_its_allowance_and_others_are_not() {
        let limiter = RateLimiter::new(3);
        assert!(limiter.take(1).is_ok());
        assert!(limiter.take(1).is_ok());
        assert!(limiter.take(1).is_ok());
        let wait = limiter.take(1).expect_err("fourth request in a minute");
        assert!((1..=20).contains(&wait), "{wait}");
        assert!(limiter.take(2).is_ok());
    }
}
