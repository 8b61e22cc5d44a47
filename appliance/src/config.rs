//! `balai.toml`: every key has a default, so an empty file (or none) is a valid
//! configuration. Environment variables override the file:
//! `BALAI_<SECTION>__<KEY>` (e.g. `BALAI_HTTP__HTTPS_PORT=9443`), and
//! `BALAI_DATA_DIR` for the top-level key.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub data_dir: PathBuf,
    pub http: Http,
    pub village: Village,
    pub auth: Auth,
    pub limits: Limits,
    pub files: Files,
    pub log: Log,
    pub letters: Letters,
    pub sms: Sms,
    pub queue: Queue,
    pub mqtt: Mqtt,
    pub backup: Backup,
    pub uplink: Uplink,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Http {
    /// Address both listeners bind to.
    pub bind: String,
    pub https_port: u16,
    /// Plain HTTP: redirects to HTTPS and serves the CA certificate.
    pub http_port: u16,
    /// Names the TLS certificate covers besides localhost and the box's addresses.
    pub hostnames: Vec<String>,
    /// actix workers; two suit a Raspberry Pi.
    pub workers: usize,
}

/// Used to seed the village profile on first start; afterwards the admin edits
/// it on the settings page.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Village {
    pub name: String,
    /// Kemendagri code, 10 digits (PP.KK.CC.DDDD without dots).
    pub code: String,
    /// WIB, WITA or WIT.
    pub timezone: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Auth {
    pub session_hours: i64,
    pub max_failed_per_hour: u32,
    /// How long a re-authentication unlocks sensitive actions.
    pub reauth_minutes: i64,
    /// A session opened at the kiosk (/kiosk) ends this soon, in case the
    /// resident walks away without pressing "Selesai".
    pub kiosk_session_minutes: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    pub upload_bytes: usize,
}

/// Layanan surat: paper, numbering and the address printed under the QR.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Letters {
    /// `F4` (215 × 330 mm, usual in village offices) or `A4`.
    pub paper: String,
    /// `{kka}`, `{nomor}`, `{desa}`, `{bulan}` (Roman), `{tahun}`.
    pub number_format: String,
    /// Zero-padded width of `{nomor}`.
    pub number_digits: usize,
    /// The address residents and officials open to check a letter.
    pub public_url: String,
    /// The village's logo for the letterhead: a PNG file, or empty for none.
    pub logo_png: std::path::PathBuf,
}

/// The queue (antrian): counters, the limit on anonymous tickets, speech.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Queue {
    /// Counters (loket) numbered 1..=counters.
    pub counters: u32,
    /// Tickets one client address may take per hour without signing in, so
    /// one phone cannot fill the queue. Staff and kiosks are not limited.
    pub tickets_per_address_per_hour: u32,
    /// Addresses of ticket kiosks that take tickets without signing in.
    pub kiosk_addresses: Vec<String>,
    /// Speak calls with espeak-ng when it is installed (else the board uses
    /// the browser's voice).
    pub speech: bool,
}

/// Photos residents attach to requests (see docs/files.md).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Files {
    /// Largest photo accepted, as sent by the phone.
    pub max_upload_bytes: usize,
    /// Photos are scaled down so their longer side is at most this many pixels.
    pub max_long_side: u32,
    /// Largest picture decoded, in megapixels; more is refused as a likely
    /// decompression bomb.
    pub max_megapixels: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Log {
    /// A tracing filter, e.g. `info` or `balai=debug,actix_web=info`.
    pub level: String,
    /// `text` or `json`.
    pub format: String,
}

/// The GSM modem the outbox sends SMS through (see docs/outbox.md).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Sms {
    /// Serial device of the modem, e.g. `/dev/ttyUSB2`; empty: no modem, SMS stay queued.
    pub port: String,
    pub baud: u32,
    /// Attempts before a message is marked failed.
    pub max_attempts: u32,
    /// Wait after the first failure; doubles after each further one.
    pub retry_base_seconds: u64,
    pub retry_max_seconds: u64,
    /// How long the modem may take to answer a command.
    pub command_timeout_seconds: u64,
    /// How long the network may take to accept a message after Ctrl-Z.
    pub send_timeout_seconds: u64,
}

impl Default for Sms {
    fn default() -> Self {
        Sms {
            port: String::new(),
            baud: 115_200,
            max_attempts: 6,
            retry_base_seconds: 60,
            retry_max_seconds: 3600,
            command_timeout_seconds: 10,
            send_timeout_seconds: 60,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("/var/lib/balai"),
            http: Http::default(),
            village: Village::default(),
            auth: Auth::default(),
            limits: Limits::default(),
            files: Files::default(),
            log: Log::default(),
            letters: Letters::default(),
            sms: Sms::default(),
            queue: Queue::default(),
            mqtt: Mqtt::default(),
            backup: Backup::default(),
            uplink: Uplink::default(),
        }
    }
}

