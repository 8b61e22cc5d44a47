//! Store behaviour that the rest of Balai relies on: atomic index updates,
//! uniqueness, the hash chain, and migrations.

use super::*;
use serde::Deserialize;

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Person {
    id: String,
    nik: String,
    dusun: String,
}

impl Record for Person {
    const TABLE: &'static str = "person";
    const UNIQUE: &'static [&'static str] = &["nik"];
    fn id(&self) -> &str {
        &self.id
    }
    fn index_keys(&self) -> Vec<(&'static str, String)> {
        vec![("nik", self.nik.clone()), ("dusun", self.dusun.clone())]
    }
}

fn person(id: &str, nik: &str, dusun: &str) -> Person {
    Person { id: id.into(), nik: nik.into(), dusun: dusun.into() }
}

/// sled's background threads let go of the data dir a moment after a drop.
fn reopen(path: &std::path::Path) -> Store {
    reopen_with(path, MIGRATIONS)
}

fn reopen_with(path: &std::path::Path, migrations: &[Migration]) -> Store {
    for _ in 0..100 {
        match Store::open_with(path, migrations) {
            Err(StoreError::Locked | StoreError::Engine(_)) => std::thread::sleep(std::time::Duration::from_millis(20)),
            other => return other.expect("store reopens"),
        }
    }
    Store::open_with(path, migrations).expect("store reopens")
}

fn put(store: &Store, p: &Person) -> Result<u64, StoreError> {
    store.commit("tester", vec![Change::put(p)?], Durability::Lazy)
}

#[test]
fn indexes_follow_updates_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    put(&store, &person("a", "1", "Krajan")).unwrap();
    put(&store, &person("b", "2", "Krajan")).unwrap();
    assert_eq!(store.ids_by("person", "dusun", "Krajan").unwrap(), vec!["a", "b"]);
    put(&store, &person("a", "1", "Sukamaju")).unwrap();
    assert_eq!(store.ids_by("person", "dusun", "Krajan").unwrap(), vec!["b"]);
    assert_eq!(store.find_by::<Person>("dusun", "Sukamaju").unwrap(), vec![person("a", "1", "Sukamaju")]);
    store.commit("tester", vec![Change::delete::<Person>("a")], Durability::Lazy).unwrap();
    assert!(store.get::<Person>("a").unwrap().is_none());
    assert!(store.ids_by("person", "dusun", "Sukamaju").unwrap().is_empty());
    assert_eq!(store.count::<Person>(), 1);
}

#[test]
fn unique_index_refuses_second_holder_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    put(&store, &person("a", "1", "X")).unwrap();
    let seq = store.last_seq().unwrap();
    let batch = vec![Change::put(&person("c", "3", "X")).unwrap(), Change::put(&person("b", "1", "X")).unwrap()];
    let err = store.commit("tester", batch, Durability::Lazy).unwrap_err();
    assert!(matches!(err, StoreError::Unique { ref holder, .. } if holder == "a"), "{err}");
    assert!(store.get::<Person>("c").unwrap().is_none(), "a failed commit writes nothing");
    assert_eq!(store.last_seq().unwrap(), seq);
    // the holder may rewrite itself, and after it lets go another may take the key
    put(&store, &person("a", "1", "Y")).unwrap();
    put(&store, &person("a", "9", "Y")).unwrap();
    put(&store, &person("b", "1", "X")).unwrap();
}

#[test]
fn log_is_contiguous_and_chain_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for i in 0..20 {
        put(&store, &person(&format!("p{i}"), &i.to_string(), "X")).unwrap();
    }
    store.commit("viewer", vec![Change::note("person", "p1", Op::View)], Durability::Lazy).unwrap();
    let entries: Vec<LogEntry> = store.log_since(0).map(Result::unwrap).collect();
    assert_eq!(entries.len(), 21);
    assert!(entries.iter().enumerate().all(|(i, e)| e.seq == i as u64 + 1));
    assert_eq!(entries[20].op, Op::View);
    assert_eq!(store.log_since(18).count(), 3);
    let report = store.verify_chain().unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    assert_eq!(report.entries, 21);
}

