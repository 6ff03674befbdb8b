//! Rate limits kept in memory on each app node: a token bucket per key. The API keys them by
//! token; the public complaint pages by network address, which is never written anywhere.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::Instant;

/// Buckets of requests per key.
pub struct RateLimiter<K = i64> {
    /// Most requests in a burst.
    capacity: f64,
    /// Requests given back per second.
    per_second: f64,
    buckets: Mutex<HashMap<K, Bucket>>,
}

struct Bucket {
    left: f64,
    at: Instant,
}

impl<K: Hash + Eq + Clone> RateLimiter<K> {
    /// A limiter allowing `per_minute` requests a minute per key, in bursts of as many.
    pub fn new(per_minute: u32) -> RateLimiter<K> {
        let capacity = f64::from(per_minute.max(1));
        RateLimiter::with(capacity, capacity / 60.0)
    }

    /// A limiter allowing `per_hour` requests an hour per key, in bursts of as many.
    pub fn per_hour(per_hour: u32) -> RateLimiter<K> {
        let capacity = f64::from(per_hour.max(1));
        RateLimiter::with(capacity, capacity / 3600.0)
    }

    fn with(capacity: f64, per_second: f64) -> RateLimiter<K> {
        RateLimiter {
            capacity,
            per_second,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// The key's bucket brought up to now, under the lock, for `then` to read or take from.
    fn bucket<T>(&self, key: &K, then: impl FnOnce(&mut Bucket) -> T) -> T {
        let now = Instant::now();
        // A poisoned lock only means another request panicked mid-update; the counts are
        // still usable.
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() > 100_000 {
            // Keys idle long enough to have refilled carry no state worth keeping.
            let full = self.capacity / self.per_second;
            buckets.retain(|_, bucket| now.duration_since(bucket.at).as_secs_f64() < full);
        }
        let bucket = buckets.entry(key.clone()).or_insert(Bucket {
            left: self.capacity,
            at: now,
        });
        let refill = now.duration_since(bucket.at).as_secs_f64() * self.per_second;
        bucket.left = (bucket.left + refill).min(self.capacity);
        bucket.at = now;
        then(bucket)
    }

    /// Seconds until the key may make a request, from a bucket with less than one left.
    fn wait(&self, left: f64) -> u64 {
        ((1.0 - left) / self.per_second).ceil().max(1.0) as u64
    }

    /// Takes one request from the key's bucket; `Err(seconds)` to wait when it is empty.
    pub fn take(&self, key: K) -> Result<(), u64> {
        self.bucket(&key, |bucket| {
            if bucket.left >= 1.0 {
                bucket.left -= 1.0;
                Ok(())
            } else {
                Err(bucket.left)
            }
        })
        .map_err(|left| self.wait(left))
    }

    /// Whether the key could make a request now, without taking one; `Err(seconds)` to wait.
    pub fn check(&self, key: &K) -> Result<(), u64> {
        self.bucket(key, |bucket| {
            if bucket.left >= 1.0 {
                Ok(())
            } else {
                Err(bucket.left)
            }
        })
        .map_err(|left| self.wait(left))
    }
}

#[cfg(test)]
mod tests {
    use super::RateLimiter;

    #[test]
    fn a_token_is_stopped_after_its_allowance_and_others_are_not() {
        let limiter = RateLimiter::<i64>::new(3);
        assert!(limiter.take(1).is_ok());
        assert!(limiter.take(1).is_ok());
        assert!(limiter.take(1).is_ok());
        let wait = limiter.take(1).expect_err("fourth request in a minute");
        assert!((1..=20).contains(&wait), "{wait}");
        assert!(limiter.take(2).is_ok());
        assert!(limiter.check(&2).is_ok());
        assert!(limiter.check(&1).is_err());
        let hourly = RateLimiter::<u8>::per_hour(1);
        assert!(hourly.take(0).is_ok());
        assert!(hourly.take(0).expect_err("second in an hour") > 60);
    }
}
