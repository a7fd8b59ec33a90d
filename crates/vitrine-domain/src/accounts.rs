//! The accounts use case: users, passwords, API keys.

use std::sync::{Arc, OnceLock};

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::attempts::{AttemptLimit, Attempts};
use crate::checked_credentials::CheckedCredentials;
use crate::clock::Clock;
use crate::limits::LoginLimits;
use crate::ports::{NewUser, Passwords, TokenVerifier, UserRepository};
use crate::user::{ApiKeyInfo, Plan, Principal, Role, Scope, Scopes, User, API_KEY_ID_LEN};
use crate::{DomainError, Result, UserId};

/// Every API key starts with this, so a leaked one is easy to spot in logs and scanners.
pub const API_KEY_PREFIX: &str = "vtr_";
const MIN_PASSWORD_LEN: usize = 8;

#[derive(Clone)]
/// Users, passwords, API keys and access tokens.
pub struct Accounts {
    users: Arc<dyn UserRepository>,
    passwords: Arc<dyn Passwords>,
    /// Access tokens; without a verifier only API keys work.
    tokens: Option<Arc<dyn TokenVerifier>>,
    /// Limits on wrong passwords; without them (the command line) none apply.
    logins: Option<(Attempts, LoginLimits)>,
    /// What keys are stamped with and tokens expire by.
    clock: Arc<dyn Clock>,
    /// Credentials checked lately; by default none, and every request asks the database.
    checked: CheckedCredentials,
}

