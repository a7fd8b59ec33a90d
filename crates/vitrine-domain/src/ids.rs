//! Opaque string IDs, one newtype per record kind so they cannot be mixed up.

use rand::distributions::{Alphanumeric, DistString};
use serde::{Deserialize, Serialize};

macro_rules! string_id {
    ($name:ident, $prefix:literal) => {
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[doc = concat!("The id of a record of its kind: `", $prefix, "` and 20 letters or digits.")]
        pub struct $name(String);

        impl $name {
            /// A fresh random ID: the prefix and 20 alphanumerics (~119 bits).
            pub fn generate() -> Self {
                let mut rng = rand::thread_rng();
                Self(format!(
                    "{}{}",
                    $prefix,
                    Alphanumeric.sample_string(&mut rng, 20)
                ))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(raw: String) -> Self {
                Self(raw)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_id!(ItemId, "gal_");
string_id!(UserId, "usr_");
string_id!(BlobId, "blb_");
string_id!(ApiKeyId, "key_");
string_id!(TagId, "tag_");
string_id!(FolderId, "fld_");
string_id!(CollectionId, "col_");
string_id!(ShareId, "shr_");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_carry_their_prefix_and_differ() {
        let a = ItemId::generate();
        let b = ItemId::generate();
        assert!(a.as_str().starts_with("gal_"));
        assert_eq!(a.as_str().len(), 24);
        assert_ne!(a, b);
    }
}
