//! Full-text search over residents and families, the one place that names
//! tantivy. The index is derived data: it records, in its commit payload, the
//! last change-log sequence it has seen, catches up from the store's log, and is
//! wiped and rebuilt from the store whenever it is missing, corrupt or stale.
//!
//! Queries: a number (spaces, dots and dashes ignored) is a NIK / No. KK prefix
//! search; anything else is a name search where every word must match, a word
//! may be one edit off (transpositions count as one) and the last word may be
//! a prefix (search as you type). Exact words rank above fuzzy ones.

#[cfg(test)]
mod tests;
mod text;

use crate::store::{LogEntry, Op, Store, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use tantivy::collector::TopDocs;
use tantivy::directory::MmapDirectory;
use tantivy::indexer::IndexWriterOptions;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError, Term};

/// Bumped whenever the schema or the word-cutting changes: an index written
/// by another version is rebuilt on open.
const FORMAT: u32 = 2;
/// The writer's memory arena. One thread: the box is a Raspberry Pi.
const WRITER_ARENA: usize = 15_000_000;
/// Log entries read per commit while catching up.
const CATCH_UP_BATCH: usize = 50_000;
/// The most hits one search returns.
pub const MAX_LIMIT: usize = 200;
/// Shortest NIK / No. KK prefix searched for.
const MIN_DIGITS: usize = 2;
/// Score multiplier of an exact word over a fuzzy or prefix one.
const EXACT_BOOST: f32 = 3.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    Resident,
    Family,
}

impl DocKind {
    fn as_str(self) -> &'static str {
        match self {
            DocKind::Resident => "resident",
            DocKind::Family => "family",
        }
    }
}

/// What the index holds about one resident or family.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchDoc {
    pub kind: DocKind,
    pub id: String,
    /// The resident's name, or the family head's name.
    pub name: String,
    /// Empty for families.
    pub nik: String,
    /// The resident's family No. KK, or the family's No. KK.
    pub kk: String,
    pub dusun: String,
    /// A short display line.
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SearchHit {
    #[serde(flatten)]
    pub doc: SearchDoc,
    pub score: f32,
}

