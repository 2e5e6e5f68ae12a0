//! A memory budget shared by the threads that read and decode files.
//!
//! Every large allocation of a load is reserved first: the bytes of a file's header while the
//! header pass parses it, and a series' volume together with the working memory of its decoding
//! threads. A reservation larger than the whole budget is an error that names the sizes and the
//! flag to raise the budget; a reservation that does not fit now waits until others are released.
//! Each task reserves once and holds nothing else while it waits, so waits cannot deadlock, and
//! reading headers on every core no longer multiplies the worst case of one file.

use std::sync::{Arc, Condvar, Mutex};

/// A memory budget in bytes, cheap to clone (clones share the same budget).
#[derive(Debug, Clone)]
pub struct MemoryBudget(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    limit: usize,
    used: Mutex<usize>,
    released: Condvar,
}

impl MemoryBudget {
    /// The default: 2 GiB, enough for a 512 × 512 series of 2,000 slices.
    pub const DEFAULT_BYTES: usize = 2 << 30;

    /// A budget of `limit_bytes`.
    pub fn new(limit_bytes: usize) -> Self {
        Self(Arc::new(Inner {
            limit: limit_bytes,
            used: Mutex::new(0),
            released: Condvar::new(),
        }))
    }

    /// The budget in bytes.
    pub fn limit(&self) -> usize {
        self.0.limit
    }

    /// Reserves `bytes`, waiting while other reservations leave too little. `Err(limit)` when
    /// `bytes` exceeds the whole budget.
    pub(crate) fn reserve(&self, bytes: usize) -> Result<Reservation, usize> {
        let inner = &self.0;
        if bytes > inner.limit {
            return Err(inner.limit);
        }
        let mut used = inner.used.lock().unwrap_or_else(|e| e.into_inner());
        while *used + bytes > inner.limit {
            used = inner.released.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used += bytes;
        Ok(Reservation {
            budget: self.clone(),
            bytes,
        })
    }
}

impl Default for MemoryBudget {
    fn default() -> Self {
        Self::new(Self::DEFAULT_BYTES)
    }
}

/// Memory reserved from a [`MemoryBudget`]; released when dropped.
#[derive(Debug)]
pub(crate) struct Reservation {
    budget: MemoryBudget,
    bytes: usize,
}

impl Drop for Reservation {
    fn drop(&mut self) {
        let inner = &self.budget.0;
        let mut used = inner.used.lock().unwrap_or_else(|e| e.into_inner());
        *used -= self.bytes;
        inner.released.notify_all();
    }
}

/// Megabytes, rounded up, for messages.
pub(crate) fn mb(bytes: usize) -> usize {
    bytes.div_ceil(1 << 20)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_large_is_refused_and_waiting_reservations_proceed_when_others_release() {
        let budget = MemoryBudget::new(100);
        assert_eq!(budget.reserve(101).err(), Some(100));
        let first = budget.reserve(80).expect("fits");
        let b = budget.clone();
        let waiter = std::thread::spawn(move || b.reserve(50).map(|r| r.bytes));
        std::thread::sleep(std::time::Duration::from_millis(20));
        drop(first);
        assert_eq!(waiter.join().expect("thread").ok(), Some(50));
        // Everything released: the whole budget is free again.
        assert!(budget.reserve(100).is_ok());
    }
}