impl Accounts {
    /// The account use cases over their repositories.
    pub fn new(
        users: Arc<dyn UserRepository>,
        passwords: Arc<dyn Passwords>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            users,
            passwords,
            tokens: None,
            logins: None,
            clock,
            checked: CheckedCredentials::new(std::time::Duration::ZERO),
        }
    }

    /// Trusts a checked credential for `ttl` without asking the database again: the
    /// bound on how long a key revoked or a plan changed elsewhere goes unseen (changes
    /// made through this value are seen at once). Zero trusts nothing.
    pub fn with_checked_credentials(mut self, ttl: std::time::Duration) -> Self {
        self.checked = CheckedCredentials::new(ttl);
        self
    }

    /// Also accepts access tokens, checked by `tokens`.
    pub fn with_tokens(mut self, tokens: Arc<dyn TokenVerifier>) -> Self {
        self.tokens = Some(tokens);
        self
    }

    /// Counts wrong passwords against `limits`.
    pub fn with_login_limits(mut self, attempts: Attempts, limits: LoginLimits) -> Self {
        self.logins = Some((attempts, limits));
        self
    }

    /// Who presents `credential` (an API key or an access token), with the scopes it
    /// grants: never more than the user's role allows now, whatever the credential says
    /// (a user may have been demoted since it was made). Anything else is `Unauthorized`.
    #[tracing::instrument(skip_all)]
    pub async fn authenticate(&self, credential: &str) -> Result<Principal> {
        if credential.starts_with(API_KEY_PREFIX) {
            return self.authenticate_api_key(credential).await;
        }
        let tokens = self.tokens.as_ref().ok_or(DomainError::Unauthorized)?;
        let now = self.clock.now().and_utc().timestamp();
        let (user_id, token_scopes) = tokens.verify(credential, now)?;
        let user = self
            .checked
            .user(&user_id, self.users.user_by_id(&user_id))
            .await?
            .ok_or(DomainError::Unauthorized)?;
        let scopes = token_scopes.intersect(&Scopes::all_for(user.role));
        Ok(Principal { user, scopes })
    }

    #[tracing::instrument(skip_all)]
    /// Adds a user; `Conflict` when the name is taken.
    pub async fn add_user(
        &self,
        name: &str,
        password: &str,
        role: Role,
        plan: Plan,
    ) -> Result<User> {
        let name = name.trim();
        if name.is_empty() || name.len() > 64 || name.contains(char::is_whitespace) {
            return Err(DomainError::invalid(
                "a user name is 1 to 64 characters without spaces",
            ));
        }
        if password.chars().count() < MIN_PASSWORD_LEN {
            return Err(DomainError::invalid(format!(
                "a password is at least {MIN_PASSWORD_LEN} characters"
            )));
        }
        let password_hash = self.passwords.hash(password).await?;
        self.users
            .insert_user(NewUser {
                name: name.to_owned(),
                password_hash,
                role,
                plan,
                created_at: self.clock.now(),
            })
            .await
    }

    /// Moves a user to another plan; only an administrator's credentials may. The new
    /// limit applies from the next upload: what is stored already stays.
    /// An admin moves a user to another plan.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn set_plan(&self, who: &Principal, name: &str, plan: Plan) -> Result<User> {
        who.require(Scope::Admin)?;
        self.operator_set_plan(name, plan).await
    }

    /// An admin makes someone an admin or takes it back; not their own role, so the last
    /// admin cannot lock everyone out by mistake.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn set_role(&self, who: &Principal, name: &str, role: Role) -> Result<User> {
        who.require(Scope::Admin)?;
        if name.trim() == who.user.name {
            return Err(DomainError::Conflict(
                "an admin cannot change their own role".into(),
            ));
        }
        let changed = self.users.set_role(name.trim(), role).await;
        self.checked.forget_all();
        changed
    }

    /// Every user, by name (an admin's list; at most `MAX_USERS_LISTED`).
    pub async fn users(&self, who: &Principal) -> Result<Vec<User>> {
        who.require(Scope::Admin)?;
        self.users.users(MAX_USERS_LISTED).await
    }

    /// An admin adds a user (the dashboard's Admin page); the same rules as the command line.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn admin_add_user(
        &self,
        who: &Principal,
        name: &str,
        password: &str,
        role: Role,
        plan: Plan,
    ) -> Result<User> {
        who.require(Scope::Admin)?;
        self.add_user(name, password, role, plan).await
    }

    /// The operator (the command line on the server) acting as `name`, with every scope
    /// the user's role allows: what `vitrine import` uploads as.
    pub async fn operator_principal(&self, name: &str) -> Result<Principal> {
        let record = self
            .users
            .user_by_name(name)
            .await?
            .ok_or(DomainError::NotFound("user"))?;
        let scopes = Scopes::all_for(record.user.role);
        Ok(Principal {
            user: record.user,
            scopes,
        })
    }

    /// The operator (the command line on the server) moves a user to another plan.
    #[tracing::instrument(skip_all)]
    pub async fn operator_set_plan(&self, name: &str, plan: Plan) -> Result<User> {
        let changed = self.users.set_plan(name, plan).await;
        self.checked.forget_all();
        changed
    }

    /// Checks a name and password from `client` (an address). Unknown names and wrong
    /// passwords answer alike and take as long: an unknown name is checked against a
    /// stand-in hash. Guesses count per account and per client before the check.
    #[tracing::instrument(skip_all)]
    pub async fn verify_password(&self, name: &str, password: &str, client: &str) -> Result<User> {
        let record = self.users.user_by_name(name).await?;
        let hash = record
            .as_ref()
            .map_or(stand_in_hash(), |r| r.password_hash.as_str());
        let check = self.passwords.verify(hash, password);
        let matched = match &self.logins {
            Some((attempts, limits)) => {
                let guarded = [
                    AttemptLimit::new(
                        format!("login:{}", name.trim().to_lowercase()),
                        limits.attempts_per_account,
                    ),
                    AttemptLimit::new(format!("login-client:{client}"), limits.attempts_per_client),
                ];
                attempts.guard(&guarded, limits.window, check).await?
            }
            None => check.await?,
        };
        match record {
            Some(record) if matched => Ok(record.user),
            _ => Err(DomainError::Unauthorized),
        }
    }

    /// Creates an API key for `user_name` and returns it in clear: the only time it exists so.
    /// `scopes` defaults to everything the user's role allows and never exceeds it.
    #[tracing::instrument(skip_all)]
    pub async fn create_api_key(&self, user_name: &str, scopes: Option<Scopes>) -> Result<String> {
        let record = self
            .users
            .user_by_name(user_name)
            .await?
            .ok_or(DomainError::NotFound("user"))?;
        let allowed = Scopes::all_for(record.user.role);
        let scopes = scopes.map_or(allowed.clone(), |asked| asked.intersect(&allowed));
        Ok(self.mint_key(&record.user.id, &scopes).await?.0)
    }

    /// A key for the caller (the dashboard's Account page), with no more than the caller's
    /// own scopes: a narrowed credential cannot make a wider one.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn create_own_key(
        &self,
        who: &Principal,
        scopes: Option<Scopes>,
    ) -> Result<(String, ApiKeyInfo)> {
        let scopes = scopes.map_or(who.scopes.clone(), |asked| asked.intersect(&who.scopes));
        if scopes.iter().next().is_none() {
            return Err(DomainError::invalid(
                "a key needs at least one scope the caller has",
            ));
        }
        self.mint_key(&who.user.id, &scopes).await
    }

    /// The caller's keys that still work, newest first; never the keys themselves.
    pub async fn own_keys(&self, who: &Principal) -> Result<Vec<ApiKeyInfo>> {
        self.users.api_keys(&who.user.id).await
    }

    /// Revokes one of the caller's keys by its id (`ApiKeyInfo::id`).
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn revoke_own_key(&self, who: &Principal, id: &str) -> Result<()> {
        let revoked = self
            .users
            .revoke_api_key_by_id(&who.user.id, id, self.clock.now())
            .await;
        self.checked.forget_all();
        revoked
    }

    async fn mint_key(&self, owner: &UserId, scopes: &Scopes) -> Result<(String, ApiKeyInfo)> {
        let mut secret = [0u8; 32];
        OsRng.fill_bytes(&mut secret);
        let key = format!("{API_KEY_PREFIX}{}", hex::encode(secret));
        let hash = api_key_hash(&key);
        let created_at = self.clock.now();
        self.users
            .insert_api_key(owner, &hash, scopes, created_at)
            .await?;
        let info = ApiKeyInfo {
            id: hash[..API_KEY_ID_LEN].to_owned(),
            scopes: scopes.clone(),
            created_at,
        };
        Ok((key, info))
    }

    /// Revokes one of `user_name`'s keys: refused at once through this value, and by
    /// other processes once they stop trusting what they checked (`with_checked_credentials`).
    #[tracing::instrument(skip_all)]
    pub async fn revoke_api_key(&self, user_name: &str, key: &str) -> Result<()> {
        let record = self
            .users
            .user_by_name(user_name)
            .await?
            .ok_or(DomainError::NotFound("user"))?;
        let revoked = self
            .users
            .revoke_api_key(&record.user.id, &api_key_hash(key), self.clock.now())
            .await;
        self.checked.forget_all();
        revoked
    }

    async fn authenticate_api_key(&self, key: &str) -> Result<Principal> {
        let hash = api_key_hash(key);
        let (user, key_scopes) = self
            .checked
            .key(&hash, self.users.user_by_api_key(&hash))
            .await?
            .ok_or(DomainError::Unauthorized)?;
        // A key made before a demotion keeps no more than the role now allows.
        let scopes = key_scopes.intersect(&Scopes::all_for(user.role));
        Ok(Principal { user, scopes })
    }
}

/// Users one admin list shows at most: a self-hosted server has a handful to hundreds.
pub const MAX_USERS_LISTED: i64 = 1000;

/// A hash no password matches in practice, with the same cost as real ones: what an unknown
/// name is checked against, so it answers as slowly as a wrong password.
fn stand_in_hash() -> &'static str {
    static STAND_IN: OnceLock<String> = OnceLock::new();
    STAND_IN.get_or_init(|| {
        let mut secret = [0u8; 32];
        OsRng.fill_bytes(&mut secret);
        hash_password(&hex::encode(secret)).unwrap_or_default()
    })
}

/// Hashes a password with argon2 (a PHC string, salted).
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(DomainError::internal)
}

/// Checks `password` against an argon2 hash in PHC form, in constant time.
pub fn password_matches(hash: &str, password: &str) -> Result<bool> {
    let parsed = PasswordHash::new(hash).map_err(DomainError::internal)?;
    Ok(Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

/// Keys carry 256 random bits, so one SHA-256 is enough to store them safely: unlike
/// passwords there is nothing to brute-force, and lookups stay a single index probe.
pub fn api_key_hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hashes_are_argon2id_and_salted() {
        let a = hash_password("correct horse").unwrap();
        let b = hash_password("correct horse").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b);
    }
}
