//! The shared harness of Balai's black-box tests: it starts the real, built
//! `balai` binary as a subprocess (own loopback ports, own temporary data dir,
//! optionally `--demo`), reads the demo sign-ins it prints, waits for
//! `/healthz` over HTTPS, and kills the process when dropped, even when the
//! test panics. Its HTTP client trusts only the daemon's own CA, so every test
//! also proves that the certificate chain works for `localhost`.

pub mod modem;

use reqwest::blocking::multipart;
use reqwest::header::HeaderMap;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

/// The session cookie (see appliance/src/auth/guard.rs).
pub const SESSION_COOKIE: &str = "__Host-balai_session";
/// The pre-session cookie whose value anonymous forms echo as `csrf`.
pub const PRE_COOKIE: &str = "__Host-balai_pre";
/// Words of the catalog's `error.csrf` and `error.forbidden` pages (Bahasa
/// Indonesia, the default language), to tell the two kinds of 403 apart.
pub const CSRF_WORDS: &str = "Formulir sudah kedaluwarsa";
pub const FORBIDDEN_WORDS: &str = "tidak punya izin";

/// How long a daemon may take to answer `/healthz` after it was started.
const START_TIMEOUT: Duration = Duration::from_secs(90);

/// The workspace root (this package lives in `<root>/tests`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

static BUILD: Once = Once::new();

/// The `balai` binary: `BALAI_BIN` if set; otherwise it is built once per test
/// process with `$CARGO build -p balai --bin balai` into the target dir this
/// test binary was built in (target/<profile>/deps/<test> → target/<profile>).
pub fn binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("BALAI_BIN") {
        return PathBuf::from(bin);
    }
    BUILD.call_once(|| cargo_build(&["--bin", "balai"]));
    let bin = profile_dir().join("balai");
    assert!(bin.exists(), "{} not found after building", bin.display());
    bin
}

/// An example program of the `balai` package (appliance/examples/NAME.rs),
/// built like [`binary`]; used to make inputs such as a signed letter.
pub fn example(name: &str) -> PathBuf {
    cargo_build(&["--example", name]);
    let bin = profile_dir().join("examples").join(name);
    assert!(bin.exists(), "{} not found after building", bin.display());
    bin
}

fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    exe.parent().and_then(Path::parent).expect("test binary lives in target/<profile>/deps").to_path_buf()
}

/// `$CARGO build -p balai WHAT` into this test binary's target dir and profile.
fn cargo_build(what: &[&str]) {
    let profile_dir = profile_dir();
    let release = profile_dir.file_name().is_some_and(|n| n == "release");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    // Variables cargo sets for this test binary would make the build look
    // different from a plain `cargo build` to build scripts (and so rebuild
    // crates like ring every time): leave them out.
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy();
        let per_test = [
            "CARGO_PKG_",
            "CARGO_MANIFEST_",
            "CARGO_CRATE_",
            "CARGO_BIN_",
            "CARGO_PRIMARY_PACKAGE",
            "CARGO_TARGET_TMPDIR",
            "CARGO_RUSTC_CURRENT_DIR",
        ];
        if per_test.iter().any(|p| k.starts_with(p)) {
            cmd.env_remove(&key);
        }
    }
    cmd.current_dir(workspace_root()).args(["build", "-p", "balai"]).args(what);
    if release {
        cmd.arg("--release");
    }
    if let Some(target_dir) = profile_dir.parent() {
        cmd.arg("--target-dir").arg(target_dir);
    }
    let status = cmd.status().expect("run cargo build -p balai");
    assert!(status.success(), "cargo build -p balai {what:?} failed: {status}");
}

/// A free loopback port (bound to :0, then released for the daemon).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// How to start a daemon.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `serve --demo`: the generated demo village and its sign-ins.
    pub demo: bool,
    /// An existing data dir (owned by the caller); a fresh temporary one if None.
    pub data_dir: Option<PathBuf>,
    /// Extra environment variables for the daemon.
    pub env: Vec<(String, String)>,
}

