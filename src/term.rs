//! Output for people on a terminal: colour only on a terminal and never
//! with `NO_COLOR` set, `--quiet` and `--verbose`, and a progress bar that
//! appears only when a build has run for more than a second on a TTY.

use std::io::IsTerminal;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) enum Verbosity {
    /// Errors only.
    Quiet,
    #[default]
    Normal,
    /// Also what was written and why something was skipped.
    Verbose,
}

impl Verbosity {
    pub(crate) fn from_flags(quiet: bool, verbose: bool) -> Verbosity {
        match (quiet, verbose) {
            (true, _) => Verbosity::Quiet,
            (false, true) => Verbosity::Verbose,
            _ => Verbosity::Normal,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Paint {
    Bold,
    Dim,
    Green,
    Yellow,
    Red,
    Cyan,
}

impl Paint {
    fn code(self) -> &'static str {
        match self {
            Paint::Bold => "1",
            Paint::Dim => "2",
            Paint::Green => "1;32",
            Paint::Yellow => "1;33",
            Paint::Red => "1;31",
            Paint::Cyan => "36",
        }
    }
}

/// Where messages go (standard error) and how they look.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Term {
    pub color: bool,
    pub tty: bool,
    pub verbosity: Verbosity,
}

/// Colour is wanted when standard error is a terminal and `NO_COLOR` is
/// unset or empty (<https://no-color.org>).
pub(crate) fn color_wanted(is_tty: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    is_tty && no_color.is_none_or(|v| v.is_empty())
}

impl Term {
    pub(crate) fn detect(verbosity: Verbosity) -> Term {
        let tty = std::io::stderr().is_terminal();
        Term {
            color: color_wanted(tty, std::env::var_os("NO_COLOR").as_deref()),
            tty,
            verbosity,
        }
    }

    pub(crate) fn paint(&self, paint: Paint, s: &str) -> String {
        if self.color {
            format!("\x1b[{}m{s}\x1b[0m", paint.code())
        } else {
            s.to_string()
        }
    }

    /// A result line (the build summary): hidden by `--quiet`.
    pub(crate) fn success(&self, msg: &str) {
        if self.verbosity >= Verbosity::Normal {
            eprintln!("{} {msg}", self.paint(Paint::Green, "✔"));
        }
    }

    /// Detail for `--verbose`.
    pub(crate) fn detail(&self, msg: &str) {
        if self.verbosity >= Verbosity::Verbose {
            eprintln!("{} {msg}", self.paint(Paint::Dim, "·"));
        }
    }

    /// Always printed.
    pub(crate) fn error(&self, msg: &str) {
        eprintln!("{} {msg}", self.paint(Paint::Red, "error:"));
    }

    pub(crate) fn progress(&self) -> Progress {
        Progress::new(self.tty && self.verbosity > Verbosity::Quiet)
    }
}

static GLOBAL: std::sync::OnceLock<Term> = std::sync::OnceLock::new();

/// Sets how this process talks to people (once, from the command line).
pub(crate) fn set(term: Term) {
    let _ = GLOBAL.set(term);
}

/// The process's [`Term`]; detected with normal verbosity if never set.
pub(crate) fn get() -> Term {
    *GLOBAL.get_or_init(|| Term::detect(Verbosity::Normal))
}

/// Human-readable byte counts: `512 B`, `3.4 KiB`, `1.2 MiB`.
pub(crate) fn bytes(n: usize) -> String {
    const UNITS: [&str; 3] = ["KiB", "MiB", "GiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// Human-readable duration: `85 ms`, `1.42 s`.
pub(crate) fn duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// A progress bar that stays hidden for the first second: quick builds
/// print nothing but their summary.
pub(crate) struct Progress {
    bar: ProgressBar,
    stop: Option<(mpsc::Sender<()>, JoinHandle<()>)>,
}

const SHOW_AFTER: Duration = Duration::from_secs(1);

impl Progress {
    pub(crate) fn new(enabled: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if !enabled {
            return Progress { bar, stop: None };
        }
        let (tx, rx) = mpsc::channel::<()>();
        let shown = bar.clone();
        let handle = std::thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(SHOW_AFTER) {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(Duration::from_millis(120));
            }
        });
        Progress {
            bar,
            stop: Some((tx, handle)),
        }
    }

    /// Starts a stage of `len` steps (0 when it has no count).
    pub(crate) fn stage(&self, msg: &'static str, len: u64) {
        let style = if len == 0 {
            ProgressStyle::with_template("{spinner} {msg}")
        } else {
            ProgressStyle::with_template("{spinner} {msg:<10} {wide_bar} {pos}/{len}")
        };
        self.bar
            .set_style(style.expect("valid template").progress_chars("━╸ "));
        self.bar.set_message(msg);
        self.bar.set_length(len);
        self.bar.set_position(0);
    }

    pub(crate) fn inc(&self, n: u64) {
        self.bar.inc(n);
    }

    /// Removes the bar (if it was shown) before the summary is printed.
    pub(crate) fn finish(mut self) {
        self.stop_timer();
        self.bar.finish_and_clear();
    }

    fn stop_timer(&mut self) {
        if let Some((tx, handle)) = self.stop.take() {
            drop(tx);
            let _ = handle.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop_timer();
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_and_pipes_turn_colour_off() {
        assert!(color_wanted(true, None));
        assert!(!color_wanted(false, None));
        assert!(!color_wanted(true, Some(std::ffi::OsStr::new("1"))));
        // An empty NO_COLOR does not count (no-color.org).
        assert!(color_wanted(true, Some(std::ffi::OsStr::new(""))));
        let t = Term {
            color: false,
            tty: false,
            verbosity: Verbosity::Normal,
        };
        assert_eq!(t.paint(Paint::Red, "x"), "x");
        let t = Term { color: true, ..t };
        assert_eq!(t.paint(Paint::Red, "x"), "\x1b[1;31mx\x1b[0m");
    }

    #[test]
    fn sizes_and_durations_read_well() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(2048), "2.0 KiB");
        assert_eq!(bytes(3 * 1024 * 1024 + 512 * 1024), "3.5 MiB");
        assert_eq!(duration(Duration::from_millis(85)), "85 ms");
        assert_eq!(duration(Duration::from_millis(1420)), "1.42 s");
    }

    #[test]
    fn verbosity_flags() {
        assert_eq!(Verbosity::from_flags(true, true), Verbosity::Quiet);
        assert_eq!(Verbosity::from_flags(false, true), Verbosity::Verbose);
        assert_eq!(Verbosity::from_flags(false, false), Verbosity::Normal);
    }
}
