//! Planning what the change log shows: the changes page (`changes.html`: changes still to come
//! on top, then the rest, newest first), the Atom feed of the log (`changes.xml`), and the
//! "last changed" and "will change" notes on each material, stage, deadline and form.
//! Rule: a change is dated by the day it takes effect, and every note links to its entry,
//! `changes.html#change-<id>`; the feed's bytes depend on the content alone, never on the clock.

use atom_syndication::{Content as AtomContent, Entry, Feed, FixedDateTime, Link, Person, Text};
use chrono::{NaiveDate, NaiveTime};

use super::{AffectedView, ChangeLink, ChangeView, ChangesData, ItemHistory, Page, PageData, Planner};
use crate::model::history::{ChangeEntry, ItemKind};

/// Where the changes page and the feed are written.
pub(super) const CHANGES_PAGE: &str = "changes.html";
pub(super) const CHANGES_FEED: &str = "changes.xml";

impl Planner<'_> {
    /// True when the site has a change log (and so a changes page and a feed).
    pub(super) fn has_changes(&self) -> bool {
        !self.model.history.changes.is_empty()
    }

    /// What the log says of one item, for a page whose root prefix is `root`.
    pub(super) fn item_history(&self, kind: ItemKind, id: &str, root: &str) -> ItemHistory {
        let history = &self.model.history;
        ItemHistory {
            last_changed: history
                .last_change(kind, id, self.today)
                .map(|c| self.change_link(c, root)),
            coming: history
                .coming(kind, id, self.today)
                .into_iter()
                .map(|c| self.change_link(c, root))
                .collect(),
        }
    }

    fn change_link(&self, change: &ChangeEntry, root: &str) -> ChangeLink {
        ChangeLink {
            date: change.effective.to_string(),
            title: change.change.title.clone(),
            kind: change.change.kind.as_str(),
            href: format!("{root}{CHANGES_PAGE}#change-{}", change.change.id.as_str()),
            days: (change.effective - self.today).num_days(),
        }
    }

    pub(super) fn changes_page(&self) -> Page {
        let (coming, past): (Vec<&ChangeEntry>, Vec<&ChangeEntry>) = self
            .model
            .history
            .changes
            .iter()
            .partition(|c| c.effective > self.today);
        let data = ChangesData {
            as_of: self.today.to_string(),
            // Soonest first: what a reader must act on next comes first.
            coming: coming.iter().rev().map(|c| self.change_view(c)).collect(),
            past: past.iter().map(|c| self.change_view(c)).collect(),
            feed: CHANGES_FEED.into(),
        };
        self.page(
            CHANGES_PAGE.into(),
            "changes.html",
            "changes",
            "changes",
            None,
            PageData::Changes(data),
        )
    }

    fn change_view(&self, entry: &ChangeEntry) -> ChangeView {
        let change = &entry.change;
        ChangeView {
            id: change.id.value.clone(),
            effective: entry.effective.to_string(),
            announced: entry.announced.map(|d| d.to_string()),
            kind: change.kind.as_str(),
            title: change.title.clone(),
            summary_html: self.markdown(&change.summary, ""),
            source: self.source_link(&change.source, ""),
            affects: entry
                .affects
                .iter()
                .map(|item| self.affected(item.kind, &item.id))
                .collect(),
            days: (entry.effective - self.today).num_days(),
        }
    }

    /// An item a change names: linked to where the site shows it, when it is in force today.
    fn affected(&self, kind: ItemKind, id: &str) -> AffectedView {
        let page_kind = match kind {
            ItemKind::Subject => Some("checklist"),
            ItemKind::Condition => None,
            ItemKind::Material => Some("material"),
            ItemKind::Stage => Some("stage"),
            ItemKind::Deadline => Some("deadline"),
            ItemKind::Form => Some("form"),
            ItemKind::Guide => Some("guide"),
        };
        let href = page_kind
            .and_then(|k| self.pages.get(k, id))
            .map(|target| match &target.fragment {
                Some(fragment) => format!("{}#{fragment}", target.path),
                None => target.path.clone(),
            });
        AffectedView {
            kind: kind.name(),
            title: self.item_title(kind, id).unwrap_or_else(|| id.to_string()),
            href,
        }
    }

    /// The name readers know an item by: from the day's content, else from its last version.
    fn item_title(&self, kind: ItemKind, id: &str) -> Option<String> {
        let in_force = std::iter::once(self.content);
        let versions = self.model.history.versions.as_deref();
        in_force.chain(versions).find_map(|content| title_in(content, kind, id))
    }

    /// `changes.xml`: the change log as an Atom feed, every entry but those still to come.
    pub(super) fn changes_feed(&self) -> (String, std::sync::Arc<[u8]>) {
        let site = &self.content.site;
        let base = site
            .base_url
            .as_ref()
            .map(|u| format!("{}/", u.as_str().trim_end_matches('/')));
        let address = |path: &str| format!("{}{path}", base.as_deref().unwrap_or(""));
        let entries: Vec<Entry> = self
            .model
            .history
            .changes
            .iter()
            .map(|entry| {
                let change = &entry.change;
                let mut item = Entry::default();
                item.set_id(entry_id(base.as_deref(), &site.title, change.id.as_str()));
                item.set_title(Text::plain(change.title.clone()));
                item.set_updated(midnight(
                    entry
                        .announced
                        .filter(|_| entry.effective > self.today)
                        .unwrap_or(entry.effective),
                ));
                item.set_published(entry.announced.map(midnight));
                item.set_links(vec![link(address(&format!(
                    "{CHANGES_PAGE}#change-{}",
                    change.id.as_str()
                )))]);
                let mut content = AtomContent::default();
                content.set_content_type(Some("html".to_string()));
                content.set_value(Some(self.markdown(&change.summary, "")));
                item.set_content(Some(content));
                item
            })
            .collect();
        let mut feed = Feed::default();
        feed.set_title(Text::plain(site.title.clone()));
        feed.set_id(entry_id(base.as_deref(), &site.title, ""));
        feed.set_updated(
            entries
                .iter()
                .map(|e| *e.updated())
                .max()
                .unwrap_or_else(|| midnight(self.model.reviewed)),
        );
        feed.set_authors(vec![Person {
            name: site.title.clone(),
            ..Person::default()
        }]);
        feed.set_lang(Some(site.language.clone()));
        let mut me = link(address(CHANGES_FEED));
        me.set_rel("self");
        feed.set_links(vec![link(address(CHANGES_PAGE)), me]);
        feed.set_entries(entries);
        let mut bytes = Vec::new();
        // Writing to memory cannot fail.
        let _ = feed.write_to(&mut bytes);
        (CHANGES_FEED.into(), bytes.into())
    }
}

