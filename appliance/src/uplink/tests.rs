//! Merging bundles from two villages: any order, twice, conflicts kept aside,
//! unknown keys and changed bytes refused.

use super::bundle::{self, BundleError, Header, Village};
use super::import::{self, Outcome, State};
use crate::letters::seal::LetterKey;
use std::collections::BTreeMap;

fn header(code: &str, kec: &str, from: u64, to: u64) -> Header {
    Header {
        format: bundle::FORMAT.into(),
        format_version: bundle::FORMAT_VERSION,
        village: Village {
            code: code.into(),
            name: format!("Desa {code}"),
            kecamatan: kec.into(),
            kabupaten: "KLATEN".into(),
            provinsi: "JAWA TENGAH".into(),
        },
        recipient: "dinas".into(),
        from_seq: from,
        to_seq: to,
        created_at: chrono::Utc::now(),
        key_id: String::new(),
        entries: Vec::new(),
    }
}

fn population(n: u64) -> Vec<u8> {
    format!("dusun,sex,age_group,count\nKRAJAN,L,0-4,{n}\nKRAJAN,P,65-69,{}\n", n + 1).into_bytes()
}

fn child(id: &str, seq: u64, weight: u32) -> Vec<u8> {
    format!("{{\"id\":\"{id}\",\"seq\":{seq},\"op\":\"put\",\"record\":{{\"weight_g\":{weight}}}}}\n").into_bytes()
}

struct Villages {
    a: LetterKey,
    b: LetterKey,
    keys: BTreeMap<String, crate::letters::seal::PublicKey>,
}

fn villages() -> Villages {
    let a = LetterKey::from_seed([1; 32]);
    let b = LetterKey::from_seed([2; 32]);
    let keys = [("3310052001".to_string(), a.public()), ("3310062002".to_string(), b.public())].into_iter().collect();
    Villages { a, b, keys }
}

fn merge_all(v: &Villages, bundles: &[Vec<u8>]) -> (State, Vec<Outcome>) {
    let mut state = State::default();
    let outcomes =
        bundles.iter().map(|b| import::merge(&mut state, &bundle::open(b, &v.keys).unwrap()).unwrap()).collect();
    (state, outcomes)
}

fn outputs(state: &State) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    import::write_outputs(dir.path(), state).unwrap();
    let read = |n: &str| std::fs::read_to_string(dir.path().join(n)).unwrap();
    (read("summary.csv"), read("conflicts.csv"))
}

#[test]
fn two_villages_in_any_order_and_twice_give_the_same_summary() {
    let v = villages();
    let a1 = bundle::write(
        header("3310052001", "CAWAS", 0, 10),
        vec![
            ("aggregates/population.csv".into(), population(5)),
            ("records/posyandu_child.jsonl".into(), child("c1", 4, 9000)),
        ],
        &v.a,
    );
    let a2 = bundle::write(
        header("3310052001", "CAWAS", 10, 20),
        vec![
            ("aggregates/population.csv".into(), population(7)),
            ("records/posyandu_child.jsonl".into(), child("c1", 15, 9400)),
        ],
        &v.a,
    );
    let b1 = bundle::write(
        header("3310062002", "TRUCUK", 0, 30),
        vec![("aggregates/population.csv".into(), population(100))],
        &v.b,
    );
    let (s1, _) = merge_all(&v, &[a1.clone(), a2.clone(), b1.clone()]);
    let (s2, outcomes) = merge_all(&v, &[b1.clone(), a2.clone(), a1.clone(), a2.clone(), b1.clone()]);
    assert!(matches!(outcomes[3], Outcome::AlreadyMerged(_)));
    assert_eq!(outputs(&s1), outputs(&s2));
    let (summary, conflicts) = outputs(&s1);
    // the newer figures of village A (7 + 8), B's (100 + 101); kecamatan and kabupaten sums
    assert!(summary.contains("desa,3310052001,Desa 3310052001,1,15,7,8,7,0,8,0"), "{summary}");
    assert!(summary.contains("kabupaten,3310,KLATEN,2,216,"), "{summary}");
    assert!(summary.contains("kecamatan,331006,TRUCUK,1,201,"), "{summary}");
    assert_eq!(conflicts.lines().count(), 1, "{conflicts}");
    assert_eq!(s1.records["3310052001/posyandu_child/c1"].0, 15, "the later change wins in any order");
}

