//! A GSM modem on a serial port, in text mode: the AT sequence that sends one
//! SMS, and a parser for the modem's answers.
//!
//! The port is driven with raw termios and poll through `nix` rather than the
//! `serialport` crate: we need only open, 8N1 raw at one speed, and reads and
//! writes with a deadline, which termios gives directly; `nix` is already in
//! the tree (through zip) and needs no libudev on the box. All calls block, so
//! the worker runs them on tokio's blocking pool, never on an actix worker.

use nix::errno::Errno;
use nix::fcntl::{OFlag, open};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::stat::Mode;
use nix::sys::termios::{self, BaudRate, ControlFlags, FlushArg, SetArg, SpecialCharacterIndices};
use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ModemError {
    #[error("modem port {0} not found (unplugged?)")]
    Missing(String),
    #[error("cannot open modem port {path}: {reason}")]
    Open { path: String, reason: String },
    #[error("serial port: {0}")]
    Io(String),
    #[error("no answer from the modem within {seconds} s to {command}")]
    Timeout { command: String, seconds: u64 },
    /// `ERROR`, `+CMS ERROR: n` or `+CME ERROR: n`, as the modem said it.
    #[error("{answer} (to {command})")]
    Refused { command: String, answer: String },
    #[error("the modem answered OK without a +CMGS reference")]
    NoReference,
}

impl ModemError {
    /// After these the modem's state is unknown (or it is gone): close the
    /// port and stop this pass, rather than try the next message on it.
    pub fn port_level(&self) -> bool {
        !matches!(self, ModemError::Refused { .. } | ModemError::NoReference)
    }
}

/// termios speeds are constants, not numbers; these are the ones USB modems use.
fn baud_rate(baud: u32) -> Option<BaudRate> {
    Some(match baud {
        9_600 => BaudRate::B9600,
        19_200 => BaudRate::B19200,
        38_400 => BaudRate::B38400,
        57_600 => BaudRate::B57600,
        115_200 => BaudRate::B115200,
        230_400 => BaudRate::B230400,
        460_800 => BaudRate::B460800,
        921_600 => BaudRate::B921600,
        _ => return None,
    })
}

/// A final answer or the text prompt, found in what the modem sent so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// `OK`, with the information lines before it (`+CMGS: 12`, …).
    Ok(Vec<String>),
    /// `ERROR`, `+CMS ERROR: n`, `+CME ERROR: n`.
    Error(String),
    /// `> `: the modem waits for the message text.
    Prompt,
}

/// Reads the modem's output so far. `None` until a final result code (or,
/// when `want_prompt`, the `> ` prompt) has arrived. Echoed commands and
/// unsolicited lines are skipped. Never panics, whatever the bytes.
pub fn parse(buf: &[u8], want_prompt: bool) -> Option<Answer> {
    let text = String::from_utf8_lossy(buf);
    let mut info = Vec::new();
    let mut rest: &str = &text;
    while let Some(end) = rest.find(['\r', '\n']) {
        let line = rest[..end].trim();
        rest = &rest[end + 1..];
        if line == "OK" {
            return Some(Answer::Ok(info));
        }
        if line == "ERROR" || line.starts_with("+CMS ERROR") || line.starts_with("+CME ERROR") {
            return Some(Answer::Error(line.to_string()));
        }
        if want_prompt && line.starts_with('>') {
            return Some(Answer::Prompt);
        }
        if !line.is_empty() && !line.to_ascii_uppercase().starts_with("AT") {
            info.push(line.chars().take(200).collect());
        }
    }
    // The prompt is not followed by a line end.
    (want_prompt && rest.trim_start().starts_with('>')).then_some(Answer::Prompt)
}

/// The reference in `+CMGS: <ref>`.
pub fn reference(info: &[String]) -> Option<String> {
    info.iter().find_map(|l| l.strip_prefix("+CMGS:")).map(|r| r.trim().to_string()).filter(|r| !r.is_empty())
}

/// How long to wait for answers.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    /// For a command (`AT`, `AT+CMGF=1`, the prompt).
    pub command: Duration,
    /// For the network to take the message after Ctrl-Z.
    pub send: Duration,
}

pub struct Modem {
    fd: OwnedFd,
    timeouts: Timeouts,
}

const CTRL_Z: u8 = 0x1A;
const ESC: u8 = 0x1B;

