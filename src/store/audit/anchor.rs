//! Anchors: a chain head written down elsewhere (`liaison audit anchor`), and what became of it
//! when the chain is verified against it.

use serde::Serialize;

use crate::i18n::Lang;

/// A chain head written down elsewhere: `ID:HASH`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anchor {
    pub id: i64,
    pub hash: String,
}

impl Anchor {
    pub fn parse(text: &str) -> Option<Anchor> {
        let (id, hash) = text.trim().split_once(':')?;
        let id: i64 = id.trim().parse().ok().filter(|id| *id > 0)?;
        let hash = hash.trim().to_ascii_lowercase();
        (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit())).then_some(Anchor { id, hash })
    }
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.id, self.hash)
    }
}

/// What became of an anchored head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AnchorState {
    /// The event is there with the same hash, and the chain up to it verifies.
    Held,
    /// The anchored event is gone.
    Missing,
    /// The anchored event has another hash now (or none): history up to it was rewritten.
    Changed { found: Option<String> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnchorCheck {
    pub anchor: Anchor,
    #[serde(flatten)]
    pub state: AnchorState,
}

impl AnchorCheck {
    pub fn held(&self) -> bool {
        self.state == AnchorState::Held
    }

    pub fn message(&self, lang: Lang) -> String {
        let id = self.anchor.id;
        let short = &self.anchor.hash[..12];
        match (&self.state, lang) {
            (AnchorState::Held, Lang::En) => format!("the chain still contains the anchor {id}:{short}…"),
            (AnchorState::Held, Lang::Zh) => format!("历史链仍包含锚点 {id}：{short}…"),
            (AnchorState::Missing, Lang::En) => {
                format!("the anchored event {id} no longer exists: history up to the anchor was deleted")
            }
            (AnchorState::Missing, Lang::Zh) => format!("锚定的第 {id} 条事件已不存在：锚点之前的历史被删除"),
            (AnchorState::Changed { found }, Lang::En) => format!(
                "event {id} no longer has the anchored hash {short}… (now {}): history up to the anchor was rewritten",
                found.as_deref().map(|h| format!("{}…", &h[..h.len().min(12)])).unwrap_or("none".into())
            ),
            (AnchorState::Changed { found }, Lang::Zh) => format!(
                "第 {id} 条事件的哈希已不是锚定的 {short}…（现为 {}）：锚点之前的历史被改写",
                found.as_deref().map(|h| format!("{}…", &h[..h.len().min(12)])).unwrap_or("空".into())
            ),
        }
    }
}
