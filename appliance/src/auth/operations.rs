//! Accounts, sign-in, sessions and tokens. The web pages, the JSON API and the
//! CLI all come through here.

use super::model::{ApiToken, Identity, KtpCard, Role, Session, User, card_uid, warga_username};
use super::password::{self, Weak};
use crate::store::{Change, Durability, Op, Store, StoreError};
use chrono::{Duration, Utc};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("username must be 3–32 letters, digits, dot, dash or underscore")]
    BadUsername,
    #[error("user {0} already exists")]
    Exists(String),
    #[error("no user {0}")]
    NoSuchUser(String),
    #[error("{}", .0.key())]
    Weak(Weak),
    #[error("wrong username or password")]
    BadCredentials,
    #[error("too many failed sign-ins; try again in {0} seconds")]
    Throttled(u64),
    #[error("this role may not do that")]
    Forbidden,
    #[error("not a card number a card reader types")]
    BadCard,
    #[error("this card is registered to another resident")]
    CardTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Other(String),
}

impl AuthError {
    /// Catalog key for the message shown to a user.
    pub fn key(&self) -> &'static str {
        match self {
            AuthError::BadUsername => "auth.username.format",
            AuthError::Exists(_) => "auth.username.exists",
            AuthError::NoSuchUser(_) => "auth.username.unknown",
            AuthError::Weak(w) => w.key(),
            AuthError::BadCredentials => "auth.signin.failed",
            AuthError::Throttled(_) => "auth.signin.throttled",
            AuthError::Forbidden => "error.forbidden",
            AuthError::BadCard => "auth.card.format",
            AuthError::CardTaken => "auth.card.taken",
            AuthError::Store(_) | AuthError::Other(_) => "error.internal",
        }
    }
}

type Result<T> = std::result::Result<T, AuthError>;

pub fn require(actor: &Identity, roles: &[Role]) -> Result<()> {
    if roles.contains(&actor.role) { Ok(()) } else { Err(AuthError::Forbidden) }
}

fn valid_username(name: &str) -> bool {
    (3..=32).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

pub fn add_user(store: &Store, actor: &str, username: &str, full_name: &str, role: Role, pw: &str) -> Result<User> {
    if !valid_username(username) || role == Role::Warga {
        return Err(AuthError::BadUsername);
    }
    password::check_new_password(pw).map_err(AuthError::Weak)?;
    if store.get::<User>(username)?.is_some() {
        return Err(AuthError::Exists(username.into()));
    }
    let user = User {
        username: username.into(),
        full_name: full_name.trim().into(),
        role,
        secret_hash: password::hash(pw).map_err(|e| AuthError::Other(e.to_string()))?,
        disabled: false,
        resident_id: None,
        created: Utc::now(),
    };
    let change = Change::put(&user)?.with_detail(format!("role {}", role.code()));
    store.commit(actor, vec![change], Durability::Durable)?;
    Ok(user)
}

pub fn set_password(store: &Store, actor: &str, username: &str, pw: &str) -> Result<()> {
    let mut user = store.get::<User>(username)?.ok_or_else(|| AuthError::NoSuchUser(username.into()))?;
    if user.role == Role::Warga { password::check_new_pin(pw) } else { password::check_new_password(pw) }
        .map_err(AuthError::Weak)?;
    user.secret_hash = password::hash(pw).map_err(|e| AuthError::Other(e.to_string()))?;
    let mut changes = vec![Change::put(&user)?.with_detail("password changed")];
    changes.extend(session_deletions(store, username)?);
    store.commit(actor, changes, Durability::Durable)?;
    Ok(())
}

/// Disabling also ends the user's sessions at once.
pub fn set_disabled(store: &Store, actor: &str, username: &str, disabled: bool) -> Result<()> {
    let mut user = store.get::<User>(username)?.ok_or_else(|| AuthError::NoSuchUser(username.into()))?;
    user.disabled = disabled;
    let mut changes = vec![Change::put(&user)?.with_detail(if disabled { "disabled" } else { "enabled" })];
    if disabled {
        changes.extend(session_deletions(store, username)?);
    }
    store.commit(actor, changes, Durability::Durable)?;
    Ok(())
}

fn session_deletions(store: &Store, username: &str) -> Result<Vec<Change>> {
    Ok(store
        .ids_by("session", "user", username)?
        .iter()
        .map(|id| Change::delete::<Session>(id).with_detail("ended"))
        .collect())
}

/// Issues (or re-issues) a resident's self-service PIN; returns it once, to be
/// handed over on paper at the counter.
pub fn issue_pin(store: &Store, actor: &str, resident_id: &str, nik: &str, name: &str) -> Result<String> {
    let pin = password::generate_pin();
    let username = warga_username(nik);
    let user = User {
        username: username.clone(),
        full_name: name.into(),
        role: Role::Warga,
        secret_hash: password::hash(&pin).map_err(|e| AuthError::Other(e.to_string()))?,
        disabled: false,
        resident_id: Some(resident_id.into()),
        created: Utc::now(),
    };
    let mut changes = vec![Change::put(&user)?.with_detail("PIN issued")];
    changes.extend(session_deletions(store, &username)?);
    store.commit(actor, changes, Durability::Durable)?;
    Ok(pin)
}

pub fn list_users(store: &Store) -> Result<Vec<User>> {
    Ok(store.scan::<User>().collect::<std::result::Result<_, _>>()?)
}

/// Failed sign-ins per account: at most `max_per_hour`, and after five in a row
/// each further try waits twice as long as the one before (capped at a minute).
pub struct Throttle {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
    max_per_hour: usize,
}

const HOUR: std::time::Duration = std::time::Duration::from_secs(3600);

impl Throttle {
    pub fn new(max_per_hour: u32) -> Throttle {
        Throttle { failures: Mutex::new(HashMap::new()), max_per_hour: max_per_hour as usize }
    }

    /// Seconds the account must wait before another try, if any.
    pub fn wait(&self, account: &str) -> Option<u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let list = map.get_mut(account)?;
        let now = Instant::now();
        list.retain(|t| now.duration_since(*t) < HOUR);
        let last = *list.last()?;
        let wait = if list.len() >= self.max_per_hour {
            HOUR.saturating_sub(now.duration_since(list[0]))
        } else if list.len() >= 5 {
            let backoff = 1u64 << (list.len() - 5).min(6);
            std::time::Duration::from_secs(backoff.min(60)).saturating_sub(now.duration_since(last))
        } else {
            return None;
        };
        (!wait.is_zero()).then(|| wait.as_secs().max(1))
    }

    fn fail(&self, account: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(account.to_string()).or_default().push(Instant::now());
    }

    fn succeed(&self, account: &str) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(account);
    }
}

