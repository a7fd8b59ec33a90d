//! Users, their roles, plans and the scopes that credentials carry.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDateTime;

use crate::{DomainError, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// What a user may do beyond their own library.
pub enum Role {
    /// Every scope, `admin` included: users, plans, languages, categories.
    Admin,
    /// Their own library only.
    User,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// How many bytes a user may store.
pub enum Plan {
    /// 1 GB by default.
    Free,
    /// 50 GB by default.
    Pro,
    /// Unlimited by default.
    Enterprise,
}

/// What a credential may do (docs/API.md lists them); spec 3's galleries permissions are real scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// `media:read`: see items, folders, collections.
    MediaRead,
    /// `media:write`: upload and change items, folders, collections.
    MediaWrite,
    /// `media:delete`: trash, restore and delete items and folders.
    MediaDelete,
    /// `shares:write`: make, list and revoke share links.
    SharesWrite,
    /// `galleries:read`: see ordered galleries.
    GalleriesRead,
    /// `galleries:create`: make galleries.
    GalleriesCreate,
    /// `galleries:update`: change galleries, their texts and media.
    GalleriesUpdate,
    /// `galleries:delete`: delete galleries.
    GalleriesDelete,
    /// `projects:read`: see projects, groups and the board.
    ProjectsRead,
    /// `projects:write`: change projects, groups, placements and reviews.
    ProjectsWrite,
    /// `admin`: users, plans, roles, languages, categories.
    Admin,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 11] = [
        Scope::MediaRead,
        Scope::MediaWrite,
        Scope::MediaDelete,
        Scope::SharesWrite,
        Scope::GalleriesRead,
        Scope::GalleriesCreate,
        Scope::GalleriesUpdate,
        Scope::GalleriesDelete,
        Scope::ProjectsRead,
        Scope::ProjectsWrite,
        Scope::Admin,
    ];

    /// The scope's name (`media:read`…).
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::MediaRead => "media:read",
            Scope::MediaWrite => "media:write",
            Scope::MediaDelete => "media:delete",
            Scope::SharesWrite => "shares:write",
            Scope::GalleriesRead => "galleries:read",
            Scope::GalleriesCreate => "galleries:create",
            Scope::GalleriesUpdate => "galleries:update",
            Scope::GalleriesDelete => "galleries:delete",
            Scope::ProjectsRead => "projects:read",
            Scope::ProjectsWrite => "projects:write",
            Scope::Admin => "admin",
        }
    }
}

impl FromStr for Scope {
    type Err = DomainError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Scope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == raw)
            .ok_or_else(|| DomainError::invalid(format!("unknown scope '{raw}'")))
    }
}

/// A set of scopes, written as a comma-separated list in storage and on the command line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scopes(BTreeSet<Scope>);

impl Scopes {
    /// Everything a user of this role may hold: only admins get `admin`.
    pub fn all_for(role: Role) -> Self {
        Scopes(
            Scope::ALL
                .into_iter()
                .filter(|scope| *scope != Scope::Admin || role == Role::Admin)
                .collect(),
        )
    }

    /// Whether the set holds the scope.
    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    /// Parses `a,b,c`; rejects unknown names so a typo never grants less than intended silently.
    pub fn parse_list(raw: &str) -> Result<Self, DomainError> {
        raw.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(Scope::from_str)
            .collect::<Result<BTreeSet<_>, _>>()
            .map(Scopes)
    }

    /// Keeps only what `allowed` also has: a key never outranks its user.
    pub fn intersect(&self, allowed: &Scopes) -> Scopes {
        Scopes(self.0.intersection(&allowed.0).copied().collect())
    }

    /// The scopes in the set.
    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|s| s.as_str()).collect();
        f.write_str(&names.join(","))
    }
}

macro_rules! text_enum {
    ($ty:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// The name clients send and see.
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),+ }
            }
        }

        impl FromStr for $ty {
            type Err = DomainError;
            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                match raw {
                    $($text => Ok($ty::$variant),)+
                    other => Err(DomainError::invalid(format!(concat!("unknown ", $what, " '{}'"), other))),
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use text_enum;

text_enum!(Role, "role", { Admin => "admin", User => "user" });
text_enum!(Plan, "plan", { Free => "free", Pro => "pro", Enterprise => "enterprise" });

#[derive(Debug, Clone)]
/// An account.
pub struct User {
    /// Its id.
    pub id: UserId,
    /// Its name, unique among users.
    pub name: String,
    /// User or admin.
    pub role: Role,
    /// Its plan.
    pub plan: Plan,
    /// When it was made.
    pub created_at: NaiveDateTime,
}

/// A user as stored, with the password hash that only the accounts use case reads.
#[derive(Debug, Clone)]
pub struct UserRecord {
    /// The user.
    pub user: User,
    /// Their argon2 password hash (PHC string).
    pub password_hash: String,
}

/// An API key as its owner sees it later: never the key itself, only a short public id
/// (the start of its hash), what it may do, and when it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyInfo {
    /// The first 16 hex digits of the key's hash: enough to name it, useless to use it.
    pub id: String,
    /// What it allows.
    pub scopes: Scopes,
    /// When it was made.
    pub created_at: NaiveDateTime,
}

/// How many hex digits of a key's hash name it: enough to tell a user's keys apart.
pub const API_KEY_ID_LEN: usize = 16;

/// The caller of a request: who, and with which scopes.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The user.
    pub user: User,
    /// What this credential allows them now.
    pub scopes: Scopes,
}

impl Principal {
    /// 403 when the credential lacks the scope; the message names it.
    pub fn require(&self, scope: Scope) -> Result<(), DomainError> {
        if self.scopes.contains(scope) {
            Ok(())
        } else {
            Err(DomainError::Forbidden(format!(
                "this credential lacks the '{}' scope",
                scope.as_str()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_round_trip_through_text() {
        let scopes = Scopes::parse_list("media:read, galleries:update").unwrap();
        assert_eq!(scopes.to_string(), "media:read,galleries:update");
        assert!(Scopes::parse_list("media:raed").is_err());
    }

    #[test]
    fn only_admins_get_the_admin_scope() {
        assert!(!Scopes::all_for(Role::User).contains(Scope::Admin));
        assert!(Scopes::all_for(Role::Admin).contains(Scope::Admin));
    }
}
