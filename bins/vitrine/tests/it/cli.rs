//! The command line as operators and scripts use it: the real binary, real processes.

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use vitrine_test_support::{fixtures, Vitrine};

const BIN: &str = env!("CARGO_BIN_EXE_vitrine");

fn vitrine(data_dir: &std::path::Path) -> Vitrine {
    Vitrine::new(BIN)
        .arg("--data-dir")
        .arg(data_dir.display().to_string())
}

#[tokio::test]
async fn scripted_setup_then_serve_upload_and_download() {
    let dir = tempfile::tempdir().unwrap();
    // Trusting no checked credential, the server sees the command line's revocation at
    // once (with the default it does within credential_cache_secs: checked_credentials.rs).
    let cli = vitrine(dir.path()).env("VITRINE_CREDENTIAL_CACHE_SECS", "0");
    cli.run(&["user", "add", "alice", "--password", "alice-secret"]);
    let duplicate = cli.output(&["user", "add", "alice", "--password", "alice-secret"]);
    assert!(!duplicate.status.success());
    assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));

    let key = cli.output(&["key", "create", "--user", "alice"]);
    assert!(key.status.success());
    let stdout = String::from_utf8(key.stdout).unwrap();
    let key = stdout.trim();
    assert!(
        key.starts_with("vtr_") && !key.contains(char::is_whitespace),
        "only the key: {stdout:?}"
    );
    assert_eq!(stdout.lines().count(), 1);

    let reader = cli.run(&["key", "create", "--user", "alice", "--scopes", "media:read"]);
    let typo = cli.output(&["key", "create", "--user", "alice", "--scopes", "media:raed"]);
    assert!(!typo.status.success());
    cli.run(&["migrate"]);

    let server = cli.serve().await;
    let base = server.base.clone();
    let health: Value = reqwest::get(format!("{base}/healthz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");

    let client = reqwest::Client::new();
    let png = fixtures::png(40, 30);
    let created = server.upload(key, "red.png", png.clone(), &[]).await;
    let id = created["id"].as_str().unwrap();
    assert!(created["url"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{base}/media/{id}/")));
    let bytes = client
        .get(format!("{base}/api/v1/gallery/{id}/download"))
        .header("X-API-Key", &reader)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.to_vec(), png);

    // A revoked key stops working at once; the other key is unaffected.
    cli.run(&["key", "revoke", "--user", "alice", &reader]);
    let revoked = client
        .get(format!("{base}/api/v1/gallery"))
        .header("X-API-Key", &reader)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 401);
    let other = client
        .get(format!("{base}/api/v1/gallery"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200);
    assert!(!cli
        .output(&["key", "revoke", "--user", "alice", "vtr_unknown"])
        .status
        .success());
    assert!(dir.path().join("vitrine.db").exists());
    assert!(dir.path().join("blobs").is_dir());
}

#[tokio::test]
async fn configuration_comes_from_file_then_environment_then_flags() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("vitrine.toml");
    let from_file = dir.path().join("from-file");
    std::fs::write(
        &config,
        format!("data_dir = {:?}\n", from_file.display().to_string()),
    )
    .unwrap();
    let added = Command::new(BIN)
        .arg("--config")
        .arg(&config)
        .args(["user", "add", "carol", "--password", "carol-secret"])
        .output()
        .unwrap();
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    assert!(
        from_file.join("vitrine.db").exists(),
        "the file chose the data dir"
    );

    let from_env = dir.path().join("from-env");
    let added = Command::new(BIN)
        .arg("--config")
        .arg(&config)
        .env("VITRINE_DATA_DIR", &from_env)
        .args(["user", "add", "carol", "--password", "carol-secret"])
        .output()
        .unwrap();
    assert!(added.status.success());
    assert!(
        from_env.join("vitrine.db").exists(),
        "the environment beat the file"
    );

    let from_flag = dir.path().join("from-flag");
    let added = Command::new(BIN)
        .arg("--config")
        .arg(&config)
        .env("VITRINE_DATA_DIR", &from_env)
        .arg("--data-dir")
        .arg(&from_flag)
        .args(["user", "add", "carol", "--password", "carol-secret"])
        .output()
        .unwrap();
    assert!(added.status.success());
    assert!(
        from_flag.join("vitrine.db").exists(),
        "the flag beat the environment"
    );
}

