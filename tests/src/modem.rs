//! A simulated GSM modem on a pseudo-terminal, for the outbox's black-box
//! tests. The daemon opens the pty's slave path as if it were
//! `/dev/ttyUSB2`; a thread here answers on the master side the way a modem
//! in text mode does, and checks the daemon's commands on the way:
//!
//! - `AT`, `ATE0`/`ATE1`, `AT+CMGF=<0|1>`, `AT+CSCS="<set>"` answer `OK`;
//! - `AT+CMGS="<number>"` answers the `> ` prompt only in text mode with the
//!   GSM character set and a `+<digits>` number; anything else is `ERROR` and
//!   is recorded as a violation;
//! - the text up to Ctrl-Z is decoded from the GSM alphabet (a byte outside it
//!   is a violation) and recorded, then answered `+CMGS: <n>` and `OK`, or
//!   `+CMS ERROR: 500` while failures are armed; ESC cancels the text;
//! - or no answer at all while holds are armed (a hung network);
//! - unknown commands answer `ERROR` and are recorded as violations.
//!
//! Like a real modem it echoes commands until `ATE0` and keeps its settings
//! while the port is closed and opened again.

use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::pty::openpty;
use nix::sys::termios::{self, SetArg};
use std::os::fd::{AsFd, OwnedFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The GSM 03.38 default alphabet, by code (0x1B, ESC, is never text).
/// Typed from the standard apart from the daemon's copy in
/// appliance/src/outbox/gsm.rs on purpose: the tests are black-box, and a
/// slip in the daemon's table shows up as a wrong text here.
const GSM: [char; 128] = [
    '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å', //
    'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '\u{1b}', 'Æ', 'æ', 'ß', 'É', //
    ' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', //
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?', //
    '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', //
    'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§', //
    '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', //
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à', //
];

/// One SMS the modem accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sms {
    pub to: String,
    pub text: String,
}

#[derive(Default)]
struct Log {
    /// Every command line, in order (`AT+CMGS="…"` included).
    commands: Vec<String>,
    /// Accepted messages.
    delivered: Vec<Sms>,
    /// Messages answered with `+CMS ERROR: 500`.
    refused: Vec<Sms>,
    /// Protocol mistakes of the daemon.
    violations: Vec<String>,
    /// Messages swallowed without an answer.
    unanswered: Vec<Sms>,
    /// How many coming messages to refuse.
    fail_next: u32,
    /// How many coming messages to leave unanswered (a hung modem or network).
    hold_next: u32,
}

/// The modem's settings, kept across port reopenings.
struct Settings {
    echo: bool,
    text_mode: bool,
    charset: String,
    /// The number of an `AT+CMGS` whose text is being typed.
    composing: Option<String>,
    next_ref: u32,
}

pub struct SimModem {
    slave_path: PathBuf,
    log: Arc<Mutex<Log>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Held open so the master never sees a hang-up between the daemon's sessions.
    _slave: OwnedFd,
}

impl SimModem {
    pub fn start() -> SimModem {
        let pty = openpty(None, None).expect("openpty");
        // Raw: no echo, no line editing, no CR/LF translation by the tty layer.
        for fd in [pty.master.as_fd(), pty.slave.as_fd()] {
            let mut t = termios::tcgetattr(fd).expect("tcgetattr");
            termios::cfmakeraw(&mut t);
            termios::tcsetattr(fd, SetArg::TCSANOW, &t).expect("tcsetattr");
        }
        let flags = OFlag::from_bits_truncate(fcntl(&pty.master, FcntlArg::F_GETFL).expect("F_GETFL"));
        fcntl(&pty.master, FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK)).expect("F_SETFL");
        let slave_path = nix::unistd::ttyname(&pty.slave).expect("ttyname of the pty slave");
        let log = Arc::new(Mutex::new(Log::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (log, stop, master) = (log.clone(), stop.clone(), pty.master);
            std::thread::spawn(move || serve(master, &log, &stop))
        };
        SimModem { slave_path, log, stop, thread: Some(thread), _slave: pty.slave }
    }

    /// The path the daemon opens (`BALAI_SMS__PORT`).
    pub fn path(&self) -> String {
        self.slave_path.display().to_string()
    }

    /// The next `n` messages are answered `+CMS ERROR: 500`.
    pub fn fail_next(&self, n: u32) {
        self.log.lock().expect("modem log").fail_next = n;
    }

    /// The next `n` messages get no answer at all after Ctrl-Z.
    pub fn hold_next(&self, n: u32) {
        self.log.lock().expect("modem log").hold_next = n;
    }

    pub fn unanswered(&self) -> Vec<Sms> {
        self.log.lock().expect("modem log").unanswered.clone()
    }

    pub fn delivered(&self) -> Vec<Sms> {
        self.log.lock().expect("modem log").delivered.clone()
    }

    pub fn refused(&self) -> Vec<Sms> {
        self.log.lock().expect("modem log").refused.clone()
    }

    pub fn commands(&self) -> Vec<String> {
        self.log.lock().expect("modem log").commands.clone()
    }

    pub fn violations(&self) -> Vec<String> {
        self.log.lock().expect("modem log").violations.clone()
    }

