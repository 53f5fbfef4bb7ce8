//! Primary and secondary suppression of the published counts, on their own: which cells (each
//! a number of people) are shown, hidden for standing for fewer than [`MIN_PEOPLE`] people,
//! or hidden because a hidden one could be worked out from them.
//!
//! The cells are tied by sums ([`Sums`]): a total and the parts that add up to it (the kinds
//! and the feedback received, the quarters and the twelve months, the groups of people and
//! everyone, the offices of a province and the province…). Guarantees: after [`suppress`], no
//! sum has exactly one hidden member, so no hidden cell is the difference of shown ones within
//! one sum; the only cells hidden are those under [`MIN_PEOPLE`] and, for each sum that had
//! exactly one hidden member, its smallest other shown part (or its total when no part is
//! left), repeated until nothing changes. The result depends only on the cells and the sums,
//! in order (ties go to the first).

use ourvoice_protocol::scorecards::MIN_PEOPLE;

/// Where a cell stands after suppression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Shown,
    /// Fewer than [`MIN_PEOPLE`] people.
    Small,
    /// Hidden so that a hidden cell beside it cannot be worked out.
    Revealing,
}

impl Cell {
    pub fn is_shown(self) -> bool {
        self == Cell::Shown
    }
}

/// Sums of cells: each a total and its parts, by the cells' indices.
#[derive(Debug, Default)]
pub struct Sums {
    /// Every sum's members one after the other, each sum's total first.
    members: Vec<u32>,
    /// Where each sum starts in `members` (and, last, where the last one ends).
    starts: Vec<u32>,
}

impl Sums {
    pub fn new() -> Sums {
        Sums {
            members: Vec::new(),
            starts: vec![0],
        }
    }

    /// Adds the sum `total = parts…` (a sum of fewer than two parts is kept too: a total
    /// equal to its one part).
    pub fn add(&mut self, total: usize, parts: impl IntoIterator<Item = usize>) {
        self.members.push(index(total));
        self.members.extend(parts.into_iter().map(index));
        self.starts.push(self.members.len() as u32);
    }

    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn sum(&self, n: usize) -> &[u32] {
        &self.members[self.starts[n] as usize..self.starts[n + 1] as usize]
    }
}

fn index(cell: usize) -> u32 {
    u32::try_from(cell).expect("fewer than 2^32 cells")
}

/// The state of each cell of `people` (how many people each stands for) tied by `sums`.
pub fn suppress(people: &[u32], sums: &Sums) -> Vec<Cell> {
    let mut cells: Vec<Cell> = people
        .iter()
        .map(|&n| {
            if n < MIN_PEOPLE {
                Cell::Small
            } else {
                Cell::Shown
            }
        })
        .collect();
    loop {
        let mut changed = false;
        for n in 0..sums.len() {
            let members = sums.sum(n);
            let hidden = members
                .iter()
                .filter(|&&m| !cells[m as usize].is_shown())
                .count();
            if hidden != 1 {
                continue;
            }
            let (total, parts) = (members[0] as usize, &members[1..]);
            let smallest_part = parts
                .iter()
                .map(|&m| m as usize)
                .filter(|&m| cells[m].is_shown())
                .min_by_key(|&m| people[m]);
            let hide = smallest_part.or((cells[total].is_shown()).then_some(total));
            if let Some(cell) = hide {
                cells[cell] = Cell::Revealing;
                changed = true;
            }
        }
        if !changed {
            return cells;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Cell::{Revealing as R, Shown as S, Small as F};

    /// Checks the states of `people` tied by `sums` (each a total's index and its parts').
    fn check(people: &[u32], sums: &[(usize, &[usize])], expect: &[Cell]) {
        let mut tied = Sums::new();
        for (total, parts) in sums {
            tied.add(*total, parts.iter().copied());
        }
        assert_eq!(suppress(people, &tied), expect, "{people:?} {sums:?}");
    }

    #[test]
    fn a_lone_hidden_cell_takes_the_smallest_other_part_with_it() {
        // 10 = 7 + 3: the 3 is small, and 10 − 7 would give it away.
        check(&[10, 7, 3], &[(0, &[1, 2])], &[S, R, F]);
        // 20 = 9 + 6 + 3 + 2: two small parts; neither can be worked out alone.
        check(&[20, 9, 6, 3, 2], &[(0, &[1, 2, 3, 4])], &[S, S, S, F, F]);
        // 18 = 9 + 6 + 3: the smallest other part (6) goes.
        check(&[18, 9, 6, 3], &[(0, &[1, 2, 3])], &[S, S, R, F]);
        // A zero is fewer than five too.
        check(&[15, 9, 6, 0], &[(0, &[1, 2, 3])], &[S, S, R, F]);
        // Equal smallest parts: the first goes.
        check(&[20, 5, 5, 3, 7], &[(0, &[1, 2, 3, 4])], &[S, R, S, F, S]);
        // A hidden total: the parts cannot give away anything through it.
        check(&[4, 4, 0], &[(0, &[1, 2])], &[F, F, F]);
        // Nothing small: nothing hidden.
        check(&[30, 20, 10], &[(0, &[1, 2])], &[S, S, S]);
    }

    #[test]
    fn hiding_goes_on_through_the_sums_a_cell_is_in_until_nothing_changes() {
        // 30 = 20 + 10 and 14 = 10 + 4: the 4 takes the 10, which then takes the 20.
        check(
            &[30, 20, 10, 14, 4],
            &[(0, &[1, 2]), (3, &[2, 4])],
            &[S, R, R, S, F],
        );
        // 15 = 12 + 3 takes the 12, the total of 12 = 6 + 6, which then has its total as its
        // one hidden member: a part goes (the first of the two equal ones).
        check(
            &[15, 12, 3, 6, 6],
            &[(0, &[1, 2]), (1, &[3, 4])],
            &[S, R, F, R, S],
        );
        // A total equal to its one part (the ratings and the evaluations): 20 = 6 + 11 + 3
        // takes the 6, and then the 6 rated of 6 = 6 goes too.
        check(
            &[20, 6, 11, 3, 6],
            &[(0, &[1, 2, 3]), (4, &[1])],
            &[S, R, S, F, R],
        );
    }
}
