//! `TestApp`: the real server on a loopback port, its own database and blob store.

use std::sync::Arc;

use diesel::sql_types::BigInt;
use diesel::{QueryableByName, RunQueryDsl};
use futures::TryStreamExt;
use reqwest::multipart::{Form, Part};
use reqwest::{Client, Response};
use tempfile::TempDir;
use vitrine::app::Parts;
use vitrine::background::Background;
use vitrine::clock::ShiftedClock;
use vitrine_domain::accounts::Accounts;
use vitrine_domain::clock::Clock;
use vitrine_domain::library::jobs::JobSettings;
use vitrine_domain::library::Library;
use vitrine_domain::limits::Limits;
use vitrine_domain::user::{Plan, Role, Scopes};
use vitrine_http::HttpSettings;
use vitrine_storage::{open_store, Db, ObjectBlobStore, S3Settings, StoreUrl};

use crate::backend::{PgSchema, TestBackend, TestStore, S3_TEST_BUCKET};

/// Settings for the loopback S3 server; makes the shared test bucket if it is missing.
pub async fn s3_test_settings(endpoint: &str) -> S3Settings {
    // Local test servers accept any credentials and an unsigned bucket creation.
    let created = Client::new()
        .put(format!(
            "{}/{S3_TEST_BUCKET}",
            endpoint.trim_end_matches('/')
        ))
        .send()
        .await
        .unwrap_or_else(|err| panic!("S3 test server at {endpoint}: {err}"));
    assert!(
        created.status().is_success() || created.status() == 409,
        "creating the test bucket: {}",
        created.status()
    );
    S3Settings {
        endpoint: Some(endpoint.to_owned()),
        allow_http: true,
        region: Some("us-east-1".to_owned()),
        access_key_id: Some("vitrine-test".to_owned()),
        secret_access_key: Some("vitrine-test".to_owned()),
    }
}

pub struct TestAppBuilder {
    backend: TestBackend,
    store: TestStore,
    limits: Limits,
    http: HttpSettings,
    prober: vitrine_media::Prober,
    media_workers: usize,
    /// The address URLs are built from, when not the served one (a proxy's https URL).
    public_url: Option<String>,
}

impl TestAppBuilder {
    pub fn with_store(mut self, store: TestStore) -> Self {
        self.store = store;
        self
    }

    pub fn with_limits(mut self, change: impl FnOnce(&mut Limits)) -> Self {
        change(&mut self.limits);
        self
    }

    /// Another media prober: other variant settings, or missing ffmpeg/heif-convert
    /// binaries to test their absence.
    pub fn with_prober(mut self, prober: vitrine_media::Prober) -> Self {
        self.prober = prober;
        self
    }

    /// No media workers: jobs stay queued for the test to claim itself.
    pub fn without_media_workers(mut self) -> Self {
        self.media_workers = 0;
        self
    }

    pub fn with_http(mut self, change: impl FnOnce(&mut HttpSettings)) -> Self {
        change(&mut self.http);
        self
    }

    /// Builds every URL from `url` instead of the loopback address served (as behind a
    /// TLS proxy).
    pub fn with_public_url(mut self, url: &str) -> Self {
        self.public_url = Some(url.to_owned());
        self
    }

    pub async fn spawn(self) -> TestApp {
        let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("temp dir: {err}"));
        let (database_url, schema) = match &self.backend {
            TestBackend::Sqlite => (
                format!("sqlite://{}", dir.path().join("vitrine.db").display()),
                None,
            ),
            TestBackend::Postgres(server) => {
                let schema = PgSchema::create(server);
                (schema.url(), Some(schema))
            }
        };
        let db = tokio::task::spawn_blocking(move || Db::connect(&database_url))
            .await
            .unwrap_or_else(|err| panic!("{err}"))
            .unwrap_or_else(|err| panic!("connecting: {err}"));
        let db = Arc::new(db);
        let (store_url, s3) = match &self.store {
            TestStore::Local => (
                StoreUrl::Local(dir.path().join("blobs")),
                S3Settings::default(),
            ),
            TestStore::S3(endpoint) => (
                StoreUrl::S3 {
                    bucket: S3_TEST_BUCKET.to_owned(),
                    prefix: format!("test-{}", uuid::Uuid::new_v4().simple()),
                },
                s3_test_settings(endpoint).await,
            ),
        };
        let store = open_store(&store_url, &s3)
            .await
            .unwrap_or_else(|err| panic!("store: {err}"));