/// A running `balai serve`, killed when dropped.
pub struct Balai {
    child: Option<Child>,
    /// Holds the temporary folder (config file, logs and, unless given, the data dir).
    tmp: tempfile::TempDir,
    pub data_dir: PathBuf,
    pub demo: bool,
    env: Vec<(String, String)>,
    pub https_port: u16,
    pub http_port: u16,
    /// MQTT listeners: LAN (3.1.1, 5) and TLS with client certificates (3.1.1, 5).
    pub mqtt_port: u16,
    pub mqtt_v5_port: u16,
    pub mqtt_tls_port: u16,
    pub mqtt_tls_v5_port: u16,
    /// role code (`admin`, `kepala_desa`, …) → (username, password), from the demo output.
    pub accounts: BTreeMap<String, (String, String)>,
    /// The demo resident's (NIK, PIN).
    pub warga: Option<(String, String)>,
    ca_pem: Vec<u8>,
    starts: u32,
}

impl Balai {
    /// A daemon with the demo village.
    pub fn demo() -> Balai {
        Balai::start(Options { demo: true, ..Options::default() })
    }

    /// A daemon with an empty register and no accounts.
    pub fn empty() -> Balai {
        Balai::start(Options::default())
    }

    pub fn start(opts: Options) -> Balai {
        let tmp = tempfile::Builder::new().prefix("balai-test-").tempdir().expect("temp dir");
        std::fs::write(tmp.path().join("balai.toml"), "# every key has a default\n").expect("write config");
        let data_dir = opts.data_dir.clone().unwrap_or_else(|| tmp.path().join("data"));
        let mut b = Balai {
            child: None,
            tmp,
            data_dir,
            demo: opts.demo,
            env: opts.env,
            https_port: 0,
            http_port: 0,
            mqtt_port: 0,
            mqtt_v5_port: 0,
            mqtt_tls_port: 0,
            mqtt_tls_v5_port: 0,
            accounts: BTreeMap::new(),
            warga: None,
            ca_pem: Vec::new(),
            starts: 0,
        };
        b.launch();
        b
    }

    /// Kills a running daemon (if any) with SIGKILL and starts it again on the
    /// same data dir (new ports). A demo daemon is restarted without `--demo`,
    /// which would wipe its data.
    pub fn restart(&mut self) {
        self.kill9();
        self.demo = false;
        self.launch();
    }

    /// Starts a daemon on this data dir after `terminate` or `kill9`.
    pub fn start_again(&mut self) {
        assert!(self.child.is_none(), "the daemon still runs");
        self.demo = false;
        self.launch();
    }

    fn log_path(&self) -> PathBuf {
        self.tmp.path().join(format!("balai-{}.log", self.starts))
    }

    fn stdout_path(&self) -> PathBuf {
        self.tmp.path().join(format!("balai-{}.out", self.starts))
    }

    fn launch(&mut self) {
        for attempt in 0..5 {
            self.starts += 1;
            self.https_port = free_port();
            self.http_port = free_port();
            self.mqtt_port = free_port();
            self.mqtt_v5_port = free_port();
            self.mqtt_tls_port = free_port();
            self.mqtt_tls_v5_port = free_port();
            let stdout = std::fs::File::create(self.stdout_path()).expect("stdout file");
            let stderr = std::fs::File::create(self.log_path()).expect("log file");
            let mut cmd = self.command();
            cmd.arg("serve");
            if self.demo {
                cmd.arg("--demo");
            }
            cmd.env("BALAI_HTTP__BIND", "127.0.0.1")
                .env("BALAI_HTTP__HTTPS_PORT", self.https_port.to_string())
                .env("BALAI_HTTP__HTTP_PORT", self.http_port.to_string())
                .env("BALAI_MQTT__BIND", "127.0.0.1")
                .env("BALAI_MQTT__PORT", self.mqtt_port.to_string())
                .env("BALAI_MQTT__PORT_V5", self.mqtt_v5_port.to_string())
                .env("BALAI_MQTT__TLS_PORT", self.mqtt_tls_port.to_string())
                .env("BALAI_MQTT__TLS_PORT_V5", self.mqtt_tls_v5_port.to_string())
                .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .stdin(Stdio::null())
                .stdout(stdout)
                .stderr(stderr);
            self.child = Some(cmd.spawn().expect("spawn balai serve"));
            match self.wait_ready() {
                Ok(()) => return,
                Err(log) if attempt < 4 && log.contains("in use") => {
                    // another test took one of our ports between bind and use
                    self.kill9();
                }
                Err(log) => {
                    self.kill9();
                    panic!("balai did not start:\n{log}");
                }
            }
        }
    }

