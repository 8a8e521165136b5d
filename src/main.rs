//! Entry point: read the command line and settings, start logging, run.

use std::process::ExitCode;

use clap::Parser;
use jobdesc::cli::{self, Cli, Command};
use jobdesc::telemetry;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = Cli::parse();
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
