//! Balai's server-rendered pages: the daemon maps its records to the plain
//! prop structs here and calls one `render_*` function per page, which
//! returns a complete HTML document (Leptos SSR, no JavaScript).
//!
//! Every visible string comes from the catalog in [`i18n`]; the stylesheet is
//! [`CSS`], which the daemon serves at `/static/balai.css`.
//!
//! # Routes the pages link and post to
//!
//! | page | form / link | method, path | fields |
//! | --- | --- | --- | --- |
//! | every page | sign out | POST `/signout` | `csrf` |
//! | every page | language | GET `/lang?to=en&next=<current_path>` | |
//! | signin | staff | POST `/signin/staff` | `username`, `password`, `next`, `csrf` |
//! | signin | warga | POST `/signin/warga` | `nik`, `pin`, `next`, `csrf` |
//! | kiosk | resident sign-in | POST `/kiosk/signin` | `id` (NIK or e-KTP card number), `pin`, `csrf` |
//! | resident_detail | e-KTP card | POST `/residents/{id}/card`, `/residents/{id}/card/remove` | `uid`, `csrf` |
//! | reauth | confirm | POST `/reauth` | `password`, `next`, `csrf` |
//! | resident_list | search | GET `/residents` | `q`, `dusun`, `page` |
//! | resident_form | new / edit | POST `/residents` / POST `/residents/{id}` | every [`FIELDS`] name, `ack_warnings`, `ack_reason`, `csrf` |
//! | resident_detail | life event | POST `/residents/{id}/events` | `event`, `date`, `note`, `target_family`, `csrf` |
//! | resident_detail | links | GET `/residents/{id}/edit`, `/residents/{id}/access-report`, `/families/{id}` | |
//! | import | upload | POST `/residents/import` (multipart) | `file`, `csrf` |
//! | search_results | search | GET `/search` | `q` |
//! | audit | filter | GET `/audit` | `person`, `actor`, `from`, `to`, `page` |
//! | audit | verify | POST `/audit/verify` | `csrf` |
//! | sessions | revoke | POST `/sessions/{id}/revoke` | `csrf` |
//! | users | create | POST `/users` | `username`, `full_name`, `role`, `password`, `csrf` |
//! | users | disable / enable | POST `/users/{id}/disable`, `/users/{id}/enable` | `csrf` |
//! | users | warga PIN | POST `/users/pin` | `nik`, `csrf` |
//! | duplicates | resolve | POST `/duplicates/{id}/resolve` | `choice`, `note`, `csrf` |
//! | settings | save | POST `/settings` | [`VillageProfile`] field names, `csrf` |
//! | outbox | filter | GET `/outbox` | `state`, `page` |
//! | outbox | retry now | POST `/outbox/{id}/retry` | `csrf` |
//! | outbox | test SMS | POST `/outbox/test` | `to`, `body`, `csrf` |
//! | devices | register | POST `/perangkat` | `id`, `kind`, `place_kind`, `place`, `csrf` |
//! | devices | rotate / revoke | POST `/perangkat/{id}/rotate`, `/perangkat/{id}/revoke` | `csrf` |
//! | devices | readings | GET `/perangkat/{id}/data.csv` | `measure`, `from`, `to`, `resolution` |
//! | queue_kiosk | take a ticket | POST `/antrian/tickets` | `service`, `csrf` |
//! | queue_desk | call next | POST `/antrian/loket/call` | `counter`, `service` (optional), `csrf` |
//! | queue_desk | recall / serve / finish / skip | POST `/antrian/loket/{recall,serve,finish,skip}` | `counter`, `csrf` |
//! | queue_services | add / save | POST `/antrian/layanan` / POST `/antrian/layanan/{id}` | `prefix`, `name`, `enabled`, `csrf` |
//! | posyandu_list | add a post | POST `/posyandu` | `name`, `dusun`, `address`, `day_of_month`, `csrf` |
//! | posyandu_detail | register a child | POST `/posyandu/{id}/children` | `ChildInput` field names, `csrf` |
//! | posyandu_detail | links | GET `/posyandu/{id}/sesi`, `/posyandu/anak/{id}` | |
//! | growth session | save the month's weighing | POST `/posyandu/{id}/sesi` | `date`, per child `w.<id>`, `l.<id>`, `p.<id>` (`L`/`H`), `h.<id>`, `a.<id>`, `csrf` |
//! | growth risk | filter | GET `/posyandu/gizi/risiko` | `month`, `posyandu`, `dusun` |
//! | growth risk | mark followed up | POST `/posyandu/gizi/risiko/{id}` | `month`, `note`, `csrf` |
//! | growth report | filter / CSV | GET `/posyandu/gizi/laporan`, `/posyandu/gizi/laporan.csv` (figures), `/posyandu/gizi/eppgbm.csv` (by name) | `month` |
//! | growth POS Gizi | enroll / deliver | POST `/posyandu/gizi/pos/daftar`, `/posyandu/gizi/pos/antar` | `child`, `reason` / `child` (several), `date`, `time`, `what`, `delivered_by`, `csrf` |
//! | health | every health page (imunisasi, ibu hamil, telemedis, apotek, antar, rekam kesehatan) | the `action` of each `HealthForm` | its `Field` names, `csrf` |