    /// A `balai` command with this daemon's config file and data dir, and no
    /// BALAI_* variables from the caller's environment.
    pub fn command(&self) -> Command {
        command_for(&self.data_dir, &self.tmp.path().join("balai.toml"))
    }

    /// Runs one CLI command against this data dir (through the daemon's socket
    /// when it runs), with `stdin` as standard input.
    pub fn cli(&self, args: &[&str], stdin: &str) -> Output {
        run_with_stdin(self.command().env("BALAI_LOG__LEVEL", "warn").args(args), stdin)
    }

    /// Runs a CLI command that must succeed; returns its standard output.
    pub fn cli_ok(&self, args: &[&str]) -> String {
        let out = self.cli(args, "");
        assert!(
            out.status.success(),
            "balai {args:?} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `balai token issue --user USER`: a bearer token.
    pub fn issue_token(&self, user: &str) -> String {
        let token = self.cli_ok(&["token", "issue", "--user", user]).trim().to_string();
        assert!(!token.is_empty() && !token.contains(char::is_whitespace), "odd token {token:?}");
        token
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        let ca_path = self.data_dir.join("keys").join("ca.crt");
        loop {
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                self.child = None;
                return Err(format!("exited with {status}\n{}", self.logs()));
            }
            if Instant::now() > deadline {
                return Err(format!("no healthy /healthz within {START_TIMEOUT:?}\n{}", self.logs()));
            }
            let demo_ready = !self.demo || self.stdout().lines().any(|l| l.starts_with("Data: "));
            if demo_ready
                && let Ok(pem) = std::fs::read(&ca_path)
                && let Ok(client) = Client::new(&pem, &self.url(""))
                && client.get("/healthz").is_ok_and(|r| r.status == 200)
            {
                self.ca_pem = pem;
                if self.demo {
                    self.parse_demo();
                }
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn parse_demo(&mut self) {
        let out = self.stdout();
        let mut lines = out.lines().skip_while(|l| !l.starts_with("Demo sign-ins"));
        assert!(lines.next().is_some(), "no demo sign-ins in:\n{out}");
        for line in lines.take_while(|l| !l.starts_with("Data: ")) {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                [] => {}
                ["warga", "NIK", nik, "PIN", pin] => self.warga = Some((nik.to_string(), pin.to_string())),
                [role, user, password] => {
                    self.accounts.insert(role.to_string(), (user.to_string(), password.to_string()));
                }
                _ => panic!("cannot read demo sign-in line {line:?}"),
            }
        }
        assert!(self.accounts.contains_key("admin"), "no admin among the demo sign-ins:\n{out}");
        assert!(self.warga.is_some(), "no warga among the demo sign-ins:\n{out}");
    }

    /// What the daemon printed on standard output (this start).
    pub fn stdout(&self) -> String {
        std::fs::read_to_string(self.stdout_path()).unwrap_or_default()
    }

    /// The daemon's log (this start).
    pub fn logs(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("the daemon runs").id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.https_port)
    }

    pub fn plain_url(&self, path: &str) -> String {
        format!("http://localhost:{}{path}", self.http_port)
    }

    /// The CA certificate (PEM) the daemon wrote to `<data-dir>/keys/ca.crt`.
    pub fn ca_pem(&self) -> &[u8] {
        &self.ca_pem
    }

    /// An anonymous client that trusts only this daemon's CA.
    pub fn client(&self) -> Client {
        Client::new(&self.ca_pem, &self.url("")).expect("HTTP client")
    }

    /// A client for the plain-HTTP port.
    pub fn plain_client(&self) -> Client {
        Client::new(&self.ca_pem, &self.plain_url("")).expect("HTTP client")
    }

    /// A client with a bearer token.
    pub fn bearer(&self, token: &str) -> Client {
        let mut c = self.client();
        c.bearer = Some(token.to_string());
        c
    }

    /// (username, password) of a demo account, by role code.
    pub fn account(&self, role: &str) -> (String, String) {
        self.accounts.get(role).cloned().unwrap_or_else(|| panic!("no demo account for role {role}"))
    }

    /// A client signed in as the demo account of `role` (`warga` signs in
    /// with the demo NIK and PIN).
    pub fn signin(&self, role: &str) -> Client {
        let c = self.client();
        if role == "warga" {
            let (nik, pin) = self.warga.clone().expect("demo warga");
            let r = c.signin_warga(&nik, &pin);
            assert_eq!(r.status, 303, "warga sign-in failed: {}", r.text());
        } else {
            let (user, password) = self.account(role);
            let r = c.signin_staff(&user, &password);
            assert_eq!(r.status, 303, "sign-in as {user} failed: {}", r.text());
        }
        assert!(c.cookie(SESSION_COOKIE).is_some(), "no session cookie after signing in as {role}");
        c
    }

    /// Sends SIGTERM (with the `kill` command) and waits up to `timeout` for the exit.
    pub fn terminate(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let mut child = self.child.take()?;
        let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("run kill");
        assert!(status.success(), "kill -TERM failed");
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Some(status);
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL, no goodbye; waits until the process is gone.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn is_running(&mut self) -> bool {
        self.child.as_mut().is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// Number of residents, as the JSON API counts them (admin session).
    pub fn resident_count(&self, admin: &Client) -> u64 {
        let r = admin.get("/api/v1/residents?limit=1").expect("GET /api/v1/residents");
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()["total"].as_u64().expect("total")
    }
}

impl Drop for Balai {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// A `balai` command for a data dir and config file, with a clean environment.
pub fn command_for(data_dir: &Path, config: &Path) -> Command {
    let mut cmd = Command::new(binary());
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("BALAI_") && key != "BALAI_BIN" {
            cmd.env_remove(key);
        }
    }
    cmd.arg("--config").arg(config).arg("--data-dir").arg(data_dir);
    cmd
}

/// Runs a command with `stdin` as its standard input and collects its output.
pub fn run_with_stdin(cmd: &mut Command, stdin: &str) -> Output {
    use std::io::Write;
    let mut child =
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn balai");
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.as_bytes());
    }
    child.wait_with_output().expect("wait for balai")
}

/// One response, read whole.
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}), status {}: {}", self.status, self.text()))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }

    pub fn location(&self) -> Option<String> {
        self.header("location")
    }

    pub fn set_cookies(&self) -> Vec<SetCookie> {
        self.headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).filter_map(SetCookie::parse).collect()
    }

    /// The `csrf` hidden field of the page (the first one).
    pub fn csrf(&self) -> Option<String> {
        csrf_of(&self.text())
    }
}

