//! What the binary does with a parsed command line: run the daemon (optionally
//! with a demo village) or carry out one CLI command, through the daemon's
//! socket when it runs.

use crate::app::App;
use crate::auth::model::Role;
use crate::auth::operations as auth_ops;
use crate::auth::password;
use crate::cli::{self, AuditCmd, Cli, Command, ConfigCmd, DeviceCmd, Reply, Request, ResidentsCmd, TokenCmd, UserCmd};
use crate::config::Config;
use base64::Engine;
use clap::Parser;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut config = match cli::load_config(&cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("balai: {e:#}");
            return ExitCode::from(2);
        }
    };
    // A one-off command talks to a person: only warnings, unless BALAI_LOG says otherwise.
    let serving = matches!(cli.command, Command::Serve { .. });
    init_logging(&config, serving);
    let result = match cli.command {
        Command::Serve { demo } => {
            if demo && cli.data_dir.is_none() {
                config.data_dir = std::env::current_dir().unwrap_or_default().join("balai-demo");
            }
            serve(config, demo)
        }
        Command::Config(ConfigCmd::Show) => {
            if cli.json {
                println!("{}", serde_json::to_string_pretty(&config).unwrap_or_default());
            } else {
                print!("{}", config.to_toml());
            }
            Ok(ExitCode::SUCCESS)
        }
        // Offline: a kecamatan office has no data dir, and no store is needed.
        Command::Letter(command) => cli::letter::run(&config, command, cli.json),
        Command::Posyandu(command) => cli::posyandu::run(command, cli.json),
        Command::Uplink(cli::UplinkCmd::Import { bundles, into, keys }) => {
            cli::uplink::import(&bundles, &into, &keys, cli.json)
        }
        Command::Backup(command) => {
            let live = Config::load(Some(&cli.config), std::env::vars()).map(|c| c.data_dir).unwrap_or_default();
            cli::backup::run(&config, &live, command, cli.json)
        }
        other => one_command(&config, other, cli.json),
    };
    result.unwrap_or_else(|e| {
        eprintln!("balai: {e:#}");
        ExitCode::FAILURE
    })
}

fn init_logging(config: &Config, serving: bool) {
    let default = if serving { config.log.level.as_str() } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("BALAI_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if config.log.format == "json" { builder.json().try_init() } else { builder.try_init() };
}

fn serve(config: Config, demo: bool) -> anyhow::Result<ExitCode> {
    if demo && config.data_dir.join("store").exists() {
        // A demo starts fresh, so its printed passwords are the only ones.
        std::fs::remove_dir_all(&config.data_dir)?;
    }
    let started = std::time::Instant::now();
    let mut app = App::open(config)?;
    let tls = crate::http::tls::load_or_create(&app.config.data_dir.join("keys"), &app.config.http.hostnames)?;
    app.ca_pem = tls.ca_pem.clone();
    let sign_ins = if demo { Some(load_demo(&app)?) } else { None };
    let app = Arc::new(app);
    cli::socket::listen(app.clone())?;
    crate::telemetry::operations::start(app.clone())?;
    if let Some(lines) = sign_ins {
        print_demo(&app, &lines, started);
    }
    actix_web::rt::System::new().block_on(async {
        crate::outbox::worker::start(app.clone());
        crate::backup::worker::start(app.clone());
        crate::uplink::sender::start(app.clone());
        let served = crate::http::server::serve(app.clone(), tls.server).await;
        crate::outbox::worker::stop();
        served
    })?;
    let _ = std::fs::remove_file(cli::socket::path(&app.config.data_dir));
    Ok(ExitCode::SUCCESS)
}

/// The demo village: about 600 families, one account per role with a fresh
/// password, and one resident with a self-service PIN.
fn load_demo(app: &App) -> anyhow::Result<Vec<(String, String, String)>> {
    let (families, residents) = crate::residents::demo::generate(rand::random(), 600);
    crate::residents::operations::load_generated(&app.store, &families, &residents)?;
    let today = crate::config::local_day(chrono::Utc::now(), app.config.utc_offset_hours());
    crate::posyandu::demo::load(&app.store, &crate::posyandu::demo::from_residents(7, &residents, today, 12))?;
    let mut profile = crate::village::operations::profile(&app.store);
    profile.name = "Sukamaju".into();
    profile.code = "3310052001".into();
    profile.address = "Jl. Balai Desa No. 1, Sukamaju".into();
    profile.kepala_desa = "Bambang Suryanto".into();
    profile.phone = "0272 000 000".into();
    profile.dpo_name = "Siti Rahmawati (Sekretaris Desa)".into();
    profile.dpo_contact = "Kantor desa, Senin–Jumat".into();
    crate::village::operations::fill_region_names(&mut profile);
    crate::village::operations::save(&app.store, "demo", &profile)?;
    let mut lines = Vec::new();
    for role in Role::ALL.into_iter().filter(|r| *r != Role::Warga) {
        let pw = password::generate();
        let name = role.code().replace('_', "");
        auth_ops::add_user(&app.store, "demo", &name, &format!("Demo {}", role.code()), role, &pw)?;
        lines.push((role.code().to_string(), name, pw));
    }
    if let Some(r) = residents.iter().find(|r| r.status == 1 && r.family_relation == 1) {
        let pin = auth_ops::issue_pin(&app.store, "demo", &r.id, &r.nik, &r.name)?;
        lines.push(("warga".into(), format!("NIK {}", r.nik), format!("PIN {pin}")));
    }
    app.index_now();
    Ok(lines)
}

fn print_demo(app: &App, lines: &[(String, String, String)], started: std::time::Instant) {
    let port = app.config.http.https_port;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "\nBalai demo village ready in {:.1} s: {} residents.",
        started.elapsed().as_secs_f32(),
        app.store.count::<crate::residents::model::Resident>()
    );
    let _ = writeln!(
        out,
        "Open https://localhost:{port}/ (trust the CA from http://localhost:{}/ca.crt, or accept the warning).",
        app.config.http.http_port
    );
    let _ = writeln!(out, "Demo sign-ins (new passwords at every start):");
    for (role, user, secret) in lines {
        let _ = writeln!(out, "  {role:<12} {user:<26} {secret}");
    }
    let _ = writeln!(out, "Data: {}\n", app.config.data_dir.display());
    let _ = out.flush();
}

