//! What the rest of Balai relies on from search: typo-tolerant names, NIK and
//! No. KK prefixes, deletes and updates, catching up from a real store, a
//! persisted position, and recovery from a damaged index.

use super::*;
use crate::store::{Change, Durability, Record};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

fn resident(id: &str, name: &str, nik: &str, kk: &str) -> SearchDoc {
    SearchDoc {
        kind: DocKind::Resident,
        id: id.into(),
        name: name.into(),
        nik: nik.into(),
        kk: kk.into(),
        dusun: "Krajan".into(),
        label: format!("{name} · Krajan"),
    }
}

fn family(id: &str, head: &str, kk: &str) -> SearchDoc {
    SearchDoc {
        kind: DocKind::Family,
        id: id.into(),
        name: head.into(),
        nik: String::new(),
        kk: kk.into(),
        dusun: "Krajan".into(),
        label: format!("KK {kk} · {head}"),
    }
}

fn ids(hits: &[SearchHit]) -> Vec<&str> {
    hits.iter().map(|h| h.doc.id.as_str()).collect()
}

fn village(dir: &Path) -> Result<SearchIndex> {
    let idx = SearchIndex::open(dir)?;
    idx.apply(
        vec![
            resident("r1", "Siti Aminah", "3201010101900001", "3201010000000011"),
            resident("r2", "Wahyudi Santoso", "3201010101900002", "3201010000000011"),
            resident("r3", "Ma'ruf Hidayat", "3201020202850003", "3201020000000022"),
            resident("r4", "Nur-Aini", "3301010101900004", "3301010000000033"),
            resident("r5", "Sita Rahma", "3301010101900005", "3301010000000033"),
            family("f1", "Wahyudi Santoso", "3201010000000011"),
            family("f2", "Ma'ruf Hidayat", "3201020000000022"),
        ],
        vec![],
        7,
    )?;
    Ok(idx)
}

#[test]
fn one_edit_finds_the_name() -> TestResult {
    let dir = tempfile::tempdir()?;
    let idx = village(dir.path())?;
    // an extra letter; "Sita" is two edits from "Sitti"
    assert_eq!(ids(&idx.search("Sitti", 10)?), ["r1"]);
    // a transposition counts as one edit
    assert!(ids(&idx.search("Stii aminah", 10)?).contains(&"r1"));
    assert!(ids(&idx.search("santosa", 10)?).contains(&"r2"));
    // two edits is too far
    assert!(idx.search("Sittti aminah", 10)?.is_empty());
    Ok(())
}

#[test]
fn exact_ranks_above_fuzzy() -> TestResult {
    let dir = tempfile::tempdir()?;
    let idx = village(dir.path())?;
    let hits = idx.search("siti", 10)?;
    // "sita" is one edit from "siti": found, but after the exact match
    assert_eq!(ids(&hits), ["r1", "r5"]);
    assert!(hits[0].score > hits[1].score);
    let hits = idx.search("sita", 10)?;
    assert_eq!(ids(&hits), ["r5", "r1"]);
    Ok(())
}

#[test]
fn last_word_is_a_prefix_and_only_the_last() -> TestResult {
    let dir = tempfile::tempdir()?;
    let idx = village(dir.path())?;
    // as you type: "sit" finds Siti (and Sita)
    assert!(ids(&idx.search("sit", 10)?).contains(&"r1"));
    // "Wahyu" is two letters short of "Wahyudi": not a typo, but a prefix of
    // the last word typed, so it matches...
    let hits = idx.search("wahyu", 10)?;
    assert_eq!(ids(&hits), ["f1", "r2"], "family and resident, family first on a tie");
    assert!(ids(&idx.search("santoso wahyu", 10)?).contains(&"r2"));
    // ...while a word followed by another must be whole (or one edit off)
    assert!(idx.search("wahyu santoso", 10)?.is_empty());
    Ok(())
}

#[test]
fn apostrophes_and_hyphens() -> TestResult {
    let dir = tempfile::tempdir()?;
    let idx = village(dir.path())?;
    for q in ["maruf", "Ma'ruf", "MA’RUF hidayat"] {
        assert_eq!(ids(&idx.search(q, 10)?), ["f2", "r3"], "{q}");
    }
    for q in ["aini", "nur-aini", "nuraini", "Nur Aini"] {
        assert_eq!(ids(&idx.search(q, 10)?), ["r4"], "{q}");
    }
    // the stored name comes back as written
    assert_eq!(idx.search("maruf", 1)?[0].doc.name, "Ma'ruf Hidayat");
    Ok(())
}