#[test]
fn the_same_record_with_different_content_is_a_conflict_never_an_overwrite() {
    let v = villages();
    let x = bundle::write(
        header("3310052001", "CAWAS", 0, 10),
        vec![("records/posyandu_child.jsonl".into(), child("c1", 4, 9000))],
        &v.a,
    );
    let y = bundle::write(
        header("3310052001", "CAWAS", 0, 11),
        vec![("records/posyandu_child.jsonl".into(), child("c1", 4, 9999))],
        &v.a,
    );
    let (state, _) = merge_all(&v, &[x, y]);
    assert_eq!(state.conflicts.len(), 1);
    assert!(state.records["3310052001/posyandu_child/c1"].2.record.as_ref().unwrap()["weight_g"] == 9000);
}

#[test]
fn unknown_keys_wrong_villages_changed_bytes_and_zip_slip_are_refused() {
    let v = villages();
    let stranger = LetterKey::from_seed([9; 32]);
    let forged = bundle::write(
        header("3310052001", "CAWAS", 0, 10),
        vec![("aggregates/population.csv".into(), population(1))],
        &stranger,
    );
    assert!(matches!(bundle::open(&forged, &v.keys), Err(BundleError::UnknownKey { .. })));
    // village B's key signing for village A
    let borrowed = bundle::write(header("3310052001", "CAWAS", 0, 10), vec![], &v.b);
    assert!(matches!(bundle::open(&borrowed, &v.keys), Err(BundleError::UnknownKey { .. })));
    let good = bundle::write(
        header("3310052001", "CAWAS", 0, 10),
        vec![("aggregates/population.csv".into(), vec![b'x'; 5000])],
        &v.a,
    );
    // bundle.json edited (stored deflated, so edit through a rewrite)
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(good.clone())).unwrap();
    let mut json = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("bundle.json").unwrap(), &mut json).unwrap();
    let mut sig = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("bundle.sig").unwrap(), &mut sig).unwrap();
    let rewrite = |entries: &[(&str, Vec<u8>)]| {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (n, b) in entries {
            w.start_file(*n, zip::write::SimpleFileOptions::default()).unwrap();
            std::io::Write::write_all(&mut w, b).unwrap();
        }
        w.finish().unwrap().into_inner()
    };
    let edited = rewrite(&[
        ("bundle.json", json.replace("\"to_seq\": 10", "\"to_seq\": 99").into_bytes()),
        ("bundle.sig", sig.clone().into_bytes()),
        ("aggregates/population.csv", vec![b'x'; 5000]),
    ]);
    assert_eq!(bundle::open(&edited, &v.keys).err(), Some(BundleError::BadSignature));
    let flipped = rewrite(&[
        ("bundle.json", json.clone().into_bytes()),
        ("bundle.sig", sig.clone().into_bytes()),
        ("aggregates/population.csv", vec![b'y'; 5000]),
    ]);
    assert!(
        matches!(bundle::open(&flipped, &v.keys), Err(BundleError::Entry { name, .. }) if name == "aggregates/population.csv")
    );
    let slip = rewrite(&[
        ("bundle.json", json.clone().into_bytes()),
        ("bundle.sig", sig.into_bytes()),
        ("../../evil.csv", vec![1]),
    ]);
    assert!(matches!(bundle::open(&slip, &v.keys), Err(BundleError::Entry { name, .. }) if name == "../../evil.csv"));
    assert!(bundle::open(&good, &v.keys).is_ok());
}