impl Modem {
    /// Opens the port raw, 8N1, no flow control, at `baud`.
    pub fn open(path: &Path, baud: u32, timeouts: Timeouts) -> Result<Modem, ModemError> {
        let shown = path.display().to_string();
        let flags = OFlag::O_RDWR | OFlag::O_NOCTTY | OFlag::O_NONBLOCK | OFlag::O_CLOEXEC;
        let fd = open(path, flags, Mode::empty()).map_err(|e| match e {
            Errno::ENOENT | Errno::ENODEV | Errno::ENXIO => ModemError::Missing(shown.clone()),
            e => ModemError::Open { path: shown.clone(), reason: e.desc().to_string() },
        })?;
        let speed = baud_rate(baud)
            .ok_or_else(|| ModemError::Open { path: shown.clone(), reason: format!("unsupported baud rate {baud}") })?;
        let setup = || -> nix::Result<()> {
            let mut t = termios::tcgetattr(fd.as_fd())?;
            termios::cfmakeraw(&mut t);
            termios::cfsetspeed(&mut t, speed)?;
            t.control_flags |= ControlFlags::CLOCAL | ControlFlags::CREAD;
            t.control_flags &= !(ControlFlags::CSTOPB | ControlFlags::CRTSCTS);
            t.control_chars[SpecialCharacterIndices::VMIN as usize] = 0;
            t.control_chars[SpecialCharacterIndices::VTIME as usize] = 0;
            termios::tcsetattr(fd.as_fd(), SetArg::TCSANOW, &t)?;
            termios::tcflush(fd.as_fd(), FlushArg::TCIOFLUSH)
        };
        setup().map_err(|e| ModemError::Open { path: shown, reason: e.desc().to_string() })?;
        Ok(Modem { fd, timeouts })
    }

    /// AT, ATE0 (no echo), AT+CMGF=1 (text mode), AT+CSCS="GSM". An ESC first
    /// ends any text prompt a previous session left open.
    pub fn init(&mut self) -> Result<(), ModemError> {
        self.write_all(&[ESC])?;
        std::thread::sleep(Duration::from_millis(50));
        let _ = termios::tcflush(self.fd.as_fd(), FlushArg::TCIFLUSH);
        for command in ["AT", "ATE0", "AT+CMGF=1", "AT+CSCS=\"GSM\""] {
            self.command(command)?;
        }
        Ok(())
    }

    /// Sends one SMS (`to` as `+628…`, `text` as GSM alphabet bytes) and
    /// returns the modem's message reference.
    pub fn send_sms(&mut self, to: &str, text: &[u8]) -> Result<String, ModemError> {
        let command = format!("AT+CMGS=\"{to}\"");
        self.write_all(format!("{command}\r").as_bytes())?;
        match self.read_answer(&command, true, self.timeouts.command)? {
            Answer::Prompt => {}
            Answer::Error(answer) => return Err(ModemError::Refused { command, answer }),
            Answer::Ok(_) => return Err(ModemError::Refused { command, answer: "OK without a prompt".into() }),
        }
        let mut payload = text.to_vec();
        payload.push(CTRL_Z);
        self.write_all(&payload)?;
        let command = "the message text".to_string();
        match self.read_answer(&command, false, self.timeouts.send)? {
            Answer::Ok(info) => reference(&info).ok_or(ModemError::NoReference),
            Answer::Error(answer) => Err(ModemError::Refused { command: "AT+CMGS".into(), answer }),
            Answer::Prompt => Err(ModemError::NoReference),
        }
    }

    fn command(&mut self, command: &str) -> Result<Vec<String>, ModemError> {
        self.write_all(format!("{command}\r").as_bytes())?;
        match self.read_answer(command, false, self.timeouts.command)? {
            Answer::Ok(info) => Ok(info),
            Answer::Error(answer) => Err(ModemError::Refused { command: command.into(), answer }),
            Answer::Prompt => Err(ModemError::Refused { command: command.into(), answer: "a prompt".into() }),
        }
    }

    /// Waits until `poll` says the port is ready for `events`, or the deadline.
    fn wait(&self, events: PollFlags, deadline: Instant) -> Result<bool, ModemError> {
        let left = deadline.saturating_duration_since(Instant::now());
        let ms = u16::try_from(left.as_millis()).unwrap_or(u16::MAX);
        let mut fds = [PollFd::new(self.fd.as_fd(), events)];
        match poll(&mut fds, PollTimeout::from(ms)) {
            Ok(0) | Err(Errno::EINTR) => Ok(false),
            Ok(_) => {
                let revents = fds[0].revents().unwrap_or(PollFlags::empty());
                if revents.intersects(PollFlags::POLLERR | PollFlags::POLLNVAL)
                    || (revents.contains(PollFlags::POLLHUP) && !revents.contains(PollFlags::POLLIN))
                {
                    return Err(ModemError::Io("the port hung up (unplugged?)".into()));
                }
                Ok(true)
            }
            Err(e) => Err(ModemError::Io(e.desc().into())),
        }
    }