#[test]
fn nik_prefix() -> TestResult {
    let dir = tempfile::tempdir()?;
    let idx = village(dir.path())?;
    assert_eq!(ids(&idx.search("3201 0202", 10)?), ["r3"]);
    let hits = idx.search("3201.0101.0190.0002", 10)?;
    assert_eq!(ids(&hits), ["r2"]);
    assert_eq!(hits[0].doc.nik, "3201010101900002");
    // a full NIK ranks above what merely starts with it
    assert_eq!(ids(&idx.search("33010101019000", 10)?).len(), 2);
    assert!(idx.search("3", 10)?.is_empty(), "one digit is too short");
    assert!(idx.search("99", 10)?.is_empty());
    Ok(())
}

#[test]
fn kk_prefix_finds_the_family_and_its_members() -> TestResult {
    let dir = tempfile::tempdir()?;
    let idx = village(dir.path())?;
    let hits = idx.search("3201-0100-0000-0011", 10)?;
    assert_eq!(ids(&hits), ["f1", "r1", "r2"]);
    assert_eq!(hits[0].doc.kind, DocKind::Family);
    assert_eq!(hits[0].doc.nik, "");
    assert_eq!(hits[0].doc.kk, "3201010000000011");
    let hits = idx.search("32010200", 10)?;
    assert_eq!(ids(&hits), ["f2", "r3"]);
    // a number beside a name narrows the name
    let mut found = ids(&idx.search("wahyudi 3201", 10)?).join(" ");
    found = found.replace("r2 f1", "f1 r2");
    assert_eq!(found, "f1 r2");
    assert!(idx.search("wahyudi 3301", 10)?.is_empty());
    Ok(())
}

#[test]
fn delete_removes_and_update_replaces() -> TestResult {
    let dir = tempfile::tempdir()?;
    let idx = village(dir.path())?;
    idx.apply(vec![], vec![(DocKind::Resident, "r1".into())], 8)?;
    assert_eq!(ids(&idx.search("siti", 10)?), ["r5"]);
    // deleting a resident leaves a family with the same id alone
    idx.apply(vec![], vec![(DocKind::Resident, "f1".into())], 9)?;
    assert_eq!(ids(&idx.search("wahyudi", 10)?), ["f1", "r2"]);

    idx.apply(vec![resident("r2", "Wahyu Santoso", "3201010101900002", "3201010000000011")], vec![], 10)?;
    assert_eq!(ids(&idx.search("wahyu santoso", 10)?), ["r2"]);
    assert_eq!(ids(&idx.search("wahyudi santoso", 10)?), ["f1"]);
    assert_eq!(idx.doc_count(), 6);
    assert_eq!(idx.indexed_seq(), 10);
    // an older sequence never moves the position back
    idx.apply(vec![], vec![], 3)?;
    assert_eq!(idx.indexed_seq(), 10);
    Ok(())
}

#[test]
fn odd_queries_return_nothing_without_error() -> TestResult {
    let dir = tempfile::tempdir()?;
    let idx = village(dir.path())?;
    for q in ["", "   ", "'''", "-", ".", "a.*", "(", "[", "\\", "\u{0}", "٣٢٠١", "🙂"] {
        idx.search(q, 10)?;
    }
    idx.search(&"x".repeat(100_000), 10)?;
    idx.search("siti", 0)?;
    assert!(idx.search("siti", usize::MAX)?.len() <= MAX_LIMIT);
    Ok(())
}

// ---------------------------------------------------------------- store ---

#[derive(Serialize, Deserialize, Clone)]
struct Person {
    id: String,
    name: String,
    nik: String,
    kk: String,
}

impl Record for Person {
    const TABLE: &'static str = "test_person";
    fn id(&self) -> &str {
        &self.id
    }
}

fn person(id: &str, name: &str, nik: &str) -> Person {
    Person { id: id.into(), name: name.into(), nik: nik.into(), kk: "3201010000000011".into() }
}

/// What the caller does: read the current record for each logged change.
fn doc_for(store: &Store) -> impl Fn(&LogEntry) -> Option<DocChange> + '_ {
    move |e| {
        if e.entity != Person::TABLE {
            return None;
        }
        match store.get::<Person>(&e.id) {
            Ok(Some(p)) => Some(DocChange::Upsert(resident(&p.id, &p.name, &p.nik, &p.kk))),
            Ok(None) => Some(DocChange::Delete(DocKind::Resident, e.id.clone())),
            Err(_) => None,
        }
    }
}

fn put(store: &Store, people: &[Person]) -> std::result::Result<u64, StoreError> {
    let mut changes = Vec::new();
    for p in people {
        changes.push(Change::put(p)?);
    }
    store.commit("tester", changes, Durability::Lazy)
}

