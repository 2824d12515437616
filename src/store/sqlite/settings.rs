//! Per-chat settings: the language a chat's replies and briefings are in,
//! set by `/lang` and kept for any chat, subscribed or not.

use rusqlite::{OptionalExtension, Transaction, params};

use super::{Result, Sqlite};
use crate::matcher::Lang;

impl Sqlite {
    /// Sets the language of a chat's replies.
    pub fn set_lang(&mut self, chat_id: i64, lang: Lang) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO chat_setting (chat_id, lang) VALUES (?1, ?2)
             ON CONFLICT (chat_id) DO UPDATE SET lang = excluded.lang",
            params![chat_id, lang.code()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The language a chat set with `/lang`, if it set one.
    pub fn lang_of(&self, chat_id: i64) -> Result<Option<Lang>> {
        let code: Option<String> = self
            .conn
            .query_row(
                "SELECT lang FROM chat_setting WHERE chat_id = ?1",
                [chat_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(code.as_deref().and_then(Lang::from_code))
    }
}

/// A group that became a supergroup keeps its settings (unless the new id
/// has its own), inside the caller's transaction.
pub(super) fn move_settings(tx: &Transaction<'_>, from: i64, to: i64) -> Result<()> {
    tx.execute(
        "UPDATE OR IGNORE chat_setting SET chat_id = ?2 WHERE chat_id = ?1",
        params![from, to],
    )?;
    tx.execute("DELETE FROM chat_setting WHERE chat_id = ?1", [from])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Sqlite) {
        let dir = tempfile::tempdir().unwrap();
        let store = Sqlite::open(&dir.path().join("state.sqlite")).unwrap();
        (dir, store)
    }

    #[test]
    fn a_chat_keeps_its_language() {
        let (_dir, mut store) = store();
        assert_eq!(store.lang_of(7).unwrap(), None);
        store.set_lang(7, Lang::Sq).unwrap();
        assert_eq!(store.lang_of(7).unwrap(), Some(Lang::Sq));
        store.set_lang(7, Lang::En).unwrap();
        assert_eq!(store.lang_of(7).unwrap(), Some(Lang::En));
        assert_eq!(store.lang_of(8).unwrap(), None);
    }

    #[test]
    fn the_language_moves_with_a_group_that_became_a_supergroup() {
        let (_dir, mut store) = store();
        store.subscribe(-5, "group", "G", 100).unwrap();
        store.set_lang(-5, Lang::Sq).unwrap();
        assert!(store.move_chat(-5, -1005).unwrap());
        assert_eq!(store.lang_of(-1005).unwrap(), Some(Lang::Sq));
        assert_eq!(store.lang_of(-5).unwrap(), None);
    }
}