impl std::fmt::Debug for Resp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.text();
        let cut: String = text.chars().take(600).collect();
        write!(f, "{} {:?} {cut}", self.status, self.location())
    }
}

/// One `Set-Cookie` header: name, value and attributes (names lower-cased).
#[derive(Clone, Debug)]
pub struct SetCookie {
    pub name: String,
    pub value: String,
    pub attrs: Vec<(String, String)>,
}

impl SetCookie {
    pub fn parse(header: &str) -> Option<SetCookie> {
        let mut parts = header.split(';');
        let (name, value) = parts.next()?.split_once('=')?;
        let attrs = parts
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.trim().to_ascii_lowercase(), v.trim().to_string()),
                None => (p.trim().to_ascii_lowercase(), String::new()),
            })
            .collect();
        Some(SetCookie { name: name.trim().to_string(), value: value.trim().to_string(), attrs })
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn has(&self, name: &str) -> bool {
        self.attr(name).is_some()
    }

    /// A removal: empty value or `Max-Age=0`.
    pub fn removes(&self) -> bool {
        self.value.is_empty() || self.attr("max-age") == Some("0")
    }
}

/// The value of the first hidden `csrf` input of an HTML page.
/// The value of the `<input name=…>` on a page (hidden form tokens).
pub fn input_value(page: &Resp, name: &str) -> String {
    input_tags(&page.text())
        .find(|a| a.get("name").map(String::as_str) == Some(name))
        .and_then(|a| a.get("value").cloned())
        .unwrap_or_else(|| panic!("no input {name} on {page:?}"))
}

pub fn csrf_of(html: &str) -> Option<String> {
    input_tags(html).find(|a| a.get("name").map(String::as_str) == Some("csrf")).and_then(|a| a.get("value").cloned())
}

/// The attributes of every `<input …>` tag of a page.
pub fn input_tags(html: &str) -> impl Iterator<Item = HashMap<String, String>> + '_ {
    html.split("<input").skip(1).map(|rest| attributes(rest.split('>').next().unwrap_or("")))
}