    fn write_all(&mut self, mut bytes: &[u8]) -> Result<(), ModemError> {
        let deadline = Instant::now() + self.timeouts.command;
        while !bytes.is_empty() {
            if Instant::now() >= deadline {
                return Err(ModemError::Timeout {
                    command: "a write".into(),
                    seconds: self.timeouts.command.as_secs(),
                });
            }
            if !self.wait(PollFlags::POLLOUT, deadline)? {
                continue;
            }
            match nix::unistd::write(&self.fd, bytes) {
                Ok(n) => bytes = &bytes[n..],
                Err(Errno::EAGAIN | Errno::EINTR) => {}
                Err(e) => return Err(ModemError::Io(e.desc().into())),
            }
        }
        Ok(())
    }

    fn read_answer(&mut self, command: &str, want_prompt: bool, timeout: Duration) -> Result<Answer, ModemError> {
        let deadline = Instant::now() + timeout;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 256];
        loop {
            if let Some(answer) = parse(&buf, want_prompt) {
                return Ok(answer);
            }
            if Instant::now() >= deadline || buf.len() > 64 * 1024 {
                return Err(ModemError::Timeout { command: command.into(), seconds: timeout.as_secs() });
            }
            if !self.wait(PollFlags::POLLIN, deadline)? {
                continue;
            }
            match nix::unistd::read(&self.fd, &mut chunk) {
                Ok(0) => std::thread::sleep(Duration::from_millis(10)),
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                Err(Errno::EAGAIN | Errno::EINTR) => {}
                Err(e) => return Err(ModemError::Io(e.desc().into())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn final_codes_end_an_answer() {
        assert_eq!(parse(b"AT\r\r\nOK\r\n", false), Some(Answer::Ok(vec![])));
        assert_eq!(parse(b"\r\n+CMGS: 42\r\n\r\nOK\r\n", false), Some(Answer::Ok(vec!["+CMGS: 42".into()])));
        assert_eq!(parse(b"\r\n+CMS ERROR: 500\r\n", false), Some(Answer::Error("+CMS ERROR: 500".into())));
        assert_eq!(parse(b"\r\nERROR\r\n", true), Some(Answer::Error("ERROR".into())));
        assert_eq!(parse(b"\r\n+CME ERROR: 10\r\n", false), Some(Answer::Error("+CME ERROR: 10".into())));
    }

    #[test]
    fn partial_answers_wait_for_more() {
        assert_eq!(parse(b"", false), None);
        assert_eq!(parse(b"\r\nO", false), None);
        assert_eq!(parse(b"\r\nOK", false), None);
        assert_eq!(parse(b"\r\n+CMGS: 4\r\n", false), None);
        // an OK with no line end yet is not final; "OKAY" is no OK
        assert_eq!(parse(b"\r\nOKAY\r\n", false), None);
    }

    #[test]
    fn the_prompt_counts_only_when_expected() {
        assert_eq!(parse(b"\r\n> ", true), Some(Answer::Prompt));
        assert_eq!(parse(b"\r\n>", true), Some(Answer::Prompt));
        assert_eq!(parse(b"\r\n> ", false), None);
    }

    #[test]
    fn the_reference_comes_from_cmgs() {
        assert_eq!(reference(&["+CMGS: 17".into()]), Some("17".into()));
        assert_eq!(reference(&["+CMGS:".into()]), None);
        assert_eq!(reference(&["RING".into()]), None);
    }

    #[test]
    fn common_speeds_are_known() {
        assert_eq!(baud_rate(115_200), Some(BaudRate::B115200));
        assert_eq!(baud_rate(12_345), None);
    }

    #[test]
    fn a_missing_port_is_named() {
        let t = Timeouts { command: Duration::from_secs(1), send: Duration::from_secs(1) };
        let e = Modem::open(Path::new("/dev/no-such-modem"), 115_200, t).err();
        assert_eq!(e, Some(ModemError::Missing("/dev/no-such-modem".into())));
        assert!(e.is_some_and(|e| e.port_level()));
    }

    proptest! {
        #[test]
        fn the_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512), prompt in any::<bool>()) {
            let _ = parse(&bytes, prompt);
        }

        #[test]
        fn an_ok_after_any_noise_lines_is_found(lines in proptest::collection::vec("[ -~]{0,20}", 0..8)) {
            let mut text = String::new();
            for l in &lines {
                text.push_str(&l.replace("OK", "").replace("ERROR", "").replace('>', ""));
                text.push_str("\r\n");
            }
            text.push_str("OK\r\n");
            prop_assert!(matches!(parse(text.as_bytes(), false), Some(Answer::Ok(_))));
        }
    }
}
