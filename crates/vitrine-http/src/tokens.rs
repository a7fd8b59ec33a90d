//! JWT access tokens: HS256 with a secret every instance shares. The dashboard's
//! sign-in sessions are the same tokens with a longer life, kept in a cookie, and each
//! session's CSRF token is derived from it with the same secret (`csrf_token`).

use std::time::Duration;

use hmac::{Hmac, Mac};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use vitrine_domain::ports::TokenVerifier;
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
    /// Keys the CSRF tokens with the same secret, so every instance derives the same token
    /// (HMAC takes a key of any length: never `None` in practice).
    csrf_keyed: Option<Hmac<sha2::Sha256>>,
    ttl: Duration,
}

impl TokenIssuer {
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            csrf_keyed: Hmac::new_from_slice(secret).ok(),
            ttl,
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    pub fn issue(&self, user: &UserId, scopes: &Scopes, now: i64) -> Result<String> {
        self.issue_for(user, scopes, now, self.ttl)
    }

    /// A token living `ttl` instead of the access tokens' life: a dashboard session.
    pub fn issue_for(
        &self,
        user: &UserId,
        scopes: &Scopes,
        now: i64,
        ttl: Duration,
    ) -> Result<String> {
        let claims = Claims {
            sub: user.to_string(),
            scope: scopes.to_string(),
            iat: now,
            exp: now + ttl.as_secs() as i64,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(DomainError::internal)
    }

    /// The CSRF token of a session (or of a sign-in form's nonce): an HMAC of it, so a
    /// page can be given it while the session itself stays in an `HttpOnly` cookie, and a
    /// site that cannot read our pages cannot produce it.
    pub fn csrf_token(&self, session: &str) -> String {
        self.csrf_mac(session)
            .map(|mac| hex::encode(mac.finalize().into_bytes()))
            .unwrap_or_default()
    }

    /// Whether `offered` is the CSRF token of `session`, compared in constant time.
    pub fn csrf_matches(&self, session: &str, offered: &str) -> bool {
        match (self.csrf_mac(session), hex::decode(offered)) {
            (Some(mac), Ok(bytes)) => mac.verify_slice(&bytes).is_ok(),
            _ => false,
        }
    }

    fn csrf_mac(&self, session: &str) -> Option<Hmac<sha2::Sha256>> {
        let mut mac = self.csrf_keyed.clone()?;
        mac.update(b"vitrine csrf\0");
        mac.update(session.as_bytes());
        Some(mac)
    }
}

impl TokenVerifier for TokenIssuer {
    /// Expiry is checked against the caller's `now` (the injected clock), not the system
    /// time the JWT library would read.
    fn verify(&self, token: &str, now: i64) -> Result<(UserId, Scopes)> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = false;
        let data = decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|_| DomainError::Unauthorized)?;
        if data.claims.exp < now {
            return Err(DomainError::Unauthorized);
        }
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
        let token = issuer
            .issue(&UserId::from("usr_a".to_owned()), &scopes, 1_000)
            .unwrap();
        let (user, back) = issuer.verify(&token, 1_000).unwrap();
        assert_eq!(user.as_str(), "usr_a");
        assert_eq!(back, scopes);
        let other = TokenIssuer::new(b"another secret", Duration::from_secs(600));
        assert!(other.verify(&token, 1_000).is_err());
    }

    #[test]
    fn a_token_expires_by_the_given_clock() {
        let issuer = TokenIssuer::new(b"secret", Duration::from_secs(60));
        let user = UserId::from("usr_a".to_owned());
        let token = issuer.issue(&user, &Scopes::default(), 1_000).unwrap();
        assert!(
            issuer.verify(&token, 1_060).is_ok(),
            "valid through its last second"
        );
        assert!(issuer.verify(&token, 1_061).is_err());
    }

    #[test]
    fn a_csrf_token_belongs_to_one_session_and_one_secret() {
        let issuer = TokenIssuer::new(b"secret", Duration::from_secs(60));
        let token = issuer.csrf_token("session one");
        assert!(issuer.csrf_matches("session one", &token));
        assert!(!issuer.csrf_matches("session two", &token));
        assert!(!issuer.csrf_matches("session one", "not hex"));
        assert!(!issuer.csrf_matches("session one", ""));
        let other = TokenIssuer::new(b"other secret", Duration::from_secs(60));
        assert!(!other.csrf_matches("session one", &token));
    }
}
