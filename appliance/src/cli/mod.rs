//! The `balai` command line. `serve` runs the daemon; every other command is a
//! [`Request`] executed by [`execute`] against an open [`App`]: inside the
//! daemon over its Unix socket when one is running (sled admits one process),
//! or by opening the data dir directly when none is.

pub mod backup;
pub mod letter;
pub mod posyandu;
pub mod socket;
pub mod uplink;

use crate::app::App;
use crate::auth::model::Role;
use crate::auth::operations as auth_ops;
use crate::config::Config;
use crate::residents::{export, import, operations as ops};
use base64::Engine;
use clap::{Parser, Subcommand, ValueEnum};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "balai", version, about = "Balai: a village office in a box")]
pub struct Cli {
    /// Config file (every key has a default; a missing default file is fine).
    #[arg(long, global = true, default_value = crate::config::DEFAULT_PATH)]
    pub config: PathBuf,
    /// Data directory (overrides the config's data_dir).
    #[arg(long, global = true, env = "BALAI_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Machine-readable output.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the daemon: HTTPS, the plain-HTTP redirect, the CLI socket.
    Serve {
        /// Start with a generated demo village and demo sign-ins (a fresh data
        /// dir `balai-demo` in the current directory unless --data-dir is given).
        #[arg(long)]
        demo: bool,
    },
    /// Configuration.
    #[command(subcommand)]
    Config(ConfigCmd),
    /// Staff accounts.
    #[command(subcommand)]
    User(UserCmd),
    /// API tokens for kiosks and integrations.
    #[command(subcommand)]
    Token(TokenCmd),
    /// The population register.
    #[command(subcommand)]
    Residents(ResidentsCmd),
    /// The change log.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Letters: check a signed letter offline; the village's public key.
    #[command(subcommand)]
    Letter(LetterCmd),
    /// MQTT devices: sensors, kiosks, queue boards (see docs/mqtt.md).
    #[command(subcommand)]
    Device(DeviceCmd),
    /// Encrypted backups: make, check, restore; what a backup held.
    #[command(subcommand)]
    Backup(BackupCmd),
    /// Bundles for officials: make one, record an acknowledgement, merge many.
    #[command(subcommand)]
    Uplink(UplinkCmd),
    /// Posyandu: WHO z-scores for a spreadsheet (offline).
    #[command(subcommand)]
    Posyandu(PosyanduCmd),
}

#[derive(Subcommand, Debug)]
pub enum DeviceCmd {
    /// Register a device; prints its secret and client certificate once.
    Add {
        /// Lowercase letters and digits, 3 to 32 (the MQTT client id and user name).
        id: String,
        /// soil, weather, water, kiosk, board or generic.
        #[arg(long)]
        kind: String,
        /// field, posyandu or office.
        #[arg(long, default_value = "field")]
        place_kind: String,
        /// The field, posyandu or office by name.
        #[arg(long)]
        place: String,
    },
    List,
    /// A new secret and certificate; the old secret stops working and the device is disconnected.
    Rotate {
        id: String,
    },
    /// The credential stops working and the device is disconnected at once.
    Revoke {
        id: String,
    },
    /// A field's plan: its crop (irrigation advice and alerts) and who gets SMS alerts.
    Field {
        /// The place name its devices carry.
        place: String,
        /// rice, maize, coffee or chili.
        #[arg(long)]
        crop: String,
        /// Phone number for alerts (08…); none: no alerts.
        #[arg(long, default_value = "")]
        phone: String,
        /// Water level (cm) that means flood.
        #[arg(long)]
        flood_cm: Option<f64>,
    },
}

