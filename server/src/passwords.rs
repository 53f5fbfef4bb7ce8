//! Hashing and checking officials' passwords (argon2id) without letting a flood of sign-ins
//! take the server's memory: both run on a few threads of their own, each with its argon2
//! working memory allocated once and reused, and a sign-in that finds no free thread within a
//! few seconds is told to wait.
//!
//! Guarantees: at most `threads` hashes or checks run at once, and the memory they take stays
//! at `threads` times one check's (19 MiB with the default parameters), however many sign-ins
//! arrive: nothing else in the server runs argon2 (an unknown name is checked against
//! [`DUMMY_HASH`], a constant, not a hash made when first needed); a stored hash that asks for
//! more memory than [`MAX_MEMORY_KIB`] is not checked (a refusal, not an allocation); outputs
//! are compared in constant time.

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;
use tokio::sync::{oneshot, Semaphore};

/// The most working memory a stored hash may ask for (argon2's default is 19,456 KiB).
pub const MAX_MEMORY_KIB: u32 = 64 * 1024;

/// Checked against when a sign-in has no real hash (an unknown name, an account without a
/// password yet, a disabled one), so that it costs the same work as a real check: argon2id
/// with the default parameters (a test keeps them the same as [`hash_in`]'s), of a password
/// nobody knows.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$8GL6T7kSNvtLiwy+ksrVCw$mpbYgNkGezg/eiaKFTkKyGIBR9ErkC8FifAg+2TP0O0";

/// What a password thread is asked to do.
enum Job {
    Check {
        password: String,
        hash: String,
        reply: oneshot::Sender<bool>,
    },
    Hash {
        password: String,
        reply: oneshot::Sender<String>,
    },
}

/// A few threads that hash and check passwords, and the turns to use them.
pub struct PasswordChecks {
    turns: Semaphore,
    wait: Duration,
    jobs: mpsc::Sender<Job>,
}

impl PasswordChecks {
    /// Starts `threads` password threads; a hash or check waits at most `wait` for one.
    pub fn start(threads: usize, wait: Duration) -> PasswordChecks {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads {
            let queue = Arc::clone(&queue);
            let spawned = std::thread::Builder::new()
                .name(format!("password-check-{n}"))
                .spawn(move || {
                    let mut memory = Vec::new();
                    loop {
                        let job = queue.lock().unwrap_or_else(|p| p.into_inner()).recv();
                        match job {
                            Err(_) => return,
                            Ok(Job::Check {
                                password,
                                hash,
                                reply,
                            }) => {
                                let _ = reply.send(verify_in(&password, &hash, &mut memory));
                            }
                            Ok(Job::Hash { password, reply }) => {
                                let _ = reply.send(hash_in(&password, &mut memory));
                            }
                        }
                    }
                });
            if let Err(error) = spawned {
                tracing::error!(%error, "cannot start a password-check thread");
            }
        }
        PasswordChecks {
            turns: Semaphore::new(threads),
            wait,
            jobs,
        }
    }

    /// Whether `password` matches the PHC string `hash`; `None` if no thread was free in time.
    pub async fn check(&self, password: String, hash: String) -> Option<bool> {
        let _turn = self.turn().await?;
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job::Check {
                password,
                hash,
                reply,
            })
            .ok()?;
        Some(answer.await.unwrap_or(false))
    }

    /// An argon2id hash (PHC string) of `password` with a fresh salt; `None` if no thread was
    /// free in time.
    pub async fn hash(&self, password: String) -> Option<String> {
        let _turn = self.turn().await?;
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job::Hash { password, reply }).ok()?;
        answer.await.ok()
    }

    async fn turn(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        tokio::time::timeout(self.wait, self.turns.acquire())
            .await
            .ok()?
            .ok()
    }
}

/// The first blocks of `memory` that `params` need, `memory` grown to them the first time
/// (then reused).
fn working_memory<'a>(memory: &'a mut Vec<Block>, params: &Params) -> &'a mut [Block] {
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    &mut memory[..blocks]
}

