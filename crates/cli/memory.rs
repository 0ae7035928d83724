//! Long-running commands and glibc's allocator.
//!
//! glibc gives threads that allocate at the same time arenas of their own, up to eight per
//! core, and hands little of an arena's free memory back to the system. The daemon's work
//! hops across tokio's workers and its blocking threads, so its resident memory crept up for
//! half an hour while holding no more: the soak bench saw +0.2 to +1.5 MB a minute over 30
//! minutes, and as much with the deduplicator's window capped. With `MALLOC_ARENA_MAX=2` the
//! same soak is flat four minutes in. glibc reads the variable when a process starts, so a
//! long-running command that finds it unset starts itself again with it set (`exec`: the
//! same process, id and arguments). A value already set, by the user or a service manager,
//! is kept.

/// The variable glibc reads.
const VAR: &str = "MALLOC_ARENA_MAX";

/// For a long-running command: replaces this process with itself under
/// `MALLOC_ARENA_MAX=2` unless the variable is set. Returns only when it is set already, on
/// another C library, or when the re-start failed (the error then says why, and the command
/// goes on with the default arenas).
pub(crate) fn settle_allocator() -> Option<std::io::Error> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::process::CommandExt;
        if std::env::var_os(VAR).is_some() {
            return None;
        }
        let exe = match std::env::current_exe() {
            Ok(exe) => exe,
            Err(e) => return Some(e),
        };
        // `exec` returns only on failure.
        Some(std::process::Command::new(exe).args(std::env::args_os().skip(1)).env(VAR, "2").exec())
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        None
    }
}
