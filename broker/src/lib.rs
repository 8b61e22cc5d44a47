//! Balai's embedded MQTT broker: rumqttd configured in code, behind a small API
//! that knows nothing of Balai's records. The daemon (appliance/src/mqtt/) hands
//! it an authentication function and reads what devices publish from a channel.
//!
//! Two routers, two zones. rumqttd has no per-topic ACL hook; its only topic
//! isolation is the tenant prefix it takes from a client certificate
//! (`/tenants/<O>/…`, refused for any other topic). A client without a tenant
//! may publish and subscribe anywhere on its router, so the listeners that
//! carry personal data get a router of their own:
//! - `Zone::Lan` (1883 for MQTT 3.1.1, 1884 for MQTT 5): user name and password;
//!   sensors and queue boards.
//! - `Zone::Secure` (8883 / 8884): TLS with a client certificate from Balai's CA,
//!   whose Organization is the device id; rumqttd refuses any topic outside
//!   `/tenants/<device>/`, so a message there provably came from that device.
//!
//! rumqttd has no shutdown: the broker lives as long as the process.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rumqttd::local::{LinkRx, LinkTx};
use rumqttd::protocol::{Packet, Publish};
use rumqttd::{ConnectionSettings, Notification, Router, RouterConfig, Server, ServerSettings, TlsConfig};

/// Where a message came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Zone {
    Lan,
    Secure,
}

impl Zone {
    pub fn code(self) -> &'static str {
        match self {
            Zone::Lan => "lan",
            Zone::Secure => "secure",
        }
    }
}

/// One publish a device made, as the router forwarded it.
#[derive(Clone, Debug)]
pub struct Message {
    pub zone: Zone,
    pub topic: String,
    pub payload: Vec<u8>,
}

/// What a client presented in CONNECT.
pub struct Credentials<'a> {
    pub zone: Zone,
    pub client_id: &'a str,
    pub username: &'a str,
    pub password: &'a str,
}

pub type Authenticate = Arc<dyn Fn(&Credentials) -> bool + Send + Sync>;

/// Called on the link's thread for every message, in order. It may block:
/// the link then falls behind and the router holds messages for it.
pub type Deliver = Arc<dyn Fn(Message) + Send + Sync>;

/// PEM files rumqttd reads (it takes paths, not certificates in memory).
#[derive(Clone, Debug)]
pub struct TlsFiles {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub lan_v4: Option<SocketAddr>,
    pub lan_v5: Option<SocketAddr>,
    pub secure_v4: Option<SocketAddr>,
    pub secure_v5: Option<SocketAddr>,
    pub tls: Option<TlsFiles>,
    /// Per router; rumqttd's default of 0 refuses everyone.
    pub max_connections: usize,
    pub max_payload_bytes: usize,
    pub max_inflight: usize,
    /// A client must send CONNECT this soon after the TCP connection.
    pub connect_timeout_ms: u16,
    /// The router keeps each topic's messages in segments in memory; these two
    /// bound that memory (and how far the daemon's link may lag before
    /// messages are lost).
    pub segment_bytes: usize,
    pub segment_count: usize,
}

/// The filters the daemon's own links follow in each zone.
const LAN_FILTER: &str = "balai/#";
const SECURE_FILTER: &str = "/tenants/+/balai/#";
const DAEMON_CLIENT: &str = "balai-daemon";

type LinkFactory = Box<dyn Fn(&str) -> Option<(LinkTx, LinkRx)> + Send + Sync>;

struct ZoneHandle {
    /// The daemon's own publisher (retained board state).
    tx: Mutex<LinkTx>,
    /// Opens a local link under a client id; a link with a device's id makes
    /// the router drop that device's connection.
    open_link: LinkFactory,
}

pub struct Broker {
    zones: HashMap<Zone, ZoneHandle>,
}

impl Broker {
    /// Starts the routers and listeners and the daemon's links, which hand
    /// every device message to `deliver`.
    pub fn start(settings: &Settings, authenticate: Authenticate, deliver: Deliver) -> Result<Broker, String> {
        let sink = deliver;
        let mut zones = HashMap::new();
        let lan: Vec<(SocketAddr, bool)> = [(settings.lan_v4, false), (settings.lan_v5, true)]
            .into_iter()
            .filter_map(|(a, v5)| a.map(|a| (a, v5)))
            .collect();
        let secure: Vec<(SocketAddr, bool)> = [(settings.secure_v4, false), (settings.secure_v5, true)]
            .into_iter()
            .filter_map(|(a, v5)| a.map(|a| (a, v5)))
            .collect();
        if !lan.is_empty() {
            let handle = start_zone(Zone::Lan, 1, settings, &lan, None, authenticate.clone(), sink.clone())?;
            zones.insert(Zone::Lan, handle);
        }
        if !secure.is_empty() {
            let tls = settings.tls.as_ref().ok_or("the TLS listeners need the CA, certificate and key files")?;
            let handle = start_zone(Zone::Secure, 2, settings, &secure, Some(tls), authenticate, sink)?;
            zones.insert(Zone::Secure, handle);
        }
        Ok(Broker { zones })
    }

    /// Publishes `payload` retained: the router keeps it (in memory only) and
    /// hands it to every later subscriber of `topic`.
    pub fn publish_retained(&self, zone: Zone, topic: &str, payload: Vec<u8>) -> Result<(), String> {
        let handle = self.zones.get(&zone).ok_or("zone not started")?;
        let publish = Publish::new(topic.as_bytes().to_vec(), payload, true);
        let mut tx = handle.tx.lock().unwrap_or_else(|p| p.into_inner());
        // `LinkTx::send` is async only in name: it queues and notifies the
        // router without awaiting anything, so one poll completes it.
        let fut = std::pin::pin!(tx.send(Packet::Publish(publish, None)));
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match fut.poll(&mut cx) {
            std::task::Poll::Ready(Ok(_)) => Ok(()),
            std::task::Poll::Ready(Err(e)) => Err(e.to_string()),
            std::task::Poll::Pending => Err("router busy".into()),
        }
    }