fn token_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// How long a new session lives, and whether it was opened at the kiosk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifetime {
    pub minutes: i64,
    pub kiosk: bool,
}

impl Lifetime {
    pub fn hours(hours: i64) -> Lifetime {
        Lifetime { minutes: hours * 60, kiosk: false }
    }
    pub fn kiosk(minutes: i64) -> Lifetime {
        Lifetime { minutes, kiosk: true }
    }
}

/// Checks the credentials and opens a new session (a new token every time, so
/// a token planted before sign-in is worthless). Returns the cookie token.
pub fn sign_in(
    store: &Store,
    throttle: &Throttle,
    lifetime: Lifetime,
    username: &str,
    secret: &str,
    user_agent: &str,
) -> Result<(String, Session)> {
    if let Some(secs) = throttle.wait(username) {
        return Err(AuthError::Throttled(secs));
    }
    let user = store.get::<User>(username)?;
    let ok = match &user {
        Some(u) => password::verify(secret, &u.secret_hash) && !u.disabled,
        None => {
            password::verify_dummy(secret);
            false
        }
    };
    let known = user.is_some();
    let Some(user) = user.filter(|_| ok) else {
        throttle.fail(username);
        // Failures against real accounts are audited; made-up names are not,
        // so nobody on the Wi-Fi can grow the log without bound.
        if known {
            let note = Change::note("user", username, Op::Note).with_detail("sign-in failed");
            store.commit("anonymous", vec![note], Durability::Lazy)?;
        }
        return Err(AuthError::BadCredentials);
    };
    throttle.succeed(username);
    let token = new_token();
    let now = Utc::now();
    let session = Session {
        id: token_id(&token),
        username: user.username.clone(),
        created: now,
        expires: now + Duration::minutes(lifetime.minutes),
        user_agent: user_agent.chars().take(200).collect(),
        csrf: new_token(),
        reauth_at: Some(now),
        kiosk: lifetime.kiosk,
    };
    let detail = if lifetime.kiosk { "signed in at the kiosk" } else { "signed in" };
    store.commit(&user.username, vec![Change::put(&session)?.with_detail(detail)], Durability::Durable)?;
    Ok((token, session))
}

