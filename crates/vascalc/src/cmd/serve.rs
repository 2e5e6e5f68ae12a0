//! `vascalc serve`: the local web app (crate vascalc-web) on a loopback address. See
//! `docs/web.md`.

use std::io::Write as _;
use std::net::IpAddr;

use anyhow::anyhow;
use clap::Args;

use crate::cmd::record::DbArg;
use crate::exit::{CliError, CliResult, Exit};

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The address to listen on. Only loopback addresses (127.0.0.1, ::1) are accepted: the app
    /// has no accounts, so no other computer may reach it.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    bind: IpAddr,
    /// The port to listen on; 0 takes any free port.
    #[arg(long, default_value_t = 7317)]
    port: u16,
    /// Open the app in the default browser (xdg-open); if that fails, the URL is still printed.
    #[arg(long)]
    open: bool,
    /// Do not log requests (the log holds method, route, status and duration only).
    #[arg(long)]
    quiet: bool,
    #[command(flatten)]
    db: DbArg,
}

pub(crate) fn run(args: ServeArgs) -> CliResult {
    let options = vascalc_web::Options {
        ip: args.bind,
        port: args.port,
        log: !args.quiet,
        db: Some(args.db.path()?),
    };
    let server = vascalc_web::Server::bind(options).map_err(|e| match e {
        vascalc_web::ServeError::NotLoopback(_) => CliError::new(Exit::Usage, anyhow!(e)),
        e => CliError::new(Exit::Failure, anyhow!(e)),
    })?;
    let url = server.url();
    crate::outln!("vascalc serve: {url}  (Ctrl-C stops it)")?;
    let _ = std::io::stdout().flush();
    if args.open {
        open_browser(&url);
    }
    server
        .run()
        .map_err(|e| CliError::new(Exit::Failure, anyhow!(e)))
}

/// Starts the desktop's browser on `url`; a failure is a warning, not an error.
#[expect(clippy::print_stderr, reason = "the binary talks to the person")]
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    match std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        Ok(mut child) => {
            // Reap it when it ends; a failure exit is a warning.
            std::thread::spawn(move || {
                if let Ok(status) = child.wait()
                    && !status.success()
                {
                    eprintln!(
                        "warning: {opener} could not open the browser ({status}); open the URL \
                         above yourself"
                    );
                }
            });
        }
        Err(e) => eprintln!("warning: could not start {opener} ({e}); open {url} yourself"),
    }
}
