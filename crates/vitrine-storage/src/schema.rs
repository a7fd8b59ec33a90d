// @generated automatically by Diesel CLI.

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
    blobs (id) {
        id -> Text,
        sha256 -> Text,
        md5 -> Text,
        size -> Int8,
        object_key -> Text,
        ref_count -> Int8,
        created_at -> Timestamp,
    }
}

diesel::table! {
    categories (id) {
        id -> Int4,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    collection_items (collection_id, item_id) {
        collection_id -> Text,
        item_id -> Text,
        added_at -> Timestamp,
        status -> Text,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    collections (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        description -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    folders (id) {
        id -> Text,
        user_id -> Text,
        parent_id -> Nullable<Text>,
        name -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    galleries (id) {
        id -> Text,
        user_id -> Text,
        author_id -> Text,
        slug -> Text,
        status -> Text,
        cover_item_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    gallery_media (gallery_id, item_id) {
        gallery_id -> Text,
        item_id -> Text,
        position -> Int4,
        caption -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    gallery_translations (id) {
        id -> Text,
        gallery_id -> Text,
        language_id -> Text,
        title -> Nullable<Text>,
        description -> Nullable<Text>,
        meta_title -> Nullable<Text>,
        meta_description -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    group_members (group_id, user_id) {
        group_id -> Int4,
        user_id -> Text,
        added_at -> Timestamp,
    }
}

diesel::table! {
    item_counts (user_id, status, folder_key, kind, favorite) {
        user_id -> Text,
        status -> Text,
        folder_key -> Text,
        kind -> Text,
        favorite -> Bool,
        n -> Int8,
    }
}

diesel::table! {
    item_inputs (item_id, input_id) {
        item_id -> Text,
        input_id -> Text,
        position -> Int4,
    }
}

diesel::table! {
    item_size_counts (user_id, status, kind, size_class) {
        user_id -> Text,
        status -> Text,
        kind -> Text,
        size_class -> Int8,
        n -> Int8,
    }
}

diesel::table! {
    item_tags (item_id, tag_id) {
        item_id -> Text,
        tag_id -> Text,
        status -> Text,
        created_at -> Timestamp,
        tag_set -> Nullable<Text>,
    }
}

diesel::table! {
    item_variants (item_id, variant) {
        item_id -> Text,
        variant -> Text,
        blob_id -> Text,
        mime -> Text,
        width -> Int4,
        height -> Int4,
        size -> Int8,
    }
}

diesel::table! {
    items (id) {
        id -> Text,
        user_id -> Text,
        blob_id -> Text,
        kind -> Text,
        mime -> Text,
        size -> Int8,
        width -> Nullable<Int4>,
        height -> Nullable<Int4>,
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
        folder_id -> Nullable<Text>,
        placeholder -> Nullable<Text>,
        duration_secs -> Nullable<Float8>,
        is_animated -> Bool,
        phash -> Nullable<Text>,
        taken_at -> Nullable<Text>,
        camera -> Nullable<Text>,
        is_360 -> Bool,
        codec -> Nullable<Text>,
        alt_text -> Nullable<Text>,
        quality_score -> Nullable<Float8>,
        project_id -> Nullable<Int4>,
        feedback -> Nullable<Text>,
        processing_ms -> Nullable<Int8>,
        nsfw -> Bool,
        category_id -> Nullable<Int4>,
        expires_at -> Nullable<Timestamp>,
        link_code -> Nullable<Text>,
        link_views -> Int8,
        delete_token_hash -> Nullable<Text>,
        job_id -> Nullable<Text>,
        image_index -> Nullable<Int4>,
        group_index -> Nullable<Int4>,
        version -> Int4,
        input_description -> Nullable<Text>,
        download_filename -> Nullable<Text>,
        feedback_comment -> Nullable<Text>,
        review_status -> Nullable<Text>,
        review_annotations -> Nullable<Text>,
        claimed_by -> Nullable<Text>,
        claimed_at -> Nullable<Timestamp>,
        has_inputs -> Bool,
    }
}

diesel::table! {
    languages (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    media_jobs (id) {
        id -> Text,
        item_id -> Text,
        kind -> Text,
        priority -> Int4,
        status -> Text,
        attempts -> Int4,
        lease_until -> Nullable<Timestamp>,
        error -> Nullable<Text>,
        duration_ms -> Nullable<Int8>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    project_counts (project_id, processing) {
        project_id -> Int4,
        processing -> Text,
        n -> Int8,
    }
}

diesel::table! {
    projects (id) {
        id -> Int4,
        user_id -> Text,
        name -> Text,
        project_key -> Text,
        group_id -> Nullable<Int4>,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    settings (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    share_failures (bucket) {
        bucket -> Text,
        window_start -> Timestamp,
        failures -> Int8,
    }
}

diesel::table! {
    shares (id) {
        id -> Text,
        token_hash -> Text,
        user_id -> Text,
        item_id -> Nullable<Text>,
        collection_id -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        allow_download -> Bool,
        hide_metadata -> Bool,
        expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    tag_counts (tag_id, status) {
        tag_id -> Text,
        status -> Text,
        n -> Int8,
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
    user_groups (id) {
        id -> Int4,
        name -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        name -> Text,
        password_hash -> Text,
        role -> Text,
        plan -> Text,
        bytes_used -> Int8,
        created_at -> Timestamp,
    }
}

diesel::joinable!(api_keys -> users (user_id));
diesel::joinable!(collection_items -> collections (collection_id));
diesel::joinable!(collection_items -> items (item_id));
diesel::joinable!(collections -> users (user_id));
diesel::joinable!(folders -> users (user_id));
diesel::joinable!(galleries -> items (cover_item_id));
diesel::joinable!(gallery_media -> galleries (gallery_id));
diesel::joinable!(gallery_media -> items (item_id));
diesel::joinable!(gallery_translations -> galleries (gallery_id));
diesel::joinable!(gallery_translations -> languages (language_id));
diesel::joinable!(group_members -> user_groups (group_id));
diesel::joinable!(group_members -> users (user_id));
diesel::joinable!(item_tags -> items (item_id));
diesel::joinable!(item_tags -> tags (tag_id));
diesel::joinable!(item_variants -> blobs (blob_id));
diesel::joinable!(item_variants -> items (item_id));
diesel::joinable!(items -> blobs (blob_id));
diesel::joinable!(items -> categories (category_id));
diesel::joinable!(items -> folders (folder_id));
diesel::joinable!(items -> projects (project_id));
diesel::joinable!(media_jobs -> items (item_id));
diesel::joinable!(project_counts -> projects (project_id));
diesel::joinable!(projects -> user_groups (group_id));
diesel::joinable!(projects -> users (user_id));
diesel::joinable!(shares -> collections (collection_id));
diesel::joinable!(shares -> items (item_id));
diesel::joinable!(shares -> users (user_id));
diesel::joinable!(tag_counts -> tags (tag_id));
diesel::joinable!(tags -> users (user_id));
diesel::joinable!(user_groups -> users (created_by));

diesel::allow_tables_to_appear_in_same_query!(
    api_keys,
    blobs,
    categories,
    collection_items,
    collections,
    folders,
    galleries,
    gallery_media,
    gallery_translations,
    group_members,
    item_counts,
    item_inputs,
    item_size_counts,
    item_tags,
    item_variants,
    items,
    languages,
    media_jobs,
    project_counts,
    projects,
    settings,
    share_failures,
    shares,
    tag_counts,
    tags,
    user_groups,
    users,
);