/// The identity behind a session cookie, if the session is live and the user
/// still enabled.
pub fn identity_from_session(store: &Store, token: &str) -> Result<Option<Identity>> {
    let Some(session) = store.get::<Session>(&token_id(token))? else {
        return Ok(None);
    };
    if session.expires < Utc::now() {
        return Ok(None);
    }
    Ok(active_user(store, &session.username)?.map(|u| identity(u, Some(session))))
}

pub fn identity_from_token(store: &Store, token: &str) -> Result<Option<Identity>> {
    let Some(t) = store.get::<ApiToken>(&token_id(token))? else {
        return Ok(None);
    };
    if t.revoked {
        return Ok(None);
    }
    Ok(active_user(store, &t.username)?.map(|u| identity(u, None)))
}

fn active_user(store: &Store, username: &str) -> Result<Option<User>> {
    Ok(store.get::<User>(username)?.filter(|u| !u.disabled))
}

fn identity(user: User, session: Option<Session>) -> Identity {
    Identity {
        username: user.username,
        full_name: user.full_name,
        role: user.role,
        resident_id: user.resident_id,
        session,
    }
}

pub fn sign_out(store: &Store, identity: &Identity) -> Result<()> {
    if let Some(s) = &identity.session {
        store.commit(
            &identity.username,
            vec![Change::delete::<Session>(&s.id).with_detail("signed out")],
            Durability::Durable,
        )?;
    }
    Ok(())
}

pub fn sessions_of(store: &Store, username: &str) -> Result<Vec<Session>> {
    let mut out: Vec<Session> = store.find_by("user", username)?;
    out.retain(|s| s.expires > Utc::now());
    out.sort_by_key(|s| std::cmp::Reverse(s.created));
    Ok(out)
}

