//! Signed media URLs: `/media/{id}/{variant}?exp=…&sig=…`. The signature binds the item,
//! the variant and the expiry, so a URL cannot be stretched in time or pointed elsewhere.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The "variant" a share cookie signs, so it can never pass for a media URL signature.
const SHARE_PASS: &str = "share-pass";

#[derive(Clone)]
pub struct UrlSigner {
    /// Keyed once; each signature starts from a clone.
    keyed: HmacSha256,
    base_url: String,
    ttl: Duration,
}

impl UrlSigner {
    pub fn new(
        secret: &[u8],
        base_url: &str,
        ttl: Duration,
    ) -> Result<Self, hmac::digest::InvalidLength> {
        Ok(Self {
            keyed: HmacSha256::new_from_slice(secret)?,
            base_url: base_url.trim_end_matches('/').to_owned(),
            ttl,
        })
    }

    fn mac(&self, item: &str, variant: &str, expires: i64) -> HmacSha256 {
        let mut mac = self.keyed.clone();
        mac.update(item.as_bytes());
        mac.update(b"\n");
        mac.update(variant.as_bytes());
        mac.update(b"\n");
        mac.update(expires.to_string().as_bytes());
        mac
    }

    /// An absolute URL valid for the configured time from `now` (unix seconds).
    pub fn url(&self, item: &str, variant: &str, now: i64) -> String {
        let expires = now + self.ttl.as_secs() as i64;
        let digest = self.mac(item, variant, expires).finalize().into_bytes();
        let expires = expires.to_string();
        // Pages sign thousands of URLs at a time (spec 4): one allocation per URL, hex
        // digits written straight into it.
        let mut url = String::with_capacity(
            self.base_url.len() + item.len() + variant.len() + expires.len() + 84,
        );
        for part in [
            &self.base_url,
            "/media/",
            item,
            "/",
            variant,
            "?exp=",
            &expires,
            "&sig=",
        ] {
            url.push_str(part);
        }
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for byte in digest {
            url.push(char::from(HEX[usize::from(byte >> 4)]));
            url.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
        url
    }

    /// A cookie value proving a share's password was given, valid until `expires`:
    /// `{expires}.{signature}`, bound to the share so it opens no other.
    pub fn share_pass(&self, share: &str, expires: i64) -> String {
        let sig = self.mac(share, SHARE_PASS, expires).finalize().into_bytes();
        format!("{expires}.{}", hex::encode(sig))
    }

    pub fn verify_share_pass(&self, share: &str, value: &str, now: i64) -> bool {
        let Some((expires, sig)) = value.split_once('.') else {
            return false;
        };
        let Ok(expires) = expires.parse() else {
            return false;
        };
        self.verify(share, SHARE_PASS, expires, sig, now)
    }

    /// Checks signature and expiry in constant time.
    pub fn verify(&self, item: &str, variant: &str, expires: i64, sig: &str, now: i64) -> bool {
        let Ok(sig) = hex::decode(sig) else {
            return false;
        };
        expires >= now && self.mac(item, variant, expires).verify_slice(&sig).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(url: &str) -> (String, i64, String) {
        let (path, query) = url.split_once('?').unwrap();
        let item = path.split('/').nth(4).unwrap().to_owned();
        let mut exp = 0;
        let mut sig = String::new();
        for pair in query.split('&') {
            match pair.split_once('=').unwrap() {
                ("exp", v) => exp = v.parse().unwrap(),
                ("sig", v) => sig = v.to_owned(),
                _ => {}
            }
        }
        (item, exp, sig)
    }

    #[test]
    fn a_signed_url_verifies_until_it_expires() {
        let signer = UrlSigner::new(b"secret", "http://h:1/", Duration::from_secs(60)).unwrap();
        let url = signer.url("gal_a", "original", 1000);
        assert!(url.starts_with("http://h:1/media/gal_a/original?exp=1060&sig="));
        let (item, exp, sig) = parts(&url);
        assert!(signer.verify(&item, "original", exp, &sig, 1060));
        assert!(!signer.verify(&item, "original", exp, &sig, 1061));
    }

    #[test]
    fn a_share_pass_opens_only_its_share_until_it_expires() {
        let signer = UrlSigner::new(b"secret", "http://h", Duration::from_secs(60)).unwrap();
        let pass = signer.share_pass("shr_a", 100);
        assert!(signer.verify_share_pass("shr_a", &pass, 100));
        assert!(!signer.verify_share_pass("shr_a", &pass, 101));
        assert!(!signer.verify_share_pass("shr_b", &pass, 50));
        assert!(!signer.verify_share_pass("shr_a", "100.00", 50));
        assert!(!signer.verify_share_pass("shr_a", "garbage", 50));
    }

    #[test]
    fn changing_any_part_breaks_the_signature() {
        let signer = UrlSigner::new(b"secret", "http://h", Duration::from_secs(60)).unwrap();
        let (item, exp, sig) = parts(&signer.url("gal_a", "original", 0));
        assert!(!signer.verify("gal_b", "original", exp, &sig, 0));
        assert!(!signer.verify(&item, "thumb", exp, &sig, 0));
        assert!(!signer.verify(&item, "original", exp + 1, &sig, 0));
        let other = UrlSigner::new(b"other", "http://h", Duration::from_secs(60)).unwrap();
        assert!(!other.verify(&item, "original", exp, &sig, 0));
    }
}
