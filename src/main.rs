//! Entry point: read the command line and settings, start logging, run.

use std::process::ExitCode;

use clap::Parser;
use jobdesc::cli::{self, Cli, Command};
use jobdesc::telemetry;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_arena_eager_commit` in mimalloc.h (the same place in its v2 and v3 lists).
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
/// `mi_option_purge_delay` (also the same place in both).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// On Linux mimalloc commits its arenas up front, and memory a burst of long pages once
/// took stayed resident (about 300 MB after the load benchmark): committed on demand,
/// purged pages go back to the system. The option holds for arenas made after it is set,
/// and the first is made by the first allocation, which the Rust runtime makes before
/// `main`: so it is set from the ELF initialisers, which run before that. Freed pages
/// go back at once rather than after 10 ms: under load they were seldom idle that long
/// (80 MB held after the load benchmark, 65 MB with this).
extern "C" fn commit_on_demand() {
    // SAFETY: sets process-wide options; no other thread exists yet.
    unsafe {
        libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
    }
}

#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static COMMIT_ON_DEMAND: extern "C" fn() = commit_on_demand;

/// A command whose output is piped into `head` ends quietly when the reader has had
/// enough, as command-line tools do, instead of panicking on the failed write (Rust
/// ignores SIGPIPE). Not for the server: a client hanging up must not end it.
fn die_quietly_on_a_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restores the default disposition of one signal before any thread exists
    // besides this one; no handler is installed.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    #[cfg(not(target_os = "linux"))]
    commit_on_demand();
    let args = Cli::parse();
    if !matches!(args.command, None | Some(Command::Serve { .. })) {
        die_quietly_on_a_closed_pipe();
    }
    let (settings, warnings) = match args.settings() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    telemetry::init(&settings.log_level, &settings.log_format);
    for w in warnings {
        tracing::warn!("{w}");
    }
    // Rendering a JSON file needs neither settings nor a database.
    if let Some(Command::Render {
        from_json: Some(file),
        parts,
        output,
        ..
    }) = &args.command
    {
        return match cli::render_json(file, parts, output) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    // Checking an evidence pack and restoring a backup must not open (or create) the database.
    let offline = match &args.command {
        Some(Command::VerifyPack { file, secret_key_file }) => Some(cli::verify_pack(file, secret_key_file.as_deref())),
        Some(Command::Restore { file }) => Some(cli::backup::restore(&settings, file)),
        _ => None,
    };
    if let Some(result) = offline {
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    // So does printing what files hold.
    if let Some(Command::Import { files, json: true, .. }) = &args.command {
        return match cli::import_json(files) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let result = match args.command.unwrap_or(Command::Serve {
        demo: false,
        init: false,
    }) {
        Command::Serve { demo, init } => actix_web::rt::System::new().block_on(cli::serve(settings, demo, init)),
        other => cli::run_offline(settings, other),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