#[tokio::test]
async fn a_bad_database_url_fails_fast_with_the_real_reason() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let output = Command::new(BIN)
        .args([
            "--database-url",
            "postgres://nobody@127.0.0.1:1/none",
            "migrate",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("connect"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(15));

    let output = Command::new(BIN)
        .args(["--database-url", "mysql://x/y", "migrate"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("unsupported database URL"));
}

#[tokio::test]
async fn media_regenerate_rebuilds_variants_beside_a_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let cli = vitrine(dir.path());
    cli.run(&["user", "add", "alice", "--password", "alice-secret"]);
    let key = cli.run(&["key", "create", "--user", "alice"]);
    let key = key.trim();
    // The server's own workers would race the command for the jobs; here it has none.
    let server = vitrine(dir.path())
        .env("VITRINE_MEDIA_WORKERS", "0")
        .serve()
        .await;
    let created = server
        .upload(key, "wide.png", fixtures::png(1600, 400), &[])
        .await;
    let id = created["id"].as_str().unwrap();
    assert!(created["mediumUrl"].is_string());

    assert!(
        !cli.output(&["media", "regenerate"]).status.success(),
        "--all or --missing"
    );
    let missing = cli.run(&["media", "regenerate", "--missing"]);
    assert!(missing.contains("0 items queued"), "{missing}");
    let all = cli.run(&["media", "regenerate", "--all"]);
    assert!(
        all.contains("1 items queued") && all.contains("regenerated 1 items"),
        "{all}"
    );

    let item =
        vitrine_test_support::get_json(server.url(&format!("/api/v1/gallery/{id}")), key).await;
    assert_eq!(item["processing"], "completed");
    let medium = reqwest::get(item["mediumUrl"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(medium.status(), 200);
    let image = image::load_from_memory(&medium.bytes().await.unwrap()).unwrap();
    assert_eq!((image.width(), image.height()), (1024, 256));
    let storage = vitrine_test_support::get_json(server.url("/api/v1/gallery/storage"), key).await;
    let expected = fixtures::quota_cost(&fixtures::png(1600, 400), "image/png");
    assert_eq!(
        storage["used"], expected,
        "old variants released, new ones counted"
    );
}

/// `--log-format json`: every line a JSON object, and a request's lines carry its id.
#[tokio::test]
async fn json_logs_carry_the_request_id() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("serve.log");
    let cli = vitrine(dir.path())
        .arg("--log-format")
        .arg("json")
        .log_to(&log);
    cli.run(&["user", "add", "alice", "--password", "alice-secret"]);
    let key = cli.run(&["key", "create", "--user", "alice"]);
    let mut server = cli.serve().await;
    let response = reqwest::Client::new()
        .get(server.url("/api/v1/gallery/gal_nothing_here"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body_bytes = response.bytes().await.unwrap().len();

    // The access line is written as the response goes out; give it a moment.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !std::fs::read_to_string(&log)
        .unwrap_or_default()
        .contains(&id)
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Lines are queued and written by a thread of their own: those still queued at a
    // clean exit are written before the process ends.
    assert!(server.terminate().success(), "a clean exit on SIGTERM");
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}")))
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l["fields"]["message"] == "vitrine is serving"),
        "{text}"
    );
    assert!(
        lines.iter().any(|l| l.to_string().contains(&id)),
        "no line names request {id}: {text}"
    );
    // The access line: address, request line, status, bytes sent, time, request id.
    let access = lines
        .iter()
        .filter(|l| l["target"] == "vitrine::access")
        .filter_map(|l| l["fields"]["message"].as_str())
        .find(|message| message.contains(&id))
        .unwrap_or_else(|| panic!("no access line: {text}"));
    let head =
        format!("127.0.0.1 \"GET /api/v1/gallery/gal_nothing_here HTTP/1.1\" 404 {body_bytes} ");
    assert!(access.starts_with(&head), "{access}");
    assert!(access.ends_with(&format!("ms {id}")), "{access}");
    assert_eq!(
        lines.last().map(|l| l["fields"]["message"].clone()),
        Some(Value::from("vitrine stopped")),
        "{text}"
    );
}

/// SIGTERM while a media worker holds a job: the server stops and hands the job's lease
/// back, so the next server takes the job over at once instead of after the lease (ten
/// minutes by default). The first server's ffprobe hangs; the second has none, so it keeps
/// the video without a still and completes the job at once.
#[tokio::test]
async fn a_stopped_server_hands_its_jobs_back() {
    let dir = tempfile::tempdir().unwrap();
    let hang = dir.path().join("hanging-ffprobe");
    std::fs::write(&hang, "#!/bin/sh\nexec sleep 60\n").unwrap();
    std::fs::set_permissions(&hang, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let cli = vitrine(dir.path());
    cli.run(&["user", "add", "alice", "--password", "alice-secret"]);
    let key = cli.run(&["key", "create", "--user", "alice"]);
    let mut first = cli
        .clone()
        .env("VITRINE_FFPROBE_PATH", hang.display().to_string())
        .serve()
        .await;
    let item = first
        .upload(&key, "clip.mp4", fixtures::mp4_container(4000), &[])
        .await;
    let id = item["id"].as_str().unwrap().to_owned();
    let state = |server_url: String| {
        let key = key.clone();
        async move { vitrine_test_support::get_json(server_url, &key).await["processing"].clone() }
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while state(first.url(&format!("/api/v1/gallery/{id}"))).await != "processing" {
        assert!(Instant::now() < deadline, "no worker took the job");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(first.terminate().success(), "a clean exit on SIGTERM");

    let second = cli
        .clone()
        .env("VITRINE_FFPROBE_PATH", "/nonexistent/ffprobe")
        .env("VITRINE_FFMPEG_PATH", "/nonexistent/ffmpeg")
        .serve()
        .await;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let now = state(second.url(&format!("/api/v1/gallery/{id}"))).await;
        if now == "completed" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the job waited for its old lease: {now}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn import_takes_a_folder_tree_once_with_folders_collection_and_dates() {
    let dir = tempfile::tempdir().unwrap();
    let photos = tempfile::tempdir().unwrap();
    let root = photos.path();
    std::fs::create_dir_all(root.join("2021/alps")).unwrap();
    std::fs::create_dir_all(root.join(".thumbnails")).unwrap();
    let alps = fixtures::jpeg_taken_at(64, 48, "2021:06:15 10:30:00");
    let png = fixtures::png(40, 30);
    std::fs::write(root.join("2021/alps/summit.jpg"), &alps).unwrap();
    std::fs::write(root.join("2021/lake.png"), &png).unwrap();
    std::fs::write(root.join("2021/lake copy.png"), &png).unwrap();
    std::fs::write(root.join("notes.txt"), b"not a picture").unwrap();
    std::fs::write(root.join(".thumbnails/x.png"), fixtures::png(8, 8)).unwrap();

    let cli = vitrine(dir.path());
    cli.run(&["user", "add", "ana", "--password", "ana-password"]);
    let tree = root.display().to_string();
    let args = [
        "import",
        &tree,
        "--user",
        "ana",
        "--collection",
        "Trips",
        "--folders",
    ];
    let first = cli.run(&args);
    assert!(
        first.contains("imported 2, skipped 1 (already there), refused 1"),
        "{first}"
    );
    assert!(
        first.contains("notes.txt: "),
        "the refusal says why: {first}"
    );
    let again = cli.run(&args);
    assert!(
        again.contains("imported 0, skipped 3 (already there), refused 1"),
        "re-run: {again}"
    );
    let nobody = cli.output(&["import", &tree, "--user", "nobody"]);
    assert!(!nobody.status.success());

    let key = cli.run(&["key", "create", "--user", "ana"]);
    let key = key.trim();
    let server = cli.serve().await;
    let base = &server.base;
    let items = vitrine_test_support::get_json(format!("{base}/api/v1/gallery"), key).await;
    assert_eq!(items["total"], 2, "{items}");
    let folders =
        vitrine_test_support::get_json(format!("{base}/api/v1/gallery/folders"), key).await;
    let folders = folders["folders"].as_array().unwrap();
    let named = |name: &str| folders.iter().find(|f| f["name"] == name).unwrap().clone();
    assert_eq!(
        named("alps")["parentId"],
        named("2021")["id"],
        "the tree is mirrored"
    );
    assert_eq!(folders.len(), 2);
    let in_alps = vitrine_test_support::get_json(
        format!(
            "{base}/api/v1/gallery?folderId={}",
            named("alps")["id"].as_str().unwrap()
        ),
        key,
    )
    .await;
    assert_eq!(in_alps["items"][0]["originalFilename"], "summit.jpg");
    assert!(
        in_alps["items"][0]["createdAt"]
            .as_str()
            .unwrap()
            .starts_with("2021-06-15"),
        "the photo's own date: {}",
        in_alps["items"][0]["createdAt"]
    );
    let collections =
        vitrine_test_support::get_json(format!("{base}/api/v1/gallery/collections"), key).await;
    assert_eq!(collections["collections"][0]["name"], "Trips");
    assert_eq!(collections["collections"][0]["itemCount"], 2);
    let lake = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["originalFilename"] != "summit.jpg")
        .unwrap();
    let bytes = reqwest::get(lake["url"].as_str().unwrap())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.as_ref(), png.as_slice(), "the exact bytes");
}

/// Two imports of one tree at once on PostgreSQL, both mirroring folders: both finish, and
/// each directory becomes one folder (the second to create one finds the first's).
#[tokio::test]
async fn two_imports_at_once_share_their_folders() {
    let Some(vitrine_test_support::TestBackend::Postgres(pg)) =
        vitrine_test_support::TestBackend::postgres_from_env()
    else {
        return;
    };
    let schema = vitrine_test_support::PgSchema::create(&pg);
    let dir = tempfile::tempdir().unwrap();
    let photos = tempfile::tempdir().unwrap();
    for (n, path) in [
        "a/b/c/1.png",
        "a/b/2.png",
        "a/3.png",
        "d/e/4.png",
        "d/5.png",
    ]
    .iter()
    .enumerate()
    {
        let file = photos.path().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, fixtures::png(20 + n as u32, 20)).unwrap();
    }
    let cli = vitrine(dir.path()).arg("--database-url").arg(schema.url());
    cli.run(&["user", "add", "ana", "--password", "ana-password"]);
    let tree = photos.path().display().to_string();
    for round in 0..3 {
        let outputs: Vec<_> = std::thread::scope(|s| {
            let runs: Vec<_> = (0..2)
                .map(|_| s.spawn(|| cli.output(&["import", &tree, "--user", "ana", "--folders"])))
                .collect();
            runs.into_iter().map(|run| run.join().unwrap()).collect()
        });
        for output in outputs {
            assert!(
                output.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    let key = cli.run(&["key", "create", "--user", "ana"]);
    let server = cli.serve().await;
    let folders = vitrine_test_support::get_json(
        format!("{}/api/v1/gallery/folders", server.base),
        key.trim(),
    )
    .await;
    let mut names: Vec<&str> = folders["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["a", "b", "c", "d", "e"], "each directory once");
}
