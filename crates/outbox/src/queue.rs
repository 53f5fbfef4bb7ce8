//! The one queue state machine every queued thing goes through on the phone (submissions, the
//! citizen's answers and ratings, the uploads of photos and voice notes), parameterised by [`Queue`]:
//!
//! ```text
//!            claim                 settle (the server's answer)
//!   queued ─────────▶ sending ─────────────────────────────────▶ settled (accepted, rejected,
//!     ▲                  │                                        conflict / sent, refused)
//!     └──────────────────┘ release (the request failed: one more attempt, the error, a backoff)
//! ```
//!
//! A `queued` row that was tried before is "retrying". Guarantees, for every queue:
//! - a row leaves the pending states (`queued`, `sending`) only through [`Outbox::settle_in`],
//!   i.e. after the server answered for it, and a repeated answer changes nothing; what settling
//!   also changes ([`Queue::after_settling`]) commits with it;
//! - [`Outbox::claim_in`] marks what it hands out `sending` in the same IMMEDIATE transaction;
//! - [`Outbox::release_in`] changes only rows still `sending`;
//! - rows a killed app left `sending` are `queued` again when the outbox is next opened.

use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use uuid::Uuid;

use crate::{Outbox, OutboxError};

/// The SQL list of the pending states, for `state IN …`.
pub(crate) const PENDING: &str = "('queued', 'sending')";

/// What one queue holds: a table whose rows carry the machine's columns (`state`, `attempts`,
/// `next_attempt_at`, `last_error`, `settled_at`), what a claimed row is sent as, and what the
/// server's answer for one row records.
pub trait Queue {
    /// The table of this queue.
    const TABLE: &'static str;
    /// The table's key column (a UUID as text): the id the server knows the item by.
    const KEY: &'static str;
    /// A row taken for sending: what the request is built from.
    type Claimed;
    /// The server's answer for one row.
    type Settlement;

    /// The key of a claimed row.
    fn key(claimed: &Self::Claimed) -> Uuid;

    /// The oldest due `queued` rows, at most `limit`, each with its size in bytes (claiming
    /// stops at the byte budget). `ignore_backoff` takes rows whose retry time has not come.
    /// Runs inside the claiming transaction, which may first settle what can no longer be sent.
    fn due(
        tx: &Transaction<'_>,
        now_ms: i64,
        limit: usize,
        ignore_backoff: bool,
    ) -> Result<Vec<(Self::Claimed, usize)>, OutboxError>;

    /// The settled state an answer leads to and the columns it records.
    fn outcome(settlement: &Self::Settlement) -> Outcome;

    /// What else settling rows of this queue changes, in the same transaction (the blanking of
    /// a citizen's hidden text once the server has it); how many rows it changed.
    fn after_settling(_tx: &Transaction<'_>) -> Result<usize, OutboxError> {
        Ok(0)
    }
}

/// A settled state and the columns the server's answer fills in.
pub struct Outcome {
    pub state: &'static str,
    pub columns: Vec<(&'static str, Value)>,
}

/// Where a row stands in the machine, read from its columns (the queue names its settled
/// states itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Stage<'a> {
    Queued,
    Sending,
    Retrying {
        attempts: u32,
        next_attempt_at: i64,
        last_error: String,
    },
    Settled(&'a str),
}

impl<'a> Stage<'a> {
    pub(crate) fn read(
        state: &'a str,
        attempts: u32,
        next_attempt_at: i64,
        last_error: Option<&str>,
    ) -> Stage<'a> {
        match state {
            "queued" if attempts == 0 => Stage::Queued,
            "queued" => Stage::Retrying {
                attempts,
                next_attempt_at,
                last_error: last_error.unwrap_or_default().to_string(),
            },
            "sending" => Stage::Sending,
            settled => Stage::Settled(settled),
        }
    }
}

/// Every queue's table, for what is done to all of them (recovery on open).
pub(crate) const TABLES: [&str; 3] = ["submissions", "citizen_actions", "attachments"];

/// Puts back in the queue what a killed app left `sending`.
pub(crate) fn recover(conn: &rusqlite::Connection) -> Result<(), OutboxError> {
    for table in TABLES {
        conn.execute(
            &format!("UPDATE {table} SET state = 'queued' WHERE state = 'sending'"),
            [],
        )?;
    }
    Ok(())
}