#[derive(Subcommand, Debug)]
pub enum UplinkCmd {
    /// A signed bundle for RECIPIENT with everything after its last acknowledged change.
    Export {
        #[arg(long)]
        recipient: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// RECIPIENT confirmed it holds everything up to SEQ (the bundle's to_seq).
    Ack { recipient: String, seq: u64 },
    /// The official's side: check and merge bundles from many villages into DIR.
    Import {
        #[arg(required = true)]
        bundles: Vec<PathBuf>,
        #[arg(long)]
        into: PathBuf,
        /// A folder of `<village code>.pub` files (`balai letter public-key` of each village), or one file.
        #[arg(long)]
        keys: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum BackupCmd {
    /// Write an encrypted backup of the whole box to FILE (through the daemon
    /// when it runs; the box keeps serving).
    Create {
        #[arg(long)]
        out: PathBuf,
    },
    /// Check a backup completely; exits 1 and says why if it is truncated,
    /// altered or for another key.
    Verify {
        file: PathBuf,
        /// The backup key from the recovery sheet (text or a file); default: this box's key.
        #[arg(long)]
        key: Option<String>,
    },
    /// Restore into a new data dir given with --data-dir (never over a live one).
    Restore {
        file: PathBuf,
        /// The backup key from the recovery sheet (text or a file); default: this box's key.
        #[arg(long)]
        key: Option<String>,
    },
    /// For a breach notice: when a backup was made, by whom, and which records
    /// it held. WHAT is the run id, the file's SHA-256 or its file name.
    Held {
        what: String,
        /// List every record id, not only counts per table.
        #[arg(long)]
        ids: bool,
    },
    /// The backups made, newest first.
    List,
}

#[derive(Subcommand, Debug)]
pub enum PosyanduCmd {
    /// Read a CSV with columns sex (M/F), age_days, weight_kg, height_cm and
    /// measure (L lying, H standing; may be blank) and write it back with
    /// waz, haz, whz, baz, flags and problem added, as WHO's anthro computes
    /// them. Bad rows are named by spreadsheet row number (header = row 1) on
    /// standard error; exit 1 if any row was refused, 2 if the file is unreadable.
    Zscores {
        file: PathBuf,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConfigCmd {
    /// Print the effective configuration (file + environment).
    Show,
}

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Add a staff account; the password is read from standard input.
    Add {
        username: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        #[arg(long, default_value = "")]
        full_name: String,
    },
    List,
    /// Set a new password, read from standard input; ends the user's sessions.
    Passwd {
        username: String,
    },
    /// Disable an account and end its sessions.
    Disable {
        username: String,
    },
    Enable {
        username: String,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum RoleArg {
    Admin,
    Operator,
    KepalaDesa,
    Kader,
    Nakes,
    Bendahara,
    Apotek,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::Operator => Role::Operator,
            RoleArg::KepalaDesa => Role::KepalaDesa,
            RoleArg::Kader => Role::Kader,
            RoleArg::Nakes => Role::Nakes,
            RoleArg::Bendahara => Role::Bendahara,
            RoleArg::Apotek => Role::Apotek,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum TokenCmd {
    /// Issue a bearer token acting as USER; printed once.
    Issue {
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "cli")]
        label: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ResidentsCmd {
    /// Import residents from an OpenSID-layout CSV or XLSX (all rows or none).
    Import { file: PathBuf },
    /// Export residents in the OpenSID import layout.
    Export {
        #[arg(long, value_enum, default_value = "csv")]
        format: Format,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, Serialize, Deserialize)]
pub enum Format {
    Csv,
    Xlsx,
}

#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// Recompute the change log's hash chain; exits 1 if it was tampered with.
    Verify,
}

#[derive(Subcommand, Debug)]
pub enum LetterCmd {
    /// Check a letter PDF offline with only the village's public key (no data
    /// dir needed); exits 0 if genuine, 1 if not, and says why.
    Verify {
        file: PathBuf,
        /// The village's public key: a file (as `letter public-key` prints it) or the key text.
        #[arg(long)]
        public_key: String,
    },
    /// Print the village's public key for letters, to give to the kecamatan office.
    PublicKey,
}

/// A command as it travels to the daemon: files travel as their contents, so
/// the daemon never reads or writes paths chosen by the caller.
#[derive(Serialize, Deserialize, Debug)]
pub enum Request {
    UserAdd {
        username: String,
        role: Role,
        full_name: String,
        password: String,
    },
    UserList,
    UserPasswd {
        username: String,
        password: String,
    },
    UserDisable {
        username: String,
        disabled: bool,
    },
    TokenIssue {
        user: String,
        label: String,
    },
    ResidentsImport {
        bytes_b64: String,
    },
    ResidentsExport {
        format: Format,
    },
    AuditVerify,
    DeviceAdd {
        id: String,
        kind: String,
        place_kind: String,
        place: String,
    },
    DeviceList,
    DeviceRotate {
        id: String,
    },
    DeviceRevoke {
        id: String,
    },
    FieldPlan {
        place: String,
        crop: String,
        phone: String,
        flood_cm: Option<f64>,
    },
    /// Streams the backup back in frames (see `cli/backup.rs`).
    BackupCreate {
        file_name: String,
    },
    BackupHeld {
        what: String,
        ids: bool,
    },
    BackupList,
    UplinkExport {
        recipient: String,
    },
    UplinkAck {
        recipient: String,
        seq: u64,
    },
}

#[derive(Serialize, Deserialize, Debug, Default)]
pub struct Reply {
    pub ok: bool,
    /// For people.
    pub text: String,
    /// For --json.
    pub json: serde_json::Value,
    /// File contents to write (export).
    pub file_b64: Option<String>,
}

impl Reply {
    pub(crate) fn ok(text: impl Into<String>, json: serde_json::Value) -> Reply {
        Reply { ok: true, text: text.into(), json, file_b64: None }
    }
    pub(crate) fn fail(text: impl Into<String>) -> Reply {
        let text = text.into();
        Reply { ok: false, json: serde_json::json!({ "error": text }), text, file_b64: None }
    }
}

/// The actor recorded in the change log for CLI work: the Unix user.
pub fn cli_actor() -> String {
    format!("cli:{}", std::env::var("SUDO_USER").or_else(|_| std::env::var("USER")).unwrap_or_else(|_| "root".into()))
}

pub fn execute(app: &App, actor: &str, request: Request) -> Reply {
    match request {
        Request::UserAdd { username, role, full_name, password } => {
            let name = if full_name.is_empty() { username.clone() } else { full_name };
            match auth_ops::add_user(&app.store, actor, &username, &name, role, &password) {
                Ok(u) => Reply::ok(
                    format!("user {} added ({})", u.username, role.code()),
                    serde_json::json!({ "username": u.username }),
                ),
                Err(e) => Reply::fail(user_error(e)),
            }
        }
        Request::UserList => match auth_ops::list_users(&app.store) {
            Ok(users) => {
                let text = users
                    .iter()
                    .filter(|u| u.role != Role::Warga)
                    .map(|u| {
                        format!(
                            "{:<20} {:<12} {}{}",
                            u.username,
                            u.role.code(),
                            u.full_name,
                            if u.disabled { " (disabled)" } else { "" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                let json = users
                    .iter()
                    .map(|u| serde_json::json!({ "username": u.username, "role": u.role, "full_name": u.full_name, "disabled": u.disabled }))
                    .collect();
                Reply::ok(text, serde_json::Value::Array(json))
            }
            Err(e) => Reply::fail(e.to_string()),
        },
        Request::UserPasswd { username, password } => {
            match auth_ops::set_password(&app.store, actor, &username, &password) {
                Ok(()) => {
                    Reply::ok(format!("password of {username} changed"), serde_json::json!({ "username": username }))
                }
                Err(e) => Reply::fail(user_error(e)),
            }
        }
        Request::UserDisable { username, disabled } => {
            match auth_ops::set_disabled(&app.store, actor, &username, disabled) {
                Ok(()) => Reply::ok(
                    format!("{username} {}", if disabled { "disabled" } else { "enabled" }),
                    serde_json::json!({ "username": username, "disabled": disabled }),
                ),
                Err(e) => Reply::fail(user_error(e)),
            }
        }
        Request::TokenIssue { user, label } => match auth_ops::issue_api_token(&app.store, actor, &user, &label) {
            Ok(token) => Reply::ok(token.clone(), serde_json::json!({ "token": token, "user": user })),
            Err(e) => Reply::fail(user_error(e)),
        },
        Request::ResidentsImport { bytes_b64 } => import_bytes(app, actor, &bytes_b64),
        Request::ResidentsExport { format } => export_bytes(app, actor, format),
        Request::DeviceAdd { id, kind, place_kind, place } => {
            let Some(kind) = crate::devices::model::Kind::parse(&kind) else {
                return Reply::fail("kind: one of soil, weather, water, kiosk, board, generic");
            };
            let Some(place_kind) = crate::devices::model::PlaceKind::parse(&place_kind) else {
                return Reply::fail("place-kind: one of field, posyandu, office");
            };
            issued_reply(app, crate::devices::operations::add(&app.store, actor, &id, kind, place_kind, &place))
        }
        Request::DeviceList => device_list(app),
        Request::DeviceRotate { id } => {
            let issued = crate::devices::operations::rotate(&app.store, actor, &id);
            disconnect(app, &id);
            issued_reply(app, issued)
        }
        Request::DeviceRevoke { id } => match crate::devices::operations::revoke(&app.store, actor, &id) {
            Ok(d) => {
                disconnect(app, &id);
                Reply::ok(
                    format!("device {} revoked and disconnected", d.id),
                    serde_json::json!({ "id": d.id, "revoked": true }),
                )
            }
            Err(e) => Reply::fail(e.to_string()),
        },
        Request::FieldPlan { place, crop, phone, flood_cm } => {
            let Some(crop) = crate::farming::advice::Crop::parse(&crop) else {
                return Reply::fail("crop: one of rice, maize, coffee, chili");
            };
            match crate::farming::operations::set_plan(&app.store, actor, &place, crop, &phone, flood_cm) {
                Ok(p) => Reply::ok(
                    format!(
                        "{}: {} (irrigate below {:.1}% soil moisture)",
                        p.place,
                        crop.code(),
                        crop.irrigate_below_pct()
                    ),
                    serde_json::json!({ "place": p.place, "crop": crop.code() }),
                ),
                Err(e) => Reply::fail(e),
            }
        }
        Request::BackupCreate { .. } => Reply::fail("a backup streams over the daemon's socket"),
        Request::BackupHeld { what, ids } => backup_held(app, &what, ids),
        Request::BackupList => backup_list(app),
        Request::UplinkExport { recipient } => match crate::uplink::operations::export(app, actor, &recipient) {
            Ok((header, bytes)) => Reply {
                ok: true,
                text: format!(
                    "bundle {} for {recipient}: changes {}..{}, {} entries; acknowledge with: balai uplink ack {recipient} {}",
                    header.id(),
                    header.from_seq,
                    header.to_seq,
                    header.entries.len() + 2,
                    header.to_seq
                ),
                json: serde_json::json!({ "id": header.id(), "from_seq": header.from_seq, "to_seq": header.to_seq }),
                file_b64: Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
            },
            Err(e) => Reply::fail(e.to_string()),
        },
        Request::UplinkAck { recipient, seq } => match crate::uplink::operations::ack(app, actor, &recipient, seq) {
            Ok(now) => Reply::ok(format!("{recipient} acknowledged up to {now}"), serde_json::json!({ "seq": now })),
            Err(e) => Reply::fail(e.to_string()),
        },
        Request::AuditVerify => match app.store.verify_chain() {
            Ok(r) if r.ok() => Reply::ok(
                format!("change log intact: {} entries, head {}", r.entries, r.head),
                serde_json::to_value(&r).unwrap_or_default(),
            ),
            Ok(r) => Reply {
                ok: false,
                text: format!("change log BROKEN:\n{}", r.problems.join("\n")),
                json: serde_json::to_value(&r).unwrap_or_default(),
                file_b64: None,
            },
            Err(e) => Reply::fail(e.to_string()),
        },
    }
}

fn backup_held(app: &App, what: &str, ids: bool) -> Reply {
    let Some(run) = crate::backup::operations::find_run(&app.store, what) else {
        return Reply::fail(format!("no backup known as {what}"));
    };
    let held = match crate::backup::operations::held(&app.store, run.snapshot_seq) {
        Ok(h) => h,
        Err(e) => return Reply::fail(e.to_string()),
    };
    let mut text = format!(
        "backup {} ({}): made {} by {} ({}), change log seq {}, {} bytes, sha256 {}\n",
        run.id,
        run.file,
        run.finished.format("%Y-%m-%d %H:%M:%S UTC"),
        run.actor,
        run.trigger.code(),
        run.snapshot_seq,
        run.size,
        run.sha256
    );
    for (table, set) in &held {
        text.push_str(&format!("  {table}: {} records\n", set.len()));
        if ids {
            for id in set {
                text.push_str(&format!("    {id}\n"));
            }
        }
    }
    let json = serde_json::json!({ "run": run, "held": held });
    Reply::ok(text.trim_end().to_string(), json)
}

fn backup_list(app: &App) -> Reply {
    let runs = crate::backup::operations::runs(&app.store, 1000);
    let text = runs
        .iter()
        .map(|r| {
            format!(
                "{}  {:<7} {:<40} {:>12} bytes  {}",
                r.id,
                r.trigger.code(),
                r.file,
                r.size,
                if !r.ok {
                    format!("FAILED: {}", r.error)
                } else if r.verified {
                    "verified".into()
                } else {
                    "written".into()
                }
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    Reply::ok(text, serde_json::to_value(&runs).unwrap_or_default())
}

fn user_error(e: auth_ops::AuthError) -> String {
    match e {
        auth_ops::AuthError::Weak(w) => balai_ui::t(balai_ui::Lang::En, w.key()),
        other => other.to_string(),
    }
}

fn import_bytes(app: &App, actor: &str, b64: &str) -> Reply {
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(b64) else {
        return Reply::fail("file could not be transferred");
    };
    let limits =
        import::ImportLimits { max_bytes: app.config.limits.upload_bytes.max(50 * 1024 * 1024), ..Default::default() };
    let started = std::time::Instant::now();
    let plan = if bytes.starts_with(b"PK\x03\x04") {
        import::parse_xlsx_with(&bytes, &limits)
    } else {
        import::parse_csv_with(&bytes, &limits)
    };
    tracing::info!(ms = started.elapsed().as_millis() as u64, ok = plan.is_ok(), "import file parsed");
    match plan.and_then(|plan| ops::import(&app.store, actor, plan)) {
        Ok(summary) => {
            app.index_now();
            Reply::ok(
                format!(
                    "imported: {} residents created, {} updated; {} families created, {} updated; {} warnings",
                    summary.residents_created,
                    summary.residents_updated,
                    summary.families_created,
                    summary.families_updated,
                    summary.warnings
                ),
                serde_json::to_value(&summary).unwrap_or_default(),
            )
        }
        Err(errors) => {
            let lines: Vec<String> = errors
                .iter()
                .map(|e| {
                    let reason = crate::residents::views::message(balai_ui::Lang::En, e.key, &e.detail);
                    format!("row {}, column {}: {reason}", e.row, if e.column.is_empty() { "-" } else { &e.column })
                })
                .collect();
            Reply {
                ok: false,
                text: format!("nothing imported; {} problem(s):\n{}", errors.len(), lines.join("\n")),
                json: serde_json::to_value(&errors).unwrap_or_default(),
                file_b64: None,
            }
        }
    }
}

fn export_bytes(app: &App, actor: &str, format: Format) -> Reply {
    let (residents, families) = ops::export_rows(&app.store);
    let note = crate::store::Change::note("resident", "*", crate::store::Op::Export)
        .with_detail(format!("CLI export of {} residents", residents.len()));
    if let Err(e) = app.store.commit(actor, vec![note], crate::store::Durability::Durable) {
        return Reply::fail(e.to_string());
    }
    let bytes = match format {
        Format::Csv => Ok(export::to_csv(&residents, &families)),
        Format::Xlsx => export::to_xlsx(&residents, &families).map_err(|e| e.to_string()),
    };
    match bytes {
        Ok(b) => Reply {
            ok: true,
            text: format!("{} residents exported", residents.len()),
            json: serde_json::json!({ "residents": residents.len() }),
            file_b64: Some(base64::engine::general_purpose::STANDARD.encode(b)),
        },
        Err(e) => Reply::fail(e),
    }
}

pub fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    let mut config = Config::load(Some(&cli.config), std::env::vars())?;
    if let Some(dir) = &cli.data_dir {
        config.data_dir = dir.clone();
    }
    Ok(config)
}

fn disconnect(app: &App, id: &str) {
    if let Some(mqtt) = app.mqtt.get() {
        mqtt.disconnect(id);
    }
}

/// A new credential: the secret and a client certificate, shown once.
fn issued_reply(
    app: &App,
    issued: Result<crate::devices::operations::Issued, crate::devices::operations::DeviceError>,
) -> Reply {
    let issued = match issued {
        Ok(i) => i,
        Err(e) => return Reply::fail(e.to_string()),
    };
    let keys = app.config.data_dir.join("keys");
    let cert = crate::http::tls::load_or_create(&keys, &app.config.http.hostnames)
        .and_then(|_| crate::devices::certs::issue_client(&keys, &issued.device.id));
    let (cert_pem, key_pem) = match cert {
        Ok(pair) => pair,
        Err(e) => return Reply::fail(format!("client certificate: {e:#}")),
    };
    let d = &issued.device;
    let text = format!(
        "device {} ({}, {}) credential {}\nuser name and client id: {}\nsecret (shown once): {}\n\n{}{}",
        d.id,
        d.kind.code(),
        d.place,
        d.credential_version,
        d.id,
        issued.secret,
        cert_pem,
        key_pem
    );
    let json = serde_json::json!({
        "id": d.id, "kind": d.kind.code(), "place": d.place, "secret": issued.secret,
        "credential_version": d.credential_version, "cert_pem": cert_pem, "key_pem": key_pem,
    });
    Reply::ok(text, json)
}

fn device_list(app: &App) -> Reply {
    let devices = crate::devices::operations::list(&app.store);
    let seen = |id: &str| app.mqtt.get().and_then(|m| m.metrics.seen(id)).unwrap_or_default();
    let text = devices
        .iter()
        .map(|d| {
            let s = seen(&d.id);
            format!(
                "{:<20} {:<8} {:<24} {}{}",
                d.id,
                d.kind.code(),
                d.place,
                if s.last_seen_ms > 0 {
                    chrono::DateTime::from_timestamp_millis(s.last_seen_ms).map(|t| t.to_rfc3339()).unwrap_or_default()
                } else {
                    "never seen".into()
                },
                if d.revoked { " (revoked)" } else { "" }
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let json = devices
        .iter()
        .map(|d| {
            let s = seen(&d.id);
            serde_json::json!({
                "id": d.id, "kind": d.kind.code(), "place_kind": d.place_kind.code(), "place": d.place,
                "revoked": d.revoked, "last_seen_ms": s.last_seen_ms, "battery_v": s.battery_v,
                "rssi_dbm": s.rssi_dbm, "invalid_payloads": s.invalid,
            })
        })
        .collect();
    Reply::ok(text, serde_json::Value::Array(json))
}
