//! What a build keeps for the next one (`serve`), in one shape: a value remembered under a key
//! with the `Stamp` of the inputs it was made from.
//! Rules every stage keeps: a value is reused only while its stamp is unchanged; a value that a
//! build did not ask for is forgotten when that build ends (`Memo::sweep`), so a memo never
//! outgrows the site; a stamp is made from the inputs themselves (`Stamp::of` over a value that
//! derives `Hash`, or over a struct destructured whole so that a new field does not compile until
//! it is placed), never from a hand-made list of fields that a new field could miss; and a
//! one-off build keeps nothing (`Memo::default()`), so it holds no copies and asks for no stamps.

use std::borrow::Borrow;
use std::hash::Hash;

use ahash::AHashMap as HashMap;
use rayon::prelude::*;

/// A digest of everything a value was made from: equal inputs, equal stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Stamp(u64);

/// Fixed seeds: equal inputs give equal stamps in every build. Stamps are only ever compared
/// within one `serve` process, never stored, so they need no stability beyond that.
fn hasher() -> ahash::RandomState {
    ahash::RandomState::with_seeds(0x6775_6964, 0x6567_656e, 0x7374_616d, 0x7073_2121)
}

impl Stamp {
    /// The stamp of `inputs`: hash a struct (or tuple) of everything the value is made from.
    pub fn of<T: Hash + ?Sized>(inputs: &T) -> Stamp {
        Stamp(hasher().hash_one(inputs))
    }

    /// The stamp of a value's JSON form, for data that is serialisable but not hashable (the
    /// views handed to templates). Slower than `of`: keep it for small values or for one-time use.
    pub fn of_json<T: serde::Serialize + ?Sized>(value: &T) -> Stamp {
        let json = serde_json::to_vec(value).unwrap_or_default();
        Stamp::of(&json)
    }
}

struct Entry<V> {
    stamp: Stamp,
    value: V,
    /// The build that last asked for this entry.
    build: u64,
}

/// Values kept between builds. `Memo::default()` keeps nothing (a one-off build);
/// `Memo::keeping()` keeps what each build asks for until a build no longer asks for it.
pub struct Memo<K, V> {
    keeps: bool,
    entries: HashMap<K, Entry<V>>,
    build: u64,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo {
            keeps: false,
            entries: HashMap::new(),
            build: 1,
        }
    }
}

impl<K: Hash + Eq, V: Clone> Memo<K, V> {
    /// A memo that remembers values between builds (`serve`).
    pub fn keeping() -> Self {
        Memo {
            keeps: true,
            ..Memo::default()
        }
    }

    /// Whether this memo remembers anything (callers skip making stamps when it does not).
    pub fn keeps(&self) -> bool {
        self.keeps
    }

    /// The value kept for `key` if it was made from inputs with this `stamp`, else `build()`'s,
    /// then kept. `stamp` is only called when the memo keeps values.
    pub fn get_or_build<Q>(&mut self, key: &Q, stamp: impl FnOnce() -> Stamp, build: impl FnOnce() -> V) -> V
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        self.try_get_or_build(key, stamp, || Ok::<V, std::convert::Infallible>(build()))
            .unwrap_or_else(|never| match never {})
    }

    /// `get_or_build` for a build that can fail; a failure is not kept.
    pub fn try_get_or_build<Q, E>(
        &mut self,
        key: &Q,
        stamp: impl FnOnce() -> Stamp,
        build: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        if !self.keeps {
            return build();
        }
        let stamp = stamp();
        if let Some(kept) = self.get(key, stamp) {
            return Ok(kept);
        }
        let value = build()?;
        self.keep(key.to_owned(), stamp, value.clone());
        Ok(value)
    }

    /// The value kept for `key` with this `stamp`, marking it as used by this build.
    pub fn get<Q>(&mut self, key: &Q, stamp: Stamp) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let current = self.build;
        let entry = self.entries.get_mut(key).filter(|entry| entry.stamp == stamp)?;
        entry.build = current;
        Some(entry.value.clone())
    }

    /// Keeps `value` for `key` (when the memo keeps values).
    pub fn keep(&mut self, key: K, stamp: Stamp, value: V) {
        if self.keeps {
            let build = self.build;
            self.entries.insert(key, Entry { stamp, value, build });
        }
    }

    /// Ends a build: forgets every value it did not ask for.
    pub fn sweep(&mut self) {
        let current = self.build;
        self.entries.retain(|_, entry| entry.build == current);
        self.build += 1;
    }
}

impl<K: Hash + Eq + Send + Sync, V: Clone + Send + Sync> Memo<K, V> {
    /// `get_or_build` for many keys at once: kept values are looked up one after another, the
    /// missing ones built in parallel. Returns the values in the order of `jobs`.
    pub fn get_or_build_all<'k, Q, J: Sync>(
        &mut self,
        jobs: Vec<(&'k Q, J)>,
        stamp: impl Fn(&J) -> Stamp + Sync,
        build: impl Fn(&J) -> V + Sync,
    ) -> Vec<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + Sync + ?Sized + 'k,
    {
        self.try_get_or_build_all(jobs, stamp, |job| Ok::<V, std::convert::Infallible>(build(job)))
            .into_iter()
            .map(|result| result.unwrap_or_else(|never| match never {}))
            .collect()
    }

