//! Render tests for every page: both languages, escaping of user data, CSRF
//! on every POST form, and a catalog that covers every key the UI uses.

use crate::i18n::{FILES, Lang, has, parse_all, t};
use crate::*;

const EVIL: &str = "<script>alert(1)</script>";
const TOKEN: &str = "csrf-TOKEN-42";

fn shell(lang: Lang) -> Shell {
    Shell {
        lang,
        village_name: format!("Sukamaju {EVIL}"),
        user: Some(UserBadge { name: format!("Siti {EVIL}"), role_label: t(lang, "role.operator") }),
        csrf: TOKEN.to_string(),
        nav: vec![
            NavItem { href: "/dashboard".into(), label_key: "nav.dashboard".into(), active: false },
            NavItem { href: "/residents".into(), label_key: "nav.residents".into(), active: true },
        ],
        flash: Some(Flash { kind: FlashKind::Success, text: format!("ok {EVIL}") }),
        current_path: "/residents?q=a b".into(),
        kiosk_seconds_left: None,
    }
}

fn profile() -> VillageProfile {
    VillageProfile {
        name: format!("Sukamaju {EVIL}"),
        kecamatan: "Cibeber".into(),
        kabupaten: "Cianjur".into(),
        provinsi: "Jawa Barat".into(),
        address: format!("Jl. Raya 1 {EVIL}"),
        kepala_desa: "Bapak Ujang".into(),
        office_hours: "Senin–Jumat 08.00–15.00".into(),
        phone: "0263-123".into(),
        email: "desa@example.id".into(),
        dpo_name: "Ibu Rina Petugas".into(),
        dpo_contact: "0812-0000-1111".into(),
    }
}

fn resident() -> ResidentFields {
    let mut r = ResidentFields::default();
    for spec in FIELDS {
        r.set(spec.name, format!("{} {EVIL}", spec.name));
    }
    r.nik = "3203011203900001".into();
    r.nama = format!("Budi {EVIL}");
    r
}

fn history() -> Vec<HistoryEntry> {
    vec![HistoryEntry {
        time: "2026-01-02 10:00 WIB".into(),
        actor: format!("operator {EVIL}"),
        label: "Lahir".into(),
        detail: format!("catatan {EVIL}"),
    }]
}

fn page(n: u32) -> Pagination {
    Pagination { page: 2, total_pages: n, total_items: 123 }
}

fn codes() -> CodeTables {
    CodeTables {
        sex: vec![("1".into(), "LAKI-LAKI".into()), ("2".into(), format!("PEREMPUAN {EVIL}"))],
        dusun: vec![("Dusun I".into(), "Dusun I".into())],
        ..CodeTables::default()
    }
}

fn letter_type() -> LetterTypeItem {
    LetterTypeItem {
        code: "domisili".into(),
        name: format!("Domisili {EVIL}"),
        requirements: vec![EVIL.into()],
        self_service: true,
        rt_rw: true,
        version: 2,
        enabled: false,
    }
}

fn request_row() -> RequestRow {
    RequestRow {
        id: "srt-1".into(),
        tracking_code: "ABCD2345".into(),
        type_name: format!("SKTM {EVIL}"),
        name: format!("Siti {EVIL}"),
        nik: "3203••••••••0001".into(),
        state: "signed".into(),
        channel: "kiosk".into(),
        created: "10:00".into(),
        in_register: false,
        attachments: 2,
        number: Some(EVIL.into()),
    }
}

fn form_field(kind: FormFieldKind) -> FormField {
    FormField {
        name: "keperluan".into(),
        label: EVIL.into(),
        kind,
        required: true,
        value: EVIL.into(),
        error: Some(EVIL.into()),
    }
}