        let listener =
            std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|err| panic!("bind: {err}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|err| panic!("addr: {err}"));
        let base_url = format!("http://{addr}");
        let mut http = self.http;
        http.public_url = self.public_url.unwrap_or_else(|| base_url.clone());
        let clock = Arc::new(ShiftedClock::default());
        let state = vitrine::app::state(Parts {
            db: db.clone(),
            store: Arc::new(store.clone()),
            prober: Arc::new(self.prober),
            limits: self.limits,
            http,
            clock: clock.clone(),
            password_checks: 2,
        })
        .await
        .unwrap_or_else(|err| panic!("building the app: {err}"));
        // Media workers as `serve` runs them, polling often so tests wait little; the
        // trash is purged and orphans are swept by the tests themselves.
        let background = Background {
            media_workers: self.media_workers,
            jobs: JobSettings::default(),
            idle: std::time::Duration::from_millis(20),
            trash_purge: None,
            expiry_sweep: None,
            orphan_sweep: None,
            orphan_grace: std::time::Duration::ZERO,
        };

        let (library, accounts) = (state.library.clone(), state.accounts.clone());
        // actix runs its own system; give it a thread so any test runtime can host it.
        let (handle_tx, handle_rx) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                background.spawn(&state.library, &state.metrics);
                let server = vitrine_http::serve(listener, state, 2)
                    .unwrap_or_else(|err| panic!("serve: {err}"));
                let _ = handle_tx.send(server.handle());
                let _ = server.await;
            })
        });
        let handle = handle_rx
            .await
            .unwrap_or_else(|err| panic!("server did not start: {err}"));
        TestApp {
            base_url,
            client: Client::new(),
            handle,
            // The server's own: a key revoked through it is this instance's revocation.
            accounts,
            library,
            db,
            store,
            clock,
            _schema: schema,
            dir,
        }
    }
}

pub struct TestApp {
    base_url: String,
    client: Client,
    handle: actix_web::dev::ServerHandle,
    accounts: Accounts,
    library: Library,
    db: Arc<Db>,
    store: ObjectBlobStore,
    clock: Arc<ShiftedClock>,
    // Dropped after the server stops: the schema, then the temp folder.
    _schema: Option<PgSchema>,
    dir: TempDir,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command; the server thread winds down on its own.
        drop(self.handle.stop(false));
    }
}

/// A user with a full-scope API key.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub name: String,
    pub password: String,
    pub key: String,
}

impl TestApp {
    pub fn builder(backend: TestBackend) -> TestAppBuilder {
        TestAppBuilder {
            backend,
            store: TestStore::Local,
            limits: Limits::default(),
            http: HttpSettings::default(),
            prober: vitrine_media::Prober::default(),
            media_workers: 2,
            public_url: None,
        }
    }

    /// PostgreSQL: the server closes every connection this app holds, as a restart of the
    /// database would; the number closed. `None` on SQLite.
    pub fn close_database_connections(&self) -> Option<usize> {
        self._schema.as_ref().map(PgSchema::close_connections)
    }

    /// SQLite: another connection to the app's database holding its write lock (`BEGIN
    /// IMMEDIATE`) until it is dropped, as a long write elsewhere would. `None` on
    /// PostgreSQL.
    pub fn hold_sqlite_write_lock(&self) -> Option<diesel::SqliteConnection> {
        use diesel::connection::SimpleConnection;
        use diesel::Connection;
        self._schema.is_none().then(|| {
            let path = self.dir.path().join("vitrine.db");
            let mut conn = diesel::SqliteConnection::establish(&path.display().to_string())
                .unwrap_or_else(|err| panic!("opening the database: {err}"));
            conn.batch_execute("BEGIN IMMEDIATE")
                .unwrap_or_else(|err| panic!("taking the write lock: {err}"));
            conn
        })
    }

    /// The database, for driving repositories directly.
    pub fn db(&self) -> Arc<Db> {
        self.db.clone()
    }

    /// Now, by the server's clock.
    pub fn now(&self) -> chrono::NaiveDateTime {
        self.clock.now()
    }