#[test]
fn chain_detects_edit_removal_and_cut() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for i in 0..5 {
        put(&store, &person(&format!("p{i}"), &i.to_string(), "X")).unwrap();
    }
    let log = store.raw_log();
    // edit entry 2's actor
    let mut e: LogEntry = decode(&log.get(2u64.to_be_bytes()).unwrap().unwrap()).unwrap();
    e.actor = "someone else".into();
    log.insert(2u64.to_be_bytes(), serde_json::to_vec(&e).unwrap()).unwrap();
    let r = store.verify_chain().unwrap();
    assert!(r.problems.iter().any(|p| p.contains("entry 2") && p.contains("altered")), "{:?}", r.problems);

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for i in 0..5 {
        put(&store, &person(&format!("p{i}"), &i.to_string(), "X")).unwrap();
    }
    store.raw_log().remove(3u64.to_be_bytes()).unwrap();
    assert!(!store.verify_chain().unwrap().ok(), "a removed middle entry is detected");
    store.raw_log().remove(5u64.to_be_bytes()).unwrap();
    let r = store.verify_chain().unwrap();
    assert!(r.problems.iter().any(|p| p.contains("cut")), "{:?}", r.problems);
}

#[test]
fn migrations_run_once_in_order_and_newer_data_is_refused() {
    use std::sync::atomic::{AtomicU32, Ordering};
    static RAN: AtomicU32 = AtomicU32::new(0);
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        put(&store, &person("a", "1", "old name")).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    }
    let v2: &[Migration] = &[
        MIGRATIONS[0],
        Migration {
            to: 2,
            name: "rename dusun",
            run: |s| {
                RAN.fetch_add(1, Ordering::SeqCst);
                let mut p: Person = s.get("a")?.expect("record present");
                p.dusun = "new name".into();
                s.commit("migration", vec![Change::put(&p)?], Durability::Durable)?;
                Ok(())
            },
        },
    ];
    {
        let store = reopen_with(dir.path(), v2);
        assert_eq!(store.schema_version().unwrap(), 2);
        assert_eq!(store.get::<Person>("a").unwrap().unwrap().dusun, "new name");
        assert_eq!(store.ids_by("person", "dusun", "new name").unwrap(), vec!["a"]);
    }
    let again = reopen_with(dir.path(), v2);
    drop(again);
    assert_eq!(RAN.load(Ordering::SeqCst), 1, "a migration runs once");
    let mut result = Store::open(dir.path());
    for _ in 0..100 {
        if !matches!(result, Err(StoreError::Locked | StoreError::Engine(_))) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        result = Store::open(dir.path());
    }
    let err = result.err().expect("older program refuses newer data");
    assert!(matches!(err, StoreError::TooNew { found: 2, known: 1 }));
}

#[test]
fn second_process_gets_locked_error() {
    let dir = tempfile::tempdir().unwrap();
    let _store = Store::open(dir.path()).unwrap();
    // sled's file lock is per process; within one process a second open of the
    // same path also fails, which is what the CLI sees while the daemon runs.
    let second = Store::open(dir.path());
    assert!(second.is_err());
}

#[test]
fn index_pages_walk_in_key_order_and_count_all() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for i in 0..25 {
        put(&store, &person(&format!("p{i:02}"), &i.to_string(), if i % 2 == 0 { "A" } else { "B" })).unwrap();
    }
    let (ids, total) = store.index_page("person", "dusun", "A", 0, 5).unwrap();
    assert_eq!(total, 13);
    assert_eq!(ids, vec!["p00", "p02", "p04", "p06", "p08"]);
    let (ids, _) = store.index_page("person", "dusun", "", 24, 5).unwrap();
    assert_eq!(ids, vec!["p23"]);
    put(&store, &person("p99", "99", "A")).unwrap();
    assert_eq!(store.index_page("person", "dusun", "A", 0, 1).unwrap().1, 14, "count follows writes");
}

#[test]
fn a_records_history_is_found_without_scanning_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    put(&store, &person("a", "1", "X")).unwrap();
    put(&store, &person("b", "2", "X")).unwrap();
    put(&store, &person("a", "1", "Y")).unwrap();
    store.commit("viewer", vec![Change::note("person", "a", Op::View)], Durability::Lazy).unwrap();
    let ops: Vec<Op> = store.log_for("person", "a").unwrap().iter().map(|e| e.op).collect();
    assert_eq!(ops, vec![Op::Create, Op::Update, Op::View]);
    assert_eq!(store.log_for("person", "b").unwrap().len(), 1);
    assert!(store.log_for("person", "").unwrap().is_empty(), "an id is not a prefix of another");
}

