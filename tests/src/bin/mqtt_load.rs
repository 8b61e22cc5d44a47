//! The MQTT load tool `bench/mqtt.sh` runs against Balai and Mosquitto alike:
//! the same clients, topics and payloads for both.
//!
//! mqtt_load throughput ADDR QOS PUBLISHERS SECONDS [CREDS]
//!   each publisher sends as fast as the broker takes it (QoS 1: up to 100
//!   in flight); prints messages/s (QoS 1: acknowledged, QoS 0: written).
//! mqtt_load latency ADDR RATE SECONDS [CREDS]
//!   20 publishers at RATE messages/s in total, one subscriber to
//!   balai/+/reading; prints p50/p99/max end-to-end latency and losses.
//! mqtt_load hold ADDR CLIENTS SECONDS [CREDS]
//!   opens CLIENTS connections and keeps them SECONDS.
//!
//! CREDS is a file of `id secret` lines (Balai's devices); without it, client
//! ids are `bench<N>` and no password is sent (Mosquitto, anonymous).

use rumqttc::{AsyncClient, Event, EventLoop, MqttOptions, Outgoing, Packet, QoS};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

fn usage() -> ! {
    eprintln!(
        "usage: mqtt_load throughput ADDR QOS PUBLISHERS SECONDS [CREDS]\n       mqtt_load latency ADDR RATE SECONDS [CREDS]\n       mqtt_load hold ADDR CLIENTS SECONDS [CREDS]"
    );
    std::process::exit(2)
}

fn arg<T: std::str::FromStr>(args: &[String], i: usize) -> T {
    args.get(i).and_then(|s| s.parse().ok()).unwrap_or_else(|| usage())
}

struct Target {
    host: String,
    port: u16,
    creds: Vec<(String, String)>,
}

impl Target {
    fn options(&self, n: usize) -> MqttOptions {
        let (id, secret) = self.creds.get(n).cloned().unwrap_or_else(|| (format!("bench{n}"), String::new()));
        let mut o = MqttOptions::new(id.clone(), self.host.clone(), self.port);
        if !secret.is_empty() {
            o.set_credentials(id, secret);
        }
        o.set_keep_alive(Duration::from_secs(60));
        o.set_inflight(100);
        o
    }

    fn id(&self, n: usize) -> String {
        self.creds.get(n).map_or_else(|| format!("bench{n}"), |c| c.0.clone())
    }
}

/// Waits for CONNACK; panics with the error otherwise (a benchmark that
/// cannot connect has nothing to report).
async fn connected(o: MqttOptions) -> (AsyncClient, EventLoop) {
    let (client, mut el) = AsyncClient::new(o, 1000);
    loop {
        match el.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(_))) => return (client, el),
            Ok(_) => {}
            Err(e) => panic!("connect failed: {e}"),
        }
    }
}

fn payload(seq: u64) -> Vec<u8> {
    format!("{{\"water_level_cm\": {}}}", seq % 10_000).into_bytes()
}

async fn throughput(t: Arc<Target>, qos: QoS, publishers: usize, seconds: u64) {
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    let mut conns = Vec::new();
    for n in 0..publishers {
        conns.push(connected(t.options(n)).await);
    }
    let start = Instant::now();
    for (n, (client, mut el)) in conns.into_iter().enumerate() {
        let topic = format!("balai/{}/reading", t.id(n));
        let (stop2, done2) = (stop.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            let mut seq = 0u64;
            let pub_stop = stop2.clone();
            let publisher = tokio::spawn(async move {
                while !pub_stop.load(Relaxed) {
                    seq += 1;
                    if client.publish(topic.as_str(), qos, false, payload(seq)).await.is_err() {
                        return;
                    }
                }
                let _ = client.disconnect().await;
            });
            loop {
                match el.poll().await {
                    Ok(Event::Incoming(Packet::PubAck(_))) if qos == QoS::AtLeastOnce => {
                        if !stop2.load(Relaxed) {
                            done2.fetch_add(1, Relaxed);
                        }
                    }
                    Ok(Event::Outgoing(Outgoing::Publish(_))) if qos == QoS::AtMostOnce => {
                        if !stop2.load(Relaxed) {
                            done2.fetch_add(1, Relaxed);
                        }
                    }
                    Ok(Event::Outgoing(Outgoing::Disconnect)) => break,
                    Ok(_) => {}
                    Err(e) => {
                        if !stop2.load(Relaxed) {
                            eprintln!("publisher error: {e}");
                        }
                        break;
                    }
                }
            }
            publisher.abort();
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Relaxed);
    let elapsed = start.elapsed().as_secs_f64();
    let n = done.load(Relaxed);
    for task in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
    }
    let what = if qos == QoS::AtLeastOnce { "acknowledged" } else { "written" };
    println!(
        "qos{} publishers={publishers} {what}={n} seconds={elapsed:.1} rate={:.0}/s",
        qos as u8,
        n as f64 / elapsed
    );
}