/// What one change-log entry means for the index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocChange {
    Upsert(SearchDoc),
    Delete(DocKind, String),
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(String),
    #[error("search index dir: {0}")]
    Io(#[from] std::io::Error),
    #[error("search index is in use by another process: {0}")]
    Locked(String),
    #[error("reading the change log: {0}")]
    Store(#[from] StoreError),
}

// The engine's error stays inside this module, so swapping it touches nothing else.
impl From<TantivyError> for SearchError {
    fn from(e: TantivyError) -> Self {
        SearchError::Index(e.to_string())
    }
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;

/// The commit payload: which log entry the index has seen.
#[derive(Serialize, Deserialize)]
struct Payload {
    format: u32,
    seq: u64,
    /// Hash of log entry `seq`, when known: tells a restored or swapped store
    /// from the one this index was built from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hash: Option<String>,
}

#[derive(Clone, Copy)]
struct Fields {
    /// "resident:<id>" / "family:<id>", for delete-by-id.
    key: Field,
    kind: Field,
    id: Field,
    name: Field,
    /// Normalised name words, indexed only.
    words: Field,
    nik: Field,
    kk: Field,
    dusun: Field,
    label: Field,
    /// Every prefix (2+ digits) of the NIK and No. KK, so a prefix search is
    /// one term lookup rather than a union over thousands of numbers.
    prefixes: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let words_opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer("whitespace").set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        key: b.add_text_field("key", STRING),
        kind: b.add_text_field("kind", STORED),
        id: b.add_text_field("id", STORED),
        name: b.add_text_field("name", STORED),
        words: b.add_text_field("words", words_opts),
        nik: b.add_text_field("nik", STRING | STORED),
        kk: b.add_text_field("kk", STRING | STORED),
        prefixes: b.add_text_field("prefixes", STRING),
        dusun: b.add_text_field("dusun", STORED),
        label: b.add_text_field("label", STORED),
    };
    (b.build(), fields)
}

/// The search index. `Send + Sync`: share it behind an `Arc`. Writes are
/// serialised by an internal lock; searches read the last committed snapshot
/// and never wait for a write.
pub struct SearchIndex {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    seq: AtomicU64,
    hash: Mutex<Option<String>>,
    rebuilt: bool,
}

struct Opened {
    reader: IndexReader,
    writer: IndexWriter,
    payload: Option<Payload>,
}

enum OpenFailure {
    /// Another writer holds the index: never wipe it.
    Locked(String),
    /// Anything else: the index is rebuilt.
    Damaged(String),
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it if missing. A damaged index (bad
    /// meta.json, truncated or corrupt segment, another format version) is
    /// wiped and recreated empty; [`SearchIndex::rebuilt`] then says so and
    /// [`SearchIndex::catch_up`] refills it from the store.
    pub fn open(dir: &Path) -> Result<SearchIndex> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema();
        let (opened, rebuilt) = match try_open(dir, &schema) {
            Ok(o) => (o, false),
            Err(OpenFailure::Locked(e)) => return Err(SearchError::Locked(e)),
            Err(OpenFailure::Damaged(why)) => {
                tracing::warn!(dir = %dir.display(), "search index unusable ({why}); recreating it empty, it will be rebuilt from the store");
                wipe(dir)?;
                match try_open(dir, &schema) {
                    Ok(o) => (o, true),
                    Err(OpenFailure::Locked(e)) => return Err(SearchError::Locked(e)),
                    Err(OpenFailure::Damaged(why)) => {
                        return Err(SearchError::Io(std::io::Error::other(format!(
                            "could not recreate the search index in {}: {why}",
                            dir.display()
                        ))));
                    }
                }
            }
        };
        let (seq, hash) = opened.payload.map(|p| (p.seq, p.hash)).unwrap_or((0, None));
        if !rebuilt {
            tracing::info!(dir = %dir.display(), indexed_seq = seq, "search index opened");
        }
        Ok(SearchIndex {
            reader: opened.reader,
            writer: Mutex::new(opened.writer),
            fields,
            seq: AtomicU64::new(seq),
            hash: Mutex::new(hash),
            rebuilt,
        })
    }

    /// True when [`SearchIndex::open`] found the index damaged and recreated it.
    pub fn rebuilt(&self) -> bool {
        self.rebuilt
    }

    /// The last change-log sequence the index reflects (0: nothing indexed).
    pub fn indexed_seq(&self) -> u64 {
        self.seq.load(Ordering::SeqCst)
    }

    /// Number of documents searchable right now.
    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Removes `deletes`, then replaces-or-adds `upserts` (by kind and id; an
    /// id in both ends up upserted), and commits with `up_to_seq` as the indexed
    /// sequence (never moving it backwards). A search right after sees the change.
    pub fn apply(&self, upserts: Vec<SearchDoc>, deletes: Vec<(DocKind, String)>, up_to_seq: u64) -> Result<()> {
        let mut writer = self.lock_writer();
        let (seq, hash) = if up_to_seq > self.indexed_seq() {
            (up_to_seq, None)
        } else {
            (self.indexed_seq(), self.lock_hash().clone())
        };
        self.apply_locked(&mut writer, upserts, deletes, seq, hash, &|_, _| true)
    }

    /// Indexes every log entry after [`SearchIndex::indexed_seq`], in commits
    /// of up to 50,000 entries (each commit costs a segment flush, so a
    /// rebuild of a whole village is one or two); returns the new indexed sequence.
    ///
    /// `doc_for` turns a Create/Update/Delete entry into the changes it causes
    /// (it returns an `Option<DocChange>`, or a `Vec` when one record touches
    /// several docs), reading the current record from the store. View, Export
    /// and Note entries change no record and are not passed to it.
    ///
    /// If the store is behind the index or its history differs (a restored
    /// backup), the index is emptied and rebuilt from the whole log.
    ///
    /// Holds the write lock throughout, so a concurrent catch-up cannot write
    /// an older reading of a record over a newer one. Call this after each
    /// store commit rather than mixing it with [`SearchIndex::apply`].
    pub fn catch_up<F, I>(&self, store: &Store, doc_for: F) -> Result<u64>
    where
        F: Fn(&LogEntry) -> I,
        I: IntoIterator<Item = DocChange>,
    {
        let mut writer = self.lock_writer();
        let mut start = self.indexed_seq();
        let reset = start > 0 && !self.same_history(store, start)?;
        if reset {
            tracing::warn!(
                indexed_seq = start,
                "the store's change log differs from the one the search index was built from; rebuilding the index"
            );
            writer.delete_all_documents()?;
            start = 0;
        }
        // Filling an empty index, a doc not yet added in this run has no older
        // copy to delete: skipping those deletes makes a rebuild much cheaper.
        let fresh = self.doc_count() == 0;
        let mut added: std::collections::HashSet<(DocKind, String)> = std::collections::HashSet::new();
        let mut batch = Batch::default();
        let mut entries = 0usize;
        let mut last: Option<LogEntry> = None;
        for entry in store.log_since(start) {
            let entry = entry?;
            if matches!(entry.op, Op::Create | Op::Update | Op::Delete) {
                for change in doc_for(&entry) {
                    batch.push(change);
                }
            }
            entries += 1;
            last = Some(entry);
            if entries == CATCH_UP_BATCH {
                if let Some(e) = &last {
                    let (upserts, deletes) = std::mem::take(&mut batch).split();
                    let needs_delete = |k: DocKind, id: &str| !fresh || added.contains(&(k, id.to_string()));
                    self.apply_locked(
                        &mut writer,
                        upserts.clone(),
                        deletes,
                        e.seq,
                        Some(e.hash.clone()),
                        &needs_delete,
                    )?;
                    added.extend(upserts.into_iter().map(|d| (d.kind, d.id)));
                }
                entries = 0;
            }
        }
        if entries > 0 {
            if let Some(e) = &last {
                let (upserts, deletes) = batch.split();
                let needs_delete = |k: DocKind, id: &str| !fresh || added.contains(&(k, id.to_string()));
                self.apply_locked(&mut writer, upserts, deletes, e.seq, Some(e.hash.clone()), &needs_delete)?;
            }
        } else if reset {
            // An emptied index and nothing to refill it with: make the emptying durable.
            self.commit_locked(&mut writer, 0, None)?;
        }
        Ok(self.indexed_seq())
    }

    /// Searches names, or NIK / No. KK prefixes when the query is a number.
    /// Returns at most `limit` (≤ [`MAX_LIMIT`]) hits, best first; a query with
    /// nothing searchable (empty, one digit, only punctuation) returns none.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let limit = limit.min(MAX_LIMIT);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let Some(q) = self.build_query(query)? else {
            return Ok(Vec::new());
        };
        let searcher = self.reader.searcher();
        let top = searcher.search(&q, &TopDocs::with_limit(limit).order_by_score())?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            hits.push(SearchHit { doc: self.stored_doc(&doc), score });
        }
        // Equal scores (a No. KK matches the family and its members): family first.
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| (a.doc.kind != DocKind::Family).cmp(&(b.doc.kind != DocKind::Family)))
                .then_with(|| a.doc.name.cmp(&b.doc.name))
        });
        Ok(hits)
    }

    fn lock_writer(&self) -> MutexGuard<'_, IndexWriter> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_hash(&self) -> MutexGuard<'_, Option<String>> {
        self.hash.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether the store still holds, at `seq`, the entry the index last saw.
    fn same_history(&self, store: &Store, seq: u64) -> Result<bool> {
        if store.last_seq()? < seq {
            return Ok(false);
        }
        let known = self.lock_hash().clone();
        let Some(known) = known else {
            return Ok(true);
        };
        match store.log_since(seq - 1).next() {
            Some(entry) => {
                let entry = entry?;
                Ok(entry.seq == seq && entry.hash == known)
            }
            None => Ok(false),
        }
    }

    fn apply_locked(
        &self,
        writer: &mut IndexWriter,
        upserts: Vec<SearchDoc>,
        deletes: Vec<(DocKind, String)>,
        seq: u64,
        hash: Option<String>,
        needs_delete: &dyn Fn(DocKind, &str) -> bool,
    ) -> Result<()> {
        let staged = (|| -> Result<()> {
            for (kind, id) in &deletes {
                writer.delete_term(self.key_term(*kind, id));
            }
            for doc in &upserts {
                if needs_delete(doc.kind, &doc.id) {
                    writer.delete_term(self.key_term(doc.kind, &doc.id));
                }
                writer.add_document(self.tantivy_doc(doc))?;
            }
            Ok(())
        })();
        if let Err(e) = staged {
            // Drop the half-staged batch so a later commit cannot publish it.
            if let Err(r) = writer.rollback() {
                tracing::error!("search index rollback failed: {r}");
            }
            return Err(e);
        }
        self.commit_locked(writer, seq, hash)
    }

    fn commit_locked(&self, writer: &mut IndexWriter, seq: u64, hash: Option<String>) -> Result<()> {
        let payload = Payload { format: FORMAT, seq, hash: hash.clone() };
        let payload = serde_json::to_string(&payload).map_err(|e| SearchError::Io(std::io::Error::other(e)))?;
        let committed = (|| -> Result<()> {
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&payload);
            prepared.commit()?;
            Ok(())
        })();
        if let Err(e) = committed {
            if let Err(r) = writer.rollback() {
                tracing::error!("search index rollback failed: {r}");
            }
            return Err(e);
        }
        self.seq.store(seq, Ordering::SeqCst);
        *self.lock_hash() = hash;
        self.reader.reload()?;
        Ok(())
    }

    fn key_term(&self, kind: DocKind, id: &str) -> Term {
        Term::from_field_text(self.fields.key, &format!("{}:{id}", kind.as_str()))
    }

    fn tantivy_doc(&self, d: &SearchDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, format!("{}:{}", d.kind.as_str(), d.id));
        doc.add_text(f.kind, d.kind.as_str());
        doc.add_text(f.id, &d.id);
        doc.add_text(f.name, &d.name);
        doc.add_text(f.words, text::index_words(&d.name).join(" "));
        let nik = text::compact_number(&d.nik);
        if !nik.is_empty() {
            doc.add_text(f.nik, &nik);
        }
        let kk = text::compact_number(&d.kk);
        if !kk.is_empty() {
            doc.add_text(f.kk, &kk);
        }
        let mut prefixes: Vec<&str> = Vec::new();
        for number in [nik.as_str(), kk.as_str()] {
            prefixes.extend((MIN_DIGITS..=number.len()).filter_map(|n| number.get(..n)));
        }
        prefixes.sort_unstable();
        prefixes.dedup();
        for p in prefixes {
            doc.add_text(f.prefixes, p);
        }
        doc.add_text(f.dusun, &d.dusun);
        doc.add_text(f.label, &d.label);
        doc
    }

    fn stored_doc(&self, doc: &TantivyDocument) -> SearchDoc {
        let f = &self.fields;
        let get = |field| doc.get_first(field).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        SearchDoc {
            kind: if get(f.kind) == DocKind::Family.as_str() { DocKind::Family } else { DocKind::Resident },
            id: get(f.id),
            name: get(f.name),
            nik: get(f.nik),
            kk: get(f.kk),
            dusun: get(f.dusun),
            label: get(f.label),
        }
    }

    fn build_query(&self, query: &str) -> Result<Option<BooleanQuery>> {
        if let Some(digits) = text::as_number(query) {
            if digits.len() < MIN_DIGITS {
                return Ok(None);
            }
            return Ok(Some(self.number_query(&digits)?));
        }
        let words = text::query_words(query);
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let last = words.len().saturating_sub(1);
        for (i, word) in words.iter().enumerate() {
            if word.chars().all(|c| c.is_ascii_digit()) {
                // "siti 3201": a number beside a name narrows by NIK / No. KK.
                if word.len() >= MIN_DIGITS {
                    must.push((Occur::Must, Box::new(self.number_query(word)?)));
                }
                continue;
            }
            must.push((Occur::Must, Box::new(self.word_query(word, i == last))));
        }
        Ok((!must.is_empty()).then(|| BooleanQuery::new(must)))
    }

    /// One name word: exact (boosted), one edit off (3+ letters), or, for the
    /// last word, a prefix of a name word.
    fn word_query(&self, word: &str, last: bool) -> BooleanQuery {
        let term = Term::from_field_text(self.fields.words, word);
        let mut should: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                EXACT_BOOST,
            )),
        )];
        if word.chars().count() >= 3 {
            should.push((Occur::Should, Box::new(FuzzyTermQuery::new(term.clone(), 1, true))));
        }
        if last {
            should.push((Occur::Should, Box::new(FuzzyTermQuery::new_prefix(term, 0, true))));
        }
        BooleanQuery::new(should)
    }

    /// A NIK or No. KK starting with `digits`; a full match ranks first.
    fn number_query(&self, digits: &str) -> Result<BooleanQuery> {
        let prefix = Term::from_field_text(self.fields.prefixes, digits);
        let mut should: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Should, Box::new(TermQuery::new(prefix, IndexRecordOption::Basic)))];
        for field in [self.fields.nik, self.fields.kk] {
            should.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(Term::from_field_text(field, digits), IndexRecordOption::Basic)),
                    2.0,
                )),
            ));
        }
        Ok(BooleanQuery::new(should))
    }
}

