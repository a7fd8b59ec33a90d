//! Path parameters many operations share, described once.
#![allow(dead_code)]

use utoipa::IntoParams;

macro_rules! path_param {
    ($(#[doc = $doc:literal])* $name:ident { $field:ident }) => {
        $(#[doc = $doc])*
        #[derive(IntoParams)]
        #[into_params(parameter_in = Path)]
        pub(crate) struct $name {
            $(#[doc = $doc])*
            $field: String,
        }
    };
}

path_param!(
    /// The item's id (`gal_…`).
    ItemPath { id }
);
path_param!(
    /// The collection's id.
    CollectionPath { id }
);
path_param!(
    /// The folder's id.
    FolderPath { id }
);
path_param!(
    /// The gallery's id (a UUID).
    GalleryPath { id }
);
path_param!(
    /// The project's id.
    ProjectPath { id }
);
path_param!(
    /// The group's id.
    GroupPath { id }
);
path_param!(
    /// The share link's token.
    SharePath { token }
);
path_param!(
    /// The delete token a spec 5 upload answered with.
    DeleteTokenPath { token }
);
path_param!(
    /// A public link's code.
    CodePath { code }
);
path_param!(
    /// An item's id, in a gallery.
    GalleryItemPath { media_id }
);
path_param!(
    /// An item's id, in a shared collection or a published gallery.
    MemberPath { item }
);
path_param!(
    /// The gallery's address.
    SlugPath { slug }
);