async fn latency(t: Arc<Target>, rate: u64, seconds: u64) {
    const PUBLISHERS: usize = 20;
    let per = (rate / PUBLISHERS as u64).max(1);
    let total = per * seconds;
    // send instants per (publisher, seq), as ns since `origin`
    let origin = Instant::now();
    let sent: Arc<Vec<Vec<AtomicU64>>> =
        Arc::new((0..PUBLISHERS).map(|_| (0..=total).map(|_| AtomicU64::new(0)).collect()).collect());
    let (sub, mut sub_el) = connected(t.options(PUBLISHERS)).await;
    sub.subscribe("balai/+/reading", QoS::AtMostOnce).await.expect("subscribe");
    let ids: Vec<String> = (0..PUBLISHERS).map(|n| t.id(n)).collect();
    let received = Arc::new(std::sync::Mutex::new(Vec::<u64>::new()));
    let (sent2, rec2, ids2) = (sent.clone(), received.clone(), ids.clone());
    let subscriber = tokio::spawn(async move {
        while let Ok(ev) = sub_el.poll().await {
            if let Event::Incoming(Packet::Publish(p)) = ev {
                let now = origin.elapsed().as_nanos() as u64;
                let device = p.topic.split('/').nth(1).unwrap_or("");
                let Some(n) = ids2.iter().position(|i| i == device) else { continue };
                let text = String::from_utf8_lossy(&p.payload);
                let seq: u64 = text.trim_matches(|c: char| !c.is_ascii_digit()).parse().unwrap_or(0);
                if let Some(at) = sent2[n].get(seq as usize).map(|a| a.load(Relaxed)).filter(|a| *a > 0) {
                    rec2.lock().unwrap().push(now.saturating_sub(at));
                }
            }
        }
    });
    // wait for SUBACK to settle
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut tasks = Vec::new();
    for n in 0..PUBLISHERS {
        let (client, mut el) = connected(t.options(n)).await;
        let topic = format!("balai/{}/reading", ids[n]);
        let sent = sent.clone();
        tasks.push(tokio::spawn(async move {
            let driver = tokio::spawn(async move { while el.poll().await.is_ok() {} });
            let mut tick = tokio::time::interval(Duration::from_nanos(1_000_000_000 / per));
            for seq in 1..=total {
                tick.tick().await;
                sent[n][seq as usize].store(origin.elapsed().as_nanos() as u64, Relaxed);
                if client.publish(topic.as_str(), QoS::AtLeastOnce, false, payload(seq)).await.is_err() {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
            driver.abort();
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    subscriber.abort();
    let mut v = received.lock().unwrap().clone();
    v.sort_unstable();
    let pct =
        |p: f64| v.get(((v.len() as f64 * p).ceil() as usize).saturating_sub(1)).copied().unwrap_or(0) as f64 / 1e6;
    let expected = total * PUBLISHERS as u64;
    println!(
        "latency rate={rate}/s sent={expected} received={} lost={} p50={:.2}ms p99={:.2}ms max={:.2}ms",
        v.len(),
        expected.saturating_sub(v.len() as u64),
        pct(0.50),
        pct(0.99),
        pct(1.0)
    );
}

async fn hold(t: Arc<Target>, clients: usize, seconds: u64) {
    let mut held = Vec::new();
    let start = Instant::now();
    for n in 0..clients {
        let (client, mut el) = connected(t.options(n)).await;
        held.push((client, tokio::spawn(async move { while el.poll().await.is_ok() {} })));
    }
    println!("hold clients={clients} connected_in={:.1}s", start.elapsed().as_secs_f64());
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    for (client, task) in held {
        let _ = client.disconnect().await;
        task.abort();
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).cloned().unwrap_or_else(|| usage());
    let addr: String = arg(&args, 2);
    let (host, port) = addr.rsplit_once(':').unwrap_or_else(|| usage());
    let creds_at = if mode == "throughput" { 6 } else { 5 };
    let creds = args
        .get(creds_at)
        .map(|path| {
            std::fs::read_to_string(path)
                .expect("creds file")
                .lines()
                .filter_map(|l| l.split_once(' ').map(|(a, b)| (a.to_string(), b.trim().to_string())))
                .collect()
        })
        .unwrap_or_default();
    let t = Arc::new(Target { host: host.to_string(), port: port.parse().unwrap_or_else(|_| usage()), creds });
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async move {
        match mode.as_str() {
            "throughput" => {
                let qos = if arg::<u8>(&args, 3) == 1 { QoS::AtLeastOnce } else { QoS::AtMostOnce };
                throughput(t, qos, arg(&args, 4), arg(&args, 5)).await
            }
            "latency" => latency(t, arg(&args, 3), arg(&args, 4)).await,
            "hold" => hold(t, arg(&args, 3), arg(&args, 4)).await,
            _ => usage(),
        }
    });
}
