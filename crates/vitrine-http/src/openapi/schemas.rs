//! Shapes the document names that no handler type carries: a file in a body, and small
//! answers built in place.

use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

/// The bytes of a file (an original, a variant, a ZIP, a page).
pub(crate) struct Binary;

impl PartialSchema for Binary {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl ToSchema for Binary {}

/// `{"success": true, "id"}`: what a delete answers.
#[derive(serde::Serialize, ToSchema)]
pub(crate) struct Deleted {
    success: bool,
    id: String,
}

impl Deleted {
    pub(crate) fn of(id: impl ToString) -> Self {
        Self {
            success: true,
            id: id.to_string(),
        }
    }
}

/// `{"success": true}`.
#[derive(serde::Serialize, ToSchema)]
pub(crate) struct Done {
    success: bool,
}

impl Done {
    pub(crate) fn new() -> Self {
        Self { success: true }
    }
}