/// Every page rendered in `lang`, with a name for messages.
fn all_pages(lang: Lang) -> Vec<(&'static str, String)> {
    let s = shell(lang);
    vec![
        ("landing", render_landing(LandingProps { shell: s.clone(), profile: profile(), population_total: 1234 })),
        (
            "signin",
            render_signin(SigninProps {
                shell: s.clone(),
                username: format!("u{EVIL}"),
                nik: "123".into(),
                errors: vec![("nik".into(), format!("NIK salah {EVIL}"))],
                error: Some(format!("gagal {EVIL}")),
                next: "/dashboard".into(),
            }),
        ),
        ("reauth", render_reauth(ReauthProps { shell: s.clone(), next: "/users".into(), error: Some(EVIL.into()) })),
        (
            "dashboard",
            render_dashboard(DashboardProps {
                shell: s.clone(),
                counts: DashboardCounts { residents: 1234, families: 400, males: 600, females: 634 },
                by_status: vec![(format!("Pindah {EVIL}"), 5)],
                shortcuts: vec![NavItem {
                    href: "/residents/new".into(),
                    label_key: "residents.add".into(),
                    active: false,
                }],
                recent: vec![ActivityItem { time: "10:00".into(), actor: "siti".into(), text: EVIL.into() }],
                queue: Some(Default::default()),
                backup: Some(crate::pages::backup::BackupNotice { last_good: None, stale: true, warn_days: 7 }),
                letters: Some(LetterFigures {
                    backlog: 3,
                    per_day: "4.2".into(),
                    same_day: "80%".into(),
                    per_type: vec![(format!("SKTM {EVIL}"), 12, "3.5".into(), "20.0".into())],
                }),
            }),
        ),
        (
            "resident_list",
            render_resident_list(ResidentListProps {
                shell: s.clone(),
                q: EVIL.into(),
                dusun: "Dusun I".into(),
                dusun_options: vec![("Dusun I".into(), "Dusun I".into())],
                rows: vec![ResidentRow {
                    id: "r1".into(),
                    nik: "3203011203900001".into(),
                    name: format!("Budi {EVIL}"),
                    sex_label: "L".into(),
                    age: "35".into(),
                    dusun: "Dusun I".into(),
                    rt: "001".into(),
                    rw: "002".into(),
                    family_id: Some("f1".into()),
                    no_kk: "3203010101100001".into(),
                    status_label: "Hidup".into(),
                }],
                page: page(5),
                show_full_nik: false,
                can_create: true,
                can_import: true,
                can_export: true,
            }),
        ),
        (
            "resident_detail",
            render_resident_detail(ResidentDetailProps {
                shell: s.clone(),
                id: "r1".into(),
                fields: resident(),
                family_id: Some("f1".into()),
                timeline: history(),
                show_full_nik: false,
                can_edit: true,
                can_record_event: true,
                can_print_report: true,
                event_form: LifeEventForm {
                    errors: vec![("date".into(), format!("tanggal {EVIL}"))],
                    ..LifeEventForm::default()
                },
                card: KtpCardSection {
                    cards: vec![KtpCardRow {
                        uid: "04A22B1A".into(),
                        registered: "01-01-2026".into(),
                        by: EVIL.into(),
                    }],
                    can_register: true,
                    value: EVIL.into(),
                    error: Some(format!("kartu {EVIL}")),
                },
            }),
        ),
        (
            "kiosk",
            render_kiosk(KioskProps {
                shell: s.clone(),
                id_value: EVIL.into(),
                card_read: false,
                ask_pin: true,
                error: Some(format!("gagal {EVIL}")),
                session_minutes: 10,
            }),
        ),
        (
            "resident_form",
            render_resident_form(ResidentFormProps {
                shell: s.clone(),
                id: Some("r1".into()),
                values: resident(),
                options: codes(),
                errors: vec![("nama".into(), format!("nama {EVIL}")), ("".into(), "umum".into())],
                warnings: vec![("tanggallahir".into(), format!("tidak cocok {EVIL}"))],
                ack_reason: EVIL.into(),
                ack_warnings: false,
                offer_duplicate_case: true,
            }),
        ),
        (
            "family_detail",
            render_family_detail(FamilyDetailProps {
                shell: s.clone(),
                id: "f1".into(),
                no_kk: "3203010101100001".into(),
                kk_history: vec![KkHistoryEntry {
                    number: "3203010101100001".into(),
                    from_date: "2020-01-01".into(),
                    reason: EVIL.into(),
                }],
                head_name: format!("Budi {EVIL}"),
                head_id: Some("r1".into()),
                address: "Jl. Raya".into(),
                dusun: "Dusun I".into(),
                rt: "001".into(),
                rw: "002".into(),
                members: vec![FamilyMember {
                    id: "r1".into(),
                    nik: "3203011203900001".into(),
                    name: EVIL.into(),
                    relation_label: "Kepala Keluarga".into(),
                    sex_label: "L".into(),
                    age: "35".into(),
                }],
                show_full_nik: true,
                can_change_kk: true,
                kk_form: KkChangeForm { no_kk: EVIL.into(), ..Default::default() },
            }),
        ),
        (
            "import",
            render_import(ImportProps {
                shell: s.clone(),
                errors: vec![ImportError { row: 7, column: "nik".into(), reason: EVIL.into() }],
                summary: Some(ImportSummary { residents_created: 3, ..ImportSummary::default() }),
                columns: vec!["nik".into(), "nama".into()],
            }),
        ),
        (
            "statistics",
            render_statistics(StatisticsProps {
                shell: s.clone(),
                as_of: "2026-01-01".into(),
                pyramid: vec![("0-4".into(), 10, 12), ("75+".into(), 2, 3)],
                per_dusun: vec![(EVIL.into(), 5)],
                per_rt: vec![("RT 001".into(), 5)],
                religion: vec![("Islam".into(), 9)],
                education: vec![],
                occupation: vec![("Petani".into(), 4)],
                marital: vec![("Kawin".into(), 4)],
            }),
        ),
        (
            "search_results",
            render_search_results(SearchProps {
                shell: s.clone(),
                q: EVIL.into(),
                residents: vec![SearchResident {
                    id: "r1".into(),
                    name: EVIL.into(),
                    nik: "3203011203900001".into(),
                    dusun: "I".into(),
                }],
                families: vec![SearchFamily { id: "f1".into(), no_kk: "3203010101100001".into(), head: EVIL.into() }],
                show_full_nik: false,
            }),
        ),
        (
            "audit",
            render_audit(AuditProps {
                shell: s.clone(),
                filter: AuditFilter { person: EVIL.into(), ..AuditFilter::default() },
                rows: vec![AuditRow {
                    seq: 9,
                    time: "t".into(),
                    actor: "a".into(),
                    action: "view".into(),
                    entity: "resident/r1".into(),
                    detail: EVIL.into(),
                }],
                page: page(3),
                verify: Some(ChainCheck { ok: true, text: EVIL.into() }),
            }),
        ),
        (
            "sessions",
            render_sessions(SessionsProps {
                shell: s.clone(),
                sessions: vec![SessionRow {
                    id: "s1".into(),
                    created: "c".into(),
                    last_seen: "l".into(),
                    user_agent: EVIL.into(),
                    current: true,
                }],
            }),
        ),
        (
            "users",
            render_users(UsersProps {
                shell: s.clone(),
                users: vec![UserRow {
                    id: "u1".into(),
                    username: "siti".into(),
                    full_name: EVIL.into(),
                    role_label: "Admin".into(),
                    disabled: false,
                }],
                role_options: vec![("operator".into(), "Petugas".into())],
                errors: vec![("password".into(), EVIL.into())],
                issued_pin: Some(IssuedPin { name: EVIL.into(), pin: "482913".into() }),
                ..UsersProps::default()
            }),
        ),
        (
            "subject_access",
            render_subject_access(SubjectAccessProps {
                shell: s.clone(),
                generated_at: "2026-01-01".into(),
                generated_by: "siti".into(),
                profile: profile(),
                resident: resident(),
                history: history(),
            }),
        ),
        (
            "duplicates",
            render_duplicates(DuplicatesProps {
                shell: s.clone(),
                cases: vec![DuplicateCase {
                    id: "d1".into(),
                    nik: "3203011203900001".into(),
                    first: DuplicateClaim {
                        name: EVIL.into(),
                        resident_id: Some("r1".into()),
                        ..DuplicateClaim::default()
                    },
                    second: DuplicateClaim { name: "Budi".into(), ..DuplicateClaim::default() },
                    status_label: "Terbuka".into(),
                    resolved: false,
                }],
                choices: vec![],
            }),
        ),
        (
            "settings",
            render_settings(SettingsProps {
                shell: s.clone(),
                profile: profile(),
                errors: vec![("dpo_name".into(), EVIL.into())],
            }),
        ),
        (
            "resident_letters",
            render_resident_letters(ResidentLettersProps {
                shell: s.clone(),
                types: vec![letter_type()],
                requests: vec![request_row()],
            }),
        ),
        (
            "request_form",
            render_request_form(RequestFormProps {
                shell: s.clone(),
                action: "/surat/ajukan/domisili".into(),
                type_name: format!("Domisili {EVIL}"),
                requirements: vec![EVIL.into()],
                form_token: "tok".into(),
                counter: true,
                nik: EVIL.into(),
                nik_error: Some(EVIL.into()),
                subject_rows: vec![("Nama".into(), EVIL.into())],
                subject_fields: vec![form_field(FormFieldKind::Text)],
                fields: vec![
                    form_field(FormFieldKind::Paragraph),
                    form_field(FormFieldKind::Date),
                    form_field(FormFieldKind::Choice(vec![EVIL.into(), "B".into()])),
                    form_field(FormFieldKind::Person),
                ],
                phone: EVIL.into(),
                phone_error: None,
                errors: vec![EVIL.into()],
                max_upload_mb: 20,
            }),
        ),
        (
            "request_status",
            render_request_status(RequestStatusProps {
                shell: s.clone(),
                public: true,
                query: EVIL.into(),
                request: Some(request_row()),
                steps: vec![StepRow { state: "rejected".into(), time: "10:00".into(), note: EVIL.into() }],
                rejection: Some(EVIL.into()),
                download: Some("/surat/x/pdf".into()),
                not_found: false,
            }),
        ),
        (
            "letter_inbox",
            render_letter_inbox(LetterInboxProps {
                shell: s.clone(),
                state: "submitted".into(),
                counts: vec![("submitted".into(), 2), ("verified".into(), 0)],
                rows: vec![request_row()],
                types: vec![letter_type()],
                can_enter: true,
                can_edit_templates: true,
            }),
        ),
        (
            "letter_detail",
            render_letter_detail(LetterDetailProps {
                shell: s.clone(),
                request: request_row(),
                subject: vec![("Nama".into(), EVIL.into())],
                values: vec![(EVIL.into(), EVIL.into())],
                photos: vec!["ab".repeat(32)],
                steps: vec![StepRow { state: "submitted".into(), time: "09:00".into(), note: String::new() }],
                phone: EVIL.into(),
                actions: DetailActions {
                    approve: true,
                    verify: true,
                    reject: true,
                    sign: true,
                    hand_over: true,
                    revoke: true,
                },
                pdf_href: Some("/letters/x/pdf".into()),
                revoked: Some(EVIL.into()),
                errors: vec![EVIL.into()],
            }),
        ),
        ("letter_types", render_letter_types(LetterTypesAdminProps { shell: s.clone(), types: vec![letter_type()] })),
        (
            "template_editor",
            render_template_editor(TemplateEditorProps {
                shell: s.clone(),
                code: "domisili".into(),
                name: EVIL.into(),
                body: EVIL.into(),
                fields: EVIL.into(),
                problems: vec![EVIL.into()],
                preview: Some(LetterPreview {
                    letterhead: vec![EVIL.into()],
                    title: EVIL.into(),
                    number: EVIL.into(),
                    blocks: vec![
                        PreviewBlock::Heading(EVIL.into()),
                        PreviewBlock::Paragraph(EVIL.into()),
                        PreviewBlock::Fields(vec![(EVIL.into(), EVIL.into())]),
                    ],
                    signer: vec![EVIL.into()],
                }),
                versions: vec![(2, "10:00".into(), EVIL.into())],
                ..TemplateEditorProps::default()
            }),
        ),
        (
            "verify",
            render_verify(VerifyProps {
                shell: s.clone(),
                number: EVIL.into(),
                result: Some(VerifyResult {
                    verdict: "revoked".into(),
                    number: EVIL.into(),
                    revoked_reason: EVIL.into(),
                    ..VerifyResult::default()
                }),
            }),
        ),
        (
            "health",
            render_health_page(HealthPageProps {
                shell: s.clone(),
                title: EVIL.into(),
                intro: EVIL.into(),
                sections: vec![HealthSection {
                    id: "a".into(),
                    heading: EVIL.into(),
                    text: vec![EVIL.into()],
                    facts: vec![(EVIL.into(), EVIL.into())],
                    flags: vec![EVIL.into()],
                    table: Some(HealthTable {
                        headers: vec![EVIL.into()],
                        rows: vec![vec![HealthCell::link(EVIL, "/x").flagged(true)]],
                        empty: String::new(),
                    }),
                    filter: Some(HealthFilter {
                        action: "/q".into(),
                        submit: EVIL.into(),
                        inputs: vec![("q".into(), EVIL.into(), EVIL.into())],
                    }),
                    forms: vec![HealthForm {
                        action: "/p".into(),
                        submit: EVIL.into(),
                        help: EVIL.into(),
                        fields: vec![Field::new("n", EVIL.into(), EVIL).error(Some(EVIL.into()))],
                        hidden: vec![("h".into(), EVIL.into())],
                    }],
                    links: vec![("/l".into(), EVIL.into())],
                }],
            }),
        ),
        ("error", render_error(ErrorProps { shell: s.clone(), status: 404, message: String::new() })),
        ("message", render_message(MessageProps { shell: s, title: EVIL.into(), text: EVIL.into(), link: None })),
    ]
}