#[test]
fn catch_up_follows_the_store() -> TestResult {
    let sdir = tempfile::tempdir()?;
    let idir = tempfile::tempdir()?;
    let store = Store::open(sdir.path())?;
    let idx = SearchIndex::open(idir.path())?;
    assert!(!idx.rebuilt());
    assert_eq!(idx.indexed_seq(), 0);

    put(&store, &[person("p1", "Siti Aminah", "3201010101900001"), person("p2", "Budi", "3201010101900002")])?;
    store.commit("viewer", vec![Change::note(Person::TABLE, "p1", Op::View)], Durability::Lazy)?;
    let seen = AtomicUsize::new(0);
    let calls = |e: &LogEntry| {
        seen.fetch_add(1, Ordering::SeqCst);
        doc_for(&store)(e)
    };
    assert_eq!(idx.catch_up(&store, calls)?, store.last_seq()?);
    assert_eq!(seen.load(Ordering::SeqCst), 2, "the view note is not passed on");
    assert_eq!(ids(&idx.search("siti", 10)?), ["p1"]);

    put(&store, &[person("p2", "Budiman", "3201010101900002")])?;
    store.commit("tester", vec![Change::delete::<Person>("p1")], Durability::Lazy)?;
    // a table the caller does not index
    store.commit("tester", vec![Change::note("other", "x", Op::Create)], Durability::Lazy)?;
    assert_eq!(idx.catch_up(&store, doc_for(&store))?, store.last_seq()?);
    assert!(idx.search("siti", 10)?.is_empty());
    assert_eq!(ids(&idx.search("budiman", 10)?), ["p2"]);
    assert!(idx.search("budi santoso", 10)?.is_empty());
    assert_eq!(idx.doc_count(), 1);

    // nothing new: nothing read, nothing committed
    let before = Index::open_in_dir(idir.path())?.load_metas()?.opstamp;
    assert_eq!(
        idx.catch_up(&store, |_: &LogEntry| -> Option<DocChange> { panic!("no entries expected") })?,
        store.last_seq()?
    );
    assert_eq!(Index::open_in_dir(idir.path())?.load_metas()?.opstamp, before);
    Ok(())
}

#[test]
fn catch_up_commits_in_batches_and_keeps_the_last_change() -> TestResult {
    let sdir = tempfile::tempdir()?;
    let idir = tempfile::tempdir()?;
    let store = Store::open(sdir.path())?;
    let people: Vec<Person> = (0..CATCH_UP_BATCH + 10)
        .map(|i| person(&format!("p{i}"), &format!("Warga{i} Santoso"), &format!("32{i:014}")))
        .collect();
    put(&store, &people)?;
    // the same record changed twice within one batch
    put(&store, &[person("p1", "Pertama", "3200000000000001")])?;
    let idx = SearchIndex::open(idir.path())?;
    idx.catch_up(&store, doc_for(&store))?;
    assert_eq!(idx.doc_count(), (CATCH_UP_BATCH + 10) as u64);
    assert_eq!(ids(&idx.search("pertama", 10)?), ["p1"]);
    assert_eq!(ids(&idx.search("3200000000000001", 10)?), ["p1"]);
    assert_eq!(idx.indexed_seq(), store.last_seq()?);
    Ok(())
}

#[test]
fn position_persists_across_reopen() -> TestResult {
    let sdir = tempfile::tempdir()?;
    let idir = tempfile::tempdir()?;
    let store = Store::open(sdir.path())?;
    put(&store, &[person("p1", "Siti", "3201010101900001")])?;
    {
        let idx = SearchIndex::open(idir.path())?;
        idx.catch_up(&store, doc_for(&store))?;
    }
    let idx = SearchIndex::open(idir.path())?;
    assert!(!idx.rebuilt());
    assert_eq!(idx.indexed_seq(), store.last_seq()?);
    let seen = AtomicUsize::new(0);
    idx.catch_up(&store, |e: &LogEntry| {
        seen.fetch_add(1, Ordering::SeqCst);
        doc_for(&store)(e)
    })?;
    assert_eq!(seen.load(Ordering::SeqCst), 0, "no re-indexing when nothing changed");
    assert_eq!(ids(&idx.search("siti", 10)?), ["p1"]);

    // a second open while the first holds the index is refused, not wiped
    assert!(matches!(SearchIndex::open(idir.path()), Err(SearchError::Locked(_))));
    assert_eq!(ids(&idx.search("siti", 10)?), ["p1"]);
    Ok(())
}