fn attributes(tag: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut rest = tag;
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].trim().rsplit(char::is_whitespace).next().unwrap_or("").to_ascii_lowercase();
        let after = &rest[eq + 1..];
        let (value, remaining) = match after.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let body = &after[1..];
                let end = body.find(q).unwrap_or(body.len());
                (&body[..end], body.get(end + 1..).unwrap_or(""))
            }
            _ => {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
        };
        out.insert(name, html_unescape(value));
        rest = remaining;
    }
    out
}

/// Undoes the few entities an attribute or text may carry.
pub fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A request body.
pub enum Body {
    Empty,
    Form(Vec<(String, String)>),
    Json(Value),
    Multipart(multipart::Form),
}

/// A form body from pairs.
pub fn form(pairs: &[(&str, &str)]) -> Body {
    Body::Form(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
}

/// An HTTP client for one Balai: it trusts only the daemon's CA, never
/// follows redirects by itself (tests look at every 303), and keeps its own
/// cookie jar so a test can keep, copy or replay a cookie on purpose.
pub struct Client {
    http: reqwest::blocking::Client,
    pub base: String,
    jar: Mutex<BTreeMap<String, String>>,
    pub bearer: Option<String>,
}

/// TLS settings that trust exactly the CA certificates in `ca_pem`.
pub fn tls_config(ca_pem: &[u8]) -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem) {
        let cert = cert.map_err(|e| format!("bad CA PEM: {e:?}"))?;
        roots.add(cert).map_err(|e| format!("bad CA certificate: {e}"))?;
    }
    if roots.is_empty() {
        return Err("no certificate in the CA PEM".into());
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

impl Client {
    pub fn new(ca_pem: &[u8], base: &str) -> Result<Client, String> {
        let http = reqwest::blocking::Client::builder()
            .tls_backend_preconfigured(tls_config(ca_pem)?)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("balai-tests")
            .timeout(Duration::from_secs(180))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Client { http, base: base.to_string(), jar: Mutex::new(BTreeMap::new()), bearer: None })
    }

    /// A second client for the same daemon with a copy of this one's cookies.
    pub fn fork(&self) -> Client {
        Client {
            http: self.http.clone(),
            base: self.base.clone(),
            jar: Mutex::new(self.jar.lock().expect("jar").clone()),
            bearer: self.bearer.clone(),
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.jar.lock().expect("jar").get(name).cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.jar.lock().expect("jar").insert(name.to_string(), value.to_string());
    }

    pub fn remove_cookie(&self, name: &str) {
        self.jar.lock().expect("jar").remove(name);
    }

    /// Sends one request; cookies the response sets are kept.
    pub fn send(&self, method: &str, path: &str, body: Body) -> reqwest::Result<Resp> {
        self.send_full(method, path, body, &[])
    }

    /// A GET or other bodiless request with extra headers (e.g. a `Host`).
    pub fn send_with_headers(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> reqwest::Result<Resp> {
        self.send_full(method, path, Body::Empty, headers)
    }

    /// A request with this client's cookies, token and `headers`.
    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> reqwest::blocking::RequestBuilder {
        let url = if path.starts_with("http") { path.to_string() } else { format!("{}{path}", self.base) };
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("an HTTP method");
        let mut req = self.http.request(method, url);
        let cookies: Vec<String> = self.jar.lock().expect("jar").iter().map(|(k, v)| format!("{k}={v}")).collect();
        if !cookies.is_empty() {
            req = req.header("cookie", cookies.join("; "));
        }
        if let Some(token) = &self.bearer {
            req = req.bearer_auth(token);
        }
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        req
    }

    fn send_full(&self, method: &str, path: &str, body: Body, headers: &[(&str, &str)]) -> reqwest::Result<Resp> {
        let req = self.request(method, path, headers);
        let req = match body {
            Body::Empty => req,
            Body::Form(pairs) => req.form(&pairs),
            Body::Json(v) => req.json(&v),
            Body::Multipart(f) => req.multipart(f),
        };
        let resp = req.send()?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.bytes()?.to_vec();
        let resp = Resp { status, headers, bytes };
        let mut jar = self.jar.lock().expect("jar");
        for c in resp.set_cookies() {
            if c.removes() {
                jar.remove(&c.name);
            } else {
                jar.insert(c.name.clone(), c.value.clone());
            }
        }
        Ok(resp)
    }

    /// A GET whose body is read as it arrives (a server-sent event stream):
    /// the caller reads the returned response like a file. Cookies and token
    /// are sent as by [`Client::send`]; the client's timeout still ends it.
    pub fn stream(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Result<reqwest::blocking::Response> {
        self.request("GET", path, headers).send()
    }

    pub fn get(&self, path: &str) -> reqwest::Result<Resp> {
        self.send("GET", path, Body::Empty)
    }

    /// GET that must get an answer (panics on a transport error).
    pub fn page(&self, path: &str) -> Resp {
        self.get(path).unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// GET, following redirects (at most 10).
    pub fn follow(&self, path: &str) -> Resp {
        let mut path = path.to_string();
        for _ in 0..10 {
            let r = self.page(&path);
            match (r.status, r.location()) {
                (301 | 302 | 303 | 307 | 308, Some(loc)) => path = loc,
                _ => return r,
            }
        }
        panic!("too many redirects from {path}");
    }

    pub fn post(&self, path: &str, body: Body) -> Resp {
        self.send("POST", path, body).unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    pub fn post_form(&self, path: &str, pairs: &[(&str, &str)]) -> Resp {
        self.post(path, form(pairs))
    }

    pub fn post_json(&self, path: &str, body: &Value) -> Resp {
        self.post(path, Body::Json(body.clone()))
    }

    pub fn put_json(&self, path: &str, body: &Value) -> Resp {
        self.send("PUT", path, Body::Json(body.clone())).unwrap_or_else(|e| panic!("PUT {path}: {e}"))
    }

    /// The CSRF token of a page (GET, following redirects).
    pub fn csrf(&self, path: &str) -> String {
        let r = self.follow(path);
        r.csrf().unwrap_or_else(|| panic!("no csrf field on {path}: {r:?}"))
    }

    /// Signs in on the staff form: GET /signin (pre-session cookie and its
    /// token), then POST /signin/staff. Returns the POST's response.
    pub fn signin_staff(&self, username: &str, password: &str) -> Resp {
        let csrf = self.csrf("/signin");
        self.post_form(
            "/signin/staff",
            &[("csrf", &csrf), ("username", username), ("password", password), ("next", "")],
        )
    }

    /// Signs in on the resident form with NIK and PIN.
    pub fn signin_warga(&self, nik: &str, pin: &str) -> Resp {
        let csrf = self.csrf("/signin");
        self.post_form("/signin/warga", &[("csrf", &csrf), ("nik", nik), ("pin", pin), ("next", "")])
    }

    /// POST /signout with the session's CSRF token.
    pub fn signout(&self) -> Resp {
        let csrf = self.csrf("/sessions");
        self.post_form("/signout", &[("csrf", &csrf)])
    }
}

/// A valid NIK for Kabupaten Klaten, Kecamatan Bayat (region 331005, the demo
/// village's): the birth date as DDMMYY (day + 40 for women) and a serial.
pub fn nik_for(birth: (i32, u32, u32), female: bool, serial: u32) -> String {
    let (y, m, d) = birth;
    assert!((1..=9999).contains(&serial), "a NIK serial is 0001..9999");
    let day = if female { d + 40 } else { d };
    format!("331005{day:02}{m:02}{:02}{serial:04}", y.rem_euclid(100))
}

/// The JSON API's resident input with every required field.
pub fn resident_json(nik: &str, name: &str, birth_date: &str, female: bool) -> Value {
    serde_json::json!({
        "nik": nik,
        "name": name,
        "birth_place": "Klaten",
        "birth_date": birth_date,
        "sex": if female { "2" } else { "1" },
        "religion": "1",
        "education": "5",
        "occupation": "1",
        "marital_status": "1",
        "family_relation": "1",
        "dusun": "Dusun Uji",
        "rt": "001",
        "rw": "002",
        "address": "Jl. Uji No. 1",
    })
}

/// A name made of letters only, unique for `n` (names may not hold digits).
pub fn letters_name(prefix: &str, mut n: u64) -> String {
    let mut s = String::new();
    loop {
        s.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    format!("{prefix} {}", s.to_uppercase())
}

/// The resident form's fields (web-ui FIELDS names, read by the daemon's
/// `views::input_from_form`) with every required field filled in. `birth_date`
/// as the form sends it (YYYY-MM-DD); `no_kk` may be empty.
pub fn resident_form(nik: &str, name: &str, birth_date: &str, female: bool, no_kk: &str) -> Vec<(String, String)> {
    [
        ("nik", nik),
        ("nama", name),
        ("sex", if female { "2" } else { "1" }),
        ("agama_id", "1"),
        ("warganegara_id", "1"),
        ("pendidikan_kk_id", "5"),
        ("pekerjaan_id", "1"),
        ("status_kawin", "1"),
        ("status_dasar", "1"),
        ("tempatlahir", "Klaten"),
        ("tanggallahir", birth_date),
        ("alamat", "Jl. Uji No. 2"),
        ("dusun", "Krajan"),
        ("rw", "002"),
        ("rt", "003"),
        ("no_kk", no_kk),
        ("kk_level", "1"),
        ("nama_ayah", "Bapak Uji"),
        ("nama_ibu", "Ibu Uji"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// `pairs` plus a `csrf` field, as a form body.
pub fn with_csrf(csrf: &str, pairs: &[(String, String)]) -> Body {
    let mut all = vec![("csrf".to_string(), csrf.to_string())];
    all.extend(pairs.iter().cloned());
    Body::Form(all)
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl Balai {
    /// Adds a staff account with the CLI (`balai user add`, password on stdin).
    pub fn add_user(&self, username: &str, role: &str, password: &str) {
        let out = self.cli(&["user", "add", username, "--role", role], &format!("{password}\n"));
        assert!(
            out.status.success(),
            "balai user add {username} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A client signed in with a username and password.
    pub fn signin_as(&self, username: &str, password: &str) -> Client {
        let c = self.client();
        let r = c.signin_staff(username, password);
        assert_eq!(r.status, 303, "sign-in as {username} failed: {r:?}");
        c
    }
}

/// The fields of one CSV line (no line breaks inside fields).
pub fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    fields.push(cur);
    fields
}

/// One CSV line from fields, quoting where needed.
pub fn csv_line(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| if f.contains([',', '"', '\n', '\r']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f.clone() })
        .collect::<Vec<_>>()
        .join(",")
}

/// The cargo target dir this test binary was built into
/// (target/<profile>/deps/<test> → target).
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    exe.ancestors().nth(3).map(Path::to_path_buf).unwrap_or_else(|| workspace_root().join("target"))
}

/// A JPEG as a phone camera would send it (a colour gradient, so it does not
/// compress to nothing), `w`×`h` pixels.
pub fn phone_jpeg(w: u32, h: u32) -> Vec<u8> {
    let img =
        image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut out, image::ImageFormat::Jpeg).expect("encode a JPEG");
    out.into_inner()
}

/// Runs `tests/browser/<script>` with Node against Debian's Chromium and
/// returns the JSON line it prints last, which must say `"ok": true`. Missing
/// Chromium, Node or node_modules fail the test with how to get them; they
/// never skip it.
pub fn run_browser_script(script: &str, args: &[&std::ffi::OsStr]) -> Value {
    let browser_dir = workspace_root().join("tests/browser");
    let chromium = PathBuf::from(std::env::var_os("BALAI_CHROMIUM").unwrap_or_else(|| "/usr/bin/chromium".into()));
    assert!(
        chromium.exists(),
        "browser test: {} not found. Install Debian's Chromium (`apt-get install chromium`, as .ci/run does) or set BALAI_CHROMIUM.",
        chromium.display()
    );
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.as_ref().is_ok_and(|o| o.status.success()),
        "browser test: `node` is not runnable ({node:?}). Install Node.js (`apt-get install nodejs npm`, as .ci/run does)."
    );
    let playwright = browser_dir.join("node_modules/playwright-core/package.json");
    assert!(
        playwright.exists(),
        "browser test: {} is missing. Run `npm ci` in {} (.ci/run does).",
        playwright.display(),
        browser_dir.display()
    );
    let out = Command::new("node")
        .current_dir(&browser_dir)
        .arg(script)
        .args(args)
        .env("BALAI_CHROMIUM", &chromium)
        .output()
        .unwrap_or_else(|e| panic!("run node {script}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the browser run of {script} failed ({}):\n{stdout}\n{stderr}", out.status);
    let result: Value = serde_json::from_str(stdout.lines().last().unwrap_or(""))
        .unwrap_or_else(|e| panic!("{script} printed no result line ({e}):\n{stdout}\n{stderr}"));
    assert_eq!(result["ok"], true, "{result}");
    result
}
