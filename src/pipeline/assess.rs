//! What a piece of evidence tells the reader: whether the report that
//! wrote it got it right. Derived from the evidence's stance and its
//! claim's verdict, never stored.
//!
//! A stance says what a report *does* with a claim (asserts it, asserts
//! the opposite, or only reports it); the verdict says whether the claim is
//! true. A reader needs the product of the two: a report that *supports*
//! an inaccurate claim got it wrong, one that *contradicts* it got it
//! right. Showing the stance alone (a green "supports" beside the report
//! that repeated a falsehood) misleads.

use serde::Serialize;

use crate::pipeline::content::{Stance, Verdict};

/// The reader-facing assessment of one piece of evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Assessment {
    /// The report got this right.
    HoldsUp,
    /// The report got this wrong (or, for a misleading claim, repeated it).
    DoesNotHoldUp,
    /// The claim is disputed or unverified: nobody can say yet.
    Unsettled,
    /// The report relays or touches on the claim without asserting it.
    Reports,
}

impl Assessment {
    /// In the order pages list them.
    pub const ALL: [Assessment; 4] = [
        Assessment::HoldsUp,
        Assessment::DoesNotHoldUp,
        Assessment::Unsettled,
        Assessment::Reports,
    ];

    /// The table of FORMAT.md: stance × verdict.
    pub fn of(stance: Stance, verdict: Verdict) -> Assessment {
        use Verdict::*;
        match (stance, verdict) {
            (Stance::Mentions, _) => Assessment::Reports,
            (_, Disputed | Unverified) => Assessment::Unsettled,
            (Stance::Supports, Accurate | MostlyAccurate) => Assessment::HoldsUp,
            (Stance::Supports, Misleading | Inaccurate) => Assessment::DoesNotHoldUp,
            (Stance::Contradicts, Accurate | MostlyAccurate) => Assessment::DoesNotHoldUp,
            // Disputing a misleading or false claim is getting it right.
            (Stance::Contradicts, Misleading | Inaccurate) => Assessment::HoldsUp,
        }
    }

    /// The keyword in `data.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Assessment::HoldsUp => "holds-up",
            Assessment::DoesNotHoldUp => "does-not-hold-up",
            Assessment::Unsettled => "unsettled",
            Assessment::Reports => "reports",
        }
    }

    /// The words a reader sees first. Repeating a misleading claim is
    /// "misleading", not wrong, so the label depends on the verdict too.
    pub fn label(self, verdict: Verdict) -> &'static str {
        match self {
            Assessment::HoldsUp => "Holds up",
            Assessment::DoesNotHoldUp if verdict == Verdict::Misleading => "Misleading",
            Assessment::DoesNotHoldUp => "Does not hold up",
            Assessment::Unsettled => "Unsettled",
            Assessment::Reports => "Reports it",
        }
    }

    /// The catalogue key (`assess.…`) of [`Assessment::label`].
    pub fn label_key(self, verdict: Verdict) -> &'static str {
        match self {
            Assessment::DoesNotHoldUp if verdict == Verdict::Misleading => "misleading",
            a => a.as_str(),
        }
    }

    /// The label without a verdict to qualify it (legends, counts).
    pub fn name(self) -> &'static str {
        match self {
            Assessment::DoesNotHoldUp => "Does not hold up",
            a => a.label(Verdict::Accurate),
        }
    }

    /// The label after a count: "1 holds up", "3 hold up".
    pub fn counted(self, n: usize) -> &'static str {
        match (self, n == 1) {
            (Assessment::HoldsUp, true) => "holds up",
            (Assessment::HoldsUp, false) => "hold up",
            (Assessment::DoesNotHoldUp, true) => "does not hold up",
            (Assessment::DoesNotHoldUp, false) => "do not hold up",
            (Assessment::Unsettled, _) => "unsettled",
            (Assessment::Reports, true) => "reports it",
            (Assessment::Reports, false) => "report it",
        }
    }

    /// A symbol beside the label, so the assessment never rests on colour
    /// alone. None of these is a verdict's symbol (`✔ ◐ ⚠ ✘ ⇄ ?`): a reader
    /// must not take "holds up" for "accurate" at a glance.
    pub fn icon(self) -> &'static str {
        match self {
            Assessment::HoldsUp => "▲",
            Assessment::DoesNotHoldUp => "▼",
            Assessment::Unsettled => "◇",
            Assessment::Reports => "○",
        }
    }

    /// One sentence for legends.
    pub fn explanation(self) -> &'static str {
        match self {
            Assessment::HoldsUp => {
                "the report says what the verdict found to be true (or disputes what it found false)"
            }
            Assessment::DoesNotHoldUp => {
                "the report says what the verdict found to be false or misleading (or disputes what it found true); \u{201c}Misleading\u{201d} when the claim is rated misleading"
            }
            Assessment::Unsettled => {
                "the claim is disputed or unverified, so whether the report got it right is not known"
            }
            Assessment::Reports => {
                "the report relays the claim (for example, attributes it to someone) without asserting it"
            }
        }
    }
}

