//! Every HTTP and command-line scenario, in one test binary so the suite links once.

// In tests a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod account_api;
mod archives;
mod auth;
mod by_project;
mod checked_credentials;
mod cli;
mod connections;
mod dashboard;
mod downloads;
mod expiry_everywhere;
mod galleries;
mod gallery_media;
mod gallery_pages;
mod lifecycle;
mod listing;
mod listing_totals;
mod media_jobs;
mod metrics;
mod object_store;
mod openapi;
mod organise;
mod pool_health;
mod project_counts;
mod project_races;
mod projects;
mod quota;
mod races;
mod share_privacy;
mod shares;
mod signed_urls;
mod sweeper;
mod transfer;
mod trash;
mod two_instances;
mod upload_v1;
mod upload_v1_fields;
mod upload_v1_pages;
mod uploads;
mod variants;
