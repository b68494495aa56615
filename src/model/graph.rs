//! The stages as a graph, as `validate` vouches for it: what each stage waits for (never in a
//! circle), an order in which every stage comes after all it waits for, and each stage's step
//! number. Stages are named by their index in `content.stages`; nothing here reads a stage's text.

/// The checked graph of the stages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StageGraph {
    /// For each stage, in file order, the stages it waits for.
    pub waits_for: Vec<Vec<usize>>,
    /// Every stage once, each after all it waits for (file order where the graph allows).
    pub order: Vec<usize>,
    /// The step number of each stage, in file order.
    pub numbers: Vec<u32>,
}

impl StageGraph {
    /// For a subject that goes through the stages marked in `takes`: what each stage it takes
    /// waits for among the stages it takes. A skipped stage passes on what it waited for, so a
    /// stage after a skipped one waits for the skipped one's own predecessors.
    /// A stage already waited for through another is left out (with a before b before c, c
    /// waits for b, not for a and b).
    pub fn waits_among(&self, takes: &[bool]) -> Vec<Vec<usize>> {
        let count = self.waits_for.len();
        let mut through: Vec<Vec<usize>> = vec![Vec::new(); count];
        // Every stage each stage comes after, directly or not.
        let mut earlier: Vec<std::collections::BTreeSet<usize>> = vec![Default::default(); count];
        for &stage in &self.order {
            let mut waits = Vec::new();
            for &before in &self.waits_for[stage] {
                if takes[before] {
                    waits.push(before);
                } else {
                    waits.extend(through[before].iter().copied());
                }
                let inherited = earlier[before].clone();
                earlier[stage].extend(inherited);
                earlier[stage].insert(before);
            }
            waits.sort_unstable();
            waits.dedup();
            let implied: Vec<usize> = waits
                .iter()
                .copied()
                .filter(|&w| waits.iter().any(|&other| other != w && earlier[other].contains(&w)))
                .collect();
            waits.retain(|w| !implied.contains(w));
            through[stage] = waits;
        }
        through
    }

    /// The stages that run side by side or one instead of another: stages grouped by step
    /// number, in order of number, each group in file order.
    pub fn steps(&self) -> Vec<(u32, Vec<usize>)> {
        let mut steps: Vec<(u32, Vec<usize>)> = Vec::new();
        let mut by_number: Vec<(u32, usize)> = self.numbers.iter().copied().zip(0..).collect();
        by_number.sort_by_key(|&(number, index)| (number, index));
        for (number, index) in by_number {
            match steps.last_mut() {
                Some((last, stages)) if *last == number => stages.push(index),
                _ => steps.push((number, vec![index])),
            }
        }
        steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// a -> b -> d and a -> c -> d: b and c side by side.
    fn diamond() -> StageGraph {
        StageGraph {
            waits_for: vec![vec![], vec![0], vec![0], vec![1, 2]],
            order: vec![0, 1, 2, 3],
            numbers: vec![1, 2, 2, 3],
        }
    }

    #[test]
    fn a_stage_after_a_skipped_stage_waits_for_what_the_skipped_one_waited_for() {
        let graph = diamond();
        assert_eq!(
            graph.waits_among(&[true; 4]),
            vec![vec![], vec![0], vec![0], vec![1, 2]]
        );
        // Without b, d waits for a and c; c already waits for a, so c is enough.
        assert_eq!(
            graph.waits_among(&[true, false, true, true]),
            vec![vec![], vec![0], vec![0], vec![2]]
        );
        // d waits for a and c directly; a comes before c, so waiting for c is enough.
        let shortcut = StageGraph {
            waits_for: vec![vec![], vec![0], vec![1], vec![0, 2]],
            order: vec![0, 1, 2, 3],
            numbers: vec![1, 2, 3, 4],
        };
        assert_eq!(shortcut.waits_among(&[true; 4])[3], vec![2]);
        assert_eq!(shortcut.waits_among(&[true, false, true, true])[3], vec![2]);
        let chain = StageGraph {
            waits_for: vec![vec![], vec![0], vec![1]],
            order: vec![0, 1, 2],
            numbers: vec![1, 2, 3],
        };
        assert_eq!(chain.waits_among(&[true, false, true])[2], vec![0]);
        assert_eq!(chain.waits_among(&[false, false, true])[2], Vec::<usize>::new());
    }

    #[test]
    fn stages_with_one_number_form_one_step() {
        assert_eq!(diamond().steps(), vec![(1, vec![0]), (2, vec![1, 2]), (3, vec![3])]);
    }
}