/// Changes gathered for one commit; a later change of the same doc replaces
/// an earlier one.
#[derive(Default)]
struct Batch {
    order: Vec<(DocKind, String)>,
    latest: HashMap<(DocKind, String), DocChange>,
}

impl Batch {
    fn push(&mut self, change: DocChange) {
        let key = match &change {
            DocChange::Upsert(d) => (d.kind, d.id.clone()),
            DocChange::Delete(k, id) => (*k, id.clone()),
        };
        if self.latest.insert(key.clone(), change).is_none() {
            self.order.push(key);
        }
    }

    fn split(mut self) -> (Vec<SearchDoc>, Vec<(DocKind, String)>) {
        let mut upserts = Vec::new();
        let mut deletes = Vec::new();
        for key in self.order {
            match self.latest.remove(&key) {
                Some(DocChange::Upsert(d)) => upserts.push(d),
                Some(DocChange::Delete(k, id)) => deletes.push((k, id)),
                None => {}
            }
        }
        (upserts, deletes)
    }
}

fn try_open(dir: &Path, schema: &Schema) -> Result<Opened, OpenFailure> {
    // tantivy may panic on some corrupt files; a damaged index must not take
    // the daemon down with it.
    match std::panic::catch_unwind(|| try_open_inner(dir, schema)) {
        Ok(r) => r,
        Err(_) => Err(OpenFailure::Damaged("opening it panicked".into())),
    }
}

