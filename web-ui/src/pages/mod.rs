//! One module per page: its props, its component and its `render_*` function.

pub mod audit;
pub mod dashboard;
pub mod duplicates;
pub mod family_detail;
pub mod health;
pub mod import;
pub mod kiosk;
pub mod landing;
pub mod letters;
pub mod message;
pub mod outbox;
pub mod posyandu;
pub mod queue_board;
pub mod queue_desk;
pub mod queue_kiosk;
pub mod reauth;
pub mod resident_detail;
pub mod resident_form;
pub mod resident_list;
pub mod search_results;
pub mod sessions;
pub mod settings;
pub mod signin;
pub mod statistics;
pub mod subject_access;
pub mod users;