/// A user may end only their own sessions.
pub fn revoke_session(store: &Store, identity: &Identity, session_id: &str) -> Result<bool> {
    match store.get::<Session>(session_id)? {
        Some(s) if s.username == identity.username => {
            store.commit(
                &identity.username,
                vec![Change::delete::<Session>(session_id).with_detail("revoked")],
                Durability::Durable,
            )?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// Confirms the password again; unlocks sensitive actions for a while.
pub fn reauthenticate(store: &Store, throttle: &Throttle, identity: &Identity, secret: &str) -> Result<()> {
    let Some(mut session) = identity.session.clone() else {
        return Err(AuthError::BadCredentials);
    };
    if let Some(secs) = throttle.wait(&identity.username) {
        return Err(AuthError::Throttled(secs));
    }
    let user = store.get::<User>(&identity.username)?.ok_or(AuthError::BadCredentials)?;
    if !password::verify(secret, &user.secret_hash) {
        throttle.fail(&identity.username);
        return Err(AuthError::BadCredentials);
    }
    session.reauth_at = Some(Utc::now());
    store.commit(
        &identity.username,
        vec![Change::put(&session)?.with_detail("re-authenticated")],
        Durability::Durable,
    )?;
    Ok(())
}

/// Registers a resident's e-KTP card by the UID the reader typed. The same
/// card again for the same resident changes nothing; a card registered to
/// someone else is refused (the holder must remove it first: a lost card).
pub fn register_card(store: &Store, actor: &str, resident_id: &str, typed: &str) -> Result<KtpCard> {
    let uid = card_uid(typed).ok_or(AuthError::BadCard)?;
    let card = KtpCard { uid: uid.clone(), resident_id: resident_id.into(), registered: Utc::now(), by: actor.into() };
    let (_, card) = store.commit_with(actor, Durability::Durable, |s| match s.get::<KtpCard>(&uid)? {
        Some(c) if c.resident_id == resident_id => Ok((vec![], c)),
        Some(_) => Err(AuthError::CardTaken),
        None => Ok((vec![Change::put(&card)?.with_detail(format!("e-KTP card of resident {resident_id}"))], card)),
    })?;
    Ok(card)
}

/// Removes a resident's card (lost or replaced). False if the resident holds
/// no such card.
pub fn remove_card(store: &Store, actor: &str, resident_id: &str, typed: &str) -> Result<bool> {
    let Some(uid) = card_uid(typed) else { return Ok(false) };
    match store.get::<KtpCard>(&uid)? {
        Some(c) if c.resident_id == resident_id => {
            let change = Change::delete::<KtpCard>(&uid).with_detail(format!("e-KTP card of resident {resident_id}"));
            store.commit(actor, vec![change], Durability::Durable)?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

pub fn cards_of(store: &Store, resident_id: &str) -> Vec<KtpCard> {
    store.find_by("resident", resident_id).unwrap_or_default()
}

/// What a resident typed (or the card reader typed) in the kiosk's one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KioskId {
    Nik(String),
    Card(String),
}

impl KioskId {
    /// A 16-digit NIK, or else a card UID; None for neither.
    pub fn parse(typed: &str) -> Option<KioskId> {
        let nik = crate::residents::nik::normalize(typed);
        if nik.len() == 16 && nik.bytes().all(|b| b.is_ascii_digit()) {
            return Some(KioskId::Nik(nik));
        }
        card_uid(typed).map(KioskId::Card)
    }

    /// The account to sign in to. An unregistered card gets a name no
    /// account has, so it fails like a wrong PIN and is throttled the same.
    pub fn account(&self, store: &Store) -> Result<String> {
        Ok(match self {
            KioskId::Nik(nik) => warga_username(nik),
            KioskId::Card(uid) => match store.get::<KtpCard>(uid)? {
                Some(card) => match crate::residents::operations::get(store, &card.resident_id) {
                    Some(r) => warga_username(&r.nik),
                    None => format!("card:{uid}"),
                },
                None => format!("card:{uid}"),
            },
        })
    }
}

pub fn issue_api_token(store: &Store, actor: &str, username: &str, label: &str) -> Result<String> {
    active_user(store, username)?.ok_or_else(|| AuthError::NoSuchUser(username.into()))?;
    let token = format!("balai_{}", new_token());
    let record = ApiToken {
        id: token_id(&token),
        username: username.into(),
        label: label.into(),
        created: Utc::now(),
        revoked: false,
    };
    store.commit(actor, vec![Change::put(&record)?.with_detail("API token issued")], Durability::Durable)?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        (dir, s)
    }

    #[test]
    fn sign_in_creates_a_fresh_session_and_sign_out_ends_it() {
        let (_d, s) = store();
        let t = Throttle::new(100);
        add_user(&s, "test", "sari", "Sari", Role::Operator, "kopi tubruk di balai").unwrap();
        assert!(matches!(
            sign_in(&s, &t, Lifetime::hours(12), "sari", "wrong password!!", "ua"),
            Err(AuthError::BadCredentials)
        ));
        let (tok1, _) = sign_in(&s, &t, Lifetime::hours(12), "sari", "kopi tubruk di balai", "ua").unwrap();
        let (tok2, _) = sign_in(&s, &t, Lifetime::hours(12), "sari", "kopi tubruk di balai", "ua").unwrap();
        assert_ne!(tok1, tok2);
        let id = identity_from_session(&s, &tok1).unwrap().unwrap();
        assert_eq!(id.role, Role::Operator);
        assert_eq!(sessions_of(&s, "sari").unwrap().len(), 2);
        sign_out(&s, &id).unwrap();
        assert!(identity_from_session(&s, &tok1).unwrap().is_none());
        assert!(identity_from_session(&s, &tok2).unwrap().is_some());
        set_disabled(&s, "admin", "sari", true).unwrap();
        assert!(identity_from_session(&s, &tok2).unwrap().is_none(), "disabling ends sessions");
        assert!(matches!(
            sign_in(&s, &t, Lifetime::hours(12), "sari", "kopi tubruk di balai", "ua"),
            Err(AuthError::BadCredentials)
        ));
    }

    #[test]
    fn failed_sign_ins_are_audited_for_real_accounts_only() {
        let (_d, s) = store();
        let t = Throttle::new(100);
        add_user(&s, "test", "sari", "Sari", Role::Operator, "kopi tubruk di balai").unwrap();
        let before = s.last_seq().unwrap();
        let _ = sign_in(&s, &t, Lifetime::hours(12), "nobody-here", "kopi tubruk di balai", "ua");
        assert_eq!(s.last_seq().unwrap(), before, "an unknown name writes nothing");
        let _ = sign_in(&s, &t, Lifetime::hours(12), "sari", "wrong password!!", "ua");
        let last = s.log_rev().next().unwrap().unwrap();
        assert_eq!((last.id.as_str(), last.detail.as_str()), ("sari", "sign-in failed"));
    }

    #[test]
    fn throttle_backs_off_then_caps_per_hour() {
        let t = Throttle::new(8);
        for _ in 0..4 {
            t.fail("x");
        }
        assert_eq!(t.wait("x"), None);
        t.fail("x");
        assert!(t.wait("x").is_some(), "backoff after five failures");
        for _ in 0..3 {
            t.fail("x");
        }
        assert!(t.wait("x").unwrap() > 60, "hourly cap reached");
        t.succeed("x");
        assert_eq!(t.wait("x"), None);
    }

    #[test]
    fn weak_passwords_and_bad_names_are_refused() {
        let (_d, s) = store();
        assert!(matches!(add_user(&s, "t", "sari", "S", Role::Admin, "short"), Err(AuthError::Weak(Weak::TooShort))));
        assert!(matches!(
            add_user(&s, "t", "a b", "S", Role::Admin, "kopi tubruk di balai"),
            Err(AuthError::BadUsername)
        ));
        add_user(&s, "t", "sari", "S", Role::Admin, "kopi tubruk di balai").unwrap();
        assert!(matches!(
            add_user(&s, "t", "sari", "S", Role::Admin, "kopi tubruk di balai"),
            Err(AuthError::Exists(_))
        ));
    }

    #[test]
    fn cards_register_once_resolve_to_their_resident_and_can_be_removed() {
        let (_d, s) = store();
        let c = register_card(&s, "op", "r1", " 04:a2:2b:1a ").unwrap();
        assert_eq!(c.uid, "04A22B1A");
        assert_eq!(register_card(&s, "op", "r1", "04a22b1a").unwrap().uid, "04A22B1A", "again: no change");
        assert!(matches!(register_card(&s, "op", "r2", "04A22B1A"), Err(AuthError::CardTaken)));
        assert!(matches!(register_card(&s, "op", "r2", "hello"), Err(AuthError::BadCard)));
        assert!(matches!(register_card(&s, "op", "r2", "3310050101900001"), Err(AuthError::BadCard)), "a NIK");
        assert_eq!(cards_of(&s, "r1").len(), 1);
        assert!(!remove_card(&s, "op", "r2", "04A22B1A").unwrap(), "only the holder's card is removed");
        assert!(remove_card(&s, "op", "r1", "04A22B1A").unwrap());
        assert!(cards_of(&s, "r1").is_empty());
        assert_eq!(KioskId::Card("04A22B1A".into()).account(&s).unwrap(), "card:04A22B1A");
    }

    #[test]
    fn kiosk_ids_tell_a_nik_from_a_card() {
        assert_eq!(KioskId::parse("3310050101900001"), Some(KioskId::Nik("3310050101900001".into())));
        assert_eq!(KioskId::parse("3310 0501 0190 0001"), Some(KioskId::Nik("3310050101900001".into())));
        assert_eq!(KioskId::parse("04a22b1a5c6d80"), Some(KioskId::Card("04A22B1A5C6D80".into())));
        assert_eq!(KioskId::parse("0123456789"), Some(KioskId::Card("0123456789".into())), "decimal readers");
        assert_eq!(KioskId::parse("budi"), None);
        assert_eq!(KioskId::parse(""), None);
    }

    #[test]
    fn kiosk_sessions_are_short_and_marked() {
        let (_d, s) = store();
        let t = Throttle::new(100);
        add_user(&s, "test", "sari", "Sari", Role::Operator, "kopi tubruk di balai").unwrap();
        let (_, session) = sign_in(&s, &t, Lifetime::kiosk(10), "sari", "kopi tubruk di balai", "ua").unwrap();
        assert!(session.kiosk);
        let left = session.expires - session.created;
        assert_eq!(left, Duration::minutes(10));
    }

    #[test]
    fn api_tokens_resolve_until_the_user_is_disabled() {
        let (_d, s) = store();
        add_user(&s, "t", "kiosk", "Kiosk", Role::Operator, "kopi tubruk di balai").unwrap();
        let tok = issue_api_token(&s, "t", "kiosk", "kiosk 1").unwrap();
        assert_eq!(identity_from_token(&s, &tok).unwrap().unwrap().username, "kiosk");
        assert!(identity_from_token(&s, "balai_nope").unwrap().is_none());
        set_disabled(&s, "t", "kiosk", true).unwrap();
        assert!(identity_from_token(&s, &tok).unwrap().is_none());
    }
}
