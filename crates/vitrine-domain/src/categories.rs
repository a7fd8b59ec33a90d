//! Spec 5's categories: a short list an administrator keeps (`GET/POST
//! /api/v1/categories`); an upload may name one by its integer id, and listings filter by it.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDateTime;

use crate::clock::Clock;
use crate::user::{Principal, Scope};
use crate::{DomainError, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
/// A category spec 5's uploads may name.
pub struct Category {
    /// Its id.
    pub id: i32,
    /// Its name.
    pub name: String,
    /// When it was made.
    pub created_at: NaiveDateTime,
}

/// Where categories are kept.
#[async_trait]
pub trait CategoryRepository: Send + Sync {
    /// Every category, by name.
    async fn categories(&self) -> Result<Vec<Category>>;
    /// A new category; a name already taken is a `Conflict`.
    async fn insert_category(&self, name: &str, at: NaiveDateTime) -> Result<Category>;
    /// Whether a category with this id exists.
    async fn category_exists(&self, id: i32) -> Result<bool>;
}

/// The categories use case.
#[derive(Clone)]
pub struct Categories {
    repo: Arc<dyn CategoryRepository>,
    clock: Arc<dyn Clock>,
}

impl Categories {
    /// The category use cases over their repository.
    pub fn new(repo: Arc<dyn CategoryRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { repo, clock }
    }

    /// Every caller may read the list: uploaders pick from it.
    pub async fn list(&self, who: &Principal) -> Result<Vec<Category>> {
        who.require(Scope::MediaRead)?;
        self.repo.categories().await
    }

    /// Administrators only; names are 1 to 100 characters and unique.
    pub async fn create(&self, who: &Principal, name: &str) -> Result<Category> {
        who.require(Scope::Admin)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(DomainError::invalid_field("name", "1 to 100 characters"));
        }
        self.repo.insert_category(name, self.clock.now()).await
    }

    /// Whether category `id` exists, checked before an upload is committed.
    pub async fn exists(&self, id: i32) -> Result<bool> {
        self.repo.category_exists(id).await
    }
}