    /// Drops every connection of the client `client_id` at once. rumqttd has
    /// no call for this; a new connection under the same client id replaces
    /// the old one, so a throw-away local link under that id does it. Secure
    /// clients are known to the router as `<tenant>.<client id>`.
    pub fn disconnect(&self, client_id: &str) {
        for (zone, handle) in &self.zones {
            let id = match zone {
                Zone::Lan => client_id.to_owned(),
                Zone::Secure => format!("{client_id}.{client_id}"),
            };
            drop((handle.open_link)(&id));
        }
    }

    pub fn zones(&self) -> impl Iterator<Item = Zone> + '_ {
        self.zones.keys().copied()
    }
}

fn start_zone(
    zone: Zone,
    router_id: usize,
    settings: &Settings,
    listeners: &[(SocketAddr, bool)],
    tls: Option<&TlsFiles>,
    authenticate: Authenticate,
    sink: Deliver,
) -> Result<ZoneHandle, String> {
    let router_tx = Router::new(router_id, router_config(settings)).spawn();
    for (addr, v5) in listeners {
        let server = server_settings(zone, *addr, *v5, settings, tls, authenticate.clone());
        let tx = router_tx.clone();
        let name = server.name.clone();
        let spawned = if *v5 {
            let mut server = Server::new(server, tx, rumqttd::protocol::v5::V5);
            std::thread::Builder::new().name(name).spawn(move || run_listener(zone, move || server_start(&mut server)))
        } else {
            let mut server = Server::new(server, tx, rumqttd::protocol::v4::V4);
            std::thread::Builder::new().name(name).spawn(move || run_listener(zone, move || server_start(&mut server)))
        };
        spawned.map_err(|e| e.to_string())?;
    }
    let factory_tx = router_tx.clone();
    let open_link: LinkFactory = Box::new(move |client_id: &str| {
        rumqttd::local::LinkBuilder::new(client_id, factory_tx.clone()).build().ok().map(|(tx, rx, _)| (tx, rx))
    });
    let (mut tx, rx) =
        open_link(&format!("{DAEMON_CLIENT}-{}", zone.code())).ok_or("the router refused the daemon's link")?;
    tx.subscribe(match zone {
        Zone::Lan => LAN_FILTER,
        Zone::Secure => SECURE_FILTER,
    })
    .map_err(|e| e.to_string())?;
    std::thread::Builder::new()
        .name(format!("mqtt-link-{}", zone.code()))
        .spawn(move || forward(zone, rx, sink))
        .map_err(|e| e.to_string())?;
    Ok(ZoneHandle { tx: Mutex::new(tx), open_link })
}

fn server_start<P>(server: &mut Server<P>) -> Result<(), String>
where
    P: rumqttd::protocol::Protocol + Clone + Send + 'static,
{
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(server.start(rumqttd::LinkType::Remote)).map_err(|e| e.to_string())
}

fn run_listener(zone: Zone, start: impl FnOnce() -> Result<(), String>) {
    if let Err(e) = start() {
        tracing::error!(zone = zone.code(), error = %e, "MQTT listener stopped");
    }
}

/// The daemon's link: every forward goes to `sink`, in order.
fn forward(zone: Zone, mut rx: LinkRx, sink: Deliver) {
    loop {
        match rx.recv() {
            Ok(Some(Notification::Forward(f))) => {
                let message = Message {
                    zone,
                    topic: String::from_utf8_lossy(&f.publish.topic).into_owned(),
                    payload: f.publish.payload.to_vec(),
                };
                sink(message);
            }
            // The router pauses a link whose buffer filled; it resumes on Ready.
            Ok(Some(Notification::Unschedule)) => {
                if rx.ready().is_err() {
                    return;
                }
            }
            Ok(_) => {}
            Err(e) => {
                tracing::error!(zone = zone.code(), error = %e, "the daemon's MQTT link closed");
                return;
            }
        }
    }
}

fn router_config(settings: &Settings) -> RouterConfig {
    RouterConfig {
        max_connections: settings.max_connections,
        max_outgoing_packet_count: 200,
        max_segment_size: settings.segment_bytes,
        max_segment_count: settings.segment_count,
        ..RouterConfig::default()
    }
}

fn server_settings(
    zone: Zone,
    listen: SocketAddr,
    v5: bool,
    settings: &Settings,
    tls: Option<&TlsFiles>,
    authenticate: Authenticate,
) -> ServerSettings {
    let mut connections = ConnectionSettings {
        connection_timeout_ms: settings.connect_timeout_ms,
        max_payload_size: settings.max_payload_bytes,
        max_inflight_count: settings.max_inflight,
        auth: None,
        external_auth: None,
        dynamic_filters: true,
    };
    connections.set_auth_handler(move |client_id: String, username: String, password: String| {
        let ok = authenticate(&Credentials { zone, client_id: &client_id, username: &username, password: &password });
        std::future::ready(ok)
    });
    ServerSettings {
        name: format!("mqtt-{}-{}", zone.code(), if v5 { "v5" } else { "v4" }),
        listen,
        tls: tls.map(|t| TlsConfig::Rustls {
            capath: Some(t.ca.display().to_string()),
            certpath: t.cert.display().to_string(),
            keypath: t.key.display().to_string(),
        }),
        next_connection_delay_ms: 0,
        connections,
    }
}