fn link(href: String) -> Link {
    let mut link = Link::default();
    link.set_href(href);
    link
}

fn midnight(day: NaiveDate) -> FixedDateTime {
    day.and_time(NaiveTime::MIN).and_utc().fixed_offset()
}

/// A permanent id for an entry (or, for `""`, the feed): its address when the site says where it
/// is published, else a URN made from the site's title and the change's id, which stay the same
/// from one build to the next.
fn entry_id(base: Option<&str>, site_title: &str, change: &str) -> String {
    let fragment = if change.is_empty() {
        String::new()
    } else {
        format!("#change-{change}")
    };
    match base {
        Some(base) => format!("{base}{CHANGES_PAGE}{fragment}"),
        None => {
            let hash = fnv1a(site_title.as_bytes());
            let suffix = if change.is_empty() {
                String::new()
            } else {
                format!(":{change}")
            };
            format!("urn:guidegen:{hash:016x}:changes{suffix}")
        }
    }
}

/// A short fingerprint of what `value` says (positions left out, as they are not serialized),
/// the same on every machine and in every build.
pub(super) fn fingerprint(value: &impl serde::Serialize) -> String {
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    format!("{:012x}", fnv1a(&bytes) >> 16)
}

/// FNV-1a: a hash that is the same on every machine and in every build, unlike the std hasher.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The name of the last entry of `kind` with `id` in `content`.
fn title_in(content: &crate::model::Content, kind: ItemKind, id: &str) -> Option<String> {
    fn last<T>(items: &[T], id: &str, key: impl Fn(&T) -> &str, name: impl Fn(&T) -> &String) -> Option<String> {
        items.iter().rev().find(|x| key(x) == id).map(|x| name(x).clone())
    }
    match kind {
        ItemKind::Subject => last(&content.subjects, id, |x| x.id.as_str(), |x| &x.name),
        ItemKind::Condition => last(&content.conditions, id, |x| x.id.as_str(), |x| &x.label),
        ItemKind::Material => last(&content.materials, id, |x| x.id.as_str(), |x| &x.name),
        ItemKind::Stage => last(&content.stages, id, |x| x.id.as_str(), |x| &x.name),
        ItemKind::Deadline => last(&content.deadlines, id, |x| x.id.as_str(), |x| &x.title),
        ItemKind::Form => last(&content.forms, id, |x| x.id.as_str(), |x| &x.title),
        ItemKind::Guide => last(&content.guides, id, |x| x.slug.as_str(), |x| &x.front.title),
    }
}