pub mod charts;
pub mod common;
pub mod i18n;
pub mod layout;
pub mod pages;
pub mod resident;
pub mod style;
pub mod widgets;

pub use charts::GrowthChart;
pub use common::{
    FieldMessage, Flash, FlashKind, HistoryEntry, NavItem, Pagination, Shell, UserBadge, VillageProfile, mask_nik,
};
pub use i18n::{Lang, t, tf};
pub use pages::audit::{AuditFilter, AuditProps, AuditRow, ChainCheck, render_audit};
pub use pages::backup::{
    BackupNotice, BackupProps, BackupRunRow, RecoverySheetProps, UplinkRow, render_backup, render_recovery_sheet,
};
pub use pages::dashboard::{ActivityItem, DashboardCounts, DashboardProps, LetterFigures, render_dashboard};
pub use pages::devices::{DeviceRow, DevicesProps, IssuedCredential, render_devices};
pub use pages::duplicates::{DuplicateCase, DuplicateClaim, DuplicatesProps, default_choices, render_duplicates};
pub use pages::family_detail::{FamilyDetailProps, FamilyMember, KkChangeForm, KkHistoryEntry, render_family_detail};
pub use pages::farming::{FarmingProps, FieldCard, render_farming};
pub use pages::growth::{
    ChildGrowthProps, GrowthRow, PosGiziChild, PosGiziProps, REPORT_COLUMNS, ReportLine, ReportProps, RiskProps,
    RiskRow, SessionLine, SessionProps, render_child_growth, render_pos_gizi, render_report, render_risk,
    render_session,
};
pub use pages::health::{
    HealthCell, HealthFilter, HealthForm, HealthPageProps, HealthSection, HealthTable, render_health_page,
};
pub use pages::import::{ImportError, ImportProps, ImportSummary, render_import};
pub use pages::kiosk::{KioskProps, render_kiosk};
pub use pages::landing::{LandingProps, render_landing};
pub use pages::letters::{
    DetailActions, FormField, FormFieldKind, LetterDetailProps, LetterInboxProps, LetterPreview, LetterTypeItem,
    LetterTypesAdminProps, PreviewBlock, RequestFormProps, RequestRow, RequestStatusProps, ResidentLettersProps,
    StepRow, TemplateEditorProps, VerifyProps, VerifyResult, render_letter_detail, render_letter_inbox,
    render_letter_types, render_request_form, render_request_status, render_resident_letters, render_template_editor,
    render_verify,
};
pub use pages::message::{ErrorProps, MessageProps, render_error, render_message};
pub use pages::outbox::{OutboxProps, OutboxRow, render_outbox};
pub use pages::posyandu::{
    ChildRow, PosyanduDetailProps, PosyanduListProps, PosyanduRow, render_posyandu_detail, render_posyandu_list,
};
pub use pages::queue_board::{
    BOARD_JS, QUEUE_CSS, QueueBoardCall, QueueBoardCounter, QueueBoardProps, QueueBoardWaiting, render_queue_board,
};
pub use pages::queue_desk::{
    QueueDeskProps, QueueDeskTicket, QueueFiguresView, QueueServicesProps, render_queue_desk, render_queue_services,
};
pub use pages::queue_kiosk::{
    QueueKioskProps, QueueService, QueueTicketProps, render_queue_kiosk, render_queue_ticket,
};
pub use pages::reauth::{ReauthProps, render_reauth};
pub use pages::resident_detail::{
    KtpCardRow, KtpCardSection, LifeEventForm, ResidentDetailProps, render_resident_detail,
};
pub use pages::resident_form::{ResidentFormProps, render_resident_form};
pub use pages::resident_list::{ResidentListProps, ResidentRow, render_resident_list};
pub use pages::search_results::{SearchFamily, SearchProps, SearchResident, render_search_results};
pub use pages::sessions::{SessionRow, SessionsProps, render_sessions};
pub use pages::settings::{SettingsProps, render_settings};
pub use pages::signin::{SigninProps, render_signin};
pub use pages::statistics::{StatisticsProps, render_statistics};
pub use pages::subject_access::{SubjectAccessProps, render_subject_access};
pub use pages::users::{IssuedPin, UserRow, UsersProps, render_users};
pub use resident::{CodeTables, FIELDS, FieldKind, FieldSpec, Group, ResidentFields};
pub use style::CSS;
pub use widgets::{Control, Field};

#[cfg(test)]
mod tests;
