//! Users and API keys.

use async_trait::async_trait;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use vitrine_domain::ports::{NewUser, UserRepository};
use vitrine_domain::user::{ApiKeyInfo, Plan, Role, Scopes, User, UserRecord, API_KEY_ID_LEN};
use vitrine_domain::{DomainError, Result, UserId};

use crate::connection::AnyConnection;
use crate::error::query_err;
use crate::schema::{api_keys, users};
use crate::Db;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub(crate) struct UserRow {
    id: String,
    name: String,
    password_hash: String,
    role: String,
    plan: String,
    bytes_used: i64,
    created_at: NaiveDateTime,
}

impl TryFrom<UserRow> for UserRecord {
    type Error = DomainError;

    fn try_from(row: UserRow) -> Result<Self> {
        Ok(UserRecord {
            user: User {
                id: UserId::from(row.id),
                name: row.name,
                role: row.role.parse()?,
                plan: row.plan.parse()?,
                created_at: row.created_at,
            },
            password_hash: row.password_hash,
        })
    }
}

fn to_user(row: UserRow) -> Result<User> {
    UserRecord::try_from(row).map(|record| record.user)
}

/// The user called `name` as stored now; 404 when there is none.
fn user_named(conn: &mut AnyConnection, name: &str) -> Result<User> {
    users::table
        .filter(users::name.eq(name))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
        .map_err(query_err)?
        .ok_or(DomainError::NotFound("user"))
        .and_then(to_user)
}

#[async_trait]
impl UserRepository for Db {
    async fn insert_user(&self, user: NewUser) -> Result<User> {
        let row = UserRow {
            id: UserId::generate().to_string(),
            name: user.name,
            password_hash: user.password_hash,
            role: user.role.to_string(),
            plan: user.plan.to_string(),
            bytes_used: 0,
            created_at: user.created_at,
        };
        self.write(move |conn| {
            diesel::insert_into(users::table)
                .values(&row)
                .execute(conn)
                .map_err(
                    |err| match DomainError::from(crate::StorageError::from(err)) {
                        DomainError::Conflict(_) => DomainError::Conflict(format!(
                            "a user named '{}' already exists",
                            row.name
                        )),
                        other => other,
                    },
                )?;
            to_user(row)
        })
        .await
    }

    async fn user_by_name(&self, name: &str) -> Result<Option<UserRecord>> {
        let name = name.to_owned();
        self.run(move |conn| {
            users::table
                .filter(users::name.eq(name))
                .select(UserRow::as_select())
                .first(conn)
                .optional()
                .map_err(query_err)?
                .map(UserRecord::try_from)
                .transpose()
        })
        .await
    }

    async fn user_by_id(&self, id: &UserId) -> Result<Option<User>> {
        let id = id.to_string();
        self.run(move |conn| {
            users::table
                .find(id)
                .select(UserRow::as_select())
                .first(conn)
                .optional()
                .map_err(query_err)?
                .map(to_user)
                .transpose()
        })
        .await
    }

    async fn set_plan(&self, name: &str, plan: Plan) -> Result<User> {
        let name = name.to_owned();
        self.write(move |conn| {
            diesel::update(users::table.filter(users::name.eq(&name)))
                .set(users::plan.eq(plan.as_str()))
                .execute(conn)
                .map_err(query_err)?;
            user_named(conn, &name)
        })
        .await
    }

    async fn set_role(&self, name: &str, role: Role) -> Result<User> {
        let name = name.to_owned();
        self.write(move |conn| {
            diesel::update(users::table.filter(users::name.eq(&name)))
                .set(users::role.eq(role.as_str()))
                .execute(conn)
                .map_err(query_err)?;
            user_named(conn, &name)
        })
        .await
    }

    async fn users(&self, limit: i64) -> Result<Vec<User>> {
        self.run(move |conn| {
            users::table
                .order(users::name)
                .limit(limit)
                .select(UserRow::as_select())
                .load(conn)
                .map_err(query_err)?
                .into_iter()
                .map(to_user)
                .collect()
        })
        .await
    }

