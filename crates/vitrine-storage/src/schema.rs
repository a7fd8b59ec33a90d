//! Table definitions, written by hand to match `migrations/`.

diesel::table! {
    users (id) {
        id -> Text,
        name -> Text,
        password_hash -> Text,
        role -> Text,
        plan -> Text,
        bytes_used -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_keys (key_hash) {
        key_hash -> Text,
        user_id -> Text,
        scopes -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    settings (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    blobs (id) {
        id -> Text,
        sha256 -> Text,
        md5 -> Text,
        size -> BigInt,
        object_key -> Text,
        ref_count -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    items (id) {
        id -> Text,
        user_id -> Text,
        blob_id -> Text,
        kind -> Text,
        mime -> Text,
        size -> BigInt,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        title -> Nullable<Text>,
        model -> Nullable<Text>,
        description -> Nullable<Text>,
        original_filename -> Text,
        favorite -> Bool,
        status -> Text,
        processing -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        trashed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    tags (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        name_key -> Text,
    }
}

diesel::table! {
    item_tags (item_id, tag_id) {
        item_id -> Text,
        tag_id -> Text,
    }
}

diesel::joinable!(api_keys -> users (user_id));
diesel::joinable!(items -> users (user_id));
diesel::joinable!(items -> blobs (blob_id));
diesel::joinable!(item_tags -> items (item_id));
diesel::joinable!(item_tags -> tags (tag_id));

diesel::allow_tables_to_appear_in_same_query!(
    api_keys, blobs, item_tags, items, settings, tags, users
);