    /// `get_or_build_all` for builds that can fail; failures are returned, not kept.
    pub fn try_get_or_build_all<'k, Q, J: Sync, E: Send>(
        &mut self,
        jobs: Vec<(&'k Q, J)>,
        stamp: impl Fn(&J) -> Stamp + Sync,
        build: impl Fn(&J) -> Result<V, E> + Sync,
    ) -> Vec<Result<V, E>>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + Sync + ?Sized + 'k,
    {
        let keeps = self.keeps;
        let found: Vec<(&Q, J, Stamp, Option<V>)> = jobs
            .into_iter()
            .map(|(key, job)| {
                if !keeps {
                    return (key, job, Stamp::default(), None);
                }
                let stamp = stamp(&job);
                let kept = self.get(key, stamp);
                (key, job, stamp, kept)
            })
            .collect();
        // Only the missing values go to the thread pool: waking it for ten thousand kept
        // values would cost more than looking them up.
        let missing: Vec<usize> = (0..found.len()).filter(|&at| found[at].3.is_none()).collect();
        let mut built: Vec<Option<Result<V, E>>> = (0..found.len()).map(|_| None).collect();
        let made: Vec<(usize, Result<V, E>)> = if missing.len() > 1 {
            missing.par_iter().map(|&at| (at, build(&found[at].1))).collect()
        } else {
            missing.iter().map(|&at| (at, build(&found[at].1))).collect()
        };
        for (at, result) in made {
            built[at] = Some(result);
        }
        found
            .into_iter()
            .zip(built)
            .map(|((key, _, stamp, kept), built)| match (kept, built) {
                (Some(value), _) => Ok(value),
                (None, Some(Ok(value))) => {
                    self.keep(key.to_owned(), stamp, value.clone());
                    Ok(value)
                }
                (None, Some(Err(error))) => Err(error),
                (None, None) => unreachable!("every job without a kept value is built"),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_value_is_reused_while_its_stamp_is_unchanged_and_rebuilt_when_it_changes() {
        let mut memo: Memo<String, String> = Memo::keeping();
        let builds = Cell::new(0);
        let get = |memo: &mut Memo<String, String>, input: &str| {
            memo.get_or_build(
                "page",
                || Stamp::of(input),
                || {
                    builds.set(builds.get() + 1);
                    input.to_uppercase()
                },
            )
        };
        assert_eq!(get(&mut memo, "a"), "A");
        memo.sweep();
        assert_eq!(get(&mut memo, "a"), "A");
        assert_eq!(builds.get(), 1, "the same inputs were built again");
        memo.sweep();
        assert_eq!(get(&mut memo, "b"), "B");
        assert_eq!(builds.get(), 2, "changed inputs reused a stale value");
    }

    #[test]
    fn a_value_no_build_asked_for_is_forgotten_at_the_sweep() {
        let mut memo: Memo<u32, u32> = Memo::keeping();
        memo.get_or_build(&1, || Stamp::of(&1), || 10);
        memo.get_or_build(&2, || Stamp::of(&2), || 20);
        memo.sweep();
        memo.get_or_build(&1, || Stamp::of(&1), || 11);
        memo.sweep();
        assert!(
            memo.get(&2, Stamp::of(&2)).is_none(),
            "an unused entry survived the sweep"
        );
        assert_eq!(memo.get(&1, Stamp::of(&1)), Some(10));
    }

    #[test]
    fn a_memo_that_keeps_nothing_never_makes_a_stamp_and_always_builds() {
        let mut memo: Memo<u32, u32> = Memo::default();
        for n in 0..3 {
            let value = memo.get_or_build(&1, || panic!("a stamp was made for a one-off build"), || n);
            assert_eq!(value, n, "a one-off memo handed back a kept value");
        }
    }

    #[test]
    fn a_failed_build_is_not_kept() {
        let mut memo: Memo<u32, u32> = Memo::keeping();
        assert!(memo.try_get_or_build(&1, || Stamp::of(&1), || Err("broken")).is_err());
        assert_eq!(memo.try_get_or_build(&1, || Stamp::of(&1), || Ok::<_, &str>(5)), Ok(5));
    }

    #[test]
    fn many_values_are_built_in_parallel_in_order_and_only_when_missing() {
        let keys: Vec<u32> = (0..100).collect();
        let builds = std::sync::atomic::AtomicUsize::new(0);
        let double = |n: &u32| {
            builds.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            n * 2
        };
        let mut memo: Memo<u32, u32> = Memo::keeping();
        let first = memo.get_or_build_all(keys.iter().map(|n| (n, *n)).collect(), Stamp::of, double);
        assert_eq!(first, (0..100).map(|n| n * 2).collect::<Vec<_>>());
        memo.sweep();
        let again = memo.get_or_build_all(keys.iter().map(|n| (n, *n)).collect(), Stamp::of, double);
        assert_eq!(again, first);
        assert_eq!(builds.into_inner(), 100, "kept values were built again");
    }

    #[test]
    fn stamps_are_equal_for_equal_inputs_and_differ_for_different_ones() {
        assert_eq!(Stamp::of(&("a", 1)), Stamp::of(&("a", 1)));
        assert_ne!(Stamp::of(&("a", 1)), Stamp::of(&("a", 2)));
        assert_eq!(Stamp::of_json(&vec!["x"]), Stamp::of_json(&vec!["x"]));
    }
}