/// The embedded MQTT broker and the time series (see docs/mqtt.md). A port of
/// 0 turns that listener off.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Mqtt {
    pub enabled: bool,
    /// Address the MQTT listeners bind to.
    pub bind: String,
    /// LAN, user name and password: MQTT 3.1.1 and MQTT 5 (rumqttd serves one
    /// protocol version per port).
    pub port: u16,
    pub port_v5: u16,
    /// TLS with a client certificate from the box's CA: 3.1.1 and 5.
    pub tls_port: u16,
    pub tls_port_v5: u16,
    /// Per zone (LAN, TLS).
    pub max_connections: usize,
    pub max_payload_bytes: usize,
    /// Readings one device may send per minute; more are dropped and counted
    /// (0: no limit).
    pub readings_per_minute: u32,
    /// Raw readings are kept this many days; hourly and daily roll-ups for
    /// `rollup_years`.
    pub raw_days: u32,
    pub rollup_years: u32,
    /// Memory of each topic's in-flight log in the router: segments of this
    /// many payload bytes, this many of them.
    pub segment_bytes: usize,
    pub segment_count: usize,
}

impl Default for Mqtt {
    fn default() -> Self {
        Mqtt {
            enabled: true,
            bind: "0.0.0.0".into(),
            port: 1883,
            port_v5: 1884,
            tls_port: 8883,
            tls_port_v5: 8884,
            max_connections: 2000,
            max_payload_bytes: 4096,
            readings_per_minute: 120,
            raw_days: 30,
            rollup_years: 10,
            // rumqttd keeps a log per topic, and each device has its own
            // topic: 8 KiB × 2 bounds a device's share (about 150 readings,
            // far more than the daemon's link ever trails by).
            segment_bytes: 8 * 1024,
            segment_count: 2,
        }
    }
}

/// Encrypted backups: the daily one, and the USB stick (see docs/backup.md).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Backup {
    /// Make a backup into `<data_dir>/backups/` once a day.
    pub daily: bool,
    /// Backups kept in `<data_dir>/backups/`.
    pub keep: usize,
    /// Where the USB stick is mounted (the udev rule and `balai-usb@.service`
    /// in provisioning/ mount it here); a backup is written when one appears.
    pub usb_dir: PathBuf,
    /// Only write to `usb_dir` when it is a mount point, so nothing lands on
    /// the SD card when no stick is in. Tests turn this off.
    pub usb_require_mount: bool,
    /// Backups kept on the stick.
    pub usb_keep: usize,
    /// How often the stick's folder is looked at.
    pub poll_seconds: u64,
    /// The dashboard warns when no verified backup is newer than this.
    pub warn_after_days: i64,
}

/// Bundles for officials (see docs/uplink.md): who gets which named records,
/// and how a failed HTTPS delivery is retried.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Uplink {
    pub recipients: Vec<UplinkRecipient>,
    /// The first retry after a failed POST; each further one waits twice as long...
    pub retry_base_seconds: u64,
    /// ...but never longer than this.
    pub retry_max_seconds: u64,
    /// A POST (connect, send, reply) that takes longer has failed.
    pub timeout_seconds: u64,
}

/// One recipient: every bundle carries the de-identified figures, plus the
/// named records of `tables` (for example `posyandu_child` for the puskesmas).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct UplinkRecipient {
    pub name: String,
    pub tables: Vec<String>,
    /// `https://` URL the bundles are POSTed to; empty: USB stick and CLI only.
    pub endpoint: String,
    /// PEM file with the CA(s) the endpoint's certificate must chain to (an
    /// office's own CA); empty: the system's root certificates.
    pub ca_file: PathBuf,
    /// A new bundle this long after the last one was acknowledged.
    pub interval_seconds: u64,
}

impl Default for Uplink {
    fn default() -> Self {
        Uplink { recipients: Vec::new(), retry_base_seconds: 60, retry_max_seconds: 3600, timeout_seconds: 120 }
    }
}

impl Default for UplinkRecipient {
    fn default() -> Self {
        UplinkRecipient {
            name: String::new(),
            tables: Vec::new(),
            endpoint: String::new(),
            ca_file: PathBuf::new(),
            interval_seconds: 86_400,
        }
    }
}

