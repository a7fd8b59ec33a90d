//! What every operation shares, written into the generated document once instead of into
//! ninety annotations: the ways to send a credential, and the error shape.

use serde_json::{json, Map, Value};

/// Annotations name the scopes an operation needs once, under `bearer`; a key in
/// `X-API-Key` or the dashboard's session cookie carries the same scopes.
const SAME_SCOPES_AS_BEARER: [&str; 2] = ["api_key", "session"];

pub(super) fn apply(document: &mut Value) {
    document["components"]["securitySchemes"] = security_schemes();
    let Some(paths) = document["paths"].as_object_mut() else {
        return;
    };
    for (path, operations) in paths.iter_mut() {
        let Some(operations) = operations.as_object_mut() else {
            continue;
        };
        for (method, operation) in operations.iter_mut() {
            operation["operationId"] = operation_id(method, path).into();
            widen_security(operation);
            add_default_error(operation);
        }
    }
}

/// Handlers in different modules share names (`list`, `delete`), so an operation's id is
/// made from its method and path, which are unique: `GET /api/v1/gallery/{id}/download` is
/// `get_api_v1_gallery_by_id_download`.
fn operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_owned();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                id.push_str("by_");
                id.push_str(param);
            }
            None => id.extend(segment.chars().map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })),
        }
    }
    id
}

fn security_schemes() -> Value {
    json!({
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key (`vtr_…`) or an access token from `POST /api/v1/auth/token`. \
                            The scopes listed on an operation are the ones its credential needs.",
        },
        "api_key": {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": "An API key (`vtr_…`).",
        },
        "session": {
            "type": "apiKey",
            "in": "cookie",
            "name": "vitrine_session",
            "description": "The dashboard's session, with all of the user's scopes. A request that \
                            changes something also sends the session's CSRF token as `X-CSRF-Token`.",
        },
        "metrics_token": {
            "type": "http",
            "scheme": "bearer",
            "description": "The operator's `metrics_token`, for `/metrics` only.",
        },
        "v1_key": {
            "type": "apiKey",
            "in": "query",
            "name": "key",
            "description": "Spec 5's API key parameter (also accepted as the `X-API-Key` \
                            header or a form field).",
        },
    })
}

/// `[{"bearer": scopes}]` becomes `[{"bearer": s}, {"api_key": s}, {"session": s}]`.
fn widen_security(operation: &mut Value) {
    let Some(requirements) = operation.get_mut("security").and_then(Value::as_array_mut) else {
        return;
    };
    let mut widened = Vec::new();
    for requirement in requirements.iter() {
        widened.push(requirement.clone());
        if let Some(scopes) = requirement.get("bearer") {
            for scheme in SAME_SCOPES_AS_BEARER {
                let mut alternative = Map::new();
                alternative.insert(scheme.to_owned(), scopes.clone());
                widened.push(Value::Object(alternative));
            }
        }
    }
    *requirements = widened;
}

/// Any status an operation does not list answers with the error shape of docs/API.md.
fn add_default_error(operation: &mut Value) {
    let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    responses.entry("default").or_insert_with(|| {
        json!({
            "description": "Refused or failed: the status says why (docs/API.md, \"Errors\").",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bearer_requirement_is_offered_through_every_credential() {
        let mut operation = json!({"security": [{"bearer": ["media:read"]}], "responses": {}});
        widen_security(&mut operation);
        assert_eq!(
            operation["security"],
            json!([{"bearer": ["media:read"]}, {"api_key": ["media:read"]}, {"session": ["media:read"]}])
        );
    }

    #[test]
    fn operation_ids_come_from_method_and_path() {
        assert_eq!(
            operation_id("get", "/api/v1/gallery/{id}/download"),
            "get_api_v1_gallery_by_id_download"
        );
        assert_eq!(operation_id("post", "/api/1/upload"), "post_api_1_upload");
        assert_eq!(operation_id("get", "/healthz"), "get_healthz");
    }

    #[test]
    fn a_listed_default_is_kept() {
        let mut operation = json!({"responses": {"default": {"description": "html"}}});
        add_default_error(&mut operation);
        assert_eq!(operation["responses"]["default"]["description"], "html");
    }
}
