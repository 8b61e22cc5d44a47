//! Certificates for MQTT over TLS, from the box's own CA (`http::tls`): the
//! broker's server certificate, written as PEM files because rumqttd reads
//! paths, and a client certificate per device whose Organization is the
//! device id (rumqttd's tenant: the device may then use only
//! `/tenants/<id>/…`).

use crate::http::tls::{CA_CERT_FILE, CA_KEY_FILE, ca_params, leaf_params, write_private};
use anyhow::Context;
use rcgen::{DistinguishedName, DnType, ExtendedKeyUsagePurpose, Issuer, KeyPair};
use std::path::{Path, PathBuf};

pub const MQTT_CERT_FILE: &str = "mqtt.crt";
pub const MQTT_KEY_FILE: &str = "mqtt.key";

fn issuer(keys_dir: &Path) -> anyhow::Result<Issuer<'static, KeyPair>> {
    let key = std::fs::read_to_string(keys_dir.join(CA_KEY_FILE)).context("reading the CA key")?;
    let key = KeyPair::from_pem(&key).context("parsing the CA key")?;
    Ok(Issuer::new(ca_params("Desa"), key))
}

/// Writes a fresh server certificate and key for the MQTT TLS listeners;
/// returns (CA, certificate, key) paths.
pub fn write_server_files(keys_dir: &Path, hostnames: &[String]) -> anyhow::Result<(PathBuf, PathBuf, PathBuf)> {
    let issuer = issuer(keys_dir)?;
    let key = KeyPair::generate()?;
    let cert = leaf_params(hostnames)?.signed_by(&key, &issuer)?;
    let (cert_path, key_path) = (keys_dir.join(MQTT_CERT_FILE), keys_dir.join(MQTT_KEY_FILE));
    let _ = std::fs::remove_file(&key_path);
    write_private(&key_path, &key.serialize_pem())?;
    std::fs::write(&cert_path, cert.pem())?;
    Ok((keys_dir.join(CA_CERT_FILE), cert_path, key_path))
}

/// A client certificate and key (PEM) for device `id`, valid ten years.
pub fn issue_client(keys_dir: &Path, id: &str) -> anyhow::Result<(String, String)> {
    let issuer = issuer(keys_dir)?;
    let key = KeyPair::generate()?;
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new())?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, id);
    dn.push(DnType::CommonName, id);
    params.distinguished_name = dn;
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(3650);
    let cert = params.signed_by(&key, &issuer)?;
    Ok((cert.pem(), key.serialize_pem()))
}