/// How many pieces of evidence fall under each assessment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    #[serde(rename = "holds-up")]
    pub holds_up: usize,
    #[serde(rename = "does-not-hold-up")]
    pub does_not_hold_up: usize,
    pub unsettled: usize,
    pub reports: usize,
}

impl Counts {
    pub fn add(&mut self, a: Assessment) {
        *self.get_mut(a) += 1;
    }

    pub fn get(&self, a: Assessment) -> usize {
        match a {
            Assessment::HoldsUp => self.holds_up,
            Assessment::DoesNotHoldUp => self.does_not_hold_up,
            Assessment::Unsettled => self.unsettled,
            Assessment::Reports => self.reports,
        }
    }

    fn get_mut(&mut self, a: Assessment) -> &mut usize {
        match a {
            Assessment::HoldsUp => &mut self.holds_up,
            Assessment::DoesNotHoldUp => &mut self.does_not_hold_up,
            Assessment::Unsettled => &mut self.unsettled,
            Assessment::Reports => &mut self.reports,
        }
    }

    pub fn total(&self) -> usize {
        self.holds_up + self.does_not_hold_up + self.unsettled + self.reports
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stance_and_verdict_has_the_assessment_of_the_table() {
        use Assessment::*;
        let table = [
            // supports, contradicts, mentions
            (Verdict::Accurate, [HoldsUp, DoesNotHoldUp, Reports]),
            (Verdict::MostlyAccurate, [HoldsUp, DoesNotHoldUp, Reports]),
            (Verdict::Misleading, [DoesNotHoldUp, HoldsUp, Reports]),
            (Verdict::Inaccurate, [DoesNotHoldUp, HoldsUp, Reports]),
            (Verdict::Disputed, [Unsettled, Unsettled, Reports]),
            (Verdict::Unverified, [Unsettled, Unsettled, Reports]),
        ];
        assert_eq!(table.len(), Verdict::ALL.len());
        for (verdict, row) in table {
            for (stance, want) in [Stance::Supports, Stance::Contradicts, Stance::Mentions]
                .into_iter()
                .zip(row)
            {
                assert_eq!(
                    Assessment::of(stance, verdict),
                    want,
                    "{stance} × {verdict}"
                );
            }
        }
    }

    #[test]
    fn repeating_a_misleading_claim_is_called_misleading() {
        let a = Assessment::of(Stance::Supports, Verdict::Misleading);
        assert_eq!(a.label(Verdict::Misleading), "Misleading");
        let b = Assessment::of(Stance::Supports, Verdict::Inaccurate);
        assert_eq!(b.label(Verdict::Inaccurate), "Does not hold up");
        assert_eq!(a.as_str(), "does-not-hold-up");
    }

    #[test]
    fn no_assessment_shares_a_symbol_with_a_verdict() {
        for a in Assessment::ALL {
            for v in Verdict::ALL {
                assert_ne!(a.icon(), v.icon(), "{a:?} and {v}");
            }
        }
    }
}