fn try_open_inner(dir: &Path, schema: &Schema) -> Result<Opened, OpenFailure> {
    let damaged = |e: TantivyError| OpenFailure::Damaged(e.to_string());
    let mmap = MmapDirectory::open(dir).map_err(|e| OpenFailure::Damaged(e.to_string()))?;
    let index = Index::open_or_create(mmap, schema.clone()).map_err(damaged)?;
    // Take the writer first: if another process owns the index, leave it be.
    // One indexing thread and one merge thread (tantivy's default is four):
    // the Pi also serves the office while segments merge.
    let options = IndexWriterOptions::builder()
        .num_worker_threads(1)
        .memory_budget_per_thread(WRITER_ARENA)
        .num_merge_threads(1)
        .build();
    let writer: IndexWriter = match index.writer_with_options(options) {
        Ok(w) => w,
        Err(TantivyError::LockFailure(e, msg)) => {
            return Err(OpenFailure::Locked(format!("{e}{}", msg.map(|m| format!(" ({m})")).unwrap_or_default())));
        }
        Err(e) => return Err(damaged(e)),
    };
    let metas = index.load_metas().map_err(damaged)?;
    let payload = match metas.payload.as_deref() {
        None => None,
        Some(p) => match serde_json::from_str::<Payload>(p) {
            Ok(p) if p.format == FORMAT => Some(p),
            Ok(p) => {
                return Err(OpenFailure::Damaged(format!("index format {} (this build writes {FORMAT})", p.format)));
            }
            Err(e) => {
                return Err(OpenFailure::Damaged(format!("unreadable commit payload: {e}")));
            }
        },
    };
    let bad = index.validate_checksum().map_err(damaged)?;
    if !bad.is_empty() {
        let names: Vec<String> = bad.iter().map(|p| p.display().to_string()).collect();
        return Err(OpenFailure::Damaged(format!("damaged files: {}", names.join(", "))));
    }
    let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(damaged)?;
    Ok(Opened { reader, writer, payload })
}

/// Removes the index's own files from `dir`, and nothing else (the dir could
/// be misconfigured to point somewhere that holds other data).
fn wipe(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if !entry.file_type()?.is_file() {
            continue;
        }
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if is_index_file(name) {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// tantivy's files: meta.json, .managed.json, its lock files, and segment
/// files named `<32 hex uuid>.<ext>` (or `<uuid>.<opstamp>.del`).
fn is_index_file(name: &str) -> bool {
    if matches!(name, "meta.json" | ".managed.json") || name.starts_with(".tantivy-") {
        return true;
    }
    let (stem, _) = name.split_once('.').unwrap_or((name, ""));
    stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit())
}
