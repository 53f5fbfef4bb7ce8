//! TLS to PostgreSQL (rustls), with libpq's `sslmode` and `sslrootcert` read from the database
//! URL: `disable` (plain), `prefer` (the default: TLS when the server offers it), `require`
//! (TLS or no connection; the certificate is checked against `sslrootcert` when one is
//! given, as libpq does), `verify-ca` (the certificate must chain to `sslrootcert`) and
//! `verify-full` (that, and it must name the host connected to).
//!
//! Guarantees: a `verify-*` mode never falls back to an unchecked or plain connection; the
//! handshake's signatures are always verified, whatever the mode; a URL asking for a mode or
//! a file that cannot be honoured stops the server with a sentence saying what to fix.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::sync::Arc;

/// How the connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// A database URL read for TLS: what the client library is given, and how to check the server.
#[derive(Clone, Debug)]
pub struct PgTarget {
    /// The URL with `sslmode` as the client library knows it and `sslrootcert` taken out.
    pub client_url: String,
    pub mode: SslMode,
    pub root_certificate: Option<String>,
}

impl PgTarget {
    /// Reads `sslmode` and `sslrootcert` from the URL's query.
    pub fn parse(url: &str) -> Result<PgTarget, String> {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut mode = SslMode::Prefer;
        let mut root_certificate = None;
        let mut rest = form_urlencoded::Serializer::new(String::new());
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            match &*key {
                "sslmode" => {
                    mode = match &*value {
                        "disable" => SslMode::Disable,
                        "prefer" | "allow" => SslMode::Prefer,
                        "require" => SslMode::Require,
                        "verify-ca" => SslMode::VerifyCa,
                        "verify-full" => SslMode::VerifyFull,
                        other => {
                            return Err(format!(
                                "sslmode={other} is unknown: write disable, prefer, require, verify-ca or verify-full"
                            ))
                        }
                    }
                }
                "sslrootcert" => root_certificate = Some(value.into_owned()),
                _ => {
                    rest.append_pair(&key, &value);
                }
            }
        }
        if matches!(mode, SslMode::VerifyCa | SslMode::VerifyFull) && root_certificate.is_none() {
            return Err(
                "sslmode=verify-ca and verify-full need sslrootcert=/path/to/ca.pem (the certificate of the authority that signed the database's)".into(),
            );
        }
        let client_mode = match mode {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            _ => "require",
        };
        rest.append_pair("sslmode", client_mode);
        Ok(PgTarget {
            client_url: format!("{base}?{}", rest.finish()),
            mode,
            root_certificate,
        })
    }

    /// The rustls configuration for this target.
    pub fn tls_config(&self) -> Result<ClientConfig, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS setup failed: {e}"))?;
        let roots = match &self.root_certificate {
            Some(path) => Some(Arc::new(read_roots(path)?)),
            None => None,
        };
        // libpq: `require` with a root certificate at hand checks the chain, as verify-ca.
        let verifier: Arc<dyn ServerCertVerifier> = match (self.mode, roots) {
            (SslMode::VerifyFull, Some(roots)) => web_pki(roots, &provider)?,
            (SslMode::VerifyCa | SslMode::Require, Some(roots)) => Arc::new(ChainOnly {
                inner: web_pki(roots, &provider)?,
            }),
            (SslMode::VerifyCa | SslMode::VerifyFull, None) => {
                return Err("verify modes need sslrootcert".into())
            }
            (_, _) => Arc::new(Unchecked { provider }),
        };
        Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth())
    }
}

fn read_roots(path: &str) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    let certificates = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("cannot read sslrootcert {path}: {e}"))?;
    for certificate in certificates {
        let certificate =
            certificate.map_err(|e| format!("sslrootcert {path} is not PEM certificates: {e}"))?;
        roots
            .add(certificate)
            .map_err(|e| format!("sslrootcert {path} holds an unusable certificate: {e}"))?;
    }
    if roots.is_empty() {
        return Err(format!("sslrootcert {path} holds no certificate"));
    }
    Ok(roots)
}

fn web_pki(
    roots: Arc<RootCertStore>,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<dyn ServerCertVerifier>, String> {
    let verifier = WebPkiServerVerifier::builder_with_provider(roots, Arc::clone(provider))
        .build()
        .map_err(|e| format!("TLS setup failed: {e}"))?;
    Ok(verifier)
}

/// `verify-ca`: the chain must lead to the root certificate; the name is not compared.
#[derive(Debug)]
struct ChainOnly {
    inner: Arc<dyn ServerCertVerifier>,
}

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// `prefer` and `require` without a root certificate (libpq's meaning): encrypted, the
/// certificate not checked; the handshake's signatures still are.
#[derive(Debug)]
struct Unchecked {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslmode_and_sslrootcert_are_read_and_the_rest_kept() {
        for (url, mode, client) in [
            (
                "postgres://u@h/db",
                SslMode::Prefer,
                "postgres://u@h/db?sslmode=prefer",
            ),
            (
                "postgres://u@h/db?sslmode=disable&application_name=ov",
                SslMode::Disable,
                "postgres://u@h/db?application_name=ov&sslmode=disable",
            ),
            (
                "postgres://u@h/db?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem",
                SslMode::VerifyFull,
                "postgres://u@h/db?sslmode=require",
            ),
        ] {
            let target = PgTarget::parse(url).unwrap();
            assert_eq!(target.mode, mode, "{url}");
            assert_eq!(target.client_url, client, "{url}");
        }
        let full = PgTarget::parse("postgres://u@h/db?sslmode=verify-ca&sslrootcert=/ca.pem");
        assert_eq!(full.unwrap().root_certificate.as_deref(), Some("/ca.pem"));
        for (bad, says) in [
            ("postgres://u@h/db?sslmode=verify-full", "need sslrootcert"),
            (
                "postgres://u@h/db?sslmode=sometimes",
                "sslmode=sometimes is unknown",
            ),
        ] {
            let error = PgTarget::parse(bad).unwrap_err();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn an_unreadable_root_certificate_is_explained() {
        let target =
            PgTarget::parse("postgres://u@h/db?sslmode=verify-full&sslrootcert=/nonexistent.pem")
                .unwrap();
        let error = target.tls_config().unwrap_err();
        assert!(
            error.contains("cannot read sslrootcert /nonexistent.pem"),
            "{error}"
        );
    }
}
