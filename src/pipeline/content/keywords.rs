//! The keywords a claims file uses: a claim's verdict and status and a
//! piece of evidence's stance, each with its label, symbol and meaning for
//! pages. Every stage after loading reads these; they are apart from the
//! parser so that reading them does not mean reading it.

use std::fmt;

use serde::Serialize;

macro_rules! keyword_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal / $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The keyword as written in the claims file.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The name readers see.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub(crate) fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }

            /// The keywords, for a message saying which are allowed.
            pub(super) fn allowed() -> String {
                [$($text),+].join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

keyword_enum!(Verdict {
    Accurate = "accurate" / "Accurate",
    MostlyAccurate = "mostly-accurate" / "Mostly accurate",
    Misleading = "misleading" / "Misleading",
    Inaccurate = "inaccurate" / "Inaccurate",
    Disputed = "disputed" / "Disputed",
    Unverified = "unverified" / "Unverified",
});

keyword_enum!(Stance {
    Supports = "supports" / "Supports",
    Contradicts = "contradicts" / "Contradicts",
    Mentions = "mentions" / "Mentions",
});

keyword_enum!(Status {
    Draft = "draft" / "Draft",
    InReview = "in-review" / "In review",
    Approved = "approved" / "Approved",
});

impl Verdict {
    /// ClaimReview `ratingValue` on the 1–5 scale of FORMAT.md. `disputed`
    /// and `unverified` are not points on that scale: a "3 of 5" would read
    /// as "half true".
    pub(crate) fn rating(self) -> Option<u8> {
        match self {
            Verdict::Accurate => Some(5),
            Verdict::MostlyAccurate => Some(4),
            Verdict::Misleading => Some(2),
            Verdict::Inaccurate => Some(1),
            Verdict::Disputed | Verdict::Unverified => None,
        }
    }

    /// A text symbol so the verdict never rests on colour alone.
    pub fn icon(self) -> &'static str {
        match self {
            Verdict::Accurate => "✔",
            Verdict::MostlyAccurate => "◐",
            Verdict::Misleading => "⚠",
            Verdict::Inaccurate => "✘",
            Verdict::Disputed => "⇄",
            Verdict::Unverified => "?",
        }
    }
}

impl Stance {
    /// Neutral symbols: a stance says what a report does with a claim, not
    /// whether it is right (that is its [`crate::pipeline::assess::Assessment`]), so
    /// none of these is a verdict's symbol.
    pub(crate) fn icon(self) -> &'static str {
        match self {
            Stance::Supports => "+",
            Stance::Contradicts => "−",
            Stance::Mentions => "•",
        }
    }

    /// The stance that disagrees with this one, if any.
    pub(crate) fn opposite(self) -> Option<Stance> {
        match self {
            Stance::Supports => Some(Stance::Contradicts),
            Stance::Contradicts => Some(Stance::Supports),
            Stance::Mentions => None,
        }
    }
}