impl Uplink {
    /// Bundles carry named records: they go out over verified TLS or not at all.
    fn check(&self) -> anyhow::Result<()> {
        for (i, r) in self.recipients.iter().enumerate() {
            let key = format!("uplink.recipients[{i}]");
            if r.name.trim().is_empty() {
                anyhow::bail!("{key}.name: a recipient needs a name");
            }
            if r.endpoint.is_empty() {
                continue;
            }
            let key = format!("{key}.endpoint (recipient {:?})", r.name);
            let url = reqwest::Url::parse(&r.endpoint).map_err(|e| anyhow::anyhow!("{key}: {e}"))?;
            if url.scheme() != "https" {
                anyhow::bail!("{key}: only https:// endpoints are allowed, not {:?}", r.endpoint);
            }
            if url.host_str().is_none_or(str::is_empty) {
                anyhow::bail!("{key}: no host in {:?}", r.endpoint);
            }
        }
        Ok(())
    }
}

impl Default for Backup {
    fn default() -> Self {
        Backup {
            daily: true,
            keep: 7,
            usb_dir: PathBuf::from("/media/balai-usb"),
            usb_require_mount: true,
            usb_keep: 5,
            poll_seconds: 5,
            warn_after_days: 7,
        }
    }
}

impl Default for Queue {
    fn default() -> Self {
        Queue { counters: 3, tickets_per_address_per_hour: 10, kiosk_addresses: Vec::new(), speech: true }
    }
}

impl Default for Http {
    fn default() -> Self {
        Http {
            bind: "0.0.0.0".into(),
            https_port: 8443,
            http_port: 8080,
            hostnames: vec!["balai.local".into()],
            workers: 2,
        }
    }
}

impl Default for Village {
    fn default() -> Self {
        Village { name: "Desa".into(), code: String::new(), timezone: "WIB".into() }
    }
}

impl Default for Auth {
    fn default() -> Self {
        Auth { session_hours: 12, max_failed_per_hour: 100, reauth_minutes: 10, kiosk_session_minutes: 10 }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits { upload_bytes: 20 * 1024 * 1024 }
    }
}

impl Default for Letters {
    fn default() -> Self {
        Letters {
            paper: "F4".into(),
            number_format: "{kka}/{nomor}/{desa}/{bulan}/{tahun}".into(),
            number_digits: 3,
            public_url: "https://balai.local".into(),
            logo_png: PathBuf::new(),
        }
    }
}

impl Default for Files {
    fn default() -> Self {
        Files { max_upload_bytes: 10 * 1024 * 1024, max_long_side: 1600, max_megapixels: 50 }
    }
}

impl Default for Log {
    fn default() -> Self {
        Log { level: "info".into(), format: "text".into() }
    }
}

impl Config {
    /// Reads `path` if it exists (a missing file means all defaults), then
    /// applies environment overrides.
    pub fn load(path: Option<&Path>, env: impl Iterator<Item = (String, String)>) -> anyhow::Result<Config> {
        let text = match path {
            Some(p) if p.exists() => {
                std::fs::read_to_string(p).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", p.display()))?
            }
            Some(p) if p != Path::new(DEFAULT_PATH) => anyhow::bail!("config file {} not found", p.display()),
            _ => String::new(),
        };
        let mut value: toml::Table = toml::from_str(&text).map_err(|e| anyhow::anyhow!("balai.toml: {e}"))?;
        for (key, raw) in env {
            apply_env(&mut value, &key, &raw)?;
        }
        let config: Config = toml::Value::Table(value).try_into().map_err(|e| anyhow::anyhow!("balai.toml: {e}"))?;
        config.uplink.check().map_err(|e| anyhow::anyhow!("balai.toml: {e}"))?;
        Ok(config)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// Today in the village's time zone.
    pub fn today(&self) -> chrono::NaiveDate {
        local_day(chrono::Utc::now(), self.utc_offset_hours())
    }

    /// UTC offset of the village's zone, for showing times.
    pub fn utc_offset_hours(&self) -> i32 {
        match self.village.timezone.to_ascii_uppercase().as_str() {
            "WITA" => 8,
            "WIT" => 9,
            _ => 7,
        }
    }
}

/// The local date at `now` in a zone `offset_hours` east of UTC (the
/// village's zone: `Config::utc_offset_hours`).
pub fn local_day(now: chrono::DateTime<chrono::Utc>, offset_hours: i32) -> chrono::NaiveDate {
    let offset = chrono::FixedOffset::east_opt(offset_hours * 3600)
        .unwrap_or(chrono::FixedOffset::east_opt(7 * 3600).expect("WIB"));
    now.with_timezone(&offset).date_naive()
}

pub const DEFAULT_PATH: &str = "/etc/balai/balai.toml";

/// `BALAI_HTTP__HTTPS_PORT=9443` sets `http.https_port`. The value is read as a
/// TOML value when it parses as one (numbers, booleans, arrays), else as text.
fn apply_env(table: &mut toml::Table, key: &str, raw: &str) -> anyhow::Result<()> {
    let Some(rest) = key.strip_prefix("BALAI_") else {
        return Ok(());
    };
    let path: Vec<String> = rest.split("__").map(|p| p.to_ascii_lowercase()).collect();
    if path.iter().any(String::is_empty) || !is_config_path(&path) {
        return Ok(());
    }
    let value = toml::from_str::<toml::Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.to_string()));
    let (last, parents) = path.split_last().expect("non-empty path");
    let mut cursor = table;
    for p in parents {
        cursor = cursor
            .entry(p.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()))
            .as_table_mut()
            .ok_or_else(|| anyhow::anyhow!("{key}: {p} is not a section"))?;
    }
    cursor.insert(last.clone(), value);
    Ok(())
}