    /// Waits until `n` messages were delivered; panics after `timeout`.
    pub fn wait_delivered(&self, n: usize, timeout: Duration) -> Vec<Sms> {
        let deadline = Instant::now() + timeout;
        loop {
            let got = self.delivered();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "the modem got {} of {n} SMS within {timeout:?}; commands {:?}; violations {:?}",
                got.len(),
                self.commands(),
                self.violations()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SimModem {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(master: OwnedFd, log: &Mutex<Log>, stop: &AtomicBool) {
    let mut settings = Settings { echo: true, text_mode: false, charset: "IRA".into(), composing: None, next_ref: 1 };
    let mut pending: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 512];
    while !stop.load(Ordering::Relaxed) {
        let mut fds = [PollFd::new(master.as_fd(), PollFlags::POLLIN)];
        if !matches!(poll(&mut fds, PollTimeout::from(50u16)), Ok(n) if n > 0) {
            continue;
        }
        match nix::unistd::read(&master, &mut chunk) {
            Ok(0) | Err(_) => std::thread::sleep(Duration::from_millis(10)),
            Ok(n) => {
                pending.extend_from_slice(&chunk[..n]);
                let out = consume(&mut pending, &mut settings, log);
                write_all(&master, &out);
            }
        }
    }
}

fn write_all(fd: &OwnedFd, mut bytes: &[u8]) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !bytes.is_empty() && Instant::now() < deadline {
        match nix::unistd::write(fd, bytes) {
            Ok(n) => bytes = &bytes[n..],
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

/// Handles every complete command or message text in `pending`; returns
/// what the modem answers.
fn consume(pending: &mut Vec<u8>, s: &mut Settings, log: &Mutex<Log>) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        if let Some(to) = s.composing.clone() {
            let Some(end) = pending.iter().position(|b| *b == 0x1A || *b == 0x1B) else { break };
            let text: Vec<u8> = pending.drain(..=end).collect();
            s.composing = None;
            if text[end] == 0x1B {
                out.extend_from_slice(b"\r\nOK\r\n");
                continue;
            }
            out.extend_from_slice(&finish_message(&to, &text[..end], s, log));
            continue;
        }
        let Some(end) = pending.iter().position(|b| *b == b'\r') else {
            // An ESC outside a message (the daemon's "cancel any prompt") is ignored.
            pending.retain(|b| *b != 0x1B);
            break;
        };
        let line_bytes: Vec<u8> = pending.drain(..=end).collect();
        let line = String::from_utf8_lossy(&line_bytes[..end]).trim_matches(['\n', '\u{1b}', ' ']).to_string();
        if line.is_empty() {
            continue;
        }
        if s.echo {
            out.extend_from_slice(line.as_bytes());
            out.push(b'\r');
        }
        out.extend_from_slice(&command(&line, s, log));
    }
    out
}

fn command(line: &str, s: &mut Settings, log: &Mutex<Log>) -> Vec<u8> {
    let mut log = log.lock().expect("modem log");
    log.commands.push(line.to_string());
    let ok = b"\r\nOK\r\n".to_vec();
    match line.to_ascii_uppercase().as_str() {
        "AT" => ok,
        "ATE0" => {
            s.echo = false;
            ok
        }
        "ATE1" => {
            s.echo = true;
            ok
        }
        "AT+CMGF=1" => {
            s.text_mode = true;
            ok
        }
        "AT+CMGF=0" => {
            s.text_mode = false;
            ok
        }
        upper if upper.starts_with("AT+CSCS=\"") && upper.ends_with('"') => {
            s.charset = upper["AT+CSCS=\"".len()..upper.len() - 1].to_string();
            ok
        }
        upper if upper.starts_with("AT+CMGS=\"") && upper.ends_with('"') => {
            let number = &line["AT+CMGS=\"".len()..line.len() - 1];
            let problem = if !s.text_mode {
                Some("AT+CMGS before AT+CMGF=1 (text mode)".to_string())
            } else if s.charset != "GSM" {
                Some(format!("AT+CMGS with character set {} instead of GSM", s.charset))
            } else if !number.strip_prefix('+').is_some_and(|d| d.len() >= 8 && d.bytes().all(|b| b.is_ascii_digit())) {
                Some(format!("AT+CMGS to a malformed number {number:?}"))
            } else {
                None
            };
            match problem {
                Some(p) => {
                    log.violations.push(p);
                    b"\r\nERROR\r\n".to_vec()
                }
                None => {
                    s.composing = Some(number.to_string());
                    b"\r\n> ".to_vec()
                }
            }
        }
        _ => {
            log.violations.push(format!("unknown command {line:?}"));
            b"\r\nERROR\r\n".to_vec()
        }
    }
}

fn finish_message(to: &str, bytes: &[u8], s: &mut Settings, log: &Mutex<Log>) -> Vec<u8> {
    let mut log = log.lock().expect("modem log");
    let mut text = String::new();
    for b in bytes {
        match GSM.get(*b as usize) {
            Some(c) if !matches!(*b, 0x0A | 0x0D | 0x1B) => text.push(*c),
            _ => log.violations.push(format!("byte 0x{b:02X} in a message text is not a GSM character")),
        }
    }
    let sms = Sms { to: to.to_string(), text };
    if log.hold_next > 0 {
        log.hold_next -= 1;
        log.unanswered.push(sms);
        return Vec::new();
    }
    if log.fail_next > 0 {
        log.fail_next -= 1;
        log.refused.push(sms);
        return b"\r\n+CMS ERROR: 500\r\n".to_vec();
    }
    log.delivered.push(sms);
    let reference = s.next_ref;
    s.next_ref += 1;
    format!("\r\n+CMGS: {reference}\r\n\r\nOK\r\n").into_bytes()
}