    async fn insert_api_key(
        &self,
        owner: &UserId,
        key_hash: &str,
        scopes: &Scopes,
        at: NaiveDateTime,
    ) -> Result<()> {
        let values = (
            api_keys::key_hash.eq(key_hash.to_owned()),
            api_keys::user_id.eq(owner.to_string()),
            api_keys::scopes.eq(scopes.to_string()),
            api_keys::created_at.eq(at),
        );
        self.write(move |conn| {
            diesel::insert_into(api_keys::table)
                .values(values)
                .execute(conn)
                .map(|_| ())
                .map_err(query_err)
        })
        .await
    }

    async fn user_by_api_key(&self, key_hash: &str) -> Result<Option<(User, Scopes)>> {
        let key_hash = key_hash.to_owned();
        self.run(move |conn| {
            let found: Option<(UserRow, String)> = api_keys::table
                .inner_join(users::table)
                .filter(api_keys::key_hash.eq(key_hash))
                .filter(api_keys::revoked_at.is_null())
                .select((UserRow::as_select(), api_keys::scopes))
                .first(conn)
                .optional()
                .map_err(query_err)?;
            found
                .map(|(row, scopes)| Ok((to_user(row)?, Scopes::parse_list(&scopes)?)))
                .transpose()
        })
        .await
    }

    async fn revoke_api_key(
        &self,
        owner: &UserId,
        key_hash: &str,
        at: NaiveDateTime,
    ) -> Result<()> {
        let (owner, key_hash) = (owner.to_string(), key_hash.to_owned());
        self.write(move |conn| {
            let changed = diesel::update(
                api_keys::table
                    .filter(api_keys::key_hash.eq(key_hash))
                    .filter(api_keys::user_id.eq(owner)),
            )
            .set(api_keys::revoked_at.eq(Some(at)))
            .execute(conn)
            .map_err(query_err)?;
            if changed == 0 {
                return Err(DomainError::NotFound("API key"));
            }
            Ok(())
        })
        .await
    }

    async fn api_keys(&self, owner: &UserId) -> Result<Vec<ApiKeyInfo>> {
        let owner = owner.to_string();
        self.run(move |conn| {
            let rows: Vec<(String, String, NaiveDateTime)> = api_keys::table
                .filter(api_keys::user_id.eq(owner))
                .filter(api_keys::revoked_at.is_null())
                .order((api_keys::created_at.desc(), api_keys::key_hash))
                .select((api_keys::key_hash, api_keys::scopes, api_keys::created_at))
                .load(conn)
                .map_err(query_err)?;
            rows.into_iter()
                .map(|(hash, scopes, created_at)| {
                    Ok(ApiKeyInfo {
                        id: hash.chars().take(API_KEY_ID_LEN).collect(),
                        scopes: Scopes::parse_list(&scopes)?,
                        created_at,
                    })
                })
                .collect()
        })
        .await
    }

    async fn revoke_api_key_by_id(
        &self,
        owner: &UserId,
        id: &str,
        at: NaiveDateTime,
    ) -> Result<()> {
        // Ids are hex digits only, so the pattern holds no wildcard of the caller's.
        if id.len() != API_KEY_ID_LEN || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(DomainError::NotFound("API key"));
        }
        let (owner, pattern) = (owner.to_string(), format!("{}%", id.to_ascii_lowercase()));
        self.write(move |conn| {
            let changed = diesel::update(
                api_keys::table
                    .filter(api_keys::key_hash.like(pattern))
                    .filter(api_keys::user_id.eq(owner))
                    .filter(api_keys::revoked_at.is_null()),
            )
            .set(api_keys::revoked_at.eq(Some(at)))
            .execute(conn)
            .map_err(query_err)?;
            if changed == 0 {
                return Err(DomainError::NotFound("API key"));
            }
            Ok(())
        })
        .await
    }
}