/// Text of a catalog key as it appears in HTML (escaped).
fn html_text(lang: Lang, key: &str) -> String {
    t(lang, key).replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[test]
fn every_page_is_a_document_in_the_right_language() {
    for lang in [Lang::Id, Lang::En] {
        for (name, html) in all_pages(lang) {
            assert!(html.starts_with("<!DOCTYPE html><html lang=\""), "{name}");
            assert!(html.contains(&format!("lang=\"{}\"", lang.code())), "{name}");
            assert!(html.contains("href=\"/static/balai.css\""), "{name}");
            assert!(html.contains("<main id=\"main\""), "{name}");
            assert!(html.contains("href=\"#main\""), "{name}: skip link");
            assert!(html.contains(&html_text(lang, "action.signout")), "{name}");
            assert!(html.contains(&html_text(lang, "nav.residents")), "{name}");
            assert!(html.contains("aria-current=\"page\""), "{name}");
            assert!(!html.contains("<script"), "{name}: unescaped script or JS");
            assert!(!html.contains("javascript:"), "{name}: JS url");
            assert!(html.contains("&lt;script&gt;"), "{name}: user data shown escaped");
        }
    }
}

#[test]
fn language_switch_points_to_other_language() {
    let html = render_message(MessageProps { shell: shell(Lang::Id), ..MessageProps::default() });
    assert!(html.contains("href=\"/lang?to=en&amp;next=/residents%3Fq%3Da%20b\""), "{html}");
    let html = render_message(MessageProps { shell: shell(Lang::En), ..MessageProps::default() });
    assert!(html.contains("/lang?to=id"));
}

#[test]
fn every_post_form_carries_the_csrf_field() {
    let needle = format!("name=\"csrf\" value=\"{TOKEN}\"");
    for (name, html) in all_pages(Lang::Id) {
        for chunk in html.split("<form").skip(1) {
            let tag_end = chunk.find('>').unwrap_or(0);
            if chunk[..tag_end].contains("method=\"post\"") {
                let body = chunk.split("</form>").next().unwrap_or("");
                assert!(body.contains(&needle), "{name}: POST form without csrf: {body}");
            }
        }
    }
}

#[test]
fn a_kiosk_session_shows_selesai_and_returns_to_the_kiosk_by_itself() {
    let mut s = shell(Lang::Id);
    s.kiosk_seconds_left = Some(540);
    let html = render_kiosk(KioskProps { shell: s.clone(), ..KioskProps::default() });
    assert!(html.contains("kiosk-done") && html.contains("content=\"540;url=/kiosk\""), "{html}");
    let plain = render_kiosk(KioskProps { shell: shell(Lang::Id), ..KioskProps::default() });
    assert!(!plain.contains("kiosk-done") && !plain.contains("http-equiv"));
    // A card that was read is carried hidden, and the cursor waits in the PIN field.
    let read = render_kiosk(KioskProps {
        shell: shell(Lang::Id),
        id_value: "04A2".into(),
        card_read: true,
        ask_pin: true,
        ..KioskProps::default()
    });
    assert!(read.contains(r#"type="hidden" name="id" value="04A2""#));
    assert!(read.contains(r#"id="kiosk-pin" name="pin""#) && read.contains("autofocus"));
    assert!(!read.contains(r#"id="kiosk-id""#));
}

#[test]
fn key_texts_appear_in_both_languages() {
    let expect: &[(&str, &[&str])] = &[
        ("landing", &["landing.dpo", "profile.kepala_desa", "landing.population"]),
        ("signin", &["signin.staff", "signin.warga", "signin.pin"]),
        ("reauth", &["reauth.title"]),
        ("dashboard", &["dash.residents", "dash.recent", "residents.add"]),
        ("resident_list", &["residents.add", "residents.import", "residents.export_csv", "pager.next"]),
        (
            "resident_detail",
            &["group.identity", "group.parents", "resident.timeline", "event.pindah_keluarga", "card.register"],
        ),
        ("kiosk", &["kiosk.id.label", "kiosk.pin.label", "kiosk.id.help"]),
        ("resident_form", &["group.birth", "form.ack_warnings", "form.fix_errors", "field.tanggallahir"]),
        ("family_detail", &["family.members", "family.kk_history"]),
        ("import", &["import.template", "import.row", "import.upload"]),
        ("statistics", &["stats.pyramid", "stats.religion", "stats.no_data"]),
        ("search_results", &["search.title"]),
        ("audit", &["audit.verify", "audit.chain_ok"]),
        ("sessions", &["sessions.revoke", "sessions.current"]),
        ("users", &["users.create", "users.pin_title", "users.disable"]),
        ("subject_access", &["sar.title", "sar.history", "profile.dpo_name"]),
        ("duplicates", &["dup.first", "dup.choice.same_person"]),
        ("settings", &["settings.title", "landing.dpo"]),
        ("error", &["error.404"]),
        ("message", &["action.home"]),
    ];
    for lang in [Lang::Id, Lang::En] {
        let pages = all_pages(lang);
        for (name, keys) in expect {
            let html = &pages.iter().find(|(n, _)| n == name).expect("page").1;
            for key in *keys {
                assert!(html.contains(&html_text(lang, key)), "{name} ({lang:?}) lacks {key}");
            }
        }
    }
}

#[test]
fn nik_is_masked_unless_allowed() {
    let pages = all_pages(Lang::Id);
    let list = &pages.iter().find(|(n, _)| *n == "resident_list").expect("page").1;
    assert!(list.contains("320301******0001"));
    assert!(!list.contains("3203011203900001"));
    let family = &pages.iter().find(|(n, _)| *n == "family_detail").expect("page").1;
    assert!(family.contains("3203011203900001"));
}

#[test]
fn form_fields_are_labelled_and_described() {
    let pages = all_pages(Lang::Id);
    let form = &pages.iter().find(|(n, _)| *n == "resident_form").expect("page").1;
    for spec in FIELDS {
        assert!(form.contains(&format!("for=\"{}\"", spec.name)), "label for {}", spec.name);
        assert!(form.contains(&format!("name=\"{}\"", spec.name)), "input {}", spec.name);
    }
    assert!(form.contains("aria-describedby=\"nama-help nama-error\""));
    assert!(form.contains("aria-describedby=\"tanggallahir-help tanggallahir-warning\""));
    assert!(form.contains("<textarea id=\"ack_reason\" name=\"ack_reason\""));
    assert!(form.contains(">&lt;script&gt;alert(1)&lt;/script&gt;</textarea>"), "textarea escaped once");
    assert!(form.contains("id=\"nama-error\""));
    assert!(form.contains("name=\"ack_reason\""));
    assert!(form.contains("name=\"ack_warnings\""));
    assert!(form.contains("<option value=\"1\">LAKI-LAKI</option>"));
}

#[test]
fn statistics_draw_svg_with_title_and_tables() {
    let pages = all_pages(Lang::En);
    let html = &pages.iter().find(|(n, _)| *n == "statistics").expect("page").1;
    assert!(html.contains("<svg"));
    assert!(html.contains("<title>Population pyramid</title>"));
    assert!(html.contains("<caption>Population pyramid</caption>"));
    assert!(html.matches("<svg").count() >= 5);
}

#[test]
fn catalog_has_every_key_the_ui_uses() {
    parse_all().expect("catalog parses");
    let mut missing = Vec::new();
    for key in used_keys() {
        if !has(&key) {
            missing.push(key);
        }
    }
    assert!(missing.is_empty(), "keys missing from the catalog: {missing:?}");
    assert!(FILES.len() >= 4);
}

/// Keys named literally in the source, plus the ones built at run time.
fn used_keys() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut keys = Vec::new();
    let prefixes = catalog_prefixes();
    for path in source_files(&dir) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for literal in text.split('"').skip(1).step_by(2) {
            let looks_like_key =
                literal.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_');
            let prefix = literal.split('.').next().unwrap_or("");
            let file_name = literal.ends_with(".txt") || literal.ends_with(".rs");
            if looks_like_key
                && !file_name
                && literal.contains('.')
                && prefixes.contains(prefix)
                && literal != "no.such.key"
            {
                keys.push(literal.to_string());
            }
        }
    }
    for spec in FIELDS {
        keys.push(format!("field.{}", spec.name));
    }
    for group in Group::ALL {
        keys.push(group.key().to_string());
    }
    for code in pages::resident_detail::LIFE_EVENTS {
        keys.push(format!("event.{code}"));
    }
    keys.sort();
    keys.dedup();
    keys
}

fn catalog_prefixes() -> std::collections::HashSet<String> {
    let mut set: std::collections::HashSet<String> = parse_all()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| e.key.split('.').next().map(str::to_string))
        .collect();
    set.remove("residents");
    set.insert("residents".into());
    set
}

fn source_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(source_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("tests.rs") {
            out.push(path);
        }
    }
    out
}

#[test]
fn css_is_mobile_first_and_printable() {
    assert!(CSS.contains("@media print"));
    assert!(CSS.contains("min-height: 44px"));
    assert!(CSS.contains("max-width: 599.98px"));
    assert!(CSS.contains(":focus-visible"));
}

#[test]
fn signed_out_landing_offers_sign_in_and_names_the_dpo() {
    for lang in [Lang::Id, Lang::En] {
        let shell = Shell { lang, user: None, nav: vec![], flash: None, ..shell(lang) };
        let html = render_landing(LandingProps { shell, profile: profile(), population_total: 7 });
        assert!(html.contains("href=\"/signin\""));
        assert!(html.contains(&html_text(lang, "action.signin")));
        assert!(!html.contains("action=\"/signout\""));
        assert!(!html.contains("main-nav"));
        assert!(html.contains("Ibu Rina Petugas"));
        assert!(html.contains("0812-0000-1111"));
    }
}