    /// Moves the server's clock forward, for expiry.
    pub fn advance_clock(&self, by: chrono::Duration) {
        self.clock.advance(by);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The use cases behind the API, for what has no route yet.
    pub fn library(&self) -> &Library {
        &self.library
    }

    /// The caller a key stands for, to call the use cases directly.
    pub async fn principal(&self, key: &str) -> vitrine_domain::user::Principal {
        self.accounts
            .authenticate(key)
            .await
            .unwrap_or_else(|err| panic!("authenticating: {err}"))
    }

    /// Revokes one of `name`'s keys through this instance.
    pub async fn revoke_key(&self, name: &str, key: &str) {
        self.accounts
            .revoke_api_key(name, key)
            .await
            .unwrap_or_else(|err| panic!("revoking a key of {name}: {err}"));
    }

    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    pub async fn user(&self, name: &str) -> TestUser {
        self.user_with(name, Role::User, Plan::Free).await
    }

    pub async fn user_with(&self, name: &str, role: Role, plan: Plan) -> TestUser {
        let password = format!("{name}-password");
        self.accounts
            .add_user(name, &password, role, plan)
            .await
            .unwrap_or_else(|err| panic!("adding {name}: {err}"));
        let key = self.key(name, None).await;
        TestUser {
            name: name.to_owned(),
            password,
            key,
        }
    }

    /// Another key for an existing user, optionally narrowed to `scopes` ("a,b").
    pub async fn key(&self, name: &str, scopes: Option<&str>) -> String {
        let scopes = scopes.map(|s| Scopes::parse_list(s).unwrap_or_else(|err| panic!("{err}")));
        self.accounts
            .create_api_key(name, scopes)
            .await
            .unwrap_or_else(|err| panic!("key for {name}: {err}"))
    }

    pub async fn get(&self, key: &str, path: &str) -> Response {
        self.send(self.client.get(self.url(path)).bearer_auth(key))
            .await
    }

    pub async fn delete(&self, key: &str, path: &str) -> Response {
        self.send(self.client.delete(self.url(path)).bearer_auth(key))
            .await
    }

    pub async fn patch(&self, key: &str, path: &str, body: serde_json::Value) -> Response {
        self.send(
            self.client
                .patch(self.url(path))
                .bearer_auth(key)
                .json(&body),
        )
        .await
    }

    pub async fn post(&self, key: &str, path: &str, body: serde_json::Value) -> Response {
        self.send(
            self.client
                .post(self.url(path))
                .bearer_auth(key)
                .json(&body),
        )
        .await
    }

    /// A DELETE with a JSON body, as removing items from a collection takes.
    pub async fn delete_with(&self, key: &str, path: &str, body: serde_json::Value) -> Response {
        self.send(
            self.client
                .delete(self.url(path))
                .bearer_auth(key)
                .json(&body),
        )
        .await
    }

    /// GETs `path` and returns its JSON, failing the test unless it is 200.
    pub async fn get_ok(&self, key: &str, path: &str) -> serde_json::Value {
        let response = self.get(key, path).await;
        let status = response.status();
        let body: serde_json::Value = response.json().await.unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// POSTs `body` to a collection endpoint (folders, collections) and returns the `id`
    /// of what it created, failing the test unless it is 201 or 200.
    pub async fn create(&self, key: &str, path: &str, body: serde_json::Value) -> String {
        let response = self.post(key, path, body).await;
        let status = response.status();
        let body: serde_json::Value = response.json().await.unwrap_or_else(|err| panic!("{err}"));
        assert!(status.is_success(), "POST {path}: {status} {body}");
        body["id"]
            .as_str()
            .unwrap_or_else(|| panic!("POST {path}: no id in {body}"))
            .to_owned()
    }

    /// Runs one SQL statement straight on the database, for setting up states the API
    /// cannot reach quickly (an upload made last year, trash trashed a month ago).
    pub async fn execute_sql(&self, statement: String) {
        self.db
            .run(move |conn| {
                diesel::sql_query(statement.clone())
                    .execute(conn)
                    .map_err(vitrine_domain::DomainError::internal)
            })
            .await
            .unwrap_or_else(|err| panic!("executing SQL: {err}"));
    }

    /// `POST /api/v1/gallery` with `file` and the given text fields.
    pub async fn upload(
        &self,
        key: &str,
        filename: &str,
        bytes: Vec<u8>,
        fields: &[(&str, &str)],
    ) -> Response {
        let mut form = Form::new();
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        form = form.part("file", Part::bytes(bytes).file_name(filename.to_owned()));
        self.send(
            self.client
                .post(self.url("/api/v1/gallery"))
                .bearer_auth(key)
                .multipart(form),
        )
        .await
    }

    /// Uploads and returns the created item's JSON, failing the test unless it is 201.
    pub async fn upload_ok(&self, key: &str, filename: &str, bytes: Vec<u8>) -> serde_json::Value {
        let response = self.upload(key, filename, bytes, &[]).await;
        let status = response.status();
        let body: serde_json::Value = response.json().await.unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(status, 201, "{body}");
        body
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Response {
        request
            .send()
            .await
            .unwrap_or_else(|err| panic!("request failed: {err}"))
    }

    /// Rows in a table, counted straight in the database.
    pub async fn count_rows(&self, table: &'static str) -> i64 {
        self.count_rows_where(table, "TRUE").await
    }

    /// Rows in a table that meet an SQL condition, counted straight in the database.
    pub async fn count_rows_where(&self, table: &'static str, condition: &'static str) -> i64 {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        self.db
            .run(move |conn| {
                diesel::sql_query(format!(
                    "SELECT COUNT(*) AS n FROM {table} WHERE {condition}"
                ))
                .get_result::<Count>(conn)
                .map(|c| c.n)
                .map_err(vitrine_domain::DomainError::internal)
            })
            .await
            .unwrap_or_else(|err| panic!("counting {table}: {err}"))
    }

    /// Objects in the blob store, counted by listing it.
    pub async fn blob_objects(&self) -> usize {
        use object_store::ObjectStore;
        self.store
            .inner()
            .list(None)
            .try_collect::<Vec<_>>()
            .await
            .unwrap_or_else(|err| panic!("listing blobs: {err}"))
            .len()
    }

    /// Deletes an item's stored bytes behind the service's back, as a failing disk would.
    pub async fn lose_blob_of(&self, item_id: &str) {
        #[derive(QueryableByName)]
        struct Key {
            #[diesel(sql_type = diesel::sql_types::Text)]
            object_key: String,
        }
        let sql = format!(
            "SELECT b.object_key FROM items i JOIN blobs b ON b.id = i.blob_id WHERE i.id = '{}'",
            item_id.replace('\'', "")
        );
        let key = self
            .db
            .run(move |conn| {
                diesel::sql_query(sql)
                    .get_result::<Key>(conn)
                    .map(|k| k.object_key)
                    .map_err(vitrine_domain::DomainError::internal)
            })
            .await
            .unwrap_or_else(|err| panic!("finding the blob of {item_id}: {err}"));
        use object_store::ObjectStoreExt;
        self.store
            .inner()
            .delete(&object_store::path::Path::from(key))
            .await
            .unwrap_or_else(|err| panic!("deleting the blob of {item_id}: {err}"));
    }

    /// Writes an object no row references, as a process killed between writing an
    /// upload's bytes and recording it leaves behind.
    pub async fn leave_orphan(&self, key: &str) {
        use object_store::ObjectStoreExt;
        self.store
            .inner()
            .put(
                &object_store::path::Path::from(key),
                b"orphan".to_vec().into(),
            )
            .await
            .unwrap_or_else(|err| panic!("writing {key}: {err}"));
    }

    /// Like [`TestApp::leave_orphan`], written `age` ago by the file's own clock, so it
    /// is old while uploads in progress are not: folder stores only.
    pub async fn leave_old_orphan(&self, key: &str, age: std::time::Duration) {
        self.leave_orphan(key).await;
        let path = self.dir.path().join("blobs").join(key);
        let file = std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap_or_else(|err| panic!("{} (folder stores only): {err}", path.display()));
        file.set_modified(std::time::SystemTime::now() - age)
            .unwrap_or_else(|err| panic!("backdating {}: {err}", path.display()));
    }

    /// Begins a multipart write and never finishes it, as a process killed mid-upload
    /// does: a staging file in a folder store, an open multipart upload on S3.
    pub async fn leave_unfinished_write(&self, key: &str) {
        use object_store::ObjectStoreExt;
        let mut upload = self
            .store
            .inner()
            .put_multipart(&object_store::path::Path::from(key))
            .await
            .unwrap_or_else(|err| panic!("starting {key}: {err}"));
        upload
            .put_part(b"half an upload".to_vec().into())
            .await
            .unwrap_or_else(|err| panic!("writing part of {key}: {err}"));
        // Dropping it would clean up; a killed process never gets the chance.
        std::mem::forget(upload);
    }

    /// Writes begun under `prefix` and never finished.
    pub async fn unfinished_writes(&self, prefix: &str) -> Vec<vitrine_storage::UnfinishedWrite> {
        self.store
            .unfinished_writes(prefix)
            .await
            .unwrap_or_else(|err| panic!("listing unfinished writes: {err}"))
    }
}
