//! Which part of a cohort this process scores.
//!
//! A shard is `K/N` (1-based `K`). Every work item (a manifest line, or a sub-folder of the
//! input folder) goes to shard `fnv1a64(key) mod N`, where `key` is the item as written in the
//! manifest or its path relative to the input folder. The assignment depends only on the key and
//! `N`: not on the order of the manifest, the other items, the machine or the thread count, so
//! every shard of an array job computes the same split, each item is scored by exactly one shard,
//! and adding items to a manifest never moves the ones already there.
//!
//! Where `K/N` comes from, first match wins:
//! 1. `--shard K/N`;
//! 2. Slurm job arrays: `SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_MIN` (default 0),
//!    `SLURM_ARRAY_TASK_STEP` (default 1) and `SLURM_ARRAY_TASK_COUNT`, so `--array=0-7` and
//!    `--array=1-8` both give shards 1/8 … 8/8;
//! 3. Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX` (0-based; Kubernetes sets it in every pod of
//!    a Job with `completionMode: Indexed`). Kubernetes does not pass the number of completions to
//!    the pod, so the count comes from `--shard-count N` or `VASCALC_SHARD_COUNT` (set it to the
//!    Job's `spec.completions`);
//! 4. otherwise the whole cohort, `1/1`.

use std::fmt;

/// One shard of `count`, `index` 0-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Shard {
    pub index: u32,
    pub count: u32,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index + 1, self.count)
    }
}

impl Shard {
    pub(super) const ALL: Shard = Shard { index: 0, count: 1 };

    /// Parses `K/N` with `1 ≤ K ≤ N`.
    pub(super) fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("shard {text:?} is not K/N with 1 ≤ K ≤ N (for example 2/8)");
        let (k, n) = text.trim().split_once('/').ok_or_else(bad)?;
        let k: u32 = k.trim().parse().map_err(|_| bad())?;
        let n: u32 = n.trim().parse().map_err(|_| bad())?;
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Self {
            index: k - 1,
            count: n,
        })
    }

    /// Whether this shard scores the item with this key.
    pub(super) fn owns(&self, key: &str) -> bool {
        fnv1a64(key.as_bytes()) % u64::from(self.count) == u64::from(self.index)
    }

    /// Resolves the shard from the flags and the environment (see the module docs). `env` is a
    /// lookup so tests do not need to change the process environment.
    pub(super) fn resolve(
        flag: Option<&str>,
        count_flag: Option<u32>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<(Self, &'static str), String> {
        if let Some(text) = flag {
            return Self::parse(text).map(|s| (s, "--shard"));
        }
        let num = |name: &str| -> Result<Option<i64>, String> {
            match env(name) {
                None => Ok(None),
                Some(v) if v.trim().is_empty() => Ok(None),
                Some(v) => v
                    .trim()
                    .parse::<i64>()
                    .map(Some)
                    .map_err(|_| format!("{name}={v:?} is not an integer")),
            }
        };
        if let Some(id) = num("SLURM_ARRAY_TASK_ID")? {
            let count = num("SLURM_ARRAY_TASK_COUNT")?.ok_or(
                "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; pass --shard K/N",
            )?;
            let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let step = num("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
            let index = (id - min) / step;
            if count < 1 || index < 0 || index >= count || (id - min) % step != 0 {
                return Err(format!(
                    "Slurm array task {id} (min {min}, step {step}) is not one of {count} tasks; pass --shard K/N"
                ));
            }
            return Ok((
                Self {
                    index: index as u32,
                    count: count as u32,
                },
                "Slurm (SLURM_ARRAY_TASK_ID)",
            ));
        }
        if let Some(index) = num("JOB_COMPLETION_INDEX")? {
            let count = match count_flag {
                Some(n) => i64::from(n),
                None => num("VASCALC_SHARD_COUNT")?.ok_or(
                    "JOB_COMPLETION_INDEX is set (Kubernetes Indexed Job) but the number of shards is not: \
                     pass --shard-count N or set VASCALC_SHARD_COUNT to the Job's spec.completions",
                )?,
            };
            if count < 1 || index < 0 || index >= count {
                return Err(format!(
                    "JOB_COMPLETION_INDEX={index} is not below the shard count {count}"
                ));
            }
            return Ok((
                Self {
                    index: index as u32,
                    count: count as u32,
                },
                "Kubernetes (JOB_COMPLETION_INDEX)",
            ));
        }
        Ok((Self::ALL, "default"))
    }
}

/// FNV-1a, 64-bit (Fowler, Noll, Vo): tiny, stable across versions and platforms.
pub(super) fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn fnv_reference_values() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn parse_accepts_k_of_n_only() {
        assert_eq!(Shard::parse("2/8"), Ok(Shard { index: 1, count: 8 }));
        for bad in ["0/2", "3/2", "1/0", "x/2", "2", "", "-1/2"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn slurm_arrays_from_zero_or_one() {
        let zero = env_of(&[
            ("SLURM_ARRAY_TASK_ID", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(
            Shard::resolve(None, None, zero).map(|r| r.0),
            Ok(Shard { index: 0, count: 4 })
        );
        let one = env_of(&[
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(
            Shard::resolve(None, None, one).map(|r| r.0),
            Ok(Shard { index: 3, count: 4 })
        );
        let missing = env_of(&[("SLURM_ARRAY_TASK_ID", "1")]);
        assert!(Shard::resolve(None, None, missing).is_err());
    }

    #[test]
    fn kubernetes_needs_a_count() {
        let k8s = env_of(&[("JOB_COMPLETION_INDEX", "2")]);
        assert!(
            Shard::resolve(None, None, &k8s)
                .unwrap_err()
                .contains("--shard-count")
        );
        assert_eq!(
            Shard::resolve(None, Some(3), &k8s).map(|r| r.0),
            Ok(Shard { index: 2, count: 3 })
        );
        let with_env = env_of(&[("JOB_COMPLETION_INDEX", "2"), ("VASCALC_SHARD_COUNT", "3")]);
        assert_eq!(
            Shard::resolve(None, None, with_env).map(|r| r.0),
            Ok(Shard { index: 2, count: 3 })
        );
        assert!(Shard::resolve(None, Some(2), &k8s).is_err());
    }

    #[test]
    fn the_flag_wins_over_the_environment() {
        let env = env_of(&[
            ("SLURM_ARRAY_TASK_ID", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(
            Shard::resolve(Some("2/2"), None, env).map(|r| r.0),
            Ok(Shard { index: 1, count: 2 })
        );
        assert_eq!(
            Shard::resolve(None, None, |_| None).map(|r| r.0),
            Ok(Shard::ALL)
        );
    }

    proptest! {
        #[test]
        fn every_key_has_exactly_one_shard(keys in proptest::collection::vec("[a-z0-9/._-]{1,24}", 1..40), n in 1u32..9) {
            for key in &keys {
                let owners = (0..n).filter(|k| Shard { index: *k, count: n }.owns(key)).count();
                prop_assert_eq!(owners, 1);
            }
        }
    }
}