/// At a terminal the password is typed without echo; otherwise (scripts,
/// provisioning) it is the first line of standard input.
fn read_secret(prompt: &str) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(rpassword::prompt_password(format!("{prompt}: "))?);
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn request_for(command: Command) -> anyhow::Result<(Request, Option<std::path::PathBuf>)> {
    Ok(match command {
        Command::User(UserCmd::Add { username, role, full_name }) => {
            let password = read_secret("Password (12+ characters)")?;
            (Request::UserAdd { username, role: role.into(), full_name, password }, None)
        }
        Command::User(UserCmd::List) => (Request::UserList, None),
        Command::User(UserCmd::Passwd { username }) => {
            let password = read_secret("New password")?;
            (Request::UserPasswd { username, password }, None)
        }
        Command::User(UserCmd::Disable { username }) => (Request::UserDisable { username, disabled: true }, None),
        Command::User(UserCmd::Enable { username }) => (Request::UserDisable { username, disabled: false }, None),
        Command::Token(TokenCmd::Issue { user, label }) => (Request::TokenIssue { user, label }, None),
        Command::Residents(ResidentsCmd::Import { file }) => {
            let bytes = std::fs::read(&file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let bytes_b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
            (Request::ResidentsImport { bytes_b64 }, None)
        }
        Command::Residents(ResidentsCmd::Export { format, out }) => (Request::ResidentsExport { format }, Some(out)),
        Command::Audit(AuditCmd::Verify) => (Request::AuditVerify, None),
        Command::Device(DeviceCmd::Add { id, kind, place_kind, place }) => {
            (Request::DeviceAdd { id, kind, place_kind, place }, None)
        }
        Command::Device(DeviceCmd::List) => (Request::DeviceList, None),
        Command::Device(DeviceCmd::Rotate { id }) => (Request::DeviceRotate { id }, None),
        Command::Device(DeviceCmd::Revoke { id }) => (Request::DeviceRevoke { id }, None),
        Command::Device(DeviceCmd::Field { place, crop, phone, flood_cm }) => {
            (Request::FieldPlan { place, crop, phone, flood_cm }, None)
        }
        Command::Uplink(cli::UplinkCmd::Export { recipient, out }) => (Request::UplinkExport { recipient }, Some(out)),
        Command::Uplink(cli::UplinkCmd::Ack { recipient, seq }) => (Request::UplinkAck { recipient, seq }, None),
        Command::Uplink(cli::UplinkCmd::Import { .. }) => anyhow::bail!("not a CLI request"),
        Command::Serve { .. } | Command::Config(_) | Command::Letter(_) | Command::Backup(_) | Command::Posyandu(_) => {
            anyhow::bail!("not a CLI request")
        }
    })
}

fn one_command(config: &Config, command: Command, json: bool) -> anyhow::Result<ExitCode> {
    let (request, out) = request_for(command)?;
    send_request(config, request, out, json)
}

/// One request, to the daemon when it runs, else against the data dir.
pub fn one_request(config: &Config, request: Request, json: bool) -> anyhow::Result<ExitCode> {
    send_request(config, request, None, json)
}

fn send_request(
    config: &Config,
    request: Request,
    out: Option<std::path::PathBuf>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let actor = cli::cli_actor();
    let long = matches!(request, Request::ResidentsImport { .. } | Request::ResidentsExport { .. });
    let progress = (long && !json && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new_spinner().with_message("working…");
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    });
    let reply = match cli::socket::send(&config.data_dir, &actor, &request) {
        Some(reply) => reply?,
        None => {
            let app = App::open(config.clone())?;
            cli::execute(&app, &actor, request)
        }
    };
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    finish(reply, out, json)
}

pub fn finish(reply: Reply, out: Option<std::path::PathBuf>, json: bool) -> anyhow::Result<ExitCode> {
    if let (Some(path), Some(b64)) = (&out, &reply.file_b64) {
        let bytes = base64::engine::general_purpose::STANDARD.decode(b64)?;
        std::fs::write(path, bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&reply.json)?);
    } else if reply.ok {
        println!("{}", reply.text);
    } else {
        eprintln!("{}", reply.text);
    }
    Ok(if reply.ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