#[test]
fn a_failing_batch_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    put(&store, &person("a", "1", "X")).unwrap();
    let before = store.verify_chain().unwrap();
    // 25 new people, an update of "a", then a clash with "a"'s NIK in the last chunk
    let mut changes: Vec<Change> =
        (0..25).map(|i| Change::put(&person(&format!("n{i}"), &format!("9{i}"), "Y")).unwrap()).collect();
    changes.push(Change::put(&person("a", "1", "Z")).unwrap());
    changes.push(Change::put(&person("late", "1", "Y")).unwrap());
    let err = store.commit_batch("importer", changes, 4).unwrap_err();
    assert!(matches!(err, StoreError::Unique { .. }), "{err}");
    assert_eq!(store.count::<Person>(), 1);
    assert_eq!(store.get::<Person>("a").unwrap().unwrap().dusun, "X", "the update was undone");
    assert_eq!(store.ids_by("person", "dusun", "X").unwrap(), vec!["a"]);
    assert!(store.ids_by("person", "dusun", "Y").unwrap().is_empty());
    assert_eq!(store.verify_chain().unwrap(), before, "the log is cut back to where the batch began");
    put(&store, &person("n0", "90", "Y")).expect("the undone NIK is free again");
    assert!(store.verify_chain().unwrap().ok());
}

#[test]
fn a_batch_cut_short_by_a_crash_is_rolled_back_at_open() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        put(&store, &person("a", "1", "X")).unwrap();
        // what a crash between two chunks leaves: the marker and the first chunk
        let from = store.last_seq().unwrap() + 1;
        store
            .meta
            .insert("pending_batch", serde_json::to_vec(&serde_json::json!({ "from_seq": from })).unwrap())
            .unwrap();
        let part: Vec<Change> =
            vec![Change::put(&person("n1", "2", "Y")).unwrap(), Change::put(&person("a", "1", "Z")).unwrap()];
        store.commit_part("importer", &part, chrono::Utc::now()).unwrap();
        store.flush().unwrap();
        assert_eq!(store.count::<Person>(), 2);
    }
    let store = reopen(dir.path());
    assert_eq!(store.count::<Person>(), 1);
    assert_eq!(store.get::<Person>("a").unwrap().unwrap().dusun, "X");
    assert!(store.verify_chain().unwrap().ok());
    assert_eq!(store.last_seq().unwrap(), 1);
}

#[test]
fn a_good_batch_is_all_there() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let changes: Vec<Change> =
        (0..50).map(|i| Change::put(&person(&format!("n{i:02}"), &i.to_string(), "Y")).unwrap()).collect();
    assert_eq!(store.commit_batch("importer", changes, 7).unwrap(), 50);
    assert_eq!(store.count::<Person>(), 50);
    assert!(store.verify_chain().unwrap().ok());
    assert_eq!(store.undo.len(), 0, "the journal is emptied");
}

#[derive(Serialize, Deserialize)]
struct Counter {
    id: String,
    next: u64,
}

impl Record for Counter {
    const TABLE: &'static str = "counter";
    fn id(&self) -> &str {
        &self.id
    }
}

#[test]
fn commit_with_gives_gapless_numbers_to_concurrent_writers() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(Store::open(dir.path()).unwrap());
    let taken: Vec<u64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let store = store.clone();
                s.spawn(move || {
                    (0..25)
                        .map(|_| {
                            let (_, n) = store
                                .commit_with("t", Durability::Lazy, |view| {
                                    let next = view.get::<Counter>("c")?.map_or(1, |c| c.next);
                                    let change = Change::put(&Counter { id: "c".into(), next: next + 1 })?;
                                    Ok::<_, StoreError>((vec![change], next))
                                })
                                .unwrap();
                            n
                        })
                        .collect::<Vec<u64>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let mut sorted = taken.clone();
    sorted.sort();
    assert_eq!(sorted, (1..=200).collect::<Vec<u64>>());
}

#[test]
fn commit_with_writes_nothing_when_decide_fails() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let before = store.last_seq().unwrap();
    let r: Result<(u64, ()), StoreError> = store.commit_with("t", Durability::Lazy, |_| Err(StoreError::Locked));
    assert!(r.is_err());
    assert_eq!(store.last_seq().unwrap(), before);
}

