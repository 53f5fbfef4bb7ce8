//! Where the bytes of photos and voice notes are kept: the pieces of uploads under way, the
//! checked copies and their thumbnails, each one object under a random name, in a folder
//! beside the database (the default) or in an S3-compatible store shared by a fleet.
//!
//! Guarantees: an object's name is random (never a name the phone chose) and says nothing
//! about the case; an object is written whole or not at all; the S3 keys come only from the
//! environment and are never logged; plain HTTP to S3 only when asked for.

use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::sync::Arc;

use crate::config::{Config, DatabaseUrl};

/// The environment variable with the S3 access key id.
pub const S3_KEY_ID_ENV: &str = "OURVOICE_ATTACHMENTS_S3_KEY_ID";
/// The environment variable with the S3 secret access key.
pub const S3_SECRET_ENV: &str = "OURVOICE_ATTACHMENTS_S3_SECRET";

/// What the objects hold, by the start of their names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Held {
    /// A piece of an upload under way.
    Piece,
    /// The checked copy of a received attachment.
    Attachment,
    /// A photo's thumbnail.
    Thumbnail,
}

impl Held {
    fn folder(self) -> &'static str {
        match self {
            Held::Piece => "pieces",
            Held::Attachment => "attachments",
            Held::Thumbnail => "thumbnails",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ObjectError {
    #[error("object store: {0}")]
    Store(#[from] object_store::Error),
    #[error("no such object")]
    Missing,
    #[error("the attachments folder {0}: {1}")]
    Folder(String, std::io::Error),
    #[error("{0}")]
    Setting(String),
}

/// The attachments' object store.
#[derive(Clone, Debug)]
pub struct Objects {
    store: Arc<dyn ObjectStore>,
    /// Where it is, for the start-up log line (no keys).
    pub place: String,
}

impl Objects {
    /// The store the configuration asks for: S3 when an endpoint is given, else the folder
    /// given, else `attachments` beside a SQLite database; `None` on PostgreSQL with neither
    /// (uploads are then answered 503 and the start-up log says what to set).
    pub fn open(config: &Config) -> Result<Option<Objects>, ObjectError> {
        if let Some(endpoint) = &config.attachments_s3_endpoint {
            return Objects::s3(config, endpoint).map(Some);
        }
        let folder = match (&config.attachments_dir, &config.database) {
            (Some(folder), _) => folder.clone(),
            (None, DatabaseUrl::Sqlite(path)) => path
                .parent()
                .map(|parent| parent.to_path_buf())
                .unwrap_or_default()
                .join("attachments"),
            (None, DatabaseUrl::Postgres(_)) => return Ok(None),
        };
        let folder = if folder.as_os_str().is_empty() {
            std::path::PathBuf::from(".")
        } else {
            folder
        };
        std::fs::create_dir_all(&folder)
            .map_err(|error| ObjectError::Folder(folder.display().to_string(), error))?;
        let store = LocalFileSystem::new_with_prefix(&folder)?;
        Ok(Some(Objects {
            store: Arc::new(store),
            place: folder.display().to_string(),
        }))
    }

    fn s3(config: &Config, endpoint: &str) -> Result<Objects, ObjectError> {
        let bucket = config.attachments_s3_bucket.as_deref().ok_or_else(|| {
            ObjectError::Setting(
                "--attachments-s3-endpoint needs --attachments-s3-bucket (the bucket's name)"
                    .into(),
            )
        })?;
        let read = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| {
                    ObjectError::Setting(format!(
                        "--attachments-s3-endpoint needs the environment variable {name}"
                    ))
                })
        };
        let (key_id, secret) = (read(S3_KEY_ID_ENV)?, read(S3_SECRET_ENV)?);
        let plain_http = endpoint.starts_with("http://");
        if plain_http && !config.attachments_s3_allow_http && !loopback(endpoint) {
            return Err(ObjectError::Setting(format!(
                "the S3 endpoint {endpoint} is plain HTTP: use https://, or pass --attachments-s3-allow-http if the network to it is private"
            )));
        }
        // object_store's HTTP client takes the process's TLS provider: the one the server uses.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let store = AmazonS3Builder::new()
            .with_endpoint(endpoint)
            .with_bucket_name(bucket)
            .with_region(&config.attachments_s3_region)
            .with_access_key_id(key_id)
            .with_secret_access_key(secret)
            .with_allow_http(plain_http)
            .with_virtual_hosted_style_request(false)
            .build()?;
        Ok(Objects {
            store: Arc::new(store),
            place: format!("S3 bucket {bucket} at {endpoint}"),
        })
    }

    /// Stores `bytes` under a new random name in `held`'s folder; the name.
    pub async fn put(&self, held: Held, bytes: Bytes) -> Result<String, ObjectError> {
        let name: [u8; 16] = rand::random();
        let key = format!("{}/{}", held.folder(), hex::encode(name));
        self.store
            .put(&Path::from(key.as_str()), PutPayload::from_bytes(bytes))
            .await?;
        Ok(key)
    }

    /// The bytes of object `key`.
    pub async fn get(&self, key: &str) -> Result<Bytes, ObjectError> {
        match self.store.get(&Path::from(key)).await {
            Ok(found) => Ok(found.bytes().await?),
            Err(object_store::Error::NotFound { .. }) => Err(ObjectError::Missing),
            Err(error) => Err(error.into()),
        }
    }

    /// Deletes the objects `keys`; a failure is logged, not returned (an object left behind
    /// costs space, never correctness: nothing refers to it any more).
    pub async fn delete(&self, keys: &[String]) {
        for key in keys {
            match self.store.delete(&Path::from(key.as_str())).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(error) => tracing::warn!(%error, "an attachment object could not be deleted"),
            }
        }
    }
}

/// Whether an `http://` endpoint is on this machine.
fn loopback(endpoint: &str) -> bool {
    let host = endpoint
        .trim_start_matches("http://")
        .split(['/', '?'])
        .next()
        .unwrap_or("");
    let host = match host.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => host,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_endpoints_are_plain_http_without_asking() {
        for (endpoint, expect) in [
            ("http://127.0.0.1:3900", true),
            ("http://localhost:3900/", true),
            ("http://[::1]:3900", true),
            ("http://10.0.0.5:3900", false),
            ("http://s3.example.org", false),
            ("http://127.0.0.1.example.org:80", false),
        ] {
            assert_eq!(loopback(endpoint), expect, "{endpoint}");
        }
    }
}