/// Only keys the config knows are taken from the environment, so unrelated
/// `BALAI_*` variables (e.g. test harness settings) do not break start-up.
fn is_config_path(path: &[String]) -> bool {
    let defaults = toml::Value::try_from(Config::default()).unwrap_or(toml::Value::Boolean(false));
    let mut cursor = &defaults;
    for p in path {
        match cursor.get(p) {
            Some(v) => cursor = v,
            None => return false,
        }
    }
    // Only leaves: BALAI_LOG is the log filter, not the [log] section.
    !cursor.is_table()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>().into_iter()
    }

    #[test]
    fn no_file_gives_defaults() {
        assert_eq!(Config::load(None, env(&[])).unwrap(), Config::default());
    }

    #[test]
    fn file_then_environment_override() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("balai.toml");
        std::fs::write(&path, "[http]\nhttps_port = 9000\n[village]\nname = \"Sukamaju\"\n").unwrap();
        let c = Config::load(
            Some(&path),
            env(&[
                ("BALAI_HTTP__HTTPS_PORT", "9443"),
                ("BALAI_DATA_DIR", "/tmp/x"),
                ("BALAI_TEST_ONLY", "1"),
                ("BALAI_LOG", "warn"),
            ]),
        )
        .unwrap();
        assert_eq!(c.http.https_port, 9443);
        assert_eq!(c.http.http_port, 8080);
        assert_eq!(c.village.name, "Sukamaju");
        assert_eq!(c.data_dir, PathBuf::from("/tmp/x"));
    }

    #[test]
    fn sms_section_has_defaults_and_takes_the_environment() {
        let c = Config::load(None, env(&[])).unwrap();
        assert_eq!((c.sms.port.as_str(), c.sms.baud), ("", 115_200));
        let c = Config::load(
            None,
            env(&[("BALAI_SMS__PORT", "/dev/ttyUSB2"), ("BALAI_SMS__MAX_ATTEMPTS", "3"), ("BALAI_SMS__BAUD", "9600")]),
        )
        .unwrap();
        assert_eq!((c.sms.port.as_str(), c.sms.max_attempts, c.sms.baud), ("/dev/ttyUSB2", 3, 9600));
    }

    #[test]
    fn unknown_key_and_bad_type_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("balai.toml");
        std::fs::write(&path, "[http]\nhttps_prot = 1\n").unwrap();
        let err = Config::load(Some(&path), env(&[])).unwrap_err().to_string();
        assert!(err.contains("https_prot"), "{err}");
        std::fs::write(&path, "[http]\nhttps_port = \"x\"\n").unwrap();
        let err = Config::load(Some(&path), env(&[])).unwrap_err().to_string();
        assert!(err.contains("https_port") || err.contains("invalid type"), "{err}");
    }

    #[test]
    fn uplink_endpoint_must_be_https() {
        let recipients = |url: &str| format!(r#"[{{name = "dinas", endpoint = "{url}"}}]"#);
        let load = |url: &str| Config::load(None, env(&[("BALAI_UPLINK__RECIPIENTS", &recipients(url))]));
        let err = load("http://dinas.example/uplink").unwrap_err().to_string();
        assert!(err.contains("uplink.recipients[0].endpoint") && err.contains("https://"), "{err}");
        assert!(load("not a url").unwrap_err().to_string().contains("uplink.recipients[0].endpoint"));
        let c = load("https://dinas.example/uplink").unwrap();
        assert_eq!(c.uplink.recipients[0].interval_seconds, 86_400);
    }

    #[test]
    fn show_round_trips() {
        let c = Config::default();
        let back: Config = toml::from_str(&c.to_toml()).unwrap();
        assert_eq!(back, c);
    }
}