/// A dump sink in memory that is slow, so commits land while it runs.
#[derive(Default)]
struct SlowSink {
    sections: Vec<(String, Vec<Vec<u8>>)>,
    lines: u64,
}

impl dump::DumpSink for SlowSink {
    fn section(&mut self, name: &str) -> std::io::Result<()> {
        self.sections.push((name.to_string(), Vec::new()));
        Ok(())
    }
    fn line(&mut self, line: &[u8]) -> std::io::Result<()> {
        self.lines += 1;
        if self.lines.is_multiple_of(20) {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        self.sections.last_mut().expect("a section").1.push(line.to_vec());
        Ok(())
    }
}

#[test]
fn a_dump_taken_during_writes_restores_exactly_the_store_at_its_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(Store::open(&dir.path().join("live")).unwrap());
    let mut model: std::collections::BTreeMap<String, Person> = Default::default();
    let first: Vec<Change> = (0..1500)
        .map(|i| {
            let p = person(&format!("p{i:04}"), &format!("nik{i}"), "Krajan");
            model.insert(p.id.clone(), p.clone());
            Change::put(&p).unwrap()
        })
        .collect();
    store.commit("tester", first, Durability::Lazy).unwrap();
    // the writer keeps a copy of the table after each commit, by sequence
    let states = std::sync::Arc::new(Mutex::new(vec![(store.last_seq().unwrap(), model.clone())]));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (store, states, stop) = (store.clone(), states.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut i = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                i += 1;
                let victim = format!("p{:04}", (i * 7919) % 1500);
                let change = match i % 3 {
                    0 => {
                        model.remove(&victim);
                        Change::delete::<Person>(&victim)
                    }
                    1 => {
                        // moves to another dusun and takes a NIK no one holds
                        let p = person(&victim, &format!("new{i}"), &format!("Dusun{}", i % 5));
                        model.insert(victim.clone(), p.clone());
                        Change::put(&p).unwrap()
                    }
                    _ => {
                        let p = person(&format!("q{i:05}"), &format!("q{i}"), "Baru");
                        model.insert(p.id.clone(), p.clone());
                        Change::put(&p).unwrap()
                    }
                };
                let seq = store.commit("writer", vec![change], Durability::Lazy).unwrap();
                states.lock().unwrap().push((seq, model.clone()));
            }
        })
    };
    let mut sink = SlowSink::default();
    let snapshot = store.dump(&mut sink).unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    let changed_during = states.lock().unwrap().iter().filter(|(s, _)| *s > 1500 && *s <= snapshot.seq).count();
    assert!(changed_during > 10, "the test must overlap writes with the dump ({changed_during})");

    let target = dir.path().join("restored");
    let mut restorer = dump::Restorer::create(&target).unwrap();
    let mut sections = sink.sections;
    sections.sort_by_key(|(name, _)| dump::section_order(name));
    for (name, lines) in &sections {
        for (n, line) in lines.iter().enumerate() {
            restorer.line(name, n as u64 + 1, line).unwrap();
        }
    }
    let restored = restorer.finish(&target, &snapshot).unwrap();
    let expected = states.lock().unwrap().iter().find(|(s, _)| *s == snapshot.seq).map(|(_, m)| m.clone()).unwrap();
    let got: Vec<Person> = restored.scan::<Person>().map(Result::unwrap).collect();
    assert_eq!(got, expected.values().cloned().collect::<Vec<_>>());
    // indexes as the records say, and uniqueness still enforced
    for p in expected.values() {
        assert_eq!(restored.ids_by("person", "nik", &p.nik).unwrap(), vec![p.id.clone()], "{p:?}");
        assert!(restored.ids_by("person", "dusun", &p.dusun).unwrap().contains(&p.id));
    }
    let total_dusun: usize = ["Krajan", "Baru", "Dusun0", "Dusun1", "Dusun2", "Dusun3", "Dusun4"]
        .iter()
        .map(|d| restored.ids_by("person", "dusun", d).unwrap().len())
        .sum();
    assert_eq!(total_dusun, expected.len(), "no stale index entries");
    let holder = expected.values().next().unwrap().clone();
    let thief = person("zzz", &holder.nik, "Krajan");
    assert!(matches!(put(&restored, &thief), Err(StoreError::Unique { .. })));
    assert!(restored.verify_chain().unwrap().ok());
    assert_eq!(restored.last_seq().unwrap(), snapshot.seq);
}
