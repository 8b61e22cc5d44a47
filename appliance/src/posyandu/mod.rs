//! Posyandu (pos pelayanan terpadu: the monthly child-health post run by
//! volunteer kader): the posts, the children they follow, and (in later
//! modules) weighings, WHO z-scores and the growth chart.
//!
//! The child record is shared by the health domains (immunization, the
//! resident's health record): they read it through `operations`, they never
//! write it.

pub mod category;
pub mod demo;
pub mod kbm;
pub mod model;
pub mod operations;
pub mod report;
pub mod risk;
pub mod routes;
pub mod spreadsheet;
pub mod views;
pub mod zscore;
