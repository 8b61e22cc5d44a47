//! The shared context every handler, worker and CLI command gets: config, the
//! store, the search index, the sign-in throttle. Built once at start.

use crate::auth::operations::Throttle;
use crate::config::Config;
use crate::http::rate_limit::RateLimit;
use crate::letters::seal::LetterKey;
use crate::residents::model::Resident;
use crate::residents::stats::Stats;
use crate::search::{SearchHit, SearchIndex};
use crate::store::Store;
use std::sync::{Arc, Mutex};

pub struct App {
    pub config: Config,
    pub store: Store,
    pub search: SearchIndex,
    pub throttle: Throttle,
    /// PEM of the box's CA, served at /ca.crt.
    pub ca_pem: String,
    /// Statistics as of a change-log sequence.
    pub stats: Mutex<Option<(u64, Arc<Stats>)>>,
    /// The Ed25519 key letters are sealed with (`<data-dir>/keys/`).
    pub letter_key: LetterKey,
    /// Public tracking-code lookups per client address.
    pub tracking_limit: RateLimit,
    /// Letter service figures as of a change-log sequence.
    pub letter_figures: Mutex<Option<(u64, Arc<crate::letters::operations::ServiceFigures>)>>,
    /// The queue's live event stream and ticket limit.
    pub queue: crate::queue::live::Live,
    /// The MQTT broker and its counters, once `serve` started it.
    pub mqtt: std::sync::OnceLock<Arc<crate::telemetry::operations::Mqtt>>,
}

impl App {
    /// Opens the store and the search index (rebuilding the index from the
    /// change log if it is missing, corrupt or behind).
    pub fn open(config: Config) -> anyhow::Result<App> {
        std::fs::create_dir_all(&config.data_dir)?;
        let store = Store::open(&config.data_dir.join("store"))?;
        let search = SearchIndex::open(&config.data_dir.join("search"))?;
        let throttle = Throttle::new(config.auth.max_failed_per_hour);
        let letter_key = LetterKey::load_or_create(&config.data_dir.join("keys"))?;
        let queue = crate::queue::live::Live::new(&config);
        let app = App {
            config,
            store,
            search,
            throttle,
            ca_pem: String::new(),
            stats: Mutex::new(None),
            letter_key,
            tracking_limit: RateLimit::new(30, std::time::Duration::from_secs(600)),
            letter_figures: Mutex::new(None),
            queue,
            mqtt: std::sync::OnceLock::new(),
        };
        crate::village::operations::seed_from_config(&app.store, &app.config)?;
        crate::letters::operations::seed(&app.store)?;
        crate::queue::operations::seed_services(&app.store)?;
        crate::files::operations::sweep_temporary(&crate::files::operations::files_dir(&app.config));
        app.index_now();
        Ok(app)
    }

    /// Brings the search index up to the store's latest write.
    pub fn index_now(&self) {
        let store = &self.store;
        let started = std::time::Instant::now();
        let from = self.search.indexed_seq();
        if let Err(e) = self.search.catch_up(store, |entry| crate::residents::operations::search_changes(store, entry))
        {
            tracing::error!(error = %e, "search indexing failed; the index will catch up at the next write or start");
        }
        let to = self.search.indexed_seq();
        if to > from + 1000 {
            tracing::info!(entries = to - from, ms = started.elapsed().as_millis() as u64, "search index caught up");
        }
    }

    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        self.search.search(query, limit).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "search failed");
            Vec::new()
        })
    }

    /// Residents only, as records, best match first.
    pub fn search_residents(&self, query: &str, limit: usize) -> Vec<Resident> {
        self.search(query, limit)
            .into_iter()
            .filter(|h| h.doc.kind == crate::search::DocKind::Resident)
            .filter_map(|h| crate::residents::operations::get(&self.store, &h.doc.id))
            .collect()
    }
}
