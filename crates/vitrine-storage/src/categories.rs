//! Spec 5's categories.

use async_trait::async_trait;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use vitrine_domain::categories::{Category, CategoryRepository};
use vitrine_domain::{DomainError, Result};

use crate::connection::AnyConnection;
use crate::db::Db;
use crate::error::query_err;
use crate::schema::categories;

#[async_trait]
impl CategoryRepository for Db {
    async fn categories(&self) -> Result<Vec<Category>> {
        let rows: Vec<(i32, String, NaiveDateTime)> = self
            .run(|conn| {
                categories::table
                    .order(categories::name)
                    .select((categories::id, categories::name, categories::created_at))
                    .load(conn)
                    .map_err(query_err)
            })
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, created_at)| Category {
                id,
                name,
                created_at,
            })
            .collect())
    }

    async fn insert_category(&self, name: &str, at: NaiveDateTime) -> Result<Category> {
        let name = name.to_owned();
        self.write(move |conn| {
            let insert = diesel::insert_into(categories::table)
                .values((categories::name.eq(&name), categories::created_at.eq(at)))
                .returning(categories::id);
            let id: i32 = match conn {
                AnyConnection::Pg(c) => insert.get_result(c),
                AnyConnection::Sqlite(c) => insert.get_result(c),
            }
            .map_err(query_err)
            .map_err(|err| match err {
                DomainError::Conflict(_) => {
                    DomainError::Conflict(format!("a category named {name:?} exists"))
                }
                other => other,
            })?;
            Ok(Category {
                id,
                name,
                created_at: at,
            })
        })
        .await
    }

    async fn category_exists(&self, id: i32) -> Result<bool> {
        self.run(move |conn| {
            diesel::select(diesel::dsl::exists(
                categories::table.filter(categories::id.eq(id)),
            ))
            .get_result(conn)
            .map_err(query_err)
        })
        .await
    }
}
