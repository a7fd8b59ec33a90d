//! Instance-wide settings shared by every process on one database.

use async_trait::async_trait;
use diesel::prelude::*;
use vitrine_domain::ports::SettingsRepository;
use vitrine_domain::Result;

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::schema::settings;
use crate::Db;

#[async_trait]
impl SettingsRepository for Db {
    async fn setting_or_insert(&self, name: &str, candidate: String) -> Result<String> {
        let name = name.to_owned();
        self.write(move |conn| {
            let row = (settings::name.eq(&name), settings::value.eq(&candidate));
            // Two instances starting together may both try; the first insert wins and
            // both read the winner back.
            match conn {
                AnyConnection::Pg(c) => diesel::insert_into(settings::table)
                    .values(row)
                    .on_conflict_do_nothing()
                    .execute(c),
                AnyConnection::Sqlite(c) => diesel::insert_into(settings::table)
                    .values(row)
                    .on_conflict_do_nothing()
                    .execute(c),
            }
            .map_err(query_err)?;
            settings::table
                .find(&name)
                .select(settings::value)
                .first(conn)
                .map_err(query_err)
        })
        .await
    }
}
