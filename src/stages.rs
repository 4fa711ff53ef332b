//! Per-stage wall time and memory of a build, printed to standard error when
//! `CROSSCHECK_TIME_STAGES` is set (to anything). For developers measuring
//! where a large build spends its time (see bench/README.md): a profiler says
//! which functions are hot, this says which stage grew when the corpus did.
//!
//! Off by default and free when off: one environment lookup per build.

use std::time::Instant;

/// Measures the time since the previous mark and the process's memory at
/// each mark.
#[derive(Debug)]
pub(crate) struct StageClock {
    last: Option<Instant>,
}

impl StageClock {
    /// Enabled when `CROSSCHECK_TIME_STAGES` is set.
    pub(crate) fn from_env() -> StageClock {
        let on = std::env::var_os("CROSSCHECK_TIME_STAGES").is_some();
        StageClock {
            last: on.then(Instant::now),
        }
    }

    /// A clock that never prints.
    pub(crate) fn off() -> StageClock {
        StageClock { last: None }
    }

    /// Ends the stage `name`: prints its wall time, the resident set now and
    /// the peak so far.
    pub(crate) fn mark(&mut self, name: &str) {
        let Some(last) = self.last else { return };
        let now = Instant::now();
        let (rss, peak) = memory_kb();
        eprintln!(
            "stage {name:<10} {:>8.3} s  rss {:>6} MB  peak {:>6} MB",
            (now - last).as_secs_f64(),
            rss / 1024,
            peak / 1024
        );
        self.last = Some(now);
    }
}

/// `(VmRSS, VmHWM)` in KiB from `/proc/self/status`; zeros where there is
/// no such file (not Linux).
fn memory_kb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}
