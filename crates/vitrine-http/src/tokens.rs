//! JWT access tokens: HS256 with a secret every instance shares.

use std::time::Duration;

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use vitrine_domain::user::Scopes;
use vitrine_domain::{DomainError, Result, UserId};

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    scope: String,
    iat: i64,
    exp: i64,
}

#[derive(Clone)]
pub struct TokenIssuer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl: Duration,
}

impl TokenIssuer {
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            ttl,
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    pub fn issue(&self, user: &UserId, scopes: &Scopes, now: i64) -> Result<String> {
        let claims = Claims {
            sub: user.to_string(),
            scope: scopes.to_string(),
            iat: now,
            exp: now + self.ttl.as_secs() as i64,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(DomainError::internal)
    }

    /// The user and scopes of a valid, unexpired token; anything else is 401.
    pub fn verify(&self, token: &str) -> Result<(UserId, Scopes)> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        let data = decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|_| DomainError::Unauthorized)?;
        let scopes =
            Scopes::parse_list(&data.claims.scope).map_err(|_| DomainError::Unauthorized)?;
        Ok((UserId::from(data.claims.sub), scopes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_round_trips_and_a_foreign_one_is_refused() {
        let issuer = TokenIssuer::new(b"one secret", Duration::from_secs(600));
        let scopes = Scopes::parse_list("media:read").unwrap();
        let now = chrono::Utc::now().timestamp();
        let token = issuer
            .issue(&UserId::from("usr_a".to_owned()), &scopes, now)
            .unwrap();
        let (user, back) = issuer.verify(&token).unwrap();
        assert_eq!(user.as_str(), "usr_a");
        assert_eq!(back, scopes);
        let other = TokenIssuer::new(b"another secret", Duration::from_secs(600));
        assert!(other.verify(&token).is_err());
    }

    #[test]
    fn an_expired_token_is_refused() {
        let issuer = TokenIssuer::new(b"secret", Duration::from_secs(1));
        let long_ago = chrono::Utc::now().timestamp() - 3600;
        let token = issuer
            .issue(
                &UserId::from("usr_a".to_owned()),
                &Scopes::default(),
                long_ago,
            )
            .unwrap();
        assert!(issuer.verify(&token).is_err());
    }
}
