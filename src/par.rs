//! Work split over the machine's cores: loading large knowledge prepares
//! tens of thousands of texts and asks every example through the matcher,
//! each independent of the others.

/// Fewer items than this are done on the calling thread: starting threads
/// costs more than it saves.
const MIN_PARALLEL: usize = 256;
/// The most threads one call starts.
const MAX_THREADS: usize = 8;

/// `f` of each item, in the items' order, on every core for long slices.
/// The result does not depend on the split. A panic in `f` is raised again
/// on the calling thread.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_from(MIN_PARALLEL, items, f)
}

/// `map` for items that are each much work (a file of a hundred intents):
/// on every core from two items on.
pub(crate) fn map_large<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_from(2, items, f)
}

fn map_from<T: Sync, R: Send>(min: usize, items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS));
    if threads < 2 || items.len() < min {
        return items.iter().map(f).collect();
    }
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(items.len().div_ceil(threads))
            .map(|chunk| scope.spawn(move || chunk.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_order_on_any_length() {
        for n in [0, 1, MIN_PARALLEL - 1, MIN_PARALLEL, 1000, 1001] {
            let items: Vec<usize> = (0..n).collect();
            let expected: Vec<usize> = items.iter().map(|i| i * i).collect();
            assert_eq!(map(&items, |i| i * i), expected, "{n}");
            assert_eq!(map_large(&items, |i| i * i), expected, "{n}");
        }
    }

    #[test]
    fn a_panic_reaches_the_caller() {
        let items: Vec<usize> = (0..1000).collect();
        let caught = std::panic::catch_unwind(|| {
            map(&items, |&i| {
                assert!(i != 700, "item 700");
                i
            })
        });
        assert!(caught.is_err());
    }
}
