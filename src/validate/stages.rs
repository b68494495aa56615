//! The checks of the stage graph: every stage's `after:` names known stages and no stages wait
//! for each other in a circle; each step number written agrees with the graph (one more than the
//! highest among the stages waited for). The result is the model's `StageGraph`.

use std::collections::HashMap;
use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::model::{Stage, StageGraph};

const STAGES: &str = "content/stages.yaml";

/// The graph of `stages`, or every problem found in it. Unknown stage ids in `after:` are left
/// to the reference checks; here they are skipped.
/// `check_numbers` is false when stages.yaml was read past a mistake: a `number:` left out
/// because it was wrong would make every later number look wrong too.
pub(super) fn stage_graph(stages: &[Stage], check_numbers: bool) -> Result<StageGraph, Vec<Diagnostic>> {
    let index: HashMap<&str, usize> = stages.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let waits_for: Vec<Vec<usize>> = stages
        .iter()
        .enumerate()
        .map(|(i, stage)| match &stage.after {
            None => i.checked_sub(1).into_iter().collect(),
            Some(after) => after.iter().filter_map(|id| index.get(id.as_str()).copied()).collect(),
        })
        .collect();
    let order = match topological_order(&waits_for) {
        Ok(order) => order,
        Err(circle) => return Err(vec![circle_error(stages, &circle)]),
    };
    let mut numbers = vec![0u32; stages.len()];
    let mut overflowed = vec![false; stages.len()];
    let mut errors = Vec::new();
    for &i in &order {
        let stage = &stages[i];
        let highest = waits_for[i].iter().map(|&p| (numbers[p], p)).max();
        let expected = match highest {
            None => stage.number.as_ref().map_or(1, |n| n.value),
            Some((number, _)) => match number.checked_add(1) {
                Some(next) => next,
                None => {
                    // Reported once, at the first stage past the limit, not at every one after it.
                    if !waits_for[i].iter().any(|&p| overflowed[p]) {
                        errors.push(number_overflow(stage));
                    }
                    overflowed[i] = true;
                    number
                }
            },
        };
        if let (Some(written), Some((number, before))) = (&stage.number, highest) {
            if check_numbers && written.value != expected && number != u32::MAX {
                errors.push(
                    Diagnostic::error(format!(
                        "stage `{}` has number {}, but it waits for stage `{}` (step {number}), so it is step {expected}",
                        stage.id.as_str(),
                        written.value,
                        stages[before].id.as_str(),
                    ))
                    .with_span(written.span_in(Path::new(STAGES), written.value.to_string().len()))
                    .with_hint(format!(
                        "a stage's number is one more than the highest of the stages it waits for; write `number: {expected}`, or leave `number:` out and it is worked out"
                    )),
                );
            }
        }
        numbers[i] = expected;
    }
    if errors.is_empty() {
        Ok(StageGraph {
            waits_for,
            order,
            numbers,
        })
    } else {
        Err(errors)
    }
}

fn number_overflow(stage: &Stage) -> Diagnostic {
    let at = stage.number.as_ref().map_or_else(
        || stage.id.span(Path::new(STAGES)),
        |n| n.span_in(Path::new(STAGES), n.value.to_string().len()),
    );
    Diagnostic::error(format!(
        "stage `{}` would be step {}",
        stage.id.as_str(),
        u64::from(u32::MAX) + 1
    ))
    .with_span(at)
    .with_hint("number the stages from 0 or 1")
}

/// The stages, each after every stage it waits for, file order kept where the graph allows; or
/// the stages of one circle, each waiting for the next and the last for the first.
fn topological_order(waits_for: &[Vec<usize>]) -> Result<Vec<usize>, Vec<usize>> {
    let mut waiting: Vec<usize> = waits_for.iter().map(Vec::len).collect();
    let mut followers: Vec<Vec<usize>> = vec![Vec::new(); waits_for.len()];
    for (stage, before) in waits_for.iter().enumerate() {
        for &b in before {
            followers[b].push(stage);
        }
    }
    let mut ready: std::collections::BTreeSet<usize> = (0..waits_for.len()).filter(|&i| waiting[i] == 0).collect();
    let mut order = Vec::with_capacity(waits_for.len());
    while let Some(next) = ready.pop_first() {
        order.push(next);
        for &f in &followers[next] {
            waiting[f] -= 1;
            if waiting[f] == 0 {
                ready.insert(f);
            }
        }
    }
    if order.len() == waits_for.len() {
        return Ok(order);
    }
    // Every stage left waits for another stage left: walk back until a stage repeats.
    let left: Vec<bool> = waiting.iter().map(|&w| w > 0).collect();
    let start = left.iter().position(|&l| l).unwrap_or_default();
    let mut path = vec![start];
    loop {
        let last = path[path.len() - 1];
        let Some(&before) = waits_for[last].iter().find(|&&b| left[b]) else {
            return Err(path);
        };
        if let Some(at) = path.iter().position(|&p| p == before) {
            let mut circle = path.split_off(at);
            circle.reverse();
            return Err(circle);
        }
        path.push(before);
    }
}

/// The error for stages that wait for each other, at the first one's `after:` entry naming the next.
fn circle_error(stages: &[Stage], circle: &[usize]) -> Diagnostic {
    let first = circle.iter().copied().min().unwrap_or_default();
    let at = circle.iter().position(|&s| s == first).unwrap_or_default();
    let ordered: Vec<usize> = circle[at..].iter().chain(&circle[..at]).copied().collect();
    let names: Vec<String> = ordered
        .iter()
        .chain(ordered.first())
        .map(|&s| format!("`{}`", stages[s].id.as_str()))
        .collect();
    // `ordered[0]` runs before `ordered[1]`, so `ordered[1]` names `ordered[0]` in its `after:`.
    let waiter = &stages[ordered.get(1).copied().unwrap_or(first)];
    let named = stages[first].id.as_str();
    let span = waiter
        .after
        .iter()
        .flatten()
        .find(|id| id.as_str() == named)
        .map_or_else(|| waiter.id.span(Path::new(STAGES)), |id| id.span(Path::new(STAGES)));
    Diagnostic::error(format!("stages wait for each other in a circle: {}", names.join(" -> ")))
        .with_span(span)
        .with_hint(format!(
            "a stage cannot wait for itself, even through others; remove `{named}` from the `after:` of `{}`, or another link of the circle (a stage without `after:` waits for the stage above it in the file)",
            waiter.id.as_str()
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_ordered_after_what_they_wait_for_keeping_file_order() {
        assert_eq!(
            topological_order(&[vec![], vec![0], vec![0], vec![1, 2]]),
            Ok(vec![0, 1, 2, 3])
        );
        assert_eq!(topological_order(&[vec![2], vec![], vec![]]), Ok(vec![1, 2, 0]));
    }

    #[test]
    fn a_circle_is_found_with_each_stage_once() {
        // 0 waits for 2, 2 waits for 1, 1 waits for 0.
        let circle = topological_order(&[vec![2], vec![0], vec![1], vec![]]).unwrap_err();
        let mut sorted = circle.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![0, 1, 2]);
        assert_eq!(topological_order(&[vec![0]]).unwrap_err(), vec![0]);
    }
}