impl Outbox {
    /// Takes the oldest due rows of queue `Q`, at most `max_items` and (beyond the first) at
    /// most `max_bytes`, and marks them `sending`, in one transaction.
    pub fn claim_in<Q: Queue>(
        &self,
        now_ms: i64,
        max_items: usize,
        max_bytes: usize,
        ignore_backoff: bool,
    ) -> Result<Vec<Q::Claimed>, OutboxError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut claimed = Vec::new();
        {
            let mut bytes = 0;
            for (item, size) in Q::due(&tx, now_ms, max_items, ignore_backoff)? {
                bytes += size;
                if !claimed.is_empty() && bytes > max_bytes {
                    break;
                }
                claimed.push(item);
            }
            let mut mark = tx.prepare_cached(&format!(
                "UPDATE {} SET state = 'sending' WHERE {} = ?1 AND state = 'queued'",
                Q::TABLE,
                Q::KEY
            ))?;
            for item in &claimed {
                mark.execute([Q::key(item).to_string()])?;
            }
        }
        tx.commit()?;
        Ok(claimed)
    }

    /// Records the server's answers for rows of queue `Q`. Only pending rows change; a repeated
    /// answer is a no-op.
    pub fn settle_in<Q: Queue>(
        &self,
        answers: &[(Uuid, Q::Settlement)],
        now_ms: i64,
    ) -> Result<(), OutboxError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (id, answer) in answers {
            let Outcome { state, columns } = Q::outcome(answer);
            let mut sql = format!("UPDATE {} SET state = ?1, settled_at = ?2", Q::TABLE);
            let mut values = vec![Value::from(state.to_string()), Value::from(now_ms)];
            for (column, value) in columns {
                values.push(value);
                sql.push_str(&format!(", {column} = ?{}", values.len()));
            }
            values.push(Value::from(id.to_string()));
            sql.push_str(&format!(
                " WHERE {} = ?{} AND state IN {PENDING}",
                Q::KEY,
                values.len()
            ));
            tx.prepare_cached(&sql)?
                .execute(rusqlite::params_from_iter(values))?;
        }
        let changed = Q::after_settling(&tx)?;
        tx.commit()?;
        if changed > 0 {
            crate::store::checkpoint(&conn)?;
        }
        Ok(())
    }

    /// Puts rows of queue `Q` whose sending failed back in the queue: one more attempt, the
    /// error, and the time of the next try (`next_attempt_at(attempts)`, Unix ms).
    pub fn release_in<Q: Queue>(
        &self,
        ids: &[Uuid],
        error: &str,
        mut next_attempt_at: impl FnMut(u32) -> i64,
    ) -> Result<(), OutboxError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let (table, key) = (Q::TABLE, Q::KEY);
            let mut read = tx.prepare_cached(&format!(
                "SELECT attempts FROM {table} WHERE {key} = ?1 AND state = 'sending'"
            ))?;
            let mut write = tx.prepare_cached(&format!(
                "UPDATE {table} SET state = 'queued', attempts = ?2, next_attempt_at = ?3,
                     last_error = ?4
                 WHERE {key} = ?1 AND state = 'sending'"
            ))?;
            for id in ids {
                let id = id.to_string();
                let Some(attempts) = read.query_row([&id], |r| r.get::<_, u32>(0)).optional()?
                else {
                    continue;
                };
                let attempts = attempts.saturating_add(1);
                write.execute(params![id, attempts, next_attempt_at(attempts), error])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_read_as_its_stage() {
        assert_eq!(Stage::read("queued", 0, 5, Some("x")), Stage::Queued);
        assert_eq!(
            Stage::read("queued", 2, 5, Some("offline")),
            Stage::Retrying {
                attempts: 2,
                next_attempt_at: 5,
                last_error: "offline".into()
            }
        );
        assert_eq!(Stage::read("sending", 3, 5, None), Stage::Sending);
        assert_eq!(
            Stage::read("accepted", 1, 0, None),
            Stage::Settled("accepted")
        );
    }
}
