//! The offices' telephones and opening hours as the server last gave them
//! (`GET /api/v1/offices`), kept on the phone so the place and case screens show them offline.
//!
//! Guarantees: a new list replaces the old one whole, in one transaction, so the phone never
//! shows a mix of two lists; only what an administrator published for an office is here.

use ourvoice_protocol::OfficeContact;
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use crate::{Outbox, OutboxError};

impl Outbox {
    /// Replaces every office's telephone and hours with `contacts`.
    pub fn replace_office_contacts(&self, contacts: &[OfficeContact]) -> Result<(), OutboxError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM office_contacts", [])?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO office_contacts (office, phone, hours) VALUES (?1, ?2, ?3)
                 ON CONFLICT (office) DO UPDATE SET phone = excluded.phone, hours = excluded.hours",
            )?;
            for contact in contacts {
                insert.execute(params![contact.office, contact.phone, contact.hours])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// One office's telephone and hours, if the server gave any.
    pub fn office_contact(&self, office: &str) -> Result<Option<OfficeContact>, OutboxError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT office, phone, hours FROM office_contacts WHERE office = ?1",
                [office],
                |r| {
                    Ok(OfficeContact {
                        office: r.get(0)?,
                        phone: r.get(1)?,
                        hours: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use ourvoice_protocol::OfficeContact;

    use crate::Outbox;

    fn contact(office: &str, phone: Option<&str>, hours: Option<&str>) -> OfficeContact {
        OfficeContact {
            office: office.into(),
            phone: phone.map(Into::into),
            hours: hours.map(Into::into),
        }
    }

    #[test]
    fn a_new_list_replaces_the_old_one_whole() {
        let folder = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&folder.path().join("outbox.db")).unwrap();
        assert_eq!(outbox.office_contact("OWSO-0102").unwrap(), None);
        let first = [
            contact("OWSO-0102", Some("012 345 678"), Some("Mon–Fri 8:00–17:00")),
            contact("CH-010201", None, Some("Mornings")),
        ];
        outbox.replace_office_contacts(&first).unwrap();
        assert_eq!(
            outbox.office_contact("OWSO-0102").unwrap(),
            Some(first[0].clone())
        );
        assert_eq!(
            outbox.office_contact("CH-010201").unwrap(),
            Some(first[1].clone())
        );
        let second = [contact("CH-010201", Some("097 000 111"), None)];
        outbox.replace_office_contacts(&second).unwrap();
        assert_eq!(outbox.office_contact("OWSO-0102").unwrap(), None);
        assert_eq!(
            outbox.office_contact("CH-010201").unwrap(),
            Some(second[0].clone())
        );
        drop(outbox);
        let reopened = Outbox::open(&folder.path().join("outbox.db")).unwrap();
        assert_eq!(
            reopened.office_contact("CH-010201").unwrap(),
            Some(second[0].clone())
        );
    }
}
