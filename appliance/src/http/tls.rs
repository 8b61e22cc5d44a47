//! The box's own certificate authority. On first start Balai makes a CA key and
//! certificate in the data dir (0600); office devices trust it once, from
//! http://<box>/ca.crt. At every start it issues a fresh server certificate for
//! balai.local, localhost and the box's current addresses, so a new DHCP lease
//! does not break HTTPS.

use anyhow::Context;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

pub const CA_CERT_FILE: &str = "ca.crt";
pub(crate) const CA_KEY_FILE: &str = "ca.key";

pub struct Tls {
    pub ca_pem: String,
    pub server: Arc<rustls::ServerConfig>,
}

pub(crate) fn ca_params(village: &str) -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, format!("Balai {village}"));
    dn.push(DnType::CommonName, "Balai local CA");
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = rcgen::date_time_ymd(2025, 1, 1);
    params.not_after = rcgen::date_time_ymd(2045, 1, 1);
    params
}

/// Loads the CA from `keys_dir` (creating it on first start) and issues the
/// server certificate.
pub fn load_or_create(keys_dir: &Path, hostnames: &[String]) -> anyhow::Result<Tls> {
    std::fs::create_dir_all(keys_dir)?;
    let key_path = keys_dir.join(CA_KEY_FILE);
    let cert_path = keys_dir.join(CA_CERT_FILE);
    // The CA's name is fixed at creation; it need not follow later renames.
    let params = ca_params("Desa");
    if !key_path.exists() {
        let key = KeyPair::generate().context("generating CA key")?;
        let cert = params.self_signed(&key).context("self-signing CA")?;
        write_private(&key_path, &key.serialize_pem())?;
        std::fs::write(&cert_path, cert.pem())?;
    }
    let ca_key = KeyPair::from_pem(&std::fs::read_to_string(&key_path)?).context("reading CA key")?;
    let ca_pem = std::fs::read_to_string(&cert_path).context("reading CA certificate")?;
    let issuer = Issuer::new(params, ca_key);

    let leaf_key = KeyPair::generate()?;
    let leaf = leaf_params(hostnames)?.signed_by(&leaf_key, &issuer)?;
    let chain = vec![CertificateDer::from(leaf.der().to_vec()), ca_der(&ca_pem)?];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    server.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Tls { ca_pem, server: Arc::new(server) })
}

pub(crate) fn leaf_params(hostnames: &[String]) -> anyhow::Result<CertificateParams> {
    let mut names: Vec<String> = hostnames.to_vec();
    names.push("localhost".into());
    let mut params = CertificateParams::new(names)?;
    for ip in box_addresses() {
        params.subject_alt_names.push(SanType::IpAddress(ip));
    }
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, hostnames.first().cloned().unwrap_or_else(|| "balai.local".into()));
    params.distinguished_name = dn;
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    // Browsers refuse server certificates valid for longer than 398 days.
    params.not_after = now + time::Duration::days(397);
    Ok(params)
}

/// Loopback plus the address the box uses to reach its LAN. Connecting a UDP
/// socket sends nothing; it only asks the kernel which source it would use.
fn box_addresses() -> Vec<IpAddr> {
    let mut out: Vec<IpAddr> = vec!["127.0.0.1".parse().expect("literal"), "::1".parse().expect("literal")];
    for probe in ["192.168.0.1:9", "10.0.0.1:9"] {
        if let Ok(sock) = std::net::UdpSocket::bind("0.0.0.0:0")
            && sock.connect(probe).is_ok()
            && let Ok(local) = sock.local_addr()
            && !out.contains(&local.ip())
            && !local.ip().is_unspecified()
        {
            out.push(local.ip());
        }
    }
    out
}

fn ca_der(pem: &str) -> anyhow::Result<CertificateDer<'static>> {
    rustls_pemfile::certs(&mut pem.as_bytes())
        .next()
        .context("CA file holds no certificate")?
        .context("CA certificate is not valid PEM")
}

pub(crate) fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(contents.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ca_is_made_once_and_kept_private() {
        let dir = tempfile::tempdir().unwrap();
        let a = load_or_create(dir.path(), &["balai.local".into()]).unwrap();
        let b = load_or_create(dir.path(), &["balai.local".into()]).unwrap();
        assert_eq!(a.ca_pem, b.ca_pem, "the CA survives restarts");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(CA_KEY_FILE)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