#[test]
fn a_restored_store_rebuilds_the_index() -> TestResult {
    let idir = tempfile::tempdir()?;
    let old = tempfile::tempdir()?;
    let new = tempfile::tempdir()?;
    let idx = SearchIndex::open(idir.path())?;
    {
        let store = Store::open(old.path())?;
        put(&store, &[person("p1", "Siti", "1")])?;
        put(&store, &[person("p2", "Budi", "2")])?;
        idx.catch_up(&store, doc_for(&store))?;
    }
    // a different store, with as many entries: caught by the entry hash
    let store = Store::open(new.path())?;
    put(&store, &[person("p3", "Agus", "3")])?;
    put(&store, &[person("p4", "Dewi", "4")])?;
    idx.catch_up(&store, doc_for(&store))?;
    assert!(idx.search("siti", 10)?.is_empty());
    assert_eq!(ids(&idx.search("dewi", 10)?), ["p4"]);
    assert_eq!(idx.doc_count(), 2);

    // a store behind the index (an older backup), here an empty one
    let empty = tempfile::tempdir()?;
    let store = Store::open(empty.path())?;
    assert_eq!(idx.catch_up(&store, doc_for(&store))?, 0);
    assert_eq!(idx.doc_count(), 0);
    Ok(())
}

// --------------------------------------------------------------- damage ---

#[test]
fn garbage_meta_json_is_rebuilt() -> TestResult {
    let sdir = tempfile::tempdir()?;
    let idir = tempfile::tempdir()?;
    let store = Store::open(sdir.path())?;
    put(&store, &[person("p1", "Siti", "3201010101900001")])?;
    {
        let idx = SearchIndex::open(idir.path())?;
        idx.catch_up(&store, doc_for(&store))?;
    }
    std::fs::write(idir.path().join("meta.json"), b"\x00{not json at all")?;
    // a file of someone else's in the same dir survives the wipe
    std::fs::write(idir.path().join("README"), b"keep me")?;
    let idx = SearchIndex::open(idir.path())?;
    assert!(idx.rebuilt());
    assert_eq!(idx.indexed_seq(), 0);
    assert_eq!(idx.doc_count(), 0);
    assert!(idir.path().join("README").exists());
    idx.catch_up(&store, doc_for(&store))?;
    assert_eq!(ids(&idx.search("siti", 10)?), ["p1"]);
    drop(idx);
    assert!(!SearchIndex::open(idir.path())?.rebuilt());
    Ok(())
}

#[test]
fn truncated_segment_is_rebuilt() -> TestResult {
    let idir = tempfile::tempdir()?;
    {
        let idx = village(idir.path())?;
        assert_eq!(idx.doc_count(), 7);
    }
    let mut truncated = 0;
    for entry in std::fs::read_dir(idir.path())? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "store" || e == "idx") {
            let len = std::fs::metadata(&path)?.len();
            std::fs::OpenOptions::new().write(true).open(&path)?.set_len(len / 2)?;
            truncated += 1;
        }
    }
    assert!(truncated > 0);
    let idx = SearchIndex::open(idir.path())?;
    assert!(idx.rebuilt());
    assert_eq!(idx.doc_count(), 0);
    Ok(())
}

#[test]
fn other_format_version_is_rebuilt() -> TestResult {
    let idir = tempfile::tempdir()?;
    {
        let idx = village(idir.path())?;
        let mut w = idx.lock_writer();
        let mut prepared = w.prepare_commit()?;
        prepared.set_payload(r#"{"format":999,"seq":7}"#);
        prepared.commit()?;
    }
    let idx = SearchIndex::open(idir.path())?;
    assert!(idx.rebuilt());
    assert_eq!(idx.indexed_seq(), 0);
    Ok(())
}

#[test]
fn index_file_names() {
    assert!(is_index_file("meta.json"));
    assert!(is_index_file(".managed.json"));
    assert!(is_index_file(".tantivy-writer.lock"));
    assert!(is_index_file("0123456789abcdef0123456789abcdef.store"));
    assert!(is_index_file("0123456789abcdef0123456789abcdef.12.del"));
    assert!(!is_index_file("balai.db"));
    assert!(!is_index_file("conf"));
    assert!(!is_index_file("0123456789abcdef0123456789abcdeg.store"));
}

// ---------------------------------------------------------- concurrency ---

#[test]
fn shared_across_threads() -> TestResult {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SearchIndex>();

    let dir = tempfile::tempdir()?;
    let idx = Arc::new(village(dir.path())?);
    let writer = {
        let idx = Arc::clone(&idx);
        std::thread::spawn(move || -> Result<()> {
            for i in 0..20u64 {
                idx.apply(vec![resident(&format!("w{i}"), "Joko Widodo", &format!("35{i:014}"), "")], vec![], 100 + i)?;
            }
            Ok(())
        })
    };
    for _ in 0..50 {
        assert_eq!(ids(&idx.search("siti aminah", 10)?), ["r1"]);
    }
    writer.join().map_err(|_| "writer panicked")??;
    assert_eq!(idx.search("joko", MAX_LIMIT)?.len(), 20);
    assert_eq!(idx.indexed_seq(), 119);
    Ok(())
}