/// An argon2id hash (PHC string) of `password` with a fresh random salt and the default
/// parameters, computed in `memory` (grown the first time, then reused).
pub fn hash_in(password: &str, memory: &mut Vec<Block>) -> String {
    let params = Params::default();
    let salt_bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt_bytes).expect("16 bytes make a valid salt");
    let mut output = [0u8; Params::DEFAULT_OUTPUT_LEN];
    let algorithm = Algorithm::Argon2id;
    Argon2::new(algorithm, Version::V0x13, params.clone())
        .hash_password_into_with_memory(
            password.as_bytes(),
            &salt_bytes,
            &mut output,
            working_memory(memory, &params),
        )
        .expect("argon2 with default parameters hashes any password");
    PasswordHash {
        algorithm: algorithm.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).expect("default parameters make a string"),
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&output).expect("32 bytes make an output")),
    }
    .to_string()
}

/// Whether `password` matches the argon2 PHC string `hash`, computed in `memory` (grown to the
/// hash's memory cost the first time, then reused).
pub fn verify_in(password: &str, hash: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    if params.m_cost() > MAX_MEMORY_KIB {
        return false;
    }
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut computed = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params.clone());
    if argon2
        .hash_password_into_with_memory(
            password.as_bytes(),
            salt,
            &mut computed,
            working_memory(memory, &params),
        )
        .is_err()
    {
        return false;
    }
    // `Output`'s equality is constant-time.
    Output::new(&computed).is_ok_and(|computed| computed == expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::hash_password;

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does() {
        let real = hash_in("correct horse battery", &mut Vec::new());
        let (real, dummy) = (
            PasswordHash::new(&real).unwrap(),
            PasswordHash::new(DUMMY_HASH).unwrap(),
        );
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(
            Params::try_from(&dummy).unwrap(),
            Params::try_from(&real).unwrap()
        );
        assert_eq!(
            dummy.hash.map(|h| h.len()),
            real.hash.map(|h| h.len()),
            "outputs of the same length"
        );
        assert!(!verify_in("", DUMMY_HASH, &mut Vec::new()));
    }

    #[tokio::test]
    async fn hashes_made_on_the_password_threads_verify() {
        let threads = PasswordChecks::start(1, Duration::from_secs(30));
        let hash = threads.hash("correct horse battery".into()).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        let check = |password: &str| threads.check(password.into(), hash.clone());
        assert_eq!(check("correct horse battery").await, Some(true));
        assert_eq!(check("correct horse batter").await, Some(false));
        let again = threads.hash("correct horse battery".into()).await.unwrap();
        assert_ne!(hash, again, "salted");
    }

    #[test]
    fn checks_in_reused_memory_agree_with_the_hash() {
        let hash = hash_password("correct horse battery");
        let mut memory = Vec::new();
        assert!(verify_in("correct horse battery", &hash, &mut memory));
        let allocated = memory.len();
        assert_eq!(
            allocated,
            19 * 1024,
            "argon2's default memory, in 1 KiB blocks"
        );
        assert!(!verify_in("correct horse batter", &hash, &mut memory));
        assert!(!verify_in("", &hash, &mut memory));
        assert_eq!(memory.len(), allocated, "the memory is reused, not grown");
        for garbage in [
            "",
            "$argon2id$",
            "plain text",
            "$argon2id$v=19$m=999999999,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
        ] {
            assert!(!verify_in("x", garbage, &mut memory), "{garbage}");
        }
    }

    #[tokio::test]
    async fn a_flood_of_checks_waits_its_turn_or_is_told_to_wait() {
        let hash = hash_password("correct horse battery");
        let checks = Arc::new(PasswordChecks::start(1, Duration::from_millis(50)));
        let results: Vec<Option<bool>> = futures_join(
            (0..6)
                .map(|_| {
                    let (checks, hash) = (Arc::clone(&checks), hash.clone());
                    tokio::spawn(
                        async move { checks.check("correct horse battery".into(), hash).await },
                    )
                })
                .collect(),
        )
        .await;
        assert!(results.contains(&Some(true)), "{results:?}");
        assert!(
            results.contains(&None),
            "some are told to wait: {results:?}"
        );
        assert!(!results.contains(&Some(false)), "{results:?}");
    }

    async fn futures_join(tasks: Vec<tokio::task::JoinHandle<Option<bool>>>) -> Vec<Option<bool>> {
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        results
    }
}
